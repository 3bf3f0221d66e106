"""Fixtures shared by the whole suite: the local sandbox of the API.

They are the ``speko`` pytest plugin's (``pulumi_speko.testing.pytest_plugin``, the one
users get), under the names the suite uses:

- ``sandbox_server`` (session): ``speko_sandbox_server``, one sandbox served on a free
  loopback port.
- ``sandbox`` (function): ``speko_sandbox``, that sandbox reset to the seed, with no
  fault rules, an empty request log and the real clock; use it in every test that talks
  to the API.
"""

from __future__ import annotations

import signal

# Imported here, at a shallow stack, rather than by hypothesis's own pytest plugin at
# session end: CPython 3.11.7's parser can fail there with "AST constructor recursion
# depth mismatch" when pytest rewrites hypothesis's modules deep in a hook call.
import hypothesis  # noqa: F401
import pytest
from pulumi_speko.testing.kit import SpekoSandbox
from pulumi_speko.testing.sandbox import RunningSandbox


def pytest_configure(config: pytest.Config) -> None:
    """Load the plugin when its entry point is not installed yet (an editable install
    made before it existed: ``make`` reinstalls when pyproject.toml changes).

    A suite run as a background job (``make test &``, a CI step without a terminal) may
    start with SIGINT ignored, and every child inherits that: the SDK's hosts and the
    policy pack, stopped with SIGINT as the engine stops them, would then run on until the
    harness kills them. Handling SIGINT here gives every child (whichever thread starts
    it) SIGINT's default action.
    """
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if not config.pluginmanager.has_plugin("speko"):
        from pulumi_speko.testing import pytest_plugin

        config.pluginmanager.register(pytest_plugin, "speko")


@pytest.fixture(scope="session")
def sandbox_server(speko_sandbox_server: RunningSandbox) -> RunningSandbox:
    """One sandbox for the test session (use ``sandbox`` for a clean state)."""
    return speko_sandbox_server


@pytest.fixture
def sandbox(speko_sandbox: SpekoSandbox) -> RunningSandbox:
    """The session's sandbox, reset to the seed with no faults and an empty request log."""
    return speko_sandbox
