"""Fault rules and the request log, applied by the outermost ASGI middleware.

Only calls of the real API (paths under ``/v1``) are faulted and logged; the control API,
``/openapi.json`` and the docs never are.

A rule matches a method (or ``*``) and a path pattern: a glob (``fnmatch``, where ``*``
also crosses ``/``) or, when the pattern starts with ``^``, a regular expression. It
fires on the next ``times`` matching calls, or on each matching call with
``probability`` (from a seeded RNG, so runs repeat), or both (each call with the
probability, until it fired ``times`` times), or, with neither, on every matching call.
The first rule that fires, in the order they were added, decides:

- ``respond``: answer ``status`` with ``{"error", "code"}`` (and ``Retry-After`` when
  given) without running the request;
- ``latency``: wait ``latency_seconds``, then run the request normally;
- ``drop``: run the request for real (its write commits), then close the connection
  without sending any response. Logged with ``status`` 0 and ``dropped`` true
  (``appStatus`` holds what the app answered).

A call no rule answers or drops then meets the rate limit (``rate_limit``), when one is
set: a call over it is answered ``429 RATE_LIMITED`` with ``Retry-After`` and logged with
``rateLimited`` true.
"""

from __future__ import annotations

import asyncio
import fnmatch
import http
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pulumi_speko.sandbox.app import bearer_token, error_response, is_api_path
from pulumi_speko.sandbox.model import camel_dict, iso, new_id, system_clock
from pulumi_speko.sandbox.rate_limit import RateLimiter

FaultAction = Literal["respond", "latency", "drop"]
DEFAULT_FAULT_SEED = 0
REQUEST_LOG_LIMIT = 100_000
DROPPED_STATUS = 0
CODE_OF_FAULT_STATUS = {401: "UNAUTHORIZED", 404: "NOT_FOUND", 409: "CONFLICT", 429: "RATE_LIMITED"}
# The order the control API lists a rule's keys in (``code`` is the effective one).
DESCRIBED_RULE_FIELDS = (
    "id", "method", "path_pattern", "action", "times", "remaining", "probability", "status",
    "code", "retry_after", "latency_seconds", "fired",
)  # fmt: skip


class ConnectionDropped(RuntimeError):
    """A drop fault fired on a server that is not uvicorn's h11 protocol."""


@dataclass
class FaultRule:
    """One fault rule; ``remaining`` counts down from ``times`` (None: unlimited)."""

    method: str
    path_pattern: str
    action: FaultAction
    times: int | None = None
    probability: float | None = None
    status: int = 500
    code: str | None = None
    retry_after: float | None = None
    latency_seconds: float = 0.0
    id: str = field(default_factory=lambda: new_id("flt"))
    remaining: int | None = None
    fired: int = 0

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        self.remaining = self.times
        self._regex = re.compile(self.path_pattern) if self.path_pattern.startswith("^") else None

    def matches(self, method: str, path: str) -> bool:
        """Whether the call is one this rule is about (whether it fires is separate)."""
        if self.method != "*" and self.method != method.upper():
            return False
        if self._regex is not None:
            return self._regex.search(path) is not None
        return fnmatch.fnmatchcase(path, self.path_pattern)

    def error_code(self) -> str:
        """The ``code`` of a respond fault: given, or the usual one for the status."""
        if self.code:
            return self.code
        return "INTERNAL" if self.status >= 500 else CODE_OF_FAULT_STATUS.get(self.status, "FAULT")

    def describe(self) -> dict[str, Any]:
        """The rule as the control API lists it."""
        return {**camel_dict(self, DESCRIBED_RULE_FIELDS), "code": self.error_code()}


@dataclass(frozen=True)
class LogEntry:
    """One call of the real API. ``time`` is when it arrived (ISO 8601 UTC)."""

    method: str
    path: str
    status: int
    time: str
    org_id: str | None
    duration_ms: float
    fault_id: str | None = None
    dropped: bool = False
    app_status: int | None = None
    rate_limited: bool = False

    def describe(self) -> dict[str, Any]:
        """The entry as the control API lists it."""
        return camel_dict(self)


