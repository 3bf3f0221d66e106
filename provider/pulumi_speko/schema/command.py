"""``pulumi-speko schema``: print, write or check the package schema.

``--check FILE`` is what CI runs: it exits 1 with one line when FILE is not what the
code generates, so a change to an Args field, a model or a function cannot land
without the regenerated ``schema.json``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REGENERATE = "pulumi-speko schema --output {path}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the subcommand: at most one of --output and --check."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--output", metavar="FILE", type=Path, help="write the schema to FILE instead of stdout"
    )
    group.add_argument(
        "--check",
        metavar="FILE",
        type=Path,
        help="exit 1 when FILE differs from the schema the code generates",
    )


def first_difference(expected: str, actual: str) -> int:
    """The 1-based number of the first line where the two texts differ."""
    pairs = zip(expected.splitlines(), actual.splitlines(), strict=False)
    for number, (left, right) in enumerate(pairs, start=1):
        if left != right:
            return number
    return min(len(expected.splitlines()), len(actual.splitlines())) + 1


def check(path: Path, expected: str) -> str | None:
    """Why ``path`` is not ``expected`` (one line), or None when it is."""
    try:
        actual = path.read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return f"{path}: cannot read it ({reason}); run `{REGENERATE.format(path=path)}`"
    if actual == expected:
        return None
    line = first_difference(expected, actual)
    return (
        f"{path} differs from the schema the code generates (first at line {line}); "
        f"run `{REGENERATE.format(path=path)}`"
    )


def run(args: argparse.Namespace) -> int:
    """Print the schema, write it to --output, or compare it with --check."""
    from pulumi_speko.schema.generate import render_schema

    text = render_schema()
    if args.check is not None:
        problem = check(args.check, text)
        if problem is not None:
            print(problem, file=sys.stderr)
            return 1
        return 0
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
        return 0
    sys.stdout.write(text)
    return 0
