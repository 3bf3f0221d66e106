"""Fleets under a real rate limit (issue #11, part 3), through the engine protocol.

SIP-trunk numbers are created, updated and deleted through the SDK's provider host
(``python -m pulumi.dynamic``, one per phase as one per Pulumi command) from 8 concurrent
engine calls, against a sandbox (its own process) that limits the key with its token
bucket. Phase durations are read from the sandbox's request log (first to last request),
so they are the limiter's doing: at these rates the requests need a few milliseconds of
CPU each and the limit imposes seconds. The 1 request/s scenario takes about 80 s of
limiter time, so it runs with ``make soak`` (and is shown by ``make bench``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fleetlib.rate_limited import PHASES, Limit, leftover_numbers, run_rate_limited_fleet
from fleetlib.sandbox_process import SandboxEndpoint, sandbox_process
from fleetlib.workloads import Fleet

ENGINE_CALLS = 8
MAX_RATIO = 1.3
"""Each phase within this many times ``N / rate``."""
MAX_429_SHARE = 0.10
"""At most this share of the operations answered 429 (5 requests/s scenario)."""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SandboxEndpoint]:
    with sandbox_process() as running:
        yield running


def test_60_numbers_at_5_requests_a_second_fail_nothing_and_rarely_collide(
    endpoint: SandboxEndpoint,
) -> None:
    fleet, limit = Fleet(60, ENGINE_CALLS), Limit(rate=5, burst=5)
    phases = run_rate_limited_fleet(endpoint, fleet, limit)
    assert [phase.operation for phase in phases] == list(PHASES)
    for phase in phases:
        assert (phase.operations, phase.failed) == (60, 0), phase.errors
        assert phase.ratio <= MAX_RATIO, phase
    answered_429 = sum(phase.rate_limited for phase in phases)
    assert answered_429 <= MAX_429_SHARE * sum(phase.operations for phase in phases), phases
    assert leftover_numbers(endpoint) == 0


@pytest.mark.soak
def test_24_numbers_at_1_request_a_second_fail_nothing(endpoint: SandboxEndpoint) -> None:
    fleet, limit = Fleet(24, ENGINE_CALLS), Limit(rate=1, burst=2)
    phases = run_rate_limited_fleet(endpoint, fleet, limit)
    for phase in phases:
        assert (phase.operations, phase.failed) == (24, 0), phase.errors
        assert phase.ratio <= MAX_RATIO, phase
    assert leftover_numbers(endpoint) == 0