class FaultInjector:
    """The fault rules and the request log of one sandbox (thread-safe)."""

    def __init__(self, seed: int = DEFAULT_FAULT_SEED) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._seed = seed
        self._rng = random.Random(seed)
        self._log: deque[LogEntry] = deque(maxlen=REQUEST_LOG_LIMIT)

    def add(self, rule: FaultRule) -> FaultRule:
        """Add a rule after the existing ones."""
        with self._lock:
            self._rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        """Remove one rule; False when there is none with that id."""
        with self._lock:
            kept = [r for r in self._rules if r.id != rule_id]
            removed = len(kept) != len(self._rules)
            self._rules = kept
        return removed

    def rules(self) -> list[FaultRule]:
        """Every rule, spent ones included (``remaining`` 0)."""
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        """Remove every rule."""
        with self._lock:
            self._rules = []

    def set_seed(self, seed: int) -> None:
        """Restart the RNG of probability rules from ``seed``."""
        with self._lock:
            self._seed = seed
            self._rng = random.Random(seed)

    def reset(self) -> None:
        """No rules, an empty log, and the RNG restarted from its seed."""
        with self._lock:
            self._rules = []
            self._log.clear()
            self._rng = random.Random(self._seed)

    def pick(self, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this call, if any, counting the firing."""
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.matches(method, path):
                    continue
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.remaining is not None:
                    rule.remaining -= 1
                return rule
        return None

    def record(self, entry: LogEntry) -> None:
        """Append a call to the request log."""
        with self._lock:
            self._log.append(entry)

    def log(self) -> list[LogEntry]:
        """The request log, oldest first."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()


class FaultMiddleware:
    """Outermost ASGI middleware: logs each API call, applies the fault rules, then the
    rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        injector: FaultInjector,
        resolve_org: Callable[[str], str | None],
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.injector = injector
        self.resolve_org = resolve_org
        self.limiter = limiter or RateLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_api_path(scope["path"]):
            await self.app(scope, receive, send)
            return
        call = _Call(scope, self.resolve_org)
        rule = self.injector.pick(scope["method"], scope["path"])
        if (rule is None or rule.action == "latency") and call.token is not None:
            call.retry_after = self.limiter.take(call.token)

        def finish() -> None:
            # Logged before the last byte of the answer leaves, so a client that has its
            # answer always finds the call in the log, and a call of an earlier test can
            # never land in the log after the next test cleared it.
            if not call.logged:
                call.logged = True
                self.injector.record(call.entry(rule))

        try:
            if call.retry_after is not None:
                limited = _rate_limited_response(call.retry_after)
                await limited(scope, receive, call.recording(send, finish))
            elif rule is None or rule.action == "latency":
                if rule is not None:
                    await asyncio.sleep(rule.latency_seconds)
                await self.app(scope, receive, call.recording(send, finish))
            elif rule.action == "respond":
                await _fault_response(rule)(scope, receive, call.recording(send, finish))
            else:
                await self.app(scope, receive, call.swallowing())
                finish()
                _drop_connection(send)
        finally:
            finish()


class _Call:
    """What the request log needs to know about one call in flight."""

    def __init__(self, scope: Scope, resolve_org: Callable[[str], str | None]) -> None:
        token = bearer_token(scope)
        self.token = token
        self.retry_after: int | None = None
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.org_id = None if token is None else resolve_org(token)
        self.time = iso(system_clock())
        self.started = time.perf_counter()
        self.status: int | None = None
        self.logged = False

    def _note(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])

    def recording(self, send: Send, before_last_byte: Callable[[], None]) -> Send:
        async def recording_send(message: Message) -> None:
            self._note(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                before_last_byte()
            await send(message)

        return recording_send

    def swallowing(self) -> Send:
        async def swallowing_send(message: Message) -> None:
            self._note(message)

        return swallowing_send

    def entry(self, rule: FaultRule | None) -> LogEntry:
        dropped = rule is not None and rule.action == "drop"
        return LogEntry(
            method=self.method,
            path=self.path,
            status=DROPPED_STATUS if dropped else (self.status or 500),
            time=self.time,
            org_id=self.org_id,
            duration_ms=round((time.perf_counter() - self.started) * 1000, 3),
            fault_id=None if rule is None else rule.id,
            dropped=dropped,
            app_status=self.status if dropped else None,
            rate_limited=self.retry_after is not None,
        )


def _fault_response(rule: FaultRule) -> ASGIApp:
    headers = None
    if rule.retry_after is not None:
        headers = {"Retry-After": f"{rule.retry_after:g}"}
    try:
        phrase = http.HTTPStatus(rule.status).phrase
    except ValueError:
        phrase = "Injected fault"
    return error_response(rule.status, phrase, rule.error_code(), headers=headers)


def _rate_limited_response(retry_after: int) -> ASGIApp:
    return error_response(
        429, "Too Many Requests", "RATE_LIMITED", headers={"Retry-After": str(retry_after)}
    )


def _drop_connection(send: Send) -> None:
    """Close the client's connection without a response.

    uvicorn's h11 protocol passes ``send`` as a bound method of its RequestResponseCycle:
    closing that cycle's transport drops the connection, and marking it disconnected
    stops uvicorn from writing a 500 once the app returns without a response.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if cycle is None or transport is None:
        raise ConnectionDropped("drop faults need the uvicorn h11 server")
    cycle.disconnected = True
    transport.close()
