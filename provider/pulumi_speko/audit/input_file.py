"""Reading a command's input file: a path, or ``-`` for standard input, as UTF-8 text.

``audit``, ``drift`` and ``discover`` read stack exports, ``review`` reads previews: each
says what it expected in its own words, but a file that cannot be read fails alike.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Final

__all__ = ["READ_PROBLEMS", "read_input_text"]

READ_PROBLEMS: Final[Mapping[type[Exception], str]] = {
    FileNotFoundError: "no such file",
    UnicodeDecodeError: "not UTF-8 text",
    OSError: "cannot read ({reason})",
}
"""What a failure to read says, by its class (``{reason}``: the system's words)."""


def read_input_text(
    path: str | Path,
    error: type[Exception],
    *,
    problems: Mapping[type[Exception], str] = READ_PROBLEMS,
    suffix: str = "",
) -> str:
    """The text of ``path`` (``"-"`` reads standard input).

    A file that cannot be read raises ``error`` with one line: the path, the entry of
    ``problems`` for the nearest class of the failure (it must cover :class:`OSError` and
    :class:`UnicodeDecodeError`), then ``suffix``.
    """
    if str(path) == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as failure:
        problem = next(problems[kind] for kind in type(failure).__mro__ if kind in problems)
        reason = failure.strerror if isinstance(failure, OSError) else ""
        raise error(f"{path}: {problem.format(reason=reason)}{suffix}") from None
