"""The retry policy as pure functions: retryability, backoff, Retry-After parsing."""

from __future__ import annotations

import math
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pulumi_speko.api._retry import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_DELAY_MULTIPLIER,
    RETRY_JITTER_FRACTION,
    backoff_delay,
    is_retryable_status,
    is_retryable_transport_failure,
    parse_http_date,
    parse_retry_after,
    retry_delay,
)

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
fractions = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)
retry_numbers = st.integers(min_value=1, max_value=60)


# Per method: the statuses it retries, then statuses it does not.
STATUSES_BY_METHOD = {
    "GET": ((429, 500), (400, 404, 409)),
    "PUT": ((502,), (200,)),
    "PATCH": ((503,), ()),
    "DELETE": ((504,), ()),
    "delete": ((599,), ()),
    "POST": ((429,), (500, 503)),
}


@pytest.mark.parametrize(
    ("method", "status", "retryable"),
    [
        (method, status, retryable)
        for method, (retried, not_retried) in STATUSES_BY_METHOD.items()
        for retryable, statuses in ((True, retried), (False, not_retried))
        for status in statuses
    ],
)
def test_retryable_statuses(method: str, status: int, retryable: bool) -> None:
    assert is_retryable_status(method, status) is retryable


@pytest.mark.parametrize(
    ("method", "request_sent", "retryable"),
    [
        ("POST", False, True),
        ("POST", True, False),
        ("GET", True, True),
        ("PATCH", True, True),
        ("DELETE", False, True),
    ],
)
def test_retryable_transport_failures(method: str, request_sent: bool, retryable: bool) -> None:
    assert is_retryable_transport_failure(method, request_sent) is retryable


@given(retry_number=retry_numbers, fraction=fractions)
def test_backoff_is_exponential_capped_and_jittered_downwards(
    retry_number: int, fraction: float
) -> None:
    ceiling = min(
        INITIAL_RETRY_DELAY * RETRY_DELAY_MULTIPLIER ** (retry_number - 1), MAX_RETRY_DELAY
    )
    delay = backoff_delay(retry_number, fraction)
    assert (1 - RETRY_JITTER_FRACTION) * ceiling <= delay <= ceiling <= MAX_RETRY_DELAY


@given(retry_number=retry_numbers, fraction=fractions)
def test_backoff_never_shrinks_from_one_retry_to_the_next(
    retry_number: int, fraction: float
) -> None:
    assert backoff_delay(retry_number + 1, fraction) >= backoff_delay(retry_number, fraction)


@given(
    retry_number=retry_numbers,
    retry_after=st.floats(min_value=0, max_value=1e6),
    fraction=fractions,
)
def test_delay_is_at_least_retry_after_up_to_its_cap(
    retry_number: int, retry_after: float, fraction: float
) -> None:
    delay = retry_delay(retry_number, retry_after, fraction)
    assert delay >= min(retry_after, MAX_RETRY_AFTER)
    assert delay <= max(MAX_RETRY_AFTER, MAX_RETRY_DELAY)


@given(seconds=st.integers(min_value=0, max_value=10**9))
def test_integer_seconds_parse(seconds: int) -> None:
    assert parse_retry_after(str(seconds), NOW) == seconds


@given(seconds=st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False))
def test_fractional_seconds_parse(seconds: object) -> None:
    text = f"{seconds:f}"
    assert parse_retry_after(text, NOW) == pytest.approx(float(text))


@given(offset=st.integers(min_value=-(10**6), max_value=10**8))
def test_http_dates_parse_to_the_seconds_until_them(offset: int) -> None:
    moment = datetime.fromtimestamp(NOW + offset, tz=timezone.utc)
    header = format_datetime(moment, usegmt=True)
    assert parse_retry_after(header, NOW) == max(offset, 0)


@pytest.mark.parametrize(
    "header",
    [
        "Sat, 01 Mar 2025 12:00:30 GMT",
        "Saturday, 01-Mar-25 12:00:30 GMT",
        "Sat Mar  1 12:00:30 2025",
    ],
)
def test_the_three_http_date_formats_parse(header: str) -> None:
    assert parse_retry_after(header, NOW) == 30.0


@pytest.mark.parametrize(
    "header", ["", " ", "-1", "+5", "1e3", "nan", "inf", "0x10", "soon", "5 seconds", "1.", ".5"]
)
def test_malformed_retry_after_is_ignored(header: str) -> None:
    assert parse_retry_after(header, NOW) is None


def test_absent_retry_after_is_none() -> None:
    assert parse_retry_after(None, NOW) is None


@given(header=st.text(max_size=40))
def test_any_header_parses_to_none_or_a_finite_wait(header: str) -> None:
    delay = parse_retry_after(header, NOW)
    assert delay is None or (math.isfinite(delay) and delay >= 0)


def test_http_date_helper_ignores_garbage() -> None:
    assert parse_http_date(None) is None
    assert parse_http_date("yesterday") is None
    assert parse_http_date("Sat, 01 Mar 2025 12:00:00 GMT") == NOW
