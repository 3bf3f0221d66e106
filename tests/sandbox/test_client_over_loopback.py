"""The ``pulumi_speko.api`` client against the sandbox over real loopback HTTP.

The two sides share no code, so each endpoint exercised here checks the client's wire
models against the sandbox's, and the errors the sandbox answers against the client's
error mapping.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from pulumi_speko.api import (
    ApiConnectionError,
    AuthenticationError,
    AuthorizedRepresentative,
    BadRequestError,
    BusinessProfile,
    Client,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberUpdate,
    RateLimitError,
    VerificationDraft,
    VerificationSubmit,
)
from pulumi_speko.testing import data
from pulumi_speko.testing.sandbox import (
    DEMO_API_KEY,
    DEMO_ORG,
    OTHER_API_KEY,
    RunningSandbox,
)

from .support import POOL_NUMBER, UK_NUMBER


class SleepRecorder:
    """Stands in for time.sleep in the client: records the waits, never waits."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def client(sandbox: RunningSandbox, sleeps: SleepRecorder) -> Iterator[Client]:
    with Client(DEMO_API_KEY, sandbox.base_url, timeout=10, sleep=sleeps) as demo:
        yield demo


@pytest.fixture
def other_client(sandbox: RunningSandbox) -> Iterator[Client]:
    with Client(OTHER_API_KEY, sandbox.base_url, timeout=10) as other:
        yield other


def _profile(**changes: Any) -> BusinessProfile:
    return BusinessProfile.model_validate(data.business_profile(**changes))


REPRESENTATIVE = AuthorizedRepresentative.model_validate(
    data.authorized_representative(phone="+14155550199")
)


def _submit(client: Client) -> None:
    client.submit_business_verification(
        VerificationSubmit(
            business_profile=_profile(),
            authorized_representative=REPRESENTATIVE,
            attestation_accepted=True,
        )
    )


def test_the_number_lifecycle(client: Client, sandbox: RunningSandbox) -> None:
    _submit(client)
    assert client.list_phone_numbers() == []
    available = client.search_available_phone_numbers(
        area_code="415", locality="San Francisco", limit=3
    )
    assert [n.e164 for n in available] == ["+14155550100", "+14155550101", "+14155550102"]
    assert available[0].region.locality == "San Francisco"
    assert available[0].monthly_cost_usd == 2.0

    bought = client.create_phone_number(
        PhoneNumberCreate(e164=available[0].e164, direction="both", agent_id="agent_sales")
    )
    assert bought.source == "managed"
    assert bought.organization_id == DEMO_ORG
    assert bought.setup_status.status == "ready"
    assert bought.next_charge_at is not None and bought.next_charge_at > bought.created_at
    assert client.get_phone_number(bought.id) == bought

    updated = client.update_phone_number(
        bought.id, PhoneNumberUpdate(label="Sales", dispatch_metadata_template={"team": "s"})
    )
    assert (updated.label, updated.agent_id) == ("Sales", "agent_sales")
    cleared = client.update_phone_number(bought.id, PhoneNumberUpdate(label=None))
    assert cleared.label is None
    assert cleared.dispatch_metadata_template == {"team": "s"}

    assert client.release_phone_number(bought.id) is True
    with pytest.raises(NotFoundError):
        client.get_phone_number(bought.id)
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")


def test_import_through_the_client(client: Client) -> None:
    imported = client.import_phone_number(PhoneNumberImport(**data.sip_import(e164=UK_NUMBER)))
    assert imported.source == "sip_trunk"
    assert imported.setup_status.forwarding_required is True
    assert imported.last_charged_at is None
    assert [n.id for n in client.list_phone_numbers()] == [imported.id]


def test_business_verification_through_the_client(client: Client, sandbox: RunningSandbox) -> None:
    assert client.get_business_verification().status == "missing"
    draft = client.save_business_verification_draft(
        VerificationDraft(business_profile=_profile(), authorized_representative=REPRESENTATIVE)
    )
    assert draft.status == "draft"
    assert draft.business_profile == _profile()
    _submit(client)
    overview = client.get_business_verification()
    assert overview.status == "submitted"
    assert overview.submission is not None and overview.submission.id == draft.id
    assert overview.submission.authorized_representative == REPRESENTATIVE
    sandbox.control.reject_verification(DEMO_ORG, "unreadable")
    rejected = client.get_business_verification().submission
    assert rejected is not None and rejected.rejection_reason == "unreadable"


