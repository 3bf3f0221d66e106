"""The client's rate limiter: one per :class:`~pulumi_speko.api.Client`, shared by every
thread that uses it.

The API's limit is not published (the contract asks a client to cope with any rate, down
to about one request a second), so the limiter learns it. It starts without a limit.
A ``429`` pauses every request of the client until its ``Retry-After``. A second one
within a second (the client is over the limit, not hit by a blip) sets a request rate,
and each later one lowers it (multiplicative decrease: the first time from the rate the
client was sending at, then from the rate in force); while requests flow, the rate grows
by a fixed amount a second (additive increase), so the fleet runs near the API's limit
instead of colliding with it. A learned rate is forgotten after a quiet spell without
``429``.

The rules are pure functions over named constants; :class:`RateLimiter` holds the state
with an injected clock and sleep.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

DEFAULT_RATE_LIMIT_WAIT = 300.0
"""Seconds one request may spend waiting out ``429`` answers before it fails."""

RATE_DECREASE_FACTOR = 0.7
"""On a ``429``, the request rate is multiplied by this."""

RATE_INCREASE_PER_SECOND = 0.05
"""While requests flow, the rate grows each second by this fraction of the rate set at
the last ``429``: from 0.7 of a rate back to it in about nine seconds."""

OBSERVATION_WINDOW = 1.0
"""Seconds of recent requests that give the rate the client was sending at, and of
recent ``429`` answers that tell a client over the limit from a blip."""

MIN_429S_TO_LEARN = 2
"""``429`` answers within :data:`OBSERVATION_WINDOW` that set a rate when there is none."""

MIN_RATE = 0.05
"""Requests per second the limiter never goes below (one every 20 seconds)."""

RATE_MEMORY = 60.0
"""Seconds without a ``429`` after which the learned rate is forgotten (no limit again)."""

DEFAULT_PAUSE = 1.0
"""Seconds every request waits after a ``429`` that names no ``Retry-After``."""


def observed_rate(sent_at: Iterable[float], now: float) -> float:
    """Requests a second sent in the last :data:`OBSERVATION_WINDOW` seconds."""
    recent = sum(1 for moment in sent_at if moment > now - OBSERVATION_WINDOW)
    return recent / OBSERVATION_WINDOW


def decreased_rate(rate: float | None, observed: float) -> float:
    """The rate after a ``429``: a fraction of the rate in force, or of the rate observed
    when there was none; never below :data:`MIN_RATE`."""
    current = observed if rate is None else rate
    return max(current * RATE_DECREASE_FACTOR, MIN_RATE)


def increased_rate(rate: float, base_rate: float) -> float:
    """The rate after one more request is let through at ``rate``.

    Each request adds ``RATE_INCREASE_PER_SECOND * base_rate / rate``, so a client sending
    at its rate gains ``RATE_INCREASE_PER_SECOND * base_rate`` a second, and an idle one
    gains nothing.
    """
    return rate + RATE_INCREASE_PER_SECOND * base_rate / rate


def pause_seconds(retry_after: float | None) -> float:
    """How long a ``429`` pauses every request: its ``Retry-After`` (whole, however long:
    the wait budget bounds it), else :data:`DEFAULT_PAUSE`."""
    return DEFAULT_PAUSE if retry_after is None else max(retry_after, 0.0)


def should_lower(rate: float | None, recent_429s: int) -> bool:
    """Whether a ``429`` lowers the rate: always under a rate; without one only when it
    is the :data:`MIN_429S_TO_LEARN`-th in the window (one alone may be a blip: a shared
    key, a burst of another client)."""
    return rate is not None or recent_429s >= MIN_429S_TO_LEARN


def is_forgotten(last_decrease_at: float, now: float) -> bool:
    """Whether a rate learned at ``last_decrease_at`` is too old to keep."""
    return now - last_decrease_at > RATE_MEMORY


def next_start(now: float, paused_until: float, next_slot: float, rate: float | None) -> float:
    """When the next request may start: after any pause and, under a rate, its slot."""
    start = max(now, paused_until)
    return start if rate is None else max(start, next_slot)


@dataclass
class _State:
    rate: float | None = None
    base_rate: float = 0.0
    paused_until: float = float("-inf")
    next_slot: float = float("-inf")
    last_decrease_at: float = float("-inf")


class RateLimiter:
    """Paces the requests of one client and pauses them all after a ``429`` (thread-safe).

    Call :meth:`acquire` before each request and :meth:`rate_limited` when it is answered
    ``429``.
    """

    def __init__(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._state = _State()
        self._sent_at: deque[float] = deque()
        self._limited_at: deque[float] = deque()

    @property
    def rate(self) -> float | None:
        """Requests per second in force, or None while no limit was learned."""
        with self._lock:
            return self._state.rate

    @property
    def paused_until(self) -> float:
        """When the current pause ends (a past moment when there is none)."""
        with self._lock:
            return self._state.paused_until

    def acquire(self, deadline: float) -> float | None:
        """Wait until a request may start; the moment it may (its ticket for
        :meth:`rate_limited`), or None, without waiting, when a pause lasts past
        ``deadline``."""
        now = self._clock()
        while True:
            with self._lock:
                # after sleeping until ``start``, it is at least ``start`` (an injected
                # sleep may not move the clock)
                now = max(now, self._clock())
                state = self._forget_if_old(now)
                if state.paused_until > deadline:
                    return None
                start = next_start(now, state.paused_until, state.next_slot, state.rate)
                if start <= now:
                    self._let_through(now)
                    return now
            self._sleep(start - now)
            now = start

    def rate_limited(self, ticket: float, retry_after: float | None) -> float:
        """Record a ``429`` to the request let through at ``ticket``; the seconds every
        request now pauses. Only the first ``429`` of requests sent under the same rate
        lowers it again."""
        with self._lock:
            now = self._clock()
            state = self._state
            state.paused_until = max(state.paused_until, now + pause_seconds(retry_after))
            recent_429s = _keep_recent(self._limited_at, now)
            if ticket > state.last_decrease_at and should_lower(state.rate, recent_429s):
                state.rate = decreased_rate(state.rate, observed_rate(self._sent_at, now))
                state.base_rate = state.rate
                state.last_decrease_at = now
            return state.paused_until - now

    def _forget_if_old(self, now: float) -> _State:
        if self._state.rate is not None and is_forgotten(self._state.last_decrease_at, now):
            self._state = _State(paused_until=self._state.paused_until)
        return self._state

    def _let_through(self, now: float) -> None:
        state = self._state
        if state.rate is not None:
            state.next_slot = max(state.next_slot, now) + 1.0 / state.rate
            state.rate = increased_rate(state.rate, state.base_rate)
        _keep_recent(self._sent_at, now)


def _keep_recent(moments: deque[float], now: float) -> int:
    """Add ``now`` and drop what is older than the window; how many remain."""
    moments.append(now)
    while moments and moments[0] <= now - OBSERVATION_WINDOW:
        moments.popleft()
    return len(moments)
