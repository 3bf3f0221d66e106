"""``pulumi-speko audit STACK_EXPORT.json [--format markdown|csv|json] [--output FILE]``.

Reports every speko resource of a ``pulumi stack export`` file. Exit status 0 when the
report is written, 1 with a one-line error when the file cannot be read or parsed, or
the output cannot be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pulumi_speko.audit.report import FORMATS, build_report, render
from pulumi_speko.audit.stack_export import (
    StackExportError,
    add_stack_export_argument,
    load_stack_export,
)

__all__ = ["add_arguments", "run"]

_PROG = "pulumi-speko audit"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the positional export path, ``--format`` and ``--output``."""
    add_stack_export_argument(parser)
    parser.add_argument(
        "--format",
        choices=sorted(FORMATS),
        default="markdown",
        help="markdown (default: a table for a review), csv (one row per number) or json",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write the report to FILE instead of standard output",
    )


def run(args: argparse.Namespace) -> int:
    """Audit the export named by ``args``; returns the exit status."""
    try:
        export = load_stack_export(args.stack_export)
    except StackExportError as error:
        print(f"{_PROG}: error: {error}", file=sys.stderr)
        return 1
    text = render(build_report(export), args.format)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        Path(args.output).write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"{_PROG}: error: cannot write {args.output}: {error.strerror}", file=sys.stderr)
        return 1
    return 0
