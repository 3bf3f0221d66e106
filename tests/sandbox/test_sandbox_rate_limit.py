"""The sandbox's rate limit: a token bucket per API key, its 429s, the control API and the
``--rate-limit`` option."""

from __future__ import annotations

import argparse

import httpx
import pytest
from pulumi_speko.sandbox.command import add_arguments
from pulumi_speko.sandbox.rate_limit import RateLimit, RateLimiter, parse_rate_limit
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .support import assert_error


class FakeClock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(rate: float, burst: int) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(RateLimit(rate, burst), clock), clock


# ------------------------------------------------------------------------- the rules


def test_a_full_bucket_lets_a_burst_through_then_answers_retry_after() -> None:
    buckets, _ = limiter(rate=5, burst=5)
    assert [buckets.take("sk_a") for _ in range(5)] == [None] * 5
    assert buckets.take("sk_a") == 1  # 0.2 s to the next token, announced as 1 s


def test_the_bucket_refills_at_the_rate_and_never_beyond_the_burst() -> None:
    buckets, clock = limiter(rate=2, burst=3)
    assert [buckets.take("k") for _ in range(3)] == [None, None, None]
    clock.now += 0.49
    assert buckets.take("k") == 1  # 0.98 of a token
    clock.now += 0.01
    assert buckets.take("k") is None
    clock.now += 3600
    assert [buckets.take("k") for _ in range(4)] == [None, None, None, 1]


def test_retry_after_is_whole_seconds_rounded_up() -> None:
    buckets, clock = limiter(rate=0.25, burst=1)
    assert buckets.take("k") is None
    assert buckets.take("k") == 4
    clock.now += 1.5  # 2.5 s to go
    assert buckets.take("k") == 3


def test_a_refused_call_takes_no_token() -> None:
    buckets, clock = limiter(rate=1, burst=1)
    assert buckets.take("k") is None
    assert [buckets.take("k") for _ in range(10)] == [1] * 10
    clock.now += 1
    assert buckets.take("k") is None


def test_each_api_key_has_its_own_bucket() -> None:
    buckets, _ = limiter(rate=1, burst=2)
    assert [buckets.take("sk_a") for _ in range(3)] == [None, None, 1]
    assert [buckets.take("sk_b") for _ in range(3)] == [None, None, 1]


def test_no_limit_lets_everything_through_and_reset_restores_the_start_up_limit() -> None:
    buckets, _ = limiter(rate=1, burst=1)
    buckets.set_limit(None)
    assert all(buckets.take("k") is None for _ in range(100))
    buckets.reset()
    assert [buckets.take("k") for _ in range(2)] == [None, 1]
    assert RateLimiter().take("k") is None


@pytest.mark.parametrize(
    ("text", "limit"),
    [("5", RateLimit(5, 5)), ("0.5", RateLimit(0.5, 1)), ("1:2", RateLimit(1, 2))],
)
def test_rate_limit_option_forms(text: str, limit: RateLimit) -> None:
    assert parse_rate_limit(text) == limit


@pytest.mark.parametrize("text", ["", "x", "0", "-1:2", "1:0", "1:x", "inf", "nan"])
def test_malformed_rate_limits_are_refused_in_one_line(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not RATE\[:BURST\]"):
        parse_rate_limit(text)


def test_the_command_takes_a_rate_limit_and_refuses_a_bad_one(
    capsys: pytest.CaptureFixture[str],
) -> None:
    parser = argparse.ArgumentParser(prog="pulumi-speko sandbox")
    add_arguments(parser)
    assert parser.parse_args([]).rate_limit is None
    assert parser.parse_args(["--rate-limit", "1:2"]).rate_limit == RateLimit(1, 2)
    with pytest.raises(SystemExit):
        parser.parse_args(["--rate-limit", "fast"])
    assert "--rate-limit: 'fast' is not RATE[:BURST]" in capsys.readouterr().err


# ------------------------------------------------------------------- over loopback


def test_calls_beyond_the_limit_are_answered_429_with_retry_after_and_logged(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    control = sandbox.control
    control.set_rate_limit(0.01, 2)  # a token every 100 s: none comes back during the test
    assert control.rate_limit() == {"rate": 0.01, "burst": 2}
    statuses = [demo.get("/v1/phone-numbers").status_code for _ in range(2)]
    refused = demo.get("/v1/phone-numbers")
    assert statuses == [200, 200]
    assert_error(refused, 429, "RATE_LIMITED")
    assert 98 <= int(refused.headers["Retry-After"]) <= 100
    log = control.request_log()
    assert [(e.status, e.rate_limited, e.org_id) for e in log] == [
        (200, False, DEMO_ORG),
        (200, False, DEMO_ORG),
        (429, True, DEMO_ORG),
    ]
    assert control.list_numbers(DEMO_ORG) == []  # the control API is never limited


def test_the_limit_is_per_key_and_cleared_or_reset_through_the_control_api(
    demo: httpx.Client, other: httpx.Client, sandbox: RunningSandbox
) -> None:
    control = sandbox.control
    control.set_rate_limit(0.01)  # burst: the rate rounded up, 1
    assert demo.get("/v1/phone-numbers").status_code == 200
    assert demo.get("/v1/phone-numbers").status_code == 429
    assert other.get("/v1/phone-numbers").status_code == 200
    control.clear_rate_limit()
    assert control.rate_limit() is None
    assert demo.get("/v1/phone-numbers").status_code == 200
    control.set_rate_limit(0.01, 1)
    control.reset()  # back to the start-up limit: none
    assert [demo.get("/v1/phone-numbers").status_code for _ in range(3)] == [200] * 3


def test_fault_rules_fire_before_the_limit_and_take_no_token(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    control = sandbox.control
    control.set_rate_limit(0.01, 1)
    fault_id = control.add_fault("GET", "/v1/phone-numbers", action="respond", status=503, times=1)
    assert demo.get("/v1/phone-numbers").status_code == 503
    assert demo.get("/v1/phone-numbers").status_code == 200
    [faulted, ran] = control.request_log()
    assert (faulted.fault_id, faulted.rate_limited) == (fault_id, False)
    assert (ran.status, ran.rate_limited) == (200, False)


@pytest.mark.parametrize("body", [{"rate": 0}, {"rate": 1, "burst": 0}, {"burst": 2}, {}])
def test_bad_rate_limits_are_refused_by_the_control_api(
    sandbox: RunningSandbox, body: dict[str, object]
) -> None:
    headers = {"Authorization": f"Bearer {sandbox.admin_token}"}
    response = httpx.put(f"{sandbox.base_url}/_sandbox/rate-limit", json=body, headers=headers)
    assert_error(response, 400, "VALIDATION_ERROR")
    assert sandbox.control.rate_limit() is None
