"""The ``pulumi-speko`` command: a thin dispatcher over one module per subcommand.

Each subcommand module exposes ``add_arguments(parser)`` and ``run(args) -> int`` and
keeps its heavy imports (FastAPI, the client, pulumi) inside ``run`` so that
``pulumi-speko --help`` and ``import pulumi_speko`` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

from pulumi_speko._version import __version__

# subcommand -> (module, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "sandbox": ("pulumi_speko.sandbox.command", "run the local emulator of the Phone Numbers API"),
    "schema": ("pulumi_speko.schema.command", "print the Pulumi package schema (schema.json)"),
    "docs": ("pulumi_speko.docs_command", "regenerate (or --check) the generated parts of docs/"),
    "audit": ("pulumi_speko.audit.command", "report the speko resources of a stack export"),
    "drift": ("pulumi_speko.audit.drift_command", "compare a stack export with the live API"),
    "discover": (
        "pulumi_speko.audit.discover_command",
        "list numbers no resource manages and print code that adopts them",
    ),
    "review": (
        "pulumi_speko.review.command",
        "turn `pulumi preview --json` into a pull-request comment about cost, risk and routing",
    ),
    "run": (
        "pulumi_speko.runner.command",
        "rehearse a program locally (preview, up, refresh, destroy) without the Pulumi CLI",
    ),
}


class _Subcommand(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> _Subcommand:
    module_name, _ = SUBCOMMANDS[name]
    return cast(_Subcommand, importlib.import_module(module_name))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="pulumi-speko",
        description="Speko phone numbers as code: the local sandbox, the package schema, "
        "and audits of stack exports.",
    )
    parser.add_argument("--version", action="version", version=f"pulumi-speko {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, help_text) in SUBCOMMANDS.items():
        module = _load(name)
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        module.add_arguments(sub)
        sub.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "_run", None) is None:
        parser.print_help()
        return 2
    return int(args._run(args))


if __name__ == "__main__":
    sys.exit(main())
