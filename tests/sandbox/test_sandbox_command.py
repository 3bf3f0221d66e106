"""``pulumi-speko sandbox`` as a process: banner, keys, persistence, clean stop."""

from __future__ import annotations

import argparse
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from pulumi_speko.sandbox.command import add_arguments, parse_api_key

STARTUP_SECONDS = 60  # a bound, not a wait: a loaded machine starts a sandbox slowly
REQUEST_SECONDS = 60


class SandboxProcess:
    """A running ``pulumi-speko sandbox`` and the lines it printed."""

    def __init__(self, args: list[str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulumi_speko.cli", "sandbox", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()
        self.banner = self._read_until("Press Ctrl-C")
        found = re.search(r"listening on (http://\S+)", self.banner)
        assert found, self.banner
        self.base_url = found.group(1)

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def _read_until(self, marker: str) -> str:
        seen = ""
        while marker not in seen:
            seen += self.lines.get(timeout=STARTUP_SECONDS)
        return seen

    def stop(self, sig: int) -> tuple[int, str]:
        """Send ``sig``; the exit code and what was printed after the banner."""
        self.process.send_signal(sig)
        code = self.process.wait(timeout=STARTUP_SECONDS)
        rest = ""
        while not self.lines.empty():
            rest += self.lines.get()
        return code, rest


@contextmanager
def sandbox_process(*args: str) -> Iterator[SandboxProcess]:
    running = SandboxProcess(list(args))
    try:
        yield running
    finally:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait()


def _get(base_url: str, key: str, path: str = "/v1/phone-numbers") -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"}
    return httpx.get(base_url + path, headers=headers, timeout=REQUEST_SECONDS)


def test_serves_the_seed_and_stops_cleanly_on_sigterm() -> None:
    with sandbox_process() as running:
        assert "sk_test_demo (org_demo)" in running.banner
        assert "sk_test_other (org_other)" in running.banner
        assert "sandbox-admin" in running.banner
        assert _get(running.base_url, "sk_test_demo").json() == []
        available = _get(running.base_url, "sk_test_demo", "/v1/phone-numbers/available")
        assert len(available.json()) == 10
        code, rest = running.stop(signal.SIGTERM)
    assert code == 0
    assert "stopped" in rest


def test_extra_keys_and_persistence_across_runs(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    options = ["--db", db, "--api-key", "org_ci=sk_ci", "--api-key", "sk_extra"]
    with sandbox_process(*options, "--pool-size", "90") as first:
        assert "sk_ci (org_ci)" in first.banner and "sk_extra (org_demo)" in first.banner
        imported = httpx.post(
            first.base_url + "/v1/phone-numbers/import",
            json={"e164": "+442071234567", "sipConnectionInstallationId": "sci_demo"},
            headers={"Authorization": "Bearer sk_ci"},
            timeout=REQUEST_SECONDS,
        )
        assert imported.status_code == 201
        assert _get(first.base_url, "sk_extra").json() == []
        code, _ = first.stop(signal.SIGINT)
        assert code == 0
    with sandbox_process("--db", db) as second:
        assert _get(second.base_url, "sk_ci").json() == [imported.json()]
        search = _get(second.base_url, "sk_ci", "/v1/phone-numbers/available?areaCode=415&limit=50")
        assert len(search.json()) == 30
        assert second.stop(signal.SIGTERM)[0] == 0


def test_help_documents_the_options() -> None:
    parser = argparse.ArgumentParser(prog="pulumi-speko sandbox")
    add_arguments(parser)
    text = parser.format_help()
    for option in ("--host", "--port", "--db", "--api-key", "--admin-token", "--pool-size"):
        assert option in text
    assert "ORG=KEY" in text
    args = parser.parse_args([])
    assert (args.host, args.port, args.db, args.admin_token, args.pool_size) == (
        "127.0.0.1",
        8787,
        ":memory:",
        "sandbox-admin",
        60,
    )


@pytest.mark.parametrize(
    ("text", "pair"),
    [("sk_x", ("org_demo", "sk_x")), ("org_a=sk_a", ("org_a", "sk_a"))],
)
def test_api_key_option_forms(text: str, pair: tuple[str, str]) -> None:
    assert parse_api_key(text) == pair


@pytest.mark.parametrize("text", ["=sk", "org=", ""])
def test_malformed_api_key_options_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_api_key(text)


def test_importing_the_command_loads_no_web_framework() -> None:
    probe = (
        "import sys, pulumi_speko, pulumi_speko.sandbox, pulumi_speko.sandbox.command;"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def _refused_start(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``pulumi-speko sandbox ARGS`` that must refuse to start (bounded wait)."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_speko.cli", "sandbox", *args],
        capture_output=True,
        text=True,
        timeout=STARTUP_SECONDS,
    )


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--port", "99999"], "--port"),
        (["--port", "-1"], "--port"),
        (["--port", "0", "--db", "/nonexistent/x.db"], "/nonexistent/x.db"),
        (["--port", "0", "--api-key", "sk bad"], "--api-key"),
        (["--port", "0", "--api-key", "org_ci=sk_ci "], "--api-key"),
    ],
)
def test_unusable_options_fail_with_one_line_and_no_traceback(
    args: list[str], named: str
) -> None:
    finished = _refused_start(*args)
    assert finished.returncode != 0
    assert "Traceback" not in finished.stderr
    error_lines = [line for line in finished.stderr.splitlines() if "error:" in line]
    assert len(error_lines) == 1 and named in error_lines[0], finished.stderr
    assert finished.stdout == ""  # no banner: nothing was served


def test_a_database_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("this is not a database\n" * 100)
    finished = _refused_start("--port", "0", "--db", str(not_a_db))
    assert finished.returncode == 1 and "Traceback" not in finished.stderr
    assert finished.stderr.count("\n") == 1 and str(not_a_db) in finished.stderr


@pytest.mark.parametrize("text", ["sk bad", "org_a=sk\tx", " sk_x", "org a=sk_x"])
def test_api_keys_with_whitespace_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match="whitespace"):
        parse_api_key(text)
