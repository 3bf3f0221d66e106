"""The retry policy: what may be retried, how long to wait, and ``Retry-After`` parsing.

Pure functions over named constants, so the policy reads in one place and tests need no
HTTP. The client in ``_client`` applies it.
"""

from __future__ import annotations

import math
import re
from datetime import timezone
from email.utils import parsedate_to_datetime

DEFAULT_MAX_RETRIES = 3
"""Retries after the first attempt."""

DEFAULT_RETRY_BUDGET = 60.0
"""Seconds from the first attempt after which no further retry is started."""

INITIAL_RETRY_DELAY = 0.5
"""Seconds before the first retry, before jitter."""

RETRY_DELAY_MULTIPLIER = 2.0
"""Each retry waits this many times longer than the previous one."""

MAX_RETRY_DELAY = 8.0
"""Cap of the exponential backoff, in seconds."""

RETRY_JITTER_FRACTION = 0.25
"""Backoff is shortened by a random fraction up to this, so clients do not retry in step."""

MAX_RETRY_AFTER = 60.0
"""Longest ``Retry-After`` honoured, in seconds; a longer one is cut to this."""

IDEMPOTENT_METHODS: frozenset[str] = frozenset({"GET", "PUT", "PATCH", "DELETE"})
"""Verbs whose replay cannot double an effect (PATCH here sets fields to given values)."""

RATE_LIMITED_STATUS = 429

_DELAY_SECONDS_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*$")


def is_retryable_status(method: str, status: int) -> bool:
    """Whether a response with ``status`` to a ``method`` request may be retried.

    A 429 means the server refused before doing anything, so any verb may retry it; a
    5xx may have come after the effect, so only idempotent verbs retry it.
    """
    if status == RATE_LIMITED_STATUS:
        return True
    return status >= 500 and method.upper() in IDEMPOTENT_METHODS


def is_retryable_transport_failure(method: str, request_sent: bool) -> bool:
    """Whether a transport failure may be retried.

    A request that never left (no connection) may always be replayed; one that may
    have reached the server only when its verb is idempotent.
    """
    return not request_sent or method.upper() in IDEMPOTENT_METHODS


def backoff_delay(retry_number: int, random_fraction: float) -> float:
    """Seconds to wait before retry ``retry_number`` (1 for the first retry).

    ``random_fraction`` is a number in [0, 1) that picks the jitter.
    """
    exponent = max(retry_number - 1, 0)
    base = min(INITIAL_RETRY_DELAY * RETRY_DELAY_MULTIPLIER**exponent, MAX_RETRY_DELAY)
    return base * (1.0 - RETRY_JITTER_FRACTION * random_fraction)


def retry_delay(retry_number: int, retry_after: float | None, random_fraction: float) -> float:
    """Seconds to wait before a retry: the backoff, but never less than ``Retry-After``.

    ``Retry-After`` is honoured up to :data:`MAX_RETRY_AFTER`.
    """
    delay = backoff_delay(retry_number, random_fraction)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, or None when absent or malformed.

    The header holds delay seconds (a fraction is accepted) or an HTTP date; a date is
    measured from ``now`` (seconds since the epoch) and a past date means 0.
    """
    if value is None:
        return None
    seconds = _DELAY_SECONDS_RE.match(value)
    if seconds:
        delay = float(seconds.group(1))
        return delay if math.isfinite(delay) else None
    return _seconds_until_http_date(value, now)


def parse_http_date(value: str | None) -> float | None:
    """Seconds since the epoch of an HTTP date (e.g. a ``Date`` header), or None."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:  # "-0000": RFC 5322 for UTC of unknown origin
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _seconds_until_http_date(value: str, now: float) -> float | None:
    moment = parse_http_date(value)
    if moment is None:
        return None
    return max(moment - now, 0.0)
