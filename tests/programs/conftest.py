"""Fixtures that run an example program under ``pulumi.runtime.set_mocks``.

Mocks are set before the program runs (it is executed afresh by each test, never
imported), and the runtime's global state (root stack, settings, config) is reset
around every test so that no registration leaks from one test into the next.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi.runtime import set_all_config, set_mocks
from pulumi.runtime.settings import reset_options

from .mocks import ExampleRun, RecordingMocks, RecordingMonitor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STACK = "dev"


def project_name(example: Path) -> str:
    """The project name of an example's Pulumi.yaml (the namespace of its config)."""
    found = re.search(r"^name:\s*(\S+)", (example / "Pulumi.yaml").read_text(), re.MULTILINE)
    assert found, f"{example}/Pulumi.yaml has no name"
    return found.group(1)


def _example_run(example: Path, *, preview: bool = False) -> Iterator[ExampleRun]:
    project = project_name(example)
    reset_options(project=project, stack=STACK)
    set_all_config({}, [])
    mocks = RecordingMocks(preview=preview)
    monitor = RecordingMonitor(mocks)
    set_mocks(mocks, project=project, stack=STACK, preview=preview, monitor=monitor)
    try:
        yield ExampleRun(example / "__main__.py", project, mocks, monitor)
    finally:
        reset_options()
        set_all_config({}, [])


@pytest.fixture
def quickstart() -> Iterator[ExampleRun]:
    """examples/quickstart, ready to run under mocks."""
    yield from _example_run(EXAMPLES / "quickstart")


@pytest.fixture
def sip_trunk() -> Iterator[ExampleRun]:
    """examples/sip-trunk, ready to run under mocks."""
    yield from _example_run(EXAMPLES / "sip-trunk")


@pytest.fixture(params=["quickstart", "sip-trunk"])
def example_in_preview(request: pytest.FixtureRequest) -> Iterator[ExampleRun]:
    """Each example, ready to run as in ``pulumi preview`` (outputs unknown)."""
    yield from _example_run(EXAMPLES / request.param, preview=True)
