"""The ``speko`` pytest plugin: test your own Pulumi programs against a local sandbox.

Installing ``pulumi-speko[sandbox]`` registers it (entry point ``pytest11``), so any
test may ask for these fixtures without a ``conftest.py``:

- ``speko_sandbox`` (per test): a :class:`~pulumi_speko.testing.kit.SpekoSandbox`, the
  session's sandbox reset to its seed, with no fault rules and an empty request log;
  its ``run(program_dir, *operations, config=...)`` runs a program through the real
  providers, as ``pulumi-speko run`` does, with the state in a temporary directory.
- ``speko_sandbox_server`` (per session): the sandbox itself, served on a free loopback
  port in this process, as it is after the tests before (``speko_sandbox`` cleans it).

See ``docs/testing.md``. This module imports nothing heavy: FastAPI, uvicorn and the
runner load when a test first uses a fixture, so the plugin costs other projects' test
runs nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Final

import pytest

if TYPE_CHECKING:
    from pulumi_speko.testing.kit import SpekoSandbox
    from pulumi_speko.testing.sandbox import RunningSandbox

__all__ = ["speko_sandbox", "speko_sandbox_server"]

_PACKAGE: Final = "pulumi_speko"


def _leave_the_package_unrewritten() -> None:
    """Undo pytest's marking of the whole ``pulumi_speko`` package for assertion rewriting.

    pytest marks every top-level package of a distribution that has a ``pytest11`` entry
    point, so without this each module of the library (client, sandbox, native plugin…)
    would be parsed again by the rewriter on import, in the user's suite too. That costs
    time, and CPython 3.11.7's parser fails there ("AST constructor recursion depth
    mismatch") when the import happens deep in a test. pytest has no public way to
    unmark; this touches its hook's private set and does nothing if that changes.
    """
    for finder in sys.meta_path:
        marked = getattr(finder, "_must_rewrite", None)
        cache = getattr(finder, "_marked_for_rewrite_cache", None)
        if isinstance(marked, set) and isinstance(cache, dict) and _PACKAGE in marked:
            marked.discard(_PACKAGE)
            cache.clear()


_leave_the_package_unrewritten()


@pytest.fixture(scope="session")
def speko_sandbox_server() -> Iterator[RunningSandbox]:
    """One sandbox for the test session (ask for ``speko_sandbox`` for a clean one)."""
    missing = _missing_sandbox_module()
    if missing is not None:
        pytest.fail(
            f"cannot start the speko sandbox: {missing} is missing; "
            "install the sandbox extra: pip install 'pulumi-speko[sandbox]'",
            pytrace=False,
        )
    from pulumi_speko.testing.sandbox import running_sandbox

    with running_sandbox() as running:
        yield running


@pytest.fixture
def speko_sandbox(
    speko_sandbox_server: RunningSandbox, tmp_path_factory: pytest.TempPathFactory
) -> SpekoSandbox:
    """The session's sandbox reset to its seed, and a runner of programs against it."""
    from pulumi_speko.testing.kit import SpekoSandbox, reset_to_seed

    reset_to_seed(speko_sandbox_server)
    return SpekoSandbox.of(
        speko_sandbox_server, lambda: tmp_path_factory.mktemp("speko-state", numbered=True)
    )


def _missing_sandbox_module() -> str | None:
    """The module the sandbox needs and cannot import (FastAPI, uvicorn), if any."""
    try:
        import pulumi_speko.testing.sandbox  # noqa: F401
    except ModuleNotFoundError as error:
        return error.name or "a module of the sandbox extra"
    return None
