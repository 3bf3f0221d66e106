"""The sandbox's rate limit: a token bucket per API key over calls of the real API.

Each key's bucket holds up to ``burst`` tokens and refills at ``rate`` tokens a second; a
call of ``/v1`` takes one token, and a call that finds none is answered ``429
RATE_LIMITED`` with ``Retry-After`` in whole seconds, rounded up, like real APIs (the
call is not run and takes no token). The rules are pure functions; :class:`RateLimiter`
holds the buckets of one sandbox with an injectable clock. No limit (the default) lets
every call through.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

MIN_RETRY_AFTER_SECONDS = 1
"""``Retry-After`` is whole seconds: a wait under one second is announced as one."""


@dataclass(frozen=True)
class RateLimit:
    """Requests per second per API key, and how many may come at once (the bucket size)."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and math.isfinite(self.rate)):
            raise ValueError("the rate must be a number of requests per second above 0")
        if self.burst < 1:
            raise ValueError("the burst must be 1 or more")

    @classmethod
    def of(cls, rate: float, burst: int | None = None) -> RateLimit:
        """The limit; the burst defaults to the rate rounded up (one second's worth)."""
        return cls(rate, max(1, math.ceil(rate)) if burst is None else burst)

    def describe(self) -> dict[str, float | int]:
        """The limit as the control API shows it."""
        return {"rate": self.rate, "burst": self.burst}


def parse_rate_limit(text: str) -> RateLimit:
    """``RATE[:BURST]`` (``5``, ``0.5:2``); the burst defaults to the rate rounded up."""
    rate_text, _, burst_text = text.partition(":")
    try:
        return RateLimit.of(float(rate_text), int(burst_text) if burst_text else None)
    except (ValueError, OverflowError):
        raise ValueError(
            f"{text!r} is not RATE[:BURST] (requests per second above 0, burst 1 or more)"
        ) from None


@dataclass(frozen=True)
class Bucket:
    """Tokens left at ``updated`` (seconds on the limiter's clock)."""

    tokens: float
    updated: float


def refilled(bucket: Bucket, limit: RateLimit, now: float) -> Bucket:
    """The bucket at ``now``: refilled at ``rate`` since it was updated, capped at ``burst``."""
    elapsed = max(now - bucket.updated, 0.0)
    return Bucket(min(bucket.tokens + elapsed * limit.rate, float(limit.burst)), now)


def seconds_until_token(bucket: Bucket, limit: RateLimit) -> float:
    """How long until a refilled bucket holds one whole token (0 when it does)."""
    return max(1.0 - bucket.tokens, 0.0) / limit.rate


def retry_after_header(wait_seconds: float) -> int:
    """The ``Retry-After`` value for a wait: whole seconds, rounded up, at least one."""
    return max(MIN_RETRY_AFTER_SECONDS, math.ceil(wait_seconds))


class RateLimiter:
    """The buckets of one sandbox, one per API key (thread-safe).

    ``initial`` is the limit the sandbox started with (``--rate-limit``), which a reset
    restores; ``clock`` reads seconds (monotonic by default).
    """

    def __init__(
        self, initial: RateLimit | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = threading.Lock()
        self._initial = initial
        self._limit = initial
        self._clock = clock
        self._buckets: dict[str, Bucket] = {}

    @property
    def limit(self) -> RateLimit | None:
        """The limit in force, or None."""
        with self._lock:
            return self._limit

    def set_limit(self, limit: RateLimit | None) -> None:
        """Change the limit (None: no limit); every key starts again with a full bucket."""
        with self._lock:
            self._limit = limit
            self._buckets = {}

    def reset(self) -> None:
        """Back to the limit the sandbox started with, every bucket full."""
        self.set_limit(self._initial)

    def take(self, api_key: str) -> int | None:
        """Take a token for a call with ``api_key``: None when it may run, else the
        ``Retry-After`` seconds of its 429."""
        with self._lock:
            limit = self._limit
            if limit is None:
                return None
            now = self._clock()
            bucket = refilled(self._buckets.get(api_key, Bucket(limit.burst, now)), limit, now)
            if bucket.tokens >= 1.0:
                self._buckets[api_key] = Bucket(bucket.tokens - 1.0, now)
                return None
            self._buckets[api_key] = bucket
            return retry_after_header(seconds_until_token(bucket, limit))
