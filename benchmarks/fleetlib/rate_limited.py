"""A fleet against a rate-limited API: create, update and delete N SIP-trunk numbers
through the SDK's provider host from several concurrent engine calls, while the sandbox
limits the key to ``rate`` requests a second (a token bucket of ``burst``).

Each phase is one Pulumi command: a fresh provider host (so a fresh client, whose limiter
knows nothing yet), configured and warmed up, then every resource's call from
``threads`` threads. A failed call is counted, not raised: a partial ``pulumi up`` is
what this measures against. Durations come from the sandbox's own request log (first to
last request of the phase, millisecond timestamps), so they time the API's view of the
fleet, not the benchmark's threads; the ideal is ``N / rate``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from pulumi_speko.resources.sip_trunk_phone_number import TYPE_TOKEN
from pulumi_speko.sandbox.rate_limit import RateLimit
from pulumi_speko.testing import DEMO_API_KEY, DEMO_ORG, RequestLogEntry
from pulumi_speko.testing.engine import EngineHost

from fleetlib.drivers import DRIVERS, Bag, Checked, Driver, Pending
from fleetlib.report import Target
from fleetlib.sandbox_process import SandboxEndpoint
from fleetlib.workloads import CREATE, DELETE, UPDATE, Fleet, ProviderTier

PHASES: Final = (CREATE, UPDATE, DELETE)
RATE_LIMITED: Final = 429
ERRORS_KEPT: Final = 3
ENGINE_CALLS: Final = 8
"""Concurrent engine calls (the host serves four at once; the others queue)."""
MAX_RATIO: Final = 1.3
"""Target: each phase within this many times ``N / rate``."""
MAX_429_SHARE: Final = 0.10
"""Target (where a scenario sets it): at most this share of operations answered 429."""


@dataclass(frozen=True)
class Scenario:
    """A fleet, the limit it runs under, and its 429 target (None: no target)."""

    fleet: Fleet
    limit: RateLimit
    max_429_share: float | None = None

    def describe(self) -> str:
        """``60 numbers at 5 rps (burst 5)``."""
        limit = self.limit
        return f"{self.fleet.count} numbers at {limit.rate:g} rps (burst {limit.burst})"


SCENARIOS: Final = (
    Scenario(Fleet(60, ENGINE_CALLS), RateLimit(5, 5), MAX_429_SHARE),
    Scenario(Fleet(24, ENGINE_CALLS), RateLimit(1, 2)),
)
"""The issue's two scenarios."""


@dataclass
class Phase:
    """One phase of the fleet as the API saw it."""

    operation: str
    operations: int
    ideal_seconds: float
    """``N / rate``: the time the limit itself imposes."""
    failed: int = 0
    requests: int = 0
    rate_limited: int = 0
    """Requests answered ``429``."""
    seconds: float = 0.0
    """First to last request of the phase, on the sandbox's clock."""
    errors: list[str] = field(default_factory=list)
    """The first few failures' messages."""

    @property
    def ratio(self) -> float:
        """Wall time over the ideal."""
        return self.seconds / self.ideal_seconds


@dataclass
class _Resource:
    index: int
    checked: Checked
    id: str = ""
    outputs: Bag = field(default_factory=dict)


def run_rate_limited_fleet(
    endpoint: SandboxEndpoint, fleet: Fleet, limit: RateLimit, driver: str = "wire"
) -> list[Phase]:
    """Create, update and delete the fleet under ``limit``; one :class:`Phase` each.

    The sandbox is reset and the limit set first; the limit is cleared afterwards.
    """
    control = endpoint.control
    control.reset()
    control.set_rate_limit(limit.rate, limit.burst)
    try:
        return _RateLimitedRun(endpoint, fleet, limit, driver).run()
    finally:
        control.clear_rate_limit()


