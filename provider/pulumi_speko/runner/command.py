"""``pulumi-speko run PROGRAM_DIR [OPERATION ...] [--sandbox]``: a local rehearsal.

Runs ``preview``, ``up``, ``refresh`` and ``destroy`` (in the order given; ``up`` when
none is) on a Pulumi program without the Pulumi CLI, through the SDK's own provider
host, with the state in a local JSON file (:mod:`pulumi_speko.runner.program`). With
``--sandbox`` it starts a local sandbox whose data lives beside the state file, so
successive runs see the same numbers; without it, the API and key come from the flags
and variables ``pulumi-speko drift`` reads. Exit status 0 when every operation worked,
1 with a one-line error otherwise (what was done before stays in the state file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pulumi_speko.audit.api_options import EXIT_ERROR, EXIT_OK, add_api_arguments
from pulumi_speko.runner.program import DEFAULT_STACK, OPERATIONS, STATE_DIR_NAME, namespaced

if TYPE_CHECKING:
    from pulumi_speko.runner.engine import Step
    from pulumi_speko.runner.program import RunResult

__all__ = ["add_arguments", "run"]

_PROG: Final = "pulumi-speko run"
_MARKS: Final = {
    "create": "+",
    "update": "~",
    "replace": "+-",
    "delete": "-",
    "same": "=",
    "read": ">",
    "gone": "!",
}
EPILOG: Final = f"""\
A local rehearsal of `pulumi preview/up/refresh/destroy`, not a replacement for the
Pulumi CLI: no backend, no secret encryption (the state file is plain JSON, never holding
the stack config or the API key), no parallelism; protect, ignore_changes and aliases
are not honoured; only dynamic-provider resources (the speko ones) are supported.

state: PROGRAM_DIR/{STATE_DIR_NAME}/STACK.json (with --sandbox: STACK-sandbox.json, and
the sandbox's data in STACK-sandbox.db beside it)

exit status:
  {EXIT_OK}  every operation worked (a preview that finds changes too)
  {EXIT_ERROR}  an operation failed, or the program, config or state cannot be used (one line)

examples:
  pulumi-speko run ./infra preview up --sandbox
  pulumi-speko run ./infra destroy --sandbox
  SPEKO_API_KEY=... pulumi-speko run ./infra preview --base-url http://127.0.0.1:8787"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the program directory, the operations and the flags."""
    parser.add_argument(
        "program_dir",
        metavar="PROGRAM_DIR",
        type=Path,
        help="the directory of the program (its __main__.py and Pulumi.yaml)",
    )
    parser.add_argument(
        "operations",
        metavar="OPERATION",
        nargs="*",
        type=_operation,  # not choices=: Python 3.11 rejects an empty list against them
        help=f"{', '.join(OPERATIONS)} (default: up), run in the order given",
    )
    parser.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local sandbox for the run and use its demo organization",
    )
    parser.add_argument("--stack", default=DEFAULT_STACK, help=f"default {DEFAULT_STACK}")
    parser.add_argument(
        "--state", metavar="FILE", type=Path, help="the state file (default: see below)"
    )
    parser.add_argument(
        "--config",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="a stack config value (KEY without a namespace gets the project's); repeatable",
    )
    add_api_arguments(parser)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG


def _operation(text: str) -> str:
    if text not in OPERATIONS:
        raise argparse.ArgumentTypeError(
            f"invalid operation {text!r} (choose from {', '.join(OPERATIONS)})"
        )
    return text


def run(args: argparse.Namespace) -> int:
    """Run each operation in order; returns the exit status."""
    from pulumi_speko.credentials import ConfigError
    from pulumi_speko.runner.engine import RunError
    from pulumi_speko.runner.program import project_name, run_program
    from pulumi_speko.runner.state import StateFileError
    from pulumi_speko.testing.engine import EngineStartError

    directory: Path = args.program_dir
    try:
        project = project_name(directory)
        program_config = _program_config(args.config, project)
        with _target(args, directory) as (api_config, state_file):
            _say(
                f"{_PROG}: a local rehearsal of {project}/{args.stack} (not the Pulumi CLI); "
                f"state in {state_file}"
            )
            for operation in args.operations or ["up"]:
                _say(f"\n{operation}:")
                result = run_program(
                    directory,
                    operation,
                    config={**program_config, **api_config},
                    state_file=state_file,
                    stack=args.stack,
                    on_step=_print_step,
                )
                _print_result(result)
    except (RunError, StateFileError, ConfigError, _UsageError) as error:
        return _fail(str(error))
    except EngineStartError as error:
        return _fail(f"cannot start the SDK's provider host: {str(error).splitlines()[0]}")
    return EXIT_OK


