"""examples/testing, a user's tests written only against the documented plugin, pass
when pytest runs them as a user would: no conftest.py, the fixture from the entry point."""

from __future__ import annotations

from pathlib import Path

from .support import run_python

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "testing"


def test_the_example_tests_of_a_user_program_pass() -> None:
    finished = run_python("-m", "pytest", "-p", "no:cacheprovider", "-q", str(EXAMPLE), cwd=ROOT)
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-2000:]
    assert "4 passed" in finished.stdout


def test_the_example_gets_its_fixture_from_the_plugin_alone() -> None:
    finished = run_python(
        "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:speko", "-q", str(EXAMPLE), cwd=ROOT
    )
    assert finished.returncode == 1
    assert "fixture 'speko_sandbox' not found" in finished.stdout
