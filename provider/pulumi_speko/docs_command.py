"""``pulumi-speko docs [--check] [--root DIR]``: regenerate the generated parts of docs/.

Reference tables that the code already knows (the policy rules, ...) are written into
the docs between ``<!-- generated:NAME -->`` and ``<!-- end generated:NAME -->``
markers, or as whole generated files. ``--check`` is what ``make test`` runs: it exits 1
with one line per stale file, so docs cannot drift from the code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pulumi_speko.schema.command import first_difference

REGENERATE = "pulumi-speko docs"


@dataclass(frozen=True)
class Generated:
    """A generated part of the docs: a marked block of a file, or a whole file."""

    path: str
    """The file, relative to the repository root."""
    render: Callable[[Path], str]
    """The part's text, from the repository root (some parts render a file of it)."""
    block: str | None = None
    """The marker name of the block; None when the whole file is generated."""

    def apply(self, current: str, root: Path) -> str:
        """``current`` with this part regenerated."""
        text = self.render(root)
        if self.block is None:
            return text
        begin, end = f"<!-- generated:{self.block} -->", f"<!-- end generated:{self.block} -->"
        head, found, rest = current.partition(begin)
        _, found_end, tail = rest.partition(end)
        if not (found and found_end):
            raise ValueError(f"{self.path}: the markers {begin} ... {end} are missing")
        return f"{head}{begin}\n{text}{end}{tail}"


def _policy_rules(_root: Path) -> str:
    from pulumi_speko.policy.pack import rules_table

    return rules_table()


REVIEW_SAMPLE_PREVIEW = "tests/review/fixtures/pr-preview.json"
REVIEW_SAMPLE_ARGS = ("--fail-on", "release,cost-over=10")


def _review_sample(root: Path) -> str:
    """What ``pulumi-speko review`` prints for the sample preview of the docs."""
    import contextlib
    import io
    import tempfile

    from pulumi_speko.review.command import add_arguments as review_arguments
    from pulumi_speko.review.command import run as review

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "comment.md"
        parser = argparse.ArgumentParser()
        review_arguments(parser)
        preview = str(root / REVIEW_SAMPLE_PREVIEW)
        arguments = [preview, *REVIEW_SAMPLE_ARGS, "--output", str(output)]
        with contextlib.redirect_stderr(io.StringIO()):  # the sample's tripped gates
            review(parser.parse_args(arguments))
        comment = output.read_text(encoding="utf-8")
    command = f"pulumi-speko review {REVIEW_SAMPLE_PREVIEW} {' '.join(REVIEW_SAMPLE_ARGS)}"
    return f"\n`{command}` prints:\n\n````markdown\n{comment}````\n\n"


def _reference_page(path: str) -> Callable[[Path], str]:
    def render(_root: Path) -> str:
        return _reference_pages()[path]

    return render


def _reference_pages() -> dict[str, str]:
    from pulumi_speko.schema.generate import generate_schema
    from pulumi_speko.schema.pages import reference_pages

    return reference_pages(generate_schema())


def generated_parts() -> tuple[Generated, ...]:
    """Every generated part of the docs."""
    pages = tuple(Generated(path, _reference_page(path)) for path in sorted(_reference_pages()))
    return (
        Generated("docs/policy-pack.md", _policy_rules, block="rules"),
        Generated("docs/review.md", _review_sample, block="review-sample"),
        *pages,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the subcommand."""
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 when a generated part of the docs is stale",
    )
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the repository root (default: .)"
    )


def stale_parts(root: Path, write: bool) -> list[str]:
    """One line per generated file that differs from what the code generates.

    With ``write`` the files are regenerated as well.
    """
    problems: list[str] = []
    for path, parts in _by_file().items():
        file = root / path
        current = file.read_text(encoding="utf-8") if file.exists() else ""
        expected = current
        for part in parts:
            expected = part.apply(expected, root)
        if expected == current:
            continue
        line = first_difference(expected, current)
        problems.append(
            f"{path} differs from what the code generates (first at line {line}); "
            f"run `{REGENERATE}`"
        )
        if write:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(expected, encoding="utf-8")
    return problems


def _by_file() -> dict[str, list[Generated]]:
    files: dict[str, list[Generated]] = {}
    for part in generated_parts():
        files.setdefault(part.path, []).append(part)
    return files


def run(args: argparse.Namespace) -> int:
    """Regenerate the docs, or with --check report the stale ones and exit 1."""
    try:
        problems = stale_parts(args.root, write=not args.check)
    except ValueError as error:
        print(f"pulumi-speko docs: error: {error}", file=sys.stderr)
        return 1
    if args.check and problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    return 0
