"""Run a Pulumi program without the CLI: :func:`run_program`.

The program's ``__main__.py`` runs in this process under the SDK's mock monitor
(``pulumi.runtime.set_mocks``), which hands each resource the program declares to a
:class:`~pulumi_speko.runner.engine.LocalEngine`; that engine takes it through the SDK's
own provider host (``python -m pulumi.dynamic``, a subprocess driven over gRPC as the
engine drives it) and keeps the result in a local JSON state file. A second run diffs
against that file: ``preview`` shows what would change, ``up`` applies it, ``refresh``
reads the live values, ``destroy`` deletes everything.

A local rehearsal, not a replacement for the Pulumi CLI: no backend, no secret
encryption (the state file is plain JSON; it never holds the stack config, so never the
API key), no parallelism, ``protect`` / ``ignore_changes`` / aliases not honoured, and
only dynamic-provider resources.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import runpy
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from pulumi_speko.credentials import CONFIG_API_KEY
from pulumi_speko.runner.engine import CHANGING_STEPS, LocalEngine, RunError, Step, StepListener
from pulumi_speko.runner.state import LocalState

if TYPE_CHECKING:
    from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

__all__ = [
    "DEFAULT_STACK",
    "OPERATIONS",
    "RunResult",
    "default_state_file",
    "namespaced",
    "project_name",
    "run_program",
]

OPERATIONS: Final = ("preview", "up", "refresh", "destroy")
DEFAULT_STACK: Final = "dev"
STATE_DIR_NAME: Final = ".pulumi-speko-run"
_PROGRAM_FILE: Final = "__main__.py"


@dataclass(frozen=True)
class RunResult:
    """What one operation did (or, for ``preview``, would do)."""

    operation: str
    steps: tuple[Step, ...]
    outputs: dict[str, Any]
    """The stack outputs (of the program run; for refresh and destroy, the last known)."""
    state_file: Path

    @property
    def has_changes(self) -> bool:
        """Whether any step creates, updates, replaces or deletes something."""
        return any(step.kind in CHANGING_STEPS for step in self.steps)


def default_state_file(program_dir: Path, stack: str = DEFAULT_STACK) -> Path:
    """``PROGRAM_DIR/.pulumi-speko-run/STACK.json``."""
    return program_dir / STATE_DIR_NAME / f"{stack}.json"


def project_name(program_dir: Path) -> str:
    """The ``name:`` of the program's ``Pulumi.yaml``, else the directory's name."""
    project_file = program_dir / "Pulumi.yaml"
    text = project_file.read_text(encoding="utf-8") if project_file.is_file() else ""
    found = re.search(r"^name:\s*['\"]?([^'\"\s]+)", text, re.MULTILINE)
    return found.group(1) if found else program_dir.resolve().name


def namespaced(key: str, project: str) -> str:
    """A stack config key with a namespace: ``key`` itself when it has one, else the
    project's (``label`` -> ``phones:label``), as ``pulumi config set`` does."""
    return key if ":" in key else f"{project}:{key}"


def run_program(
    program_dir: str | Path,
    operation: str,
    *,
    config: Mapping[str, str],
    state_file: str | Path | None = None,
    stack: str = DEFAULT_STACK,
    on_step: StepListener | None = None,
) -> RunResult:
    """Run ``operation`` (one of :data:`OPERATIONS`) on the program in ``program_dir``.

    ``config`` is the stack config with namespaced keys (``speko:apiKey``,
    ``speko:baseUrl``, ``proj:setting``): the providers get it through ``Configure``,
    the program through ``pulumi.Config``. ``state_file`` defaults to
    :func:`default_state_file`. ``on_step`` sees each step as it happens. Raises
    :class:`~pulumi_speko.runner.engine.RunError` (one line) when a step fails; what was
    done before stays in the state file.
    """
    if operation not in OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}, not {operation!r}")
    directory = Path(program_dir).resolve()
    if not (directory / _PROGRAM_FILE).is_file():
        raise RunError(f"{directory} has no {_PROGRAM_FILE}: give the directory of a program")
    project = project_name(directory)
    path = Path(state_file) if state_file is not None else default_state_file(directory, stack)
    state = LocalState.load(path, project, stack)
    with _provider_host(directory, project, stack, config) as host:
        engine = LocalEngine(host, state, preview=operation == "preview", on_step=on_step)
        if operation in ("preview", "up"):
            outputs = _run_under_mocks(directory, engine, config, operation == "preview")
            engine.delete_unregistered()
            if operation == "up":
                state.outputs = outputs
                state.save()
        elif operation == "refresh":
            engine.refresh()
            outputs = state.outputs
        else:
            engine.destroy()
            outputs, state.outputs = state.outputs, {}
            state.save()
    return RunResult(operation, tuple(engine.steps), outputs, path)


