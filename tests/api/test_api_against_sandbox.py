"""The client against the local sandbox over loopback HTTP: real sockets, real status codes."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_speko.api import (
    INITIAL_RETRY_DELAY,
    RETRY_JITTER_FRACTION,
    ApiConnectionError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberUpdate,
    RateLimitError,
    ServerError,
    VerificationDraft,
    VerificationSubmit,
)
from pulumi_speko.testing import DEMO_API_KEY, RunningSandbox

from .fakes import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def live(sandbox: RunningSandbox, clock: FakeClock) -> Iterator[Client]:
    with Client(DEMO_API_KEY, sandbox.base_url, sleep=clock.sleep, clock=clock) as client:
        yield client


def _file_verification(client: Client, profile_body: dict[str, Any]) -> None:
    client.save_business_verification_draft(VerificationDraft.model_validate(profile_body))
    client.submit_business_verification(
        VerificationSubmit.model_validate(profile_body | {"attestationAccepted": True})
    )


def test_a_number_from_purchase_to_release(live: Client, profile_body: dict[str, Any]) -> None:
    offered = live.search_available_phone_numbers(area_code="415", limit=2)
    assert len(offered) == 2 and all(o.e164.startswith("+1415") for o in offered)
    with pytest.raises(PermissionDeniedError):
        live.create_phone_number(PhoneNumberCreate(e164=offered[0].e164))

    _file_verification(live, profile_body)
    assert live.get_business_verification().status == "submitted"
    number = live.create_phone_number(PhoneNumberCreate(e164=offered[0].e164, label="Sales"))
    assert (number.source, number.label, number.direction) == ("managed", "Sales", "outbound")
    with pytest.raises(ConflictError):
        live.create_phone_number(PhoneNumberCreate(e164=offered[0].e164))

    updated = live.update_phone_number(number.id, PhoneNumberUpdate(label=None))
    assert updated.label is None
    assert [n.id for n in live.list_phone_numbers()] == [number.id]
    assert live.get_phone_number(number.id) == updated

    assert live.release_phone_number(number.id) is True
    with pytest.raises(NotFoundError):
        live.get_phone_number(number.id)


def test_an_import_and_a_server_side_validation_error(live: Client) -> None:
    imported = live.import_phone_number(
        PhoneNumberImport(e164="+442071838750", sip_connection_installation_id="sci_demo")
    )
    assert imported.source == "sip_trunk"
    # Inbound without an agent or a template is a rule only the server can check.
    with pytest.raises(BadRequestError) as caught:
        live.update_phone_number(imported.id, PhoneNumberUpdate(direction="inbound"))
    assert caught.value.status == 400 and caught.value.code == "VALIDATION_ERROR"
    assert str(caught.value).startswith(f"PATCH /v1/phone-numbers/{imported.id} -> 400 ")


def test_a_wrong_key_is_an_authentication_error(sandbox: RunningSandbox) -> None:
    with Client("sk_test_wrong", sandbox.base_url) as client, pytest.raises(AuthenticationError):
        client.list_phone_numbers()


def test_retry_after_from_the_sandbox_is_waited(
    live: Client, sandbox: RunningSandbox, clock: FakeClock
) -> None:
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=429, retry_after=3, times=1
    )
    sandbox.control.add_fault("GET", "/v1/phone-numbers", action="respond", status=503, times=1)
    assert live.list_phone_numbers() == []
    assert clock.sleeps[0] == 3  # the pause of the 429, then the 503's backoff
    assert clock.sleeps[1] >= (1 - RETRY_JITTER_FRACTION) * INITIAL_RETRY_DELAY
    assert clock.sleeps[1] <= INITIAL_RETRY_DELAY
    assert [e.status for e in sandbox.control.request_log()] == [429, 503, 200]


def test_exhausted_retries_against_the_sandbox(live: Client, sandbox: RunningSandbox) -> None:
    sandbox.control.add_fault("GET", "/v1/phone-numbers/kyb", action="respond", status=503)
    with pytest.raises(ServerError) as caught:
        live.get_business_verification()
    assert caught.value.attempts == 4
    assert [entry.status for entry in sandbox.control.request_log()] == [503] * 4


def test_a_purchase_whose_response_is_lost_is_not_replayed(
    live: Client, sandbox: RunningSandbox, profile_body: dict[str, Any]
) -> None:
    _file_verification(live, profile_body)
    e164 = live.search_available_phone_numbers(limit=1)[0].e164
    sandbox.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
    with pytest.raises(ApiConnectionError) as caught:
        live.create_phone_number(PhoneNumberCreate(e164=e164))
    assert caught.value.request_sent is True
    assert "the request may have taken effect" in str(caught.value)
    log = sandbox.control.request_log()
    purchases = [e for e in log if (e.method, e.path) == ("POST", "/v1/phone-numbers")]
    assert len(purchases) == 1 and purchases[0].dropped
    assert [n.e164 for n in live.list_phone_numbers()] == [e164]  # it landed, exactly once


def test_a_rate_limited_purchase_is_replayed(
    live: Client, sandbox: RunningSandbox, profile_body: dict[str, Any]
) -> None:
    _file_verification(live, profile_body)
    e164 = live.search_available_phone_numbers(limit=1)[0].e164
    sandbox.control.add_fault("POST", "/v1/phone-numbers", action="respond", status=429, times=1)
    assert live.create_phone_number(PhoneNumberCreate(e164=e164)).e164 == e164


def test_a_refused_connection_is_not_sent(clock: FakeClock) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = Client("k_1234", f"http://127.0.0.1:{closed_port}", sleep=clock.sleep, clock=clock)
    with client, pytest.raises(ApiConnectionError) as caught:
        client.create_phone_number(PhoneNumberCreate(e164="+14155550123"))
    assert caught.value.request_sent is False
    assert caught.value.attempts == 4  # nothing was sent, so even a POST was retried
    assert str(caught.value).startswith("POST /v1/phone-numbers -> could not connect (ConnectError")
    assert f"tried http://127.0.0.1:{closed_port}," in str(caught.value)


def test_rate_limit_error_carries_the_sandbox_retry_after(
    sandbox: RunningSandbox, clock: FakeClock
) -> None:
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=429, retry_after=90
    )
    with (
        Client(DEMO_API_KEY, sandbox.base_url, sleep=clock.sleep, clock=clock) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.list_phone_numbers()
    assert caught.value.retry_after == 90
    assert clock.sleeps == [90.0] * 3  # a fourth wait would end past the 300 s allowed
    assert caught.value.attempts == 4
    assert "(gave up after waiting 270s on the rate limit: raise speko:rateLimitWaitSeconds" in str(
        caught.value
    )
