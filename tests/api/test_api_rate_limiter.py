"""The client's rate limiter: its rules, the shared limiter on a fake clock, and how the
client retries 429 within ``rate_limit_wait`` (no real sleeping anywhere)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
from pulumi_speko.api import Client, PhoneNumberImport, RateLimitError
from pulumi_speko.api._limiter import (
    DEFAULT_PAUSE,
    MIN_RATE,
    OBSERVATION_WINDOW,
    RATE_DECREASE_FACTOR,
    RATE_INCREASE_PER_SECOND,
    RATE_MEMORY,
    RateLimiter,
    decreased_rate,
    increased_rate,
    is_forgotten,
    next_start,
    observed_rate,
    pause_seconds,
    should_lower,
)
from pulumi_speko.credentials import client_for, resolve_credentials

from .fakes import API_KEY, FakeApi, FakeClock, phone_number_body

FAR = 1e9  # a deadline no pause reaches


def rate_limited(retry_after: str | None = "1") -> httpx.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    body = {"error": "Too many requests", "code": "RATE_LIMITED"}
    return httpx.Response(429, json=body, headers=headers)


@pytest.fixture
def limiter(clock: FakeClock) -> RateLimiter:
    return RateLimiter(clock, clock.sleep)


# ------------------------------------------------------------------------- the rules


def test_the_observed_rate_counts_the_requests_of_the_last_window() -> None:
    now = 100.0
    sent = [now - OBSERVATION_WINDOW - 0.1, now - 0.5, now - 0.2, now]
    assert observed_rate(sent, now) == 3 / OBSERVATION_WINDOW


def test_a_429_decreases_the_rate_in_force_else_the_observed_one() -> None:
    assert decreased_rate(None, observed=9.0) == pytest.approx(9.0 * RATE_DECREASE_FACTOR)
    assert decreased_rate(4.0, observed=9.0) == pytest.approx(4.0 * RATE_DECREASE_FACTOR)
    assert decreased_rate(MIN_RATE, observed=0.0) == MIN_RATE
    assert decreased_rate(None, observed=0.0) == MIN_RATE


def test_the_rate_grows_by_a_fixed_amount_a_second_while_requests_flow() -> None:
    rate = base = 2.0
    elapsed = 0.0
    while elapsed < 10.0:  # ten seconds of requests sent at the rate
        elapsed += 1 / rate
        rate = increased_rate(rate, base)
    assert rate == pytest.approx(base * (1 + 10 * RATE_INCREASE_PER_SECOND), rel=0.02)


def test_the_pause_is_the_whole_retry_after_or_the_default() -> None:
    assert pause_seconds(3600.0) == 3600.0
    assert pause_seconds(None) == DEFAULT_PAUSE
    assert pause_seconds(-1.0) == 0.0


def test_the_next_start_waits_for_the_pause_and_then_the_slot() -> None:
    assert next_start(10.0, paused_until=12.0, next_slot=11.0, rate=None) == 12.0
    assert next_start(10.0, paused_until=12.0, next_slot=13.0, rate=1.0) == 13.0
    assert next_start(10.0, paused_until=9.0, next_slot=13.0, rate=None) == 10.0


def test_one_429_alone_sets_no_rate_a_second_in_the_window_does() -> None:
    assert not should_lower(None, recent_429s=1)
    assert should_lower(None, recent_429s=2)
    assert should_lower(3.0, recent_429s=1)


def test_a_learned_rate_is_forgotten_after_a_quiet_spell() -> None:
    assert not is_forgotten(0.0, RATE_MEMORY)
    assert is_forgotten(0.0, RATE_MEMORY + 0.1)


# ------------------------------------------------------------------- the limiter


def test_without_a_429_requests_go_at_once(limiter: RateLimiter, clock: FakeClock) -> None:
    tickets = [limiter.acquire(FAR) for _ in range(50)]
    assert tickets == [clock.now] * 50
    assert clock.sleeps == []
    assert limiter.rate is None


def test_a_429_pauses_every_request_then_paces_them(limiter: RateLimiter, clock: FakeClock) -> None:
    tickets = [limiter.acquire(FAR) for _ in range(10)]  # ten in the window: 10/s observed
    assert limiter.rate_limited(tickets[-2], retry_after=2.0) == 2.0
    assert limiter.rate is None  # one 429 alone may be a blip: it only pauses
    paused_for = limiter.rate_limited(tickets[-1], retry_after=2.0)
    assert paused_for == 2.0
    assert limiter.rate == pytest.approx(10 * RATE_DECREASE_FACTOR)
    started = clock.now
    first = limiter.acquire(FAR)
    second = limiter.acquire(FAR)
    assert first == started + 2.0  # nobody goes before the pause ends
    assert second is not None and first is not None
    assert second - first == pytest.approx(1 / (10 * RATE_DECREASE_FACTOR))


def test_429s_of_requests_sent_before_the_decrease_lower_the_rate_once(
    limiter: RateLimiter,
) -> None:
    tickets = [limiter.acquire(FAR) for _ in range(4)]  # four in flight
    for ticket in tickets:  # each is answered 429
        limiter.rate_limited(ticket, retry_after=1.0)
    assert limiter.rate == pytest.approx(4 * RATE_DECREASE_FACTOR)
    after = limiter.acquire(FAR)
    assert after is not None and limiter.rate is not None
    rate_before = limiter.rate
    limiter.rate_limited(after, retry_after=1.0)  # a request sent under the new rate
    assert limiter.rate == pytest.approx(rate_before * RATE_DECREASE_FACTOR)


def test_a_pause_past_the_deadline_answers_none_without_waiting(
    limiter: RateLimiter, clock: FakeClock
) -> None:
    ticket = limiter.acquire(FAR)
    assert ticket is not None
    limiter.rate_limited(ticket, retry_after=600.0)
    assert limiter.acquire(deadline=clock.now + 300.0) is None
    assert clock.sleeps == []


def test_the_rate_is_forgotten_after_a_quiet_spell(limiter: RateLimiter, clock: FakeClock) -> None:
    for ticket in [limiter.acquire(FAR), limiter.acquire(FAR)]:
        assert ticket is not None
        limiter.rate_limited(ticket, retry_after=1.0)
    assert limiter.rate is not None
    clock.now += RATE_MEMORY + 1
    limiter.acquire(FAR)
    assert limiter.rate is None


def test_concurrent_429s_from_many_threads_lower_the_rate_once(clock: FakeClock) -> None:
    shared = RateLimiter(clock, clock.sleep)
    tickets = [shared.acquire(FAR) for _ in range(8)]
    threads = [
        threading.Thread(target=shared.rate_limited, args=(ticket, 1.0)) for ticket in tickets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert shared.rate == pytest.approx(8 * RATE_DECREASE_FACTOR)


# -------------------------------------------------------------------- the client


def test_429s_are_retried_past_max_retries_within_the_wait(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(*[rate_limited("1") for _ in range(10)], httpx.Response(200, json=[]))
    assert make_client(max_retries=3).list_phone_numbers() == []
    assert len(fake_api.requests) == 11
    assert sum(clock.sleeps) >= 10.0


def test_a_post_answered_429_is_sent_again_until_it_lands(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    fake_api.reply(rate_limited(), rate_limited(), httpx.Response(201, json=phone_number_body()))
    body = PhoneNumberImport(e164="+4930123456", sip_trunk_id="trunk_1")
    assert make_client().import_phone_number(body).id == "pn_123"
    assert [request.method for request in fake_api.requests] == ["POST"] * 3


def test_a_call_fails_on_429_only_once_the_wait_is_spent_and_says_how_long(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.default = rate_limited("60")
    with pytest.raises(RateLimitError) as caught:
        make_client(rate_limit_wait=300.0).list_phone_numbers()
    assert clock.sleeps == [60.0] * 5  # a sixth wait would end at 360 s
    message = str(caught.value)
    assert message == (
        "GET /v1/phone-numbers -> 429 RATE_LIMITED: Too many requests (gave up after waiting "
        "300s on the rate limit: raise speko:rateLimitWaitSeconds or run fewer operations at "
        "once, retry after 60s, after 6 attempts)"
    )
    assert API_KEY not in message


def test_a_retry_after_beyond_the_wait_fails_at_once(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.default = rate_limited("600")
    with pytest.raises(RateLimitError) as caught:
        make_client().list_phone_numbers()
    assert clock.sleeps == []
    assert "gave up after waiting 0s on the rate limit" in str(caught.value)


def test_a_429_pauses_the_other_calls_of_the_same_client(
    fake_api: FakeApi, clock: FakeClock
) -> None:
    """A second call starts while the first waits out its 429 (from inside the first
    one's sleep: the limiter holds no lock while sleeping), and is not sent before the
    pause ends."""
    sent_at: dict[str, list[float]] = {"list": [], "kyb": []}

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/kyb"):
            sent_at["kyb"].append(clock.now)
            return httpx.Response(200, json={"status": "missing"})
        sent_at["list"].append(clock.now)
        return rate_limited("5") if len(sent_at["list"]) == 1 else httpx.Response(200, json=[])

    def sleep_and_meanwhile_call_again(seconds: float) -> None:
        if not sent_at["kyb"] and not meanwhile:
            meanwhile.append(True)
            client.get_business_verification()
        clock.sleep(seconds)

    meanwhile: list[bool] = []
    fake_api.default = answer
    transport = httpx.MockTransport(fake_api)
    client = Client(API_KEY, transport=transport, sleep=sleep_and_meanwhile_call_again, clock=clock)
    assert client.list_phone_numbers() == []
    [first_429, retried] = sent_at["list"]
    [other] = sent_at["kyb"]
    assert other >= first_429 + 5.0
    assert retried >= first_429 + 5.0


def test_another_call_held_past_its_wait_by_a_pause_fails_without_being_sent(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    fake_api.reply(rate_limited("600"))
    client = make_client()
    with pytest.raises(RateLimitError):
        client.list_phone_numbers()
    with pytest.raises(RateLimitError) as caught:
        client.get_phone_number("pn_1")
    assert len(fake_api.requests) == 1
    assert str(caught.value).startswith(
        "GET /v1/phone-numbers/pn_1 -> 429 RATE_LIMITED: not sent: an earlier 429 paused "
        "this client's requests (gave up after waiting 0s on the rate limit"
    )


def test_rate_limit_wait_reaches_the_client_from_the_settings() -> None:
    credentials = resolve_credentials(
        {"speko:apiKey": API_KEY, "speko:rateLimitWaitSeconds": "42"}, environ={}
    )
    with client_for(credentials) as client:
        assert client._rate_limit_wait == 42.0


def test_a_negative_rate_limit_wait_is_refused() -> None:
    with pytest.raises(ValueError, match="rate_limit_wait"):
        Client(API_KEY, rate_limit_wait=-1)
