"""The ``speko`` pytest plugin as a user's test session sees it: registered by its entry
point, light to import, its fixtures the suite's own, and a clear line without the
sandbox extra."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from pulumi_speko.testing import RunningSandbox, SpekoSandbox

from .support import run_python

HEAVY_MODULES = frozenset(
    {
        "fastapi",
        "uvicorn",
        "pulumi",
        "httpx",
        "pydantic",
        "pulumi_speko.runner",
        "pulumi_speko.sandbox",
        "pulumi_speko.testing.sandbox",
        "pulumi_speko.testing.kit",
    }
)


def test_the_package_registers_the_plugin_as_speko() -> None:
    plugins = entry_points(group="pytest11")
    assert [plugin.value for plugin in plugins if plugin.name == "speko"] == [
        "pulumi_speko.testing.pytest_plugin"
    ]


def test_importing_the_plugin_loads_no_sandbox_server_runner_or_pulumi(tmp_path: Path) -> None:
    listing = "import sys, pulumi_speko.testing.pytest_plugin; print(*sorted(sys.modules))"
    finished = run_python("-c", listing, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    loaded = set(finished.stdout.split())
    assert "pulumi_speko.testing.pytest_plugin" in loaded
    assert not loaded & HEAVY_MODULES


def test_the_suites_sandbox_fixtures_are_the_plugins(
    sandbox: RunningSandbox,
    speko_sandbox: SpekoSandbox,
    sandbox_server: RunningSandbox,
    speko_sandbox_server: RunningSandbox,
) -> None:
    assert sandbox is speko_sandbox
    assert sandbox_server is speko_sandbox_server


def test_without_the_sandbox_extra_the_fixture_fails_in_one_line(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text("import sys\nsys.modules['uvicorn'] = None\n")
    (tmp_path / "test_uses_sandbox.py").write_text(
        "def test_it(speko_sandbox):\n    raise AssertionError('not reached')\n"
    )
    finished = run_python("-m", "pytest", "-p", "no:cacheprovider", "-q", ".", cwd=tmp_path)
    assert finished.returncode == 1
    assert (
        "\ncannot start the speko sandbox: uvicorn is missing; install the sandbox extra: "
        "pip install 'pulumi-speko[sandbox]'\n" in finished.stdout
    )
    assert "not reached" not in finished.stdout
    assert "During handling" not in finished.stdout


def test_the_library_is_not_rewritten_by_pytest_for_the_plugins_sake() -> None:
    import pulumi_speko.docs_command  # imported here, after the plugin was registered

    loader = type(pulumi_speko.docs_command.__loader__).__name__
    assert loader != "AssertionRewritingHook"
