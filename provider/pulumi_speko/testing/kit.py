"""What the ``speko_sandbox`` fixture hands a test: :class:`SpekoSandbox`.

A running sandbox (its URL, control client and backend), the demo organization's key,
and :meth:`SpekoSandbox.run`, which runs a Pulumi program against that sandbox with
``pulumi-speko run``'s runner (:func:`pulumi_speko.runner.run_program`). The fixtures
themselves are in :mod:`pulumi_speko.testing.pytest_plugin`; this module is imported
only when a test uses them, since it loads the sandbox (FastAPI, uvicorn) and the runner.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pulumi_speko.constants import CONFIG_API_KEY, CONFIG_BASE_URL
from pulumi_speko.runner.program import (
    DEFAULT_STACK,
    RunResult,
    namespaced,
    project_name,
    run_program,
)
from pulumi_speko.sandbox.model import system_clock
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, RunningSandbox

__all__ = ["SpekoSandbox", "reset_to_seed"]


@dataclass
class SpekoSandbox(RunningSandbox):
    """A sandbox reset to its seed for one test, and a runner of Pulumi programs on it.

    ``base_url``, ``control`` (:class:`~pulumi_speko.testing.sandbox.SandboxControl`:
    faults, request log, reviews, credits…), ``admin_token`` and ``store`` come from
    :class:`~pulumi_speko.testing.sandbox.RunningSandbox`; ``api_key`` is the key of
    the seeded organization ``org_id`` that :meth:`run` uses.
    """

    state_root: Callable[[], Path] = field(repr=False)
    """Makes the directory that holds this test's state files (called on first use)."""
    api_key: str = DEMO_API_KEY
    org_id: str = DEMO_ORG
    _state_dir: Path | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, server: RunningSandbox, state_root: Callable[[], Path]) -> SpekoSandbox:
        """``server``, as seen by one test whose state files go under ``state_root()``."""
        return cls(server.base_url, server.admin_token, server.control, server.store, state_root)

    @property
    def config(self) -> dict[str, str]:
        """The stack config :meth:`run` passes: this sandbox's URL and the org's key."""
        return {CONFIG_API_KEY: self.api_key, CONFIG_BASE_URL: self.base_url}

    def state_file(self, program_dir: str | Path, stack: str = DEFAULT_STACK) -> Path:
        """Where :meth:`run` keeps the state of ``program_dir``'s ``stack`` in this test."""
        directory = Path(program_dir).resolve()
        tag = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
        return self._states() / f"{directory.name}-{tag}" / f"{stack}.json"

    def run(
        self,
        program_dir: str | Path,
        *operations: str,
        config: Mapping[str, str] | None = None,
        stack: str = DEFAULT_STACK,
    ) -> RunResult:
        """Run ``operations`` (``preview``, ``up``, ``refresh``, ``destroy``) in order on
        the program in ``program_dir`` against this sandbox; returns the last one's result.

        ``config`` adds stack config: a key without a namespace gets the project's, as
        with ``pulumi config set``; ``speko:apiKey`` or ``speko:baseUrl`` given there
        replace the sandbox's. Successive calls in one test share the stack's state.
        Raises :class:`~pulumi_speko.runner.RunError` (one line) when a step fails.
        """
        if not operations:
            raise ValueError("name at least one operation: preview, up, refresh or destroy")
        project = project_name(Path(program_dir))
        settings = {namespaced(key, project): value for key, value in (config or {}).items()}
        stack_config = {**self.config, **settings}
        run_one = functools.partial(
            run_program,
            program_dir,
            config=stack_config,
            state_file=self.state_file(program_dir, stack),
            stack=stack,
        )
        *earlier, last = operations
        for operation in earlier:
            run_one(operation)
        return run_one(last)

    def _states(self) -> Path:
        if self._state_dir is None:
            self._state_dir = self.state_root()
        return self._state_dir


def reset_to_seed(server: RunningSandbox) -> None:
    """Put ``server`` back to its seed: no fault rules, an empty request log, the fault
    RNG restarted from 0 and the store on the real clock."""
    server.store.now = system_clock
    server.control.reset()
    server.control.clear_faults()
    server.control.clear_request_log()
    server.control.set_fault_seed(0)
