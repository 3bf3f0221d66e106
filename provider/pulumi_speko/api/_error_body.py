"""Reading an error response body into a code, a message and validation details.

The contract's error body is ``{"error": "<message>", "code": "<CODE>"}``, with an
optional ``details`` list of ``{path, message}`` on a 400. Proxies and crashed servers
send other things (HTML, plain text, nothing), which still yield a usable message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from pulumi_speko.api.errors import ErrorDetail

MAX_SNIPPET_LENGTH = 120
"""Characters of a non-JSON error body quoted in the message."""

MAX_MESSAGE_LENGTH = 300
"""Characters of the server's error message kept."""

_HTML_TAG_RE = re.compile(r"<[^>]*>")
_WHITESPACE_RE = re.compile(r"\s+")

Redact = Callable[[str], str]


@dataclass(frozen=True)
class ErrorBody:
    """What an error response says, cleaned for a one-line message."""

    code: str
    message: str
    details: tuple[ErrorDetail, ...] = ()


def read_error_body(status: int, text: str, redact: Redact) -> ErrorBody:
    """The code, message and details of an error response with ``status`` and body ``text``.

    Every string taken from the body passes through ``redact`` before it is shortened.
    """
    fallback_code = f"HTTP_{status}"
    payload = _error_payload(text)
    if payload is None:
        snippet = _shorten(_strip_markup(redact(text)), MAX_SNIPPET_LENGTH)
        return ErrorBody(fallback_code, snippet or _reason_phrase(status))
    code = _string(payload.get("code"), redact) or fallback_code
    message = _string(payload.get("error"), redact) or _string(payload.get("message"), redact)
    return ErrorBody(
        code=_shorten(code, MAX_SNIPPET_LENGTH),
        message=_shorten(message, MAX_MESSAGE_LENGTH) or _reason_phrase(status),
        details=_details(payload.get("details"), redact),
    )


def _error_payload(text: str) -> dict[str, Any] | None:
    """The JSON object holding the error, also when nested as ``{"error": {...}}``."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    nested = data.get("error")
    return nested if isinstance(nested, dict) else data


def _details(raw: Any, redact: Redact) -> tuple[ErrorDetail, ...]:
    if not isinstance(raw, list):
        return ()
    details = (_detail(item, redact) for item in raw)
    return tuple(detail for detail in details if detail is not None)


def _detail(item: Any, redact: Redact) -> ErrorDetail | None:
    if isinstance(item, str):
        return ErrorDetail(path="", message=_shorten(redact(item), MAX_SNIPPET_LENGTH))
    if not isinstance(item, dict):
        return None
    path = item.get("path")
    if isinstance(path, list):
        path = ".".join(str(part) for part in path)
    message = _string(item.get("message"), redact)
    if not message:
        return None
    path_text = redact(str(path)) if path not in (None, "") else ""
    return ErrorDetail(path=path_text, message=_shorten(message, MAX_SNIPPET_LENGTH))


def _string(value: Any, redact: Redact) -> str:
    return redact(value).strip() if isinstance(value, str) else ""


def _strip_markup(text: str) -> str:
    return _HTML_TAG_RE.sub(" ", text) if text.lstrip().startswith("<") else text


def _shorten(text: str, limit: int) -> str:
    flat = _WHITESPACE_RE.sub(" ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _reason_phrase(status: int) -> str:
    return httpx.codes.get_reason_phrase(status) or "no error message"
