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
from fleetlib.rate_limited import (
    MAX_429_SHARE,
    MAX_RATIO,
    PHASES,
    SCENARIOS,
    evaluate_targets,
    leftover_numbers,
    run_rate_limited_fleet,
)
from fleetlib.sandbox_process import SandboxEndpoint, sandbox_process

AT_5_RPS, AT_1_RPS = SCENARIOS


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SandboxEndpoint]:
    with sandbox_process() as running:
        yield running


def test_60_numbers_at_5_requests_a_second_fail_nothing_and_rarely_collide(
    endpoint: SandboxEndpoint,
) -> None:
    assert (AT_5_RPS.fleet.count, AT_5_RPS.limit.rate, AT_5_RPS.limit.burst) == (60, 5, 5)
    phases = run_rate_limited_fleet(endpoint, AT_5_RPS.fleet, AT_5_RPS.limit)
    assert [phase.operation for phase in phases] == list(PHASES)
    for phase in phases:
        assert (phase.operations, phase.failed) == (60, 0), phase.errors
        assert phase.ratio <= MAX_RATIO, phase
    answered_429 = sum(phase.rate_limited for phase in phases)
    assert answered_429 <= MAX_429_SHARE * sum(phase.operations for phase in phases), phases
    assert leftover_numbers(endpoint) == 0
    assert all(target.met for target in evaluate_targets(AT_5_RPS, phases))


@pytest.mark.soak
def test_24_numbers_at_1_request_a_second_fail_nothing(endpoint: SandboxEndpoint) -> None:
    assert (AT_1_RPS.fleet.count, AT_1_RPS.limit.rate, AT_1_RPS.limit.burst) == (24, 1, 2)
    phases = run_rate_limited_fleet(endpoint, AT_1_RPS.fleet, AT_1_RPS.limit)
    for phase in phases:
        assert (phase.operations, phase.failed) == (24, 0), phase.errors
        assert phase.ratio <= MAX_RATIO, phase
    assert leftover_numbers(endpoint) == 0
