"""The harness starts, stops and reports on the host process like the engine would."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Iterator
from pathlib import Path

import dummy_provider as dummy
import pytest
from pulumi_speko.testing.engine import EngineHost, EngineStartError, serialize_provider

PROVIDER = serialize_provider(dummy.DummyProvider())

SIGKILL_EXIT = -9


def fake_host(root: Path, main: str) -> Path:
    """A directory whose `pulumi.dynamic` package shadows the SDK's, running ``main``."""
    package = root / "pulumi" / "dynamic"
    package.mkdir(parents=True)
    (root / "pulumi" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(textwrap.dedent(main))
    return root


@pytest.fixture
def sigint_ignored() -> Iterator[None]:
    """This process ignoring SIGINT, as a job started with `&` or `nohup` does (its
    children inherit that)."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_a_host_launched_where_sigint_is_ignored_still_stops_on_sigint(
    tmp_path: Path, sigint_ignored: None
) -> None:
    # Inherited, the ignored SIGINT would leave the host running until the close timeout
    # killed it (-9): every test of a suite run in the background would wait that long.
    with EngineHost(cwd=tmp_path) as host:
        host.configure({})

    assert host.returncode == 0
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN  # this process untouched


def test_host_imports_provider_via_pythonpath_and_exits_zero(tmp_path: Path) -> None:
    host = EngineHost(
        cwd=tmp_path,
        env={"PYTHONPATH": str(dummy.IMPORT_ROOT), dummy.STORE_ENV: str(tmp_path)},
    )
    with host:
        host.configure({})
        id_, _ = host.create(dummy.TYPE_TOKEN, "p", {"__provider": PROVIDER, "name": "p"})
        assert (tmp_path / f"{id_}.json").exists()

    assert host.returncode == 0
    assert host.stderr_text() == ""


def test_calls_before_configure_are_refused(tmp_path: Path) -> None:
    host = EngineHost(cwd=dummy.IMPORT_ROOT, env={dummy.STORE_ENV: str(tmp_path)})
    with host, pytest.raises(RuntimeError, match="configure"):
        host.check(dummy.TYPE_TOKEN, "x", {}, {"__provider": PROVIDER, "name": "x"})

    assert not (tmp_path / "config.json").exists()


def test_calls_on_an_unstarted_host_are_refused() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        EngineHost().configure({})


def test_secret_keys_must_be_config_keys() -> None:
    with EngineHost() as host, pytest.raises(ValueError, match="speko:apiKey"):
        host.configure({"speko:baseUrl": "http://x"}, secret_keys=["speko:apiKey"])


def test_host_dying_at_start_reports_its_stderr(tmp_path: Path) -> None:
    root = fake_host(tmp_path, "raise SystemExit('shadow host refuses to start')\n")

    with pytest.raises(EngineStartError, match="shadow host refuses to start") as caught:
        EngineHost(cwd=root).start()

    assert "exited before printing its port" in str(caught.value)


def test_host_printing_garbage_instead_of_a_port_is_reported(tmp_path: Path) -> None:
    root = fake_host(tmp_path, "print('hello from a banner')\nimport time\ntime.sleep(60)\n")

    with pytest.raises(EngineStartError, match="'hello from a banner' instead of a port"):
        EngineHost(cwd=root, close_timeout=2).start()


def test_host_printing_no_port_times_out_and_is_stopped(tmp_path: Path) -> None:
    root = fake_host(tmp_path, "import time\ntime.sleep(60)\n")
    host = EngineHost(cwd=root, start_timeout=0.5, close_timeout=2)

    with pytest.raises(EngineStartError, match=r"printed no port within 0\.5s"):
        host.start()

    assert host.returncode is not None


def test_close_kills_a_host_that_ignores_sigint(tmp_path: Path) -> None:
    root = fake_host(
        tmp_path,
        """
        import signal, threading
        from concurrent import futures
        import grpc
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
        port = server.add_insecure_port("127.0.0.1:0")
        server.start()
        print(port, flush=True)
        threading.Event().wait()
        """,
    )
    host = EngineHost(cwd=root, close_timeout=1).start()

    host.close()

    assert host.returncode == SIGKILL_EXIT
