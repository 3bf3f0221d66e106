"""Provider methods called directly against the sandbox, for every behaviour of issue 4."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pulumi_speko.api import Client
from pulumi_speko.api.models import PhoneNumberCreate, PhoneNumberImport, PhoneNumberUpdate
from pulumi_speko.credentials import Credentials
from pulumi_speko.resources._errors import SpekoProviderError
from pulumi_speko.resources._session import use_client
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, OTHER_API_KEY, RunningSandbox

from .conftest import PROFILE, REPRESENTATIVE, configured

MANAGED = "/v1/phone-numbers"


def submit_verification(sandbox: RunningSandbox, key: str = DEMO_API_KEY) -> None:
    provider = configured(BusinessVerificationProvider(), sandbox, key)
    provider.create(
        {
            "business_profile": PROFILE,
            "authorized_representative": REPRESENTATIVE,
            "attestation_accepted": True,
            "submit": True,
        }
    )


def first_available(client: Client, area_code: str = "415") -> str:
    return client.search_available_phone_numbers(area_code=area_code, limit=1)[0].e164


def calls(sandbox: RunningSandbox, method: str, path: str = MANAGED) -> int:
    return sum(1 for e in sandbox.control.request_log() if e.method == method and e.path == path)


def checked(provider: Any, news: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, {**news, "__provider": "p"})
    assert result.failures == []
    inputs: dict[str, Any] = result.inputs
    return inputs


# ----------------------------------------------------------------------------- managed


def test_buy_exact_number_outputs_every_field_and_debits_once(
    sandbox: RunningSandbox, client: Client
) -> None:
    submit_verification(sandbox)
    provider = configured(PhoneNumberProvider(), sandbox)
    e164 = first_available(client)
    result = provider.create(checked(provider, {"e164": e164, "label": "Main"}))
    outs = result.outs
    assert result.id.startswith("pn_") or result.id
    assert outs["e164"] == e164 and outs["source"] == "managed" and outs["label"] == "Main"
    assert outs["setup_status"]["outbound_ready"] is True
    assert "upfront_cost_usd" not in outs  # no cost limit: priced by nobody, no search made
    assert outs["organization_id"] == DEMO_ORG and outs["next_charge_at"]
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")


def test_buy_by_area_code_and_locality(sandbox: RunningSandbox) -> None:
    submit_verification(sandbox)
    provider = configured(PhoneNumberProvider(), sandbox)
    inputs = checked(provider, {"area_code": "212", "agent_id": "agent_sales", "direction": "both"})
    outs = provider.create(inputs).outs
    assert outs["e164"].startswith("+1212")
    assert outs["area_code"] == "212" and outs["agent_id"] == "agent_sales"
    assert outs["setup_status"]["inbound_ready"] is True


def test_area_code_purchase_moves_on_when_another_buyer_wins(sandbox: RunningSandbox) -> None:
    submit_verification(sandbox)
    sandbox.control.add_fault(
        "POST", MANAGED, action="respond", status=409, code="CONFLICT", times=1
    )
    provider = configured(PhoneNumberProvider(), sandbox)
    outs = provider.create(checked(provider, {"area_code": "646"})).outs
    assert outs["e164"].startswith("+1646")
    assert len(sandbox.control.list_numbers(DEMO_ORG)) == 1
    assert calls(sandbox, "POST") == 2


def test_area_code_purchase_searches_again_when_every_candidate_is_taken(
    sandbox: RunningSandbox,
) -> None:
    submit_verification(sandbox)
    sandbox.control.add_fault(
        "POST", MANAGED, action="respond", status=409, code="CONFLICT", times=5
    )
    provider = configured(PhoneNumberProvider(), sandbox)
    outs = provider.create(checked(provider, {"area_code": "415"})).outs
    assert [n["e164"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [outs["e164"]]
    assert calls(sandbox, "POST") == 6
    assert calls(sandbox, "GET", f"{MANAGED}/available") == 2


def test_cost_guard_fails_before_buying(sandbox: RunningSandbox, client: Client) -> None:
    submit_verification(sandbox)
    provider = configured(PhoneNumberProvider(), sandbox)
    sandbox.control.clear_request_log()
    with pytest.raises(SpekoProviderError, match="within the cost limits: of 20 found"):
        provider.create(checked(provider, {"area_code": "415", "max_monthly_cost_usd": 1.5}))
    with pytest.raises(SpekoProviderError, match="nothing was bought"):
        provider.create(
            checked(provider, {"e164": first_available(client), "max_upfront_cost_usd": 0.5})
        )
    assert calls(sandbox, "POST") == 0
    assert sandbox.control.list_numbers(DEMO_ORG) == []


def test_purchase_without_verification_is_one_actionable_line(
    sandbox: RunningSandbox, client: Client
) -> None:
    provider = configured(PhoneNumberProvider(), sandbox)
    with pytest.raises(SpekoProviderError) as raised:
        provider.create(checked(provider, {"e164": first_available(client)}))
    message = str(raised.value)
    assert "\n" not in message
    assert "403" in message and "BusinessVerification" in message
    assert DEMO_API_KEY not in message


def test_conflict_explains_who_holds_the_number(sandbox: RunningSandbox, client: Client) -> None:
    submit_verification(sandbox)
    submit_verification(sandbox, OTHER_API_KEY)
    theirs, ours = client.search_available_phone_numbers(area_code="415", limit=2)
    with Client(OTHER_API_KEY, sandbox.base_url) as other:
        other.create_phone_number(PhoneNumberCreate(e164=theirs.e164))
    client.create_phone_number(PhoneNumberCreate(e164=ours.e164))
    provider = configured(PhoneNumberProvider(), sandbox)
    with pytest.raises(SpekoProviderError, match="another organization holds"):
        provider.create(checked(provider, {"e164": theirs.e164}))
    with pytest.raises(SpekoProviderError, match="adopt_existing=True"):
        provider.create(checked(provider, {"e164": ours.e164}))


def test_adopt_existing_converges_routing_without_buying(
    sandbox: RunningSandbox, client: Client
) -> None:
    submit_verification(sandbox)
    e164 = first_available(client)
    bought = client.create_phone_number(PhoneNumberCreate(e164=e164, label="by hand"))
    credits = sandbox.control.get_credits(DEMO_ORG)
    provider = configured(PhoneNumberProvider(), sandbox)
    inputs = checked(provider, {"e164": e164, "label": "as code", "adopt_existing": True})
    result = provider.create(inputs)
    assert result.id == bought.id
    assert result.outs["label"] == "as code"
    assert client.get_phone_number(bought.id).label == "as code"
    assert sandbox.control.get_credits(DEMO_ORG) == credits


def test_lost_purchase_response_is_reconciled_not_doubled(
    sandbox: RunningSandbox, client: Client
) -> None:
    submit_verification(sandbox)
    e164 = first_available(client)
    sandbox.control.add_fault("POST", MANAGED, action="drop", times=1)
    provider = configured(PhoneNumberProvider(), sandbox)
    result = provider.create(checked(provider, {"e164": e164}))
    numbers = sandbox.control.list_numbers(DEMO_ORG)
    assert [n["id"] for n in numbers] == [result.id]
    assert calls(sandbox, "POST") == 1
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")


def test_server_error_after_commit_is_reconciled(sandbox: RunningSandbox, client: Client) -> None:
    submit_verification(sandbox)
    e164 = first_available(client)
    sandbox.control.add_fault(
        "POST", MANAGED, action="respond", status=503, code="INTERNAL", times=1
    )
    provider = configured(PhoneNumberProvider(), sandbox)
    result = provider.create(checked(provider, {"e164": e164}))
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [result.id]


def test_unknown_outcome_names_the_number_and_the_way_out(
    sandbox: RunningSandbox, client: Client
) -> None:
    """The answer is lost and the organization cannot be listed: no blind retry."""
    submit_verification(sandbox)
    e164 = first_available(client)
    provider = configured(PhoneNumberProvider(), sandbox)
    credentials = Credentials(DEMO_API_KEY, sandbox.base_url)
    use_client(credentials, Client(DEMO_API_KEY, sandbox.base_url, sleep=lambda _: None))
    sandbox.control.add_fault("POST", MANAGED, action="drop", times=1)
    sandbox.control.add_fault("GET", MANAGED, action="respond", status=503, code="INTERNAL")
    with pytest.raises(SpekoProviderError) as raised:
        provider.create(checked(provider, {"e164": e164}))
    message = str(raised.value)
    assert f'declare e164="{e164}" with adopt_existing=True' in message
    assert "may have taken effect" in message and "503" in message
    assert calls(sandbox, "POST") == 1
    assert [n["e164"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [e164]


# ----------------------------------------------------------------------------- SIP trunk


def sip_inputs(**extra: Any) -> dict[str, Any]:
    return {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo", **extra}


def test_import_update_read_delete_lifecycle(sandbox: RunningSandbox, client: Client) -> None:
    provider = configured(SipTrunkPhoneNumberProvider(), sandbox)
    inputs = checked(provider, sip_inputs(direction="inbound", agent_id="agent_sales", label="DE"))
    created = provider.create(inputs)
    assert created.outs["source"] == "sip_trunk"
    assert created.outs["setup_status"]["forwarding_required"] is True

    news = checked(provider, sip_inputs(direction="inbound", dispatch_metadata_template={"q": 1}))
    sandbox.control.clear_request_log()
    updated = provider.update(created.id, created.outs, news).outs
    assert calls(sandbox, "PATCH", f"{MANAGED}/{created.id}") == 1
    assert updated.get("agent_id") is None and updated.get("label") is None
    assert updated["dispatch_metadata_template"] == {"q": 1}

    client.update_phone_number(created.id, PhoneNumberUpdate(label="edited in dashboard"))
    read = provider.read(created.id, updated)
    assert read.outs["label"] == "edited in dashboard"
    assert read.inputs is not None and read.inputs["label"] == "edited in dashboard"
    assert provider.diff(created.id, read.outs, news).changes is True

    provider.delete(created.id, read.outs)
    assert sandbox.control.list_numbers(DEMO_ORG) == []
    provider.delete(created.id, read.outs)  # already gone: still success
    assert provider.read(created.id, read.outs).id is None


def test_update_without_routing_change_makes_no_call(sandbox: RunningSandbox) -> None:
    provider = configured(SipTrunkPhoneNumberProvider(), sandbox)
    created = provider.create(checked(provider, sip_inputs()))
    sandbox.control.clear_request_log()
    outs = provider.update(
        created.id, created.outs, checked(provider, sip_inputs(adopt_existing=True))
    ).outs
    assert sandbox.control.request_log() == []
    assert outs["adopt_existing"] is True and outs["e164"] == "+4930123456"


def test_refresh_of_many_numbers_lists_once(sandbox: RunningSandbox, client: Client) -> None:
    ids = [
        client.import_phone_number(
            PhoneNumberImport(e164=f"+44207946{i:04d}", sip_trunk_id="trunk_1")
        ).id
        for i in range(12)
    ]
    provider = configured(SipTrunkPhoneNumberProvider(), sandbox)
    sandbox.control.clear_request_log()
    for number_id in ids:
        assert provider.read(number_id, {}).id == number_id
    assert [e.method for e in sandbox.control.request_log()] == ["GET"]


def test_read_of_a_number_created_elsewhere_after_the_list_falls_back_to_get(
    sandbox: RunningSandbox, client: Client
) -> None:
    provider = configured(SipTrunkPhoneNumberProvider(), sandbox)
    first = provider.create(checked(provider, sip_inputs()))
    provider.read(first.id, first.outs)  # fills the list cache
    later = client.import_phone_number(PhoneNumberImport(e164="+33123456789", sip_trunk_id="t"))
    assert provider.read(later.id, {}).outs["e164"] == "+33123456789"


def test_adopting_a_sip_number_with_another_trunk_fails_clearly(
    sandbox: RunningSandbox, client: Client
) -> None:
    client.import_phone_number(PhoneNumberImport(e164="+4930123456", sip_trunk_id="trunk_9"))
    provider = configured(SipTrunkPhoneNumberProvider(), sandbox)
    with pytest.raises(SpekoProviderError, match="sip_trunk_id='trunk_9'"):
        provider.create(
            checked(
                provider, {"e164": "+4930123456", "sip_trunk_id": "trunk_1", "adopt_existing": True}
            )
        )


def test_resource_kinds_do_not_mix(sandbox: RunningSandbox, client: Client) -> None:
    imported = client.import_phone_number(PhoneNumberImport(e164="+4930123456", sip_trunk_id="t"))
    provider = configured(PhoneNumberProvider(), sandbox)
    with pytest.raises(SpekoProviderError, match="manage it with SipTrunkPhoneNumber"):
        provider.read(imported.id, {})


def test_missing_key_is_one_error_naming_both_sources(sandbox: RunningSandbox) -> None:
    provider = SipTrunkPhoneNumberProvider()
    with pytest.raises(SpekoProviderError) as raised:
        provider.create(checked(provider, sip_inputs()))
    assert "speko:apiKey" in str(raised.value) and "SPEKO_API_KEY" in str(raised.value)


# ----------------------------------------------------------------------------- verification


def verification(**extra: Any) -> dict[str, Any]:
    return {
        "business_profile": PROFILE,
        "authorized_representative": REPRESENTATIVE,
        "attestation_accepted": True,
        "submit": True,
        **extra,
    }


def test_verification_draft_then_submit_then_review_is_visible(
    sandbox: RunningSandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = configured(BusinessVerificationProvider(), sandbox)
    draft = provider.create(verification(submit=False, attestation_accepted=False))
    assert draft.outs["status"] == "draft"
    submitted = provider.update(draft.id, draft.outs, verification()).outs
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    sandbox.control.reject_verification(DEMO_ORG, "website does not load")
    read = provider.read(submitted["submission_id"], submitted)
    assert read.outs["status"] == "rejected"
    assert read.outs["rejection_reason"] == "website does not load"
    provider.delete(read.id or "", read.outs)
    assert "no delete" in capsys.readouterr().err


def test_lost_submit_response_is_adopted(sandbox: RunningSandbox) -> None:
    sandbox.control.add_fault("POST", "/v1/phone-numbers/kyb/submit", action="drop", times=1)
    provider = configured(BusinessVerificationProvider(), sandbox)
    outs = provider.create(verification()).outs
    assert outs["status"] == "submitted"
    assert calls(sandbox, "POST", "/v1/phone-numbers/kyb/submit") == 1