class _UsageError(Exception):
    """A flag or value this command cannot use (one line)."""


def _program_config(pairs: Sequence[str], project: str) -> dict[str, str]:
    config: dict[str, str] = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key.strip():
            raise _UsageError(f"--config {pair!r}: expected KEY=VALUE, e.g. routingTable=x.csv")
        key = key.strip()
        config[namespaced(key, project)] = value
    return config


@contextmanager
def _target(args: argparse.Namespace, directory: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """The API config and the state file: a sandbox started for the run, or the flags'."""
    if not args.sandbox:
        yield _api_config(args), args.state or _state_path(directory, args.stack)
        return
    if args.base_url or args.api_key_env:
        raise _UsageError("--sandbox starts its own API: leave out --base-url and --api-key-env")
    state_file = args.state or _state_path(directory, f"{args.stack}-sandbox")
    state_file.parent.mkdir(parents=True, exist_ok=True)
    with _sandbox(state_file.with_suffix(".db")) as (base_url, api_key, org):
        _say(
            f"Sandbox at {base_url} (organization {org}), its data in "
            f"{state_file.with_suffix('.db')}"
        )
        yield _sandbox_config(base_url, api_key), state_file


def _state_path(directory: Path, stem: str) -> Path:
    return directory / STATE_DIR_NAME / f"{stem}.json"


def _api_config(args: argparse.Namespace) -> dict[str, str]:
    from pulumi_speko.audit.api_options import credentials_of
    from pulumi_speko.credentials import (
        CONFIG_API_KEY,
        CONFIG_BASE_URL,
        CONFIG_ORGANIZATION_ID,
        CONFIG_TIMEOUT,
    )

    credentials = credentials_of(args)
    config = {
        CONFIG_API_KEY: credentials.api_key,
        CONFIG_BASE_URL: credentials.base_url,
        CONFIG_TIMEOUT: str(credentials.timeout),
    }
    if credentials.organization_id:
        config[CONFIG_ORGANIZATION_ID] = credentials.organization_id
    return config


def _sandbox_config(base_url: str, api_key: str) -> dict[str, str]:
    from pulumi_speko.credentials import CONFIG_API_KEY, CONFIG_BASE_URL

    return {CONFIG_API_KEY: api_key, CONFIG_BASE_URL: base_url}


@contextmanager
def _sandbox(db: Path) -> Iterator[tuple[str, str, str]]:
    """A sandbox on a free loopback port keeping its data in ``db``: URL, key, org."""
    try:
        from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, running_sandbox
    except ModuleNotFoundError as error:
        raise _UsageError(
            f"--sandbox needs the `sandbox` extra ({error.name} is missing): "
            "pip install 'pulumi-speko[sandbox]'"
        ) from None
    with running_sandbox(db=str(db)) as sandbox:
        yield sandbox.base_url, DEMO_API_KEY, DEMO_ORG


def _print_step(step: Step) -> None:
    mark = _MARKS.get(step.kind, "?")
    changed = f" ({', '.join(step.changed)})" if step.changed else ""
    ident = f" {step.id}" if step.id else ""
    _say(f"  {mark:<2} {step.kind:<8} {step.type_name} {step.name}{ident}{changed}")


def _print_result(result: RunResult) -> None:
    counts: dict[str, int] = {}
    for step in result.steps:
        counts[step.kind] = counts.get(step.kind, 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in counts.items()) or "no resources"
    verb = "would" if result.operation == "preview" else "did"
    _say(f"  {result.operation} {verb}: {summary}")
    if result.outputs and result.operation in ("preview", "up"):
        _say("  outputs:")
        for name, value in result.outputs.items():
            _say(f"    {name}: {json.dumps(value, sort_keys=True, default=str)}")


def _say(text: str) -> None:
    print(text, flush=True)


def _fail(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return EXIT_ERROR