def test_sandbox_errors_map_to_the_client_errors(
    client: Client, other_client: Client, sandbox: RunningSandbox
) -> None:
    with pytest.raises(PermissionDeniedError) as forbidden:
        client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    assert forbidden.value.code == "VERIFICATION_REQUIRED"
    _submit(client)
    with pytest.raises(BadRequestError) as unknown_agent:
        client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER, agent_id="agent_x"))
    assert [d.path for d in unknown_agent.value.details] == ["agentId"]
    with pytest.raises(BadRequestError) as not_in_pool:
        client.create_phone_number(PhoneNumberCreate(e164="+13105550100"))
    assert "e164" in str(not_in_pool.value)
    sandbox.control.set_credits(DEMO_ORG, "1.00")
    with pytest.raises(PaymentRequiredError):
        client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    sandbox.control.set_credits(DEMO_ORG, "100")
    bought = client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    with pytest.raises(ConflictError):
        client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    with pytest.raises(NotFoundError):
        other_client.get_phone_number(bought.id)
    with pytest.raises(NotFoundError):
        other_client.release_phone_number(bought.id)


def test_server_side_body_validation_reaches_the_client(client: Client) -> None:
    with pytest.raises(BadRequestError) as invalid:
        client.save_business_verification_draft(
            VerificationDraft(
                business_profile=_profile(use_case="   "),
                authorized_representative=REPRESENTATIVE,
            )
        )
    assert invalid.value.status == 400
    assert [d.path for d in invalid.value.details] == ["businessProfile.useCase"]
    assert "businessProfile.useCase" in str(invalid.value)


def test_a_wrong_key_is_an_authentication_error(sandbox: RunningSandbox) -> None:
    with (
        Client("sk_test_wrong", sandbox.base_url) as wrong,
        pytest.raises(AuthenticationError) as refused,
    ):
        wrong.list_phone_numbers()
    assert "sk_test_wrong" not in str(refused.value)


def test_the_client_honours_retry_after_on_idempotent_calls(
    client: Client, sandbox: RunningSandbox, sleeps: SleepRecorder
) -> None:
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=429, retry_after=2, times=1
    )
    assert client.list_phone_numbers() == []
    # the pause ends 2 s after the 429 came back; the wait starts a moment later
    assert len(sleeps.waits) == 1 and 1.5 <= sleeps.waits[0] <= 2
    assert [e.status for e in sandbox.control.request_log()] == [429, 200]


def test_a_rate_limited_purchase_is_retried_once_it_provably_did_not_land(
    client: Client, sandbox: RunningSandbox
) -> None:
    _submit(client)
    sandbox.control.clear_request_log()
    sandbox.control.add_fault(
        "POST", "/v1/phone-numbers", action="respond", status=429, retry_after=1, times=1
    )
    assert client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER)).e164 == POOL_NUMBER
    assert [e.status for e in sandbox.control.request_log()] == [429, 201]


def test_a_dropped_purchase_is_not_replayed_by_the_client(
    client: Client, sandbox: RunningSandbox
) -> None:
    _submit(client)
    sandbox.control.clear_request_log()
    sandbox.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
    with pytest.raises(ApiConnectionError) as lost:
        client.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    assert lost.value.request_sent is True
    assert [n.e164 for n in client.list_phone_numbers()] == [POOL_NUMBER]
    posts = [e for e in sandbox.control.request_log() if e.method == "POST"]
    assert [(e.status, e.dropped) for e in posts] == [(0, True)]


def test_rate_limit_on_a_purchase_without_retries_surfaces(
    sandbox: RunningSandbox,
) -> None:
    sandbox.control.add_fault(
        "POST", "/v1/phone-numbers", action="respond", status=429, retry_after=3
    )
    with (
        Client(DEMO_API_KEY, sandbox.base_url, max_retries=0, rate_limit_wait=0) as once,
        pytest.raises(RateLimitError) as limited,
    ):
        once.create_phone_number(PhoneNumberCreate(e164=POOL_NUMBER))
    assert limited.value.retry_after == 3
