"""``pulumi-speko review PREVIEW.json [--format markdown|json] [--fail-on GATES]
[--prices state|live] [--max-length N] [--output FILE]``.

Turns ``pulumi preview --json`` (or the ``pulumi up --json`` event stream) into a
pull-request comment about money, risk and routing. Exit status 0, 3 when a
``--fail-on`` gate trips (the reasons are in the output and on standard error), 1 with
a one-line error when the input cannot be read, the output cannot be written, or live
prices cannot be fetched.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from pulumi_speko.review.gates import GATE_NAMES, Gate, GateError, evaluate_gates, parse_gates
from pulumi_speko.review.markdown import DEFAULT_LIMIT

if TYPE_CHECKING:
    from pulumi_speko.review.model import Review
    from pulumi_speko.review.preview import Preview

__all__ = ["EXIT_ERROR", "EXIT_GATE", "EXIT_OK", "add_arguments", "run"]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_GATE: Final = 3
_PROG: Final = "pulumi-speko review"


def _gates_argument(text: str) -> tuple[Gate, ...]:
    try:
        return parse_gates(text)
    except GateError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1_000:
        raise argparse.ArgumentTypeError(f"{text!r} is not a length of at least 1000 characters")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the preview path and the options."""
    from pulumi_speko.audit.api_options import add_api_arguments

    parser.add_argument(
        "preview",
        metavar="PREVIEW.json",
        nargs="?",
        default="-",
        help="the output of `pulumi preview --json` or `pulumi up --json` "
        "(default or '-': standard input)",
    )
    parser.add_argument(
        "--format", choices=("markdown", "json"), default="markdown", help="default: markdown"
    )
    parser.add_argument(
        "--fail-on",
        metavar="GATES",
        type=_gates_argument,
        default=(),
        help=f"exit 3 when one trips; comma-separated: {', '.join(GATE_NAMES[:3])}, "
        "cost-over=USD (upfront, worst case), monthly-over=USD (monthly change, worst case)",
    )
    parser.add_argument(
        "--prices",
        choices=("state", "live"),
        default="state",
        help="state (default: the state's prices, else the max_*_cost_usd caps) or live "
        "(ask the API's search for purchases without a recorded price; needs an API key)",
    )
    parser.add_argument(
        "--max-length",
        metavar="N",
        type=_positive_int,
        default=DEFAULT_LIMIT,
        help=f"markdown length limit; details are cut first (default {DEFAULT_LIMIT})",
    )
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
    add_api_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Review the preview named by ``args``; returns the exit status."""
    from pulumi_speko.review.preview import PreviewError, load_preview

    try:
        preview = load_preview(args.preview)
    except PreviewError as error:
        return _fail(str(error))
    try:
        review = _review(preview, args)
    except _LivePriceError as error:
        return _fail(str(error))
    reasons = evaluate_gates(review, args.fail_on)
    if not _write(_render(review, reasons, args), args.output):
        return EXIT_ERROR
    for reason in reasons:
        print(f"{_PROG}: gate tripped: {reason}", file=sys.stderr)
    return EXIT_GATE if reasons else EXIT_OK


class _LivePriceError(Exception):
    """Live prices were asked for and cannot be fetched."""


def _review(preview: Preview, args: argparse.Namespace) -> Review:
    from pulumi_speko.review.changes import build_review

    if args.prices != "live":
        return build_review(preview)
    from pulumi_speko.api import SpekoError
    from pulumi_speko.audit.api_options import api_error_line, cli_credentials
    from pulumi_speko.credentials import ConfigError, client_for
    from pulumi_speko.review.pricing import LivePrices

    try:
        credentials = cli_credentials(args.base_url)
        client = client_for(credentials)
    except (ConfigError, ValueError) as error:
        raise _LivePriceError(f"--prices live: {error}; or use --prices state") from None
    with client:
        try:
            return build_review(preview, LivePrices(client), price_source="live")
        except SpekoError as error:
            line = api_error_line("search available numbers", credentials.base_url, error)
            raise _LivePriceError(f"--prices live: {line}; or use --prices state") from None


def _render(review: Review, reasons: list[str], args: argparse.Namespace) -> str:
    if args.format == "json":
        from pulumi_speko.review.json_output import render_json

        return render_json(review, reasons)
    from pulumi_speko.review.markdown import render_markdown

    return render_markdown(review, reasons, args.max_length)


def _write(text: str, output: str | None) -> bool:
    if output is None:
        sys.stdout.write(text)
        return True
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as error:
        _fail(f"cannot write {output}: {error.strerror}")
        return False
    return True


def _fail(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return EXIT_ERROR