class _RateLimitedRun:
    def __init__(
        self, endpoint: SandboxEndpoint, fleet: Fleet, limit: RateLimit, driver: str
    ) -> None:
        self.endpoint = endpoint
        self.fleet = fleet
        self.limit = limit
        self.make_driver = DRIVERS[driver]
        self.tier = ProviderTier(endpoint, fleet, driver)  # program inputs, provider pickle

    def run(self) -> list[Phase]:
        created, phase_of_create = self._phase(CREATE, self._creates, self._all())
        live = [r for r in created if r.id]
        updated, phase_of_update = self._phase(UPDATE, self._updates, live)
        _, phase_of_delete = self._phase(DELETE, self._deletes, updated)
        return [phase_of_create, phase_of_update, phase_of_delete]

    def _all(self) -> list[_Resource]:
        return [_Resource(i, Checked({}, [])) for i in range(self.fleet.count)]

    # one engine call per resource for each phase; each returns the resource afterwards

    def _creates(self, driver: Driver, resource: _Resource) -> Pending[_Resource]:
        checked = self._check(driver, resource, version=1, olds={})
        pending = driver.create(self._name(resource), checked)

        def done(answer: Any) -> _Resource:
            id_, outputs = pending.decode(answer)
            return _Resource(resource.index, checked, id_, outputs)

        return Pending(pending.call, done)

    def _updates(self, driver: Driver, resource: _Resource) -> Pending[_Resource]:
        olds = resource.checked.inputs
        checked = self._check(driver, resource, version=2, olds=olds)
        pending = driver.update(self._name(resource), resource.id, resource.outputs, checked, olds)

        def done(answer: Any) -> _Resource:
            return _Resource(resource.index, checked, resource.id, pending.decode(answer))

        return Pending(pending.call, done)

    def _deletes(self, driver: Driver, resource: _Resource) -> Pending[_Resource]:
        name, inputs = self._name(resource), resource.checked.inputs
        pending = driver.delete(name, resource.id, resource.outputs, inputs)
        return Pending(pending.call, lambda answer: resource)

    def _check(self, driver: Driver, resource: _Resource, version: int, olds: Bag) -> Checked:
        news = self.tier.program_inputs(resource.index, version)
        pending = driver.check(self._name(resource), olds, news)
        return pending.decode(pending.call())  # Check calls no API

    def _name(self, resource: _Resource) -> str:
        return self.tier.names[resource.index]

    # ------------------------------------------------------------------ the phase

    def _phase(
        self,
        operation: str,
        prepare: Callable[[Driver, _Resource], Pending[_Resource]],
        resources: list[_Resource],
    ) -> tuple[list[_Resource], Phase]:
        phase = Phase(operation, len(resources), len(resources) / self.limit.rate)
        with self._command() as driver:
            pendings = [prepare(driver, resource) for resource in resources]
            self.endpoint.control.clear_request_log()
            with ThreadPoolExecutor(self.fleet.threads, thread_name_prefix="engine") as pool:
                outcomes = list(pool.map(_attempt, pendings))
            log = self.endpoint.control.request_log()
        survivors: list[_Resource] = []
        for resource, outcome in zip(resources, outcomes, strict=True):
            if isinstance(outcome, _Resource):
                survivors.append(outcome)
                continue
            phase.failed += 1
            if len(phase.errors) < ERRORS_KEPT:
                phase.errors.append(outcome)
            if operation == DELETE:
                survivors.append(resource)
        _measure(phase, log)
        return survivors, phase

    @contextmanager
    def _command(self) -> Iterator[Driver]:
        """A fresh provider host, configured and its provider loaded: one Pulumi command."""
        with EngineHost() as host:
            host.configure(
                {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": self.endpoint.base_url},
                secret_keys=["speko:apiKey"],
            )
            host.check(TYPE_TOKEN, "warm-up", {}, self.tier.program_inputs(0, 1))
            driver = self.make_driver(host, TYPE_TOKEN)
            try:
                yield driver
            finally:
                driver.close()


def _attempt(pending: Pending[_Resource]) -> _Resource | str:
    """The call's result, or its error's last line (what ``pulumi up`` would print)."""
    try:
        return pending.decode(pending.call())
    except Exception as error:  # a failed operation is a measurement, not a crash
        details = getattr(error, "details", None)
        text = details() if callable(details) else str(error)
        return (text or type(error).__name__).strip().splitlines()[-1]


def _arrival(entry: RequestLogEntry) -> float:
    return datetime.fromisoformat(entry.time.replace("Z", "+00:00")).timestamp()


def _measure(phase: Phase, log: list[RequestLogEntry]) -> None:
    phase.requests = len(log)
    phase.rate_limited = sum(1 for entry in log if entry.status == RATE_LIMITED)
    if log:
        arrivals = [_arrival(entry) for entry in log]
        phase.seconds = max(arrivals) - min(arrivals)


def leftover_numbers(endpoint: SandboxEndpoint) -> int:
    """Numbers the demo organization still holds (a failed delete leaves them)."""
    return len(endpoint.control.list_numbers(DEMO_ORG))


def render_phases(limit: RateLimit, fleet: Fleet, phases: list[Phase]) -> str:
    """The scenario's table: per phase, operations, failures, 429s, wall time vs N/rate."""
    header = (
        f"{fleet.count} SIP-trunk numbers from {fleet.threads} concurrent engine calls, "
        f"API limited to {limit.rate:g} request(s)/s per key (burst {limit.burst}):"
    )
    lines = [
        header,
        f"{'phase':<8}{'operations':>11}{'failed':>8}{'requests':>10}{'429s':>7}"
        f"{'429s/op':>9}{'wall s':>9}{'N/rate s':>10}{'ratio':>7}",
    ]
    for phase in phases:
        lines.append(
            f"{phase.operation:<8}{phase.operations:>11}{phase.failed:>8}{phase.requests:>10}"
            f"{phase.rate_limited:>7}{phase.rate_limited / max(phase.operations, 1):>9.1%}"
            f"{phase.seconds:>9.2f}{phase.ideal_seconds:>10.2f}{phase.ratio:>7.2f}"
        )
        lines.extend(f"  failed: {message}" for message in phase.errors)
    return "\n".join(lines)


def evaluate_targets(scenario: Scenario, phases: list[Phase]) -> list[Target]:
    """The issue's targets for one scenario: nothing failed, each phase within
    :data:`MAX_RATIO` of ``N / rate``, and the 429 share where the scenario sets one."""
    name = scenario.describe()
    failed = sum(phase.failed for phase in phases)
    worst = max(phases, key=lambda phase: phase.ratio)
    targets = [
        Target(f"{name}: failed operations", str(failed), failed == 0),
        Target(
            f"{name}: each phase <= {MAX_RATIO}x N/rate",
            f"worst {worst.ratio:.2f}x ({worst.operation})",
            all(phase.ratio <= MAX_RATIO for phase in phases),
        ),
    ]
    if scenario.max_429_share is not None:
        answered_429 = sum(phase.rate_limited for phase in phases)
        operations = sum(phase.operations for phase in phases)
        share = answered_429 / max(operations, 1)
        targets.append(
            Target(
                f"{name}: operations answered 429 <= {scenario.max_429_share:.0%}",
                f"{answered_429} of {operations} ({share:.1%})",
                share <= scenario.max_429_share,
            )
        )
    return targets
