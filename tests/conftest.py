"""Fixtures shared by the whole suite: the local sandbox of the API.

- ``sandbox_server`` (session): one sandbox served on a free loopback port.
- ``sandbox`` (function): that sandbox reset to the seed, with no fault rules, an empty
  request log and the real clock; use it in every test that talks to the API.
"""

from __future__ import annotations

from collections.abc import Iterator

# Imported here, at a shallow stack, rather than by hypothesis's own pytest plugin at
# session end: CPython 3.11.7's parser can fail there with "AST constructor recursion
# depth mismatch" when pytest rewrites hypothesis's modules deep in a hook call.
import hypothesis  # noqa: F401
import pytest
from pulumi_speko.sandbox.model import system_clock
from pulumi_speko.testing.sandbox import RunningSandbox, running_sandbox


@pytest.fixture(scope="session")
def sandbox_server() -> Iterator[RunningSandbox]:
    """One sandbox for the test session (use ``sandbox`` for a clean state)."""
    with running_sandbox() as running:
        yield running


@pytest.fixture
def sandbox(sandbox_server: RunningSandbox) -> RunningSandbox:
    """The session's sandbox, reset to the seed with no faults and an empty request log."""
    sandbox_server.store.now = system_clock
    sandbox_server.control.reset()
    sandbox_server.control.clear_faults()
    sandbox_server.control.clear_request_log()
    sandbox_server.control.set_fault_seed(0)
    return sandbox_server
