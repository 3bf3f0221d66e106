"""The client's retry behaviour: which verbs retry on what, how long it waits, when it stops."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from pulumi_speko.api import (
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_DELAY_MULTIPLIER,
    RETRY_JITTER_FRACTION,
    ApiConnectionError,
    ApiError,
    Client,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberUpdate,
    ServerError,
    VerificationDraft,
    VerificationSubmit,
)

from .fakes import FakeApi, FakeClock, error_reply, phone_number_body, profile_body

PHONE_NUMBER = phone_number_body()
RELEASED = {"released": True}
SUBMISSION = {"id": "kyb_1", "organizationId": "org_1", "status": "submitted"}

Call = Callable[[Client], Any]

IDEMPOTENT_CALLS: dict[str, tuple[Call, dict[str, Any] | list[Any]]] = {
    "GET list": (lambda client: client.list_phone_numbers(), []),
    "GET one": (lambda client: client.get_phone_number("pn_1"), PHONE_NUMBER),
    "GET search": (lambda client: client.search_available_phone_numbers(limit=2), []),
    "GET kyb": (lambda client: client.get_business_verification(), {"status": "missing"}),
    "PUT draft": (
        lambda client: client.save_business_verification_draft(
            VerificationDraft.model_validate(profile_body())
        ),
        SUBMISSION,
    ),
    "PATCH": (
        lambda client: client.update_phone_number("pn_1", PhoneNumberUpdate(label="x")),
        PHONE_NUMBER,
    ),
    "DELETE": (lambda client: client.release_phone_number("pn_1"), RELEASED),
}

POST_CALLS: dict[str, tuple[Call, dict[str, Any]]] = {
    "create": (
        lambda client: client.create_phone_number(PhoneNumberCreate(e164="+14155550123")),
        PHONE_NUMBER,
    ),
    "import": (
        lambda client: client.import_phone_number(
            PhoneNumberImport(e164="+14155550123", sip_trunk_id="trunk_1")
        ),
        PHONE_NUMBER,
    ),
    "submit": (
        lambda client: client.submit_business_verification(
            VerificationSubmit.model_validate(profile_body() | {"attestationAccepted": True})
        ),
        SUBMISSION,
    ),
}


def _error(status: int, headers: dict[str, str] | None = None) -> httpx.Response:
    return error_reply(status, "failed", f"E{status}", headers)


def _rate_limited(retry_after: str) -> httpx.Response:
    return _error(429, {"Retry-After": retry_after})


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 507])
@pytest.mark.parametrize("name", IDEMPOTENT_CALLS)
def test_idempotent_calls_retry_on_429_and_5xx(
    client: Client, fake_api: FakeApi, name: str, status: int
) -> None:
    call, success = IDEMPOTENT_CALLS[name]
    fake_api.reply(_error(status), httpx.Response(200, json=success))
    call(client)
    assert len(fake_api.requests) == 2
    assert fake_api.requests[0].method == fake_api.requests[1].method
    assert fake_api.requests[0].content == fake_api.requests[1].content


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 422])
def test_other_4xx_are_not_retried(client: Client, fake_api: FakeApi, status: int) -> None:
    fake_api.default = _error(status)
    with pytest.raises(ApiError):
        client.get_phone_number("pn_1")
    assert len(fake_api.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
@pytest.mark.parametrize("name", POST_CALLS)
def test_posts_are_not_retried_on_5xx(
    client: Client, fake_api: FakeApi, clock: FakeClock, name: str, status: int
) -> None:
    call, _ = POST_CALLS[name]
    fake_api.default = _error(status)
    with pytest.raises(ServerError):
        call(client)
    assert len(fake_api.requests) == 1
    assert clock.sleeps == []


# (calls, status of their success, transport failures, whether the call is sent again)
TRANSPORT_RETRIES: list[tuple[dict[str, Any], int, list[Exception], bool]] = [
    # an idempotent call is retried after any transport failure
    (
        IDEMPOTENT_CALLS,
        200,
        [httpx.ConnectError("refused"), httpx.ReadError("reset"), httpx.ReadTimeout("slow")],
        True,
    ),
    # a POST is replayed when no connection was made
    (
        POST_CALLS,
        201,
        [httpx.ConnectError("refused"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("busy")],
        True,
    ),
    # but never once the request may have arrived
    (
        POST_CALLS,
        201,
        [
            httpx.ReadError("reset"),
            httpx.ReadTimeout("slow"),
            httpx.WriteError("broken pipe"),
            httpx.WriteTimeout("slow"),
            httpx.RemoteProtocolError("server disconnected"),
        ],
        False,
    ),
]


@pytest.mark.parametrize(
    ("call", "status", "success", "failure", "replayed"),
    [
        pytest.param(
            call, status, success, failure, replayed, id=f"{name}-{type(failure).__name__}"
        )
        for calls, status, failures, replayed in TRANSPORT_RETRIES
        for failure in failures
        for name, (call, success) in calls.items()
    ],
)
def test_transport_failures_are_retried_unless_the_request_may_have_arrived(
    client: Client,
    fake_api: FakeApi,
    call: Call,
    status: int,
    success: dict[str, Any] | list[Any],
    failure: Exception,
    replayed: bool,
) -> None:
    fake_api.reply(failure, httpx.Response(status, json=success))
    if replayed:
        call(client)
        assert len(fake_api.requests) == 2
        assert fake_api.requests[0].content == fake_api.requests[1].content
    else:
        with pytest.raises(ApiConnectionError) as caught:
            call(client)
        assert caught.value.request_sent is True
        assert len(fake_api.requests) == 1


@pytest.mark.parametrize("name", POST_CALLS)
def test_posts_are_replayed_after_429(client: Client, fake_api: FakeApi, name: str) -> None:
    call, success = POST_CALLS[name]
    fake_api.reply(_rate_limited("1"), httpx.Response(201, json=success))
    call(client)
    assert len(fake_api.requests) == 2


def test_exhausted_retries_raise_the_last_error(
    client: Client, fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(_error(500), _error(502), _error(503), _error(504), httpx.Response(200, json=[]))
    with pytest.raises(ServerError) as caught:
        client.list_phone_numbers()
    assert len(fake_api.requests) == 4  # the first attempt and max_retries=3 retries
    assert len(clock.sleeps) == 3
    assert caught.value.status == 504
    assert str(caught.value) == "GET /v1/phone-numbers -> 504 E504: failed (after 4 attempts)"


@pytest.mark.parametrize("max_retries", [0, 1, 5])
def test_max_retries_counts_retries_after_the_first_attempt(
    make_client: Callable[..., Client], fake_api: FakeApi, max_retries: int
) -> None:
    fake_api.default = _error(503)
    with pytest.raises(ServerError) as caught:
        make_client(max_retries=max_retries).list_phone_numbers()
    assert len(fake_api.requests) == max_retries + 1
    assert caught.value.attempts == max_retries + 1


@pytest.mark.parametrize(("header", "seconds"), [("7", 7.0), ("2.5", 2.5), ("0.75", 0.75)])
def test_retry_after_seconds_are_waited(
    client: Client, fake_api: FakeApi, clock: FakeClock, header: str, seconds: float
) -> None:
    fake_api.reply(_rate_limited(header), httpx.Response(200, json=[]))
    client.list_phone_numbers()
    assert len(clock.sleeps) == 1
    assert clock.sleeps[0] >= seconds
    assert clock.sleeps[0] <= max(seconds, INITIAL_RETRY_DELAY)


def test_retry_after_on_a_503_is_waited(
    client: Client, fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(_error(503, {"Retry-After": "4"}), httpx.Response(200, json=[]))
    client.list_phone_numbers()
    assert clock.sleeps == [4.0]


def test_retry_after_http_date_is_measured_from_the_server_date(
    client: Client, fake_api: FakeApi, clock: FakeClock
) -> None:
    server_now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)
    headers = {
        "Date": format_datetime(server_now, usegmt=True),
        "Retry-After": format_datetime(server_now + timedelta(seconds=12), usegmt=True),
    }
    fake_api.reply(_error(429, headers), httpx.Response(200, json=[]))
    client.list_phone_numbers()
    assert clock.sleeps == [12.0]


def test_retry_after_http_date_without_a_date_header_uses_local_time(
    client: Client, fake_api: FakeApi, clock: FakeClock
) -> None:
    later = datetime.now(timezone.utc) + timedelta(seconds=30)
    fake_api.reply(_rate_limited(format_datetime(later, usegmt=True)), httpx.Response(200, json=[]))
    client.list_phone_numbers()
    assert 28.0 <= clock.sleeps[0] <= 30.0


def test_a_malformed_retry_after_falls_back_to_backoff(
    client: Client, fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(_error(503, {"Retry-After": "soon"}), httpx.Response(200, json=[]))
    client.list_phone_numbers()
    assert clock.sleeps[0] >= (1 - RETRY_JITTER_FRACTION) * INITIAL_RETRY_DELAY
    assert clock.sleeps[0] <= INITIAL_RETRY_DELAY


def test_a_huge_retry_after_on_a_5xx_is_capped(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(_error(503, {"Retry-After": "3600"}), httpx.Response(200, json=[]))
    make_client(retry_budget=1000.0).list_phone_numbers()
    assert clock.sleeps == [MAX_RETRY_AFTER]


def test_backoff_grows_exponentially_with_jitter_up_to_the_cap(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.default = _error(503)
    with pytest.raises(ServerError):
        make_client(max_retries=9, retry_budget=1000.0).list_phone_numbers()
    assert len(clock.sleeps) == 9
    for index, slept in enumerate(clock.sleeps):
        ceiling = min(INITIAL_RETRY_DELAY * RETRY_DELAY_MULTIPLIER**index, MAX_RETRY_DELAY)
        assert (1 - RETRY_JITTER_FRACTION) * ceiling <= slept <= ceiling
    assert max(clock.sleeps) <= MAX_RETRY_DELAY


def test_total_time_stays_within_the_budget(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.now += 2.0  # each attempt takes two seconds
        return _error(503)

    fake_api.default = slow_failure
    started = clock.now
    with pytest.raises(ServerError):
        make_client(max_retries=100, retry_budget=20.0).list_phone_numbers()
    attempts = len(fake_api.requests)
    assert 1 < attempts < 100
    last_retry_started = started + 2.0 * (attempts - 1) + sum(clock.sleeps)
    assert last_retry_started - started <= 20.0


def test_a_wait_that_would_overshoot_the_budget_is_not_taken(
    make_client: Callable[..., Client], fake_api: FakeApi, clock: FakeClock
) -> None:
    fake_api.reply(_error(503, {"Retry-After": "30"}), httpx.Response(200, json=[]))
    with pytest.raises(ServerError) as caught:
        make_client(retry_budget=10.0).list_phone_numbers()
    assert clock.sleeps == []
    assert len(fake_api.requests) == 1
    assert caught.value.retry_after == 30.0


def test_each_retry_is_logged_with_method_path_status_and_delay(
    client: Client, fake_api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.reply(_rate_limited("3"), httpx.ConnectError("refused"), httpx.Response(200, json=[]))
    with caplog.at_level(logging.DEBUG, logger="pulumi_speko.api"):
        client.list_phone_numbers()
    retries = [
        record.getMessage()
        for record in caplog.records
        if record.name == "pulumi_speko.api" and record.getMessage().startswith("retrying")
    ]
    assert retries[0] == (
        "retrying GET /v1/phone-numbers in 3.00s after 429 E429 "
        "(rate limited: every request paused)"
    )
    assert retries[1].startswith("retrying GET /v1/phone-numbers in ")
    assert retries[1].endswith("s after ConnectError (retry 1 of 3)")  # 429s are not counted
    assert len(retries) == 2


def test_the_real_sleep_is_not_used_when_one_is_injected(fake_api: FakeApi) -> None:
    waited: list[float] = []
    fake_api.reply(_rate_limited("120"), httpx.Response(200, json=[]))
    client = Client(
        "k_1234",
        transport=httpx.MockTransport(fake_api),
        sleep=waited.append,
        retry_budget=1000.0,
    )
    client.list_phone_numbers()
    assert len(waited) == 1 and 119.0 < waited[0] <= 120.0  # the real clock moved a little