@contextmanager
def _provider_host(
    directory: Path, project: str, stack: str, config: Mapping[str, str]
) -> Iterator[Any]:
    """The SDK's provider host, configured with the stack config, as the engine runs it."""
    from pulumi_speko.testing.engine import EngineHost

    with EngineHost(cwd=directory, project=project, stack=stack) as host:
        secret_keys = [key for key in (CONFIG_API_KEY,) if key in config]
        host.configure(config, secret_keys=secret_keys)
        yield host


def _run_under_mocks(
    directory: Path, engine: LocalEngine, config: Mapping[str, str], preview: bool
) -> dict[str, Any]:
    """Run the program with the mock monitor handing each registration to ``engine``."""
    import pulumi
    from pulumi.runtime import set_all_config, set_mocks
    from pulumi.runtime.settings import get_root_resource, reset_options

    failures: list[RunError] = []

    class EngineMocks(pulumi.runtime.Mocks):
        def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
            try:
                if args.resource_id:
                    return engine.read_reference(
                        args.typ, args.name, args.resource_id, dict(args.inputs)
                    )
                if args.custom is False:  # a component: nothing to create
                    return None, dict(args.inputs)
                return engine.register(args.typ, args.name, dict(args.inputs))
            except RunError as error:
                failures.append(error)
                raise

        def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            error = RunError(f"the program made an invoke ({args.token}); not supported")
            failures.append(error)
            raise error

    _ensure_event_loop()
    # A fresh root stack resource: set_mocks keeps the one of an earlier run, exports and all.
    reset_options(project=engine.state.project, stack=engine.state.stack)
    set_all_config(dict(config), [key for key in (CONFIG_API_KEY,) if key in config])
    set_mocks(
        EngineMocks(),
        project=engine.state.project,
        stack=engine.state.stack,
        preview=preview,
        logger=_quiet_logger(),
    )
    outputs: dict[str, Any] = {}

    def program() -> Any:
        runpy.run_path(str(directory / _PROGRAM_FILE), run_name="__main__")
        stack_outputs = getattr(get_root_resource(), "outputs", {})
        return pulumi.Output.all(**stack_outputs).apply(outputs.update)

    with _program_directory(directory):
        try:
            pulumi.runtime.test(program)()  # type: ignore[no-untyped-call]
        except Exception as error:
            if failures:
                raise failures[0] from None
            raise RunError(f"the program failed: {_last_line(error)}") from None
    return outputs


def _ensure_event_loop() -> None:
    """Give this thread an open event loop: the SDK's mock runtime creates its futures on
    the current one, and an earlier ``asyncio.run`` (in a test before, say) leaves none."""
    try:
        loop = asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())


@contextmanager
def _program_directory(directory: Path) -> Iterator[None]:
    """Run with the program's directory as cwd and on ``sys.path``, as Pulumi runs it."""
    previous_cwd = os.getcwd()
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        sys.path.remove(str(directory))


def _quiet_logger() -> logging.Logger:
    """The mock engine's log: errors only (the steps are reported by the runner)."""
    logger = logging.getLogger("pulumi_speko.runner.engine")
    logger.setLevel(logging.ERROR)
    return logger


def _last_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[-1] if lines else type(error).__name__
