"""Issue 12, the providers' side: every message an operator reads is right, and no
message-adjacent rule destroys a live number. Engine-protocol tier: the SDK's provider
host driven over gRPC against the sandbox, as ``pulumi up`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_speko.api import Client
from pulumi_speko.api.errors import BadRequestError, ErrorDetail
from pulumi_speko.api.models import PhoneNumberCreate, PhoneNumberImport
from pulumi_speko.resources._props import error_in_program_names
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberArgs
from pulumi_speko.testing.engine import EngineError
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox, running_sandbox

from . import test_engine_protocol as protocol
from .conftest import PROFILE, REPRESENTATIVE
from .test_engine_protocol import (
    KYB,
    PHONE,
    SIP,
    Recorder,
    _user,
    file_verification,
    stderr_eventually,
)

engine = protocol.engine  # the fixture of the engine-protocol tier

# A pool where area code 415 has 100 available numbers: more than one search (50) shows.
LARGE_POOL = 300


def create_error(engine: Recorder, token: str, name: str, news: dict[str, Any]) -> str:
    """The one line ``pulumi up`` prints when the create of ``news`` fails."""
    with pytest.raises(EngineError) as raised:
        engine.host.create(token, name, engine.checked(token, name, news))
    engine.seen.append(raised.value.details)
    return raised.value.last_line


def bought_in_415(engine: Recorder) -> tuple[str, dict[str, Any], dict[str, Any]]:
    file_verification(engine)
    inputs = engine.checked(PHONE, "main", {"area_code": "415"})
    number_id, outs = engine.create(PHONE, "main", inputs)
    return number_id, outs, inputs


# ---------------------------------------------------------------- defect 1: locality


def test_a_locality_the_number_is_in_keeps_the_number(engine: Recorder) -> None:
    number_id, outs, inputs = bought_in_415(engine)
    assert outs["region"]["locality"] == "San Francisco"
    narrowed = engine.checked(PHONE, "main", {**_user(inputs), "locality": "san francisco"})
    diff = engine.host.diff(PHONE, "main", number_id, outs, narrowed)
    assert diff.replaces == []
    refreshed = engine.host.read(PHONE, "main", number_id, outs, inputs)  # region survives
    assert engine.host.diff(PHONE, "main", number_id, refreshed.properties, narrowed).replaces == []


def test_a_locality_the_number_is_not_in_replaces_it(engine: Recorder) -> None:
    number_id, outs, inputs = bought_in_415(engine)
    elsewhere = engine.checked(PHONE, "main", {**_user(inputs), "locality": "Oakland"})
    diff = engine.host.diff(PHONE, "main", number_id, outs, elsewhere)
    assert diff.replaces == ["locality"] and diff.delete_before_replace is False


def test_dropping_the_locality_keeps_the_number(engine: Recorder) -> None:
    file_verification(engine)
    inputs = engine.checked(PHONE, "main", {"area_code": "415", "locality": "San Francisco"})
    number_id, outs = engine.create(PHONE, "main", inputs)
    wider = engine.checked(PHONE, "main", {"area_code": "415"})
    assert engine.host.diff(PHONE, "main", number_id, outs, wider).replaces == []


def test_an_unknown_locality_of_the_live_number_keeps_it_and_warns(engine: Recorder) -> None:
    """State written before the provider recorded regions: never destroy on a guess."""
    number_id, outs, inputs = bought_in_415(engine)
    legacy_outs = {k: v for k, v in outs.items() if k != "region"}
    narrowed = engine.checked(PHONE, "main", {**_user(inputs), "locality": "Oakland"})
    assert engine.host.diff(PHONE, "main", number_id, legacy_outs, narrowed).replaces == []
    warning = stderr_eventually(engine.host, "locality")
    assert "warning:" in warning and "--replace" in warning and outs["e164"] in warning


# ---------------------------------------------------------------- defect 2: exact price


@pytest.fixture(scope="module")
def large_pool() -> Iterator[RunningSandbox]:
    with running_sandbox(pool_size=LARGE_POOL) as running:
        yield running


@pytest.fixture
def large_engine(large_pool: RunningSandbox) -> Iterator[Recorder]:
    large_pool.control.reset()
    large_pool.control.clear_request_log()
    with protocol.recording_engine(large_pool.base_url) as recorder:
        yield recorder


def test_an_exact_purchase_without_cost_limits_makes_no_search(
    engine: Recorder, sandbox: RunningSandbox
) -> None:
    file_verification(engine)
    sandbox.control.clear_request_log()
    engine.create(PHONE, "n", engine.checked(PHONE, "n", {"e164": "+14155550105"}))
    paths = [entry.path for entry in sandbox.control.request_log()]
    assert not any("/available" in path for path in paths), paths


def test_an_exact_purchase_on_the_first_search_page_is_priced(large_engine: Recorder) -> None:
    file_verification(large_engine)
    news = {"e164": "+14155550140", "max_upfront_cost_usd": 1.0, "max_monthly_cost_usd": 2.0}
    _, outs = large_engine.create(PHONE, "n", large_engine.checked(PHONE, "n", news))
    assert (outs["upfront_cost_usd"], outs["monthly_cost_usd"]) == (1.0, 2.0)


def test_an_exact_purchase_past_the_search_page_says_it_cannot_be_priced(
    large_engine: Recorder, large_pool: RunningSandbox
) -> None:
    file_verification(large_engine)
    news = {"e164": "+14155550180", "max_monthly_cost_usd": 5.0}
    line = create_error(large_engine, PHONE, "n", news)
    assert "cannot price +14155550180" in line and "max_monthly_cost_usd" in line
    assert "remove" in line  # what to do
    assert large_pool.control.list_numbers(DEMO_ORG) == []


def test_an_exact_purchase_of_a_number_not_for_sale_says_so(engine: Recorder) -> None:
    file_verification(engine)
    line = create_error(engine, PHONE, "n", {"e164": "+14155559999", "max_upfront_cost_usd": 5.0})
    assert "+14155559999 is not available for purchase" in line


# ---------------------------------------------------------------- defect 6: verification


def test_a_rejected_verification_is_resubmitted_by_changing_resubmit_token(
    engine: Recorder, sandbox: RunningSandbox
) -> None:
    host = engine.host
    kyb_id, outs = file_verification(engine)
    sandbox.control.reject_verification(DEMO_ORG, "website unreachable")
    refreshed = host.read(KYB, "kyb", kyb_id, outs, _user(outs))
    assert refreshed.properties["status"] == "rejected"
    same = engine.checked(KYB, "kyb", _kyb_inputs())
    assert host.diff(KYB, "kyb", kyb_id, refreshed.properties, same).changes is False

    again = engine.checked(KYB, "kyb", _kyb_inputs(resubmit_token="2026-11-30"))
    diff = host.diff(KYB, "kyb", kyb_id, refreshed.properties, again)
    assert (diff.changes, diff.replaces) == (True, [])
    updated = host.update(KYB, "kyb", kyb_id, refreshed.properties, again)
    assert updated["status"] == "submitted" and updated["resubmit_token"] == "2026-11-30"
    assert host.diff(KYB, "kyb", kyb_id, updated, again).changes is False
    reread = host.read(KYB, "kyb", kyb_id, updated, again)
    assert reread.inputs["resubmit_token"] == "2026-11-30"


def test_resubmit_token_must_be_a_string(engine: Recorder) -> None:
    failures = engine.check(KYB, "kyb", _kyb_inputs(resubmit_token=3.0)).failures
    assert [prop for prop, _ in failures] == ["resubmit_token"]


def test_the_403_hint_when_no_verification_is_filed(engine: Recorder) -> None:
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100"})
    assert "403 VERIFICATION_REQUIRED" in line
    assert "no business verification is filed" in line and "submit=True" in line


def test_the_403_hint_for_a_draft(engine: Recorder) -> None:
    engine.create(KYB, "kyb", engine.checked(KYB, "kyb", _kyb_inputs(submit=False)))
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100"})
    assert "is a draft" in line and "submit=True" in line


def test_the_403_hint_for_a_rejection_gives_the_reason_and_the_way_forward(
    engine: Recorder, sandbox: RunningSandbox
) -> None:
    file_verification(engine)
    sandbox.control.reject_verification(DEMO_ORG, "website unreachable")
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100"})
    assert "was rejected: website unreachable" in line and "resubmit_token" in line
    assert "declare a BusinessVerification" not in line


def test_the_403_hint_for_a_revocation(engine: Recorder, sandbox: RunningSandbox) -> None:
    file_verification(engine)
    sandbox.control.approve_verification(DEMO_ORG)
    sandbox.control.revoke_verification(DEMO_ORG)
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100"})
    assert "was revoked" in line and "resubmit_token" in line


def _kyb_inputs(**extra: Any) -> dict[str, Any]:
    return {
        "business_profile": PROFILE,
        "authorized_representative": REPRESENTATIVE,
        "attestation_accepted": True,
        **extra,
    }


# ---------------------------------------------------------------- defect 7: 409 by kind


def test_a_sip_import_colliding_with_a_managed_number_names_phone_number(
    engine: Recorder, client: Client
) -> None:
    file_verification(engine)
    client.create_phone_number(PhoneNumberCreate(e164="+14155550100"))
    news = {"e164": "+14155550100", "sip_connection_installation_id": "sci_demo"}
    line = create_error(engine, SIP, "s", news)
    assert "409" in line and "managed number" in line
    assert "declare it as a PhoneNumber with adopt_existing=True" in line


def test_a_purchase_colliding_with_a_sip_number_names_sip_trunk_phone_number(
    engine: Recorder, client: Client
) -> None:
    file_verification(engine)
    client.import_phone_number(
        PhoneNumberImport(e164="+14155550100", sip_connection_installation_id="sci_demo")
    )
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100", "adopt_existing": False})
    assert "declare it as a SipTrunkPhoneNumber with adopt_existing=True" in line


# ---------------------------------------------------------------- defect 8: search messages


def test_an_empty_search_without_limits_does_not_blame_limits(engine: Recorder) -> None:
    file_verification(engine)
    line = create_error(engine, PHONE, "n", {"area_code": "999"})
    assert "no available number in area code 999" in line
    assert "cost limit" not in line and "affordable" not in line


def test_limits_too_low_give_the_cheapest_price_against_each_limit(engine: Recorder) -> None:
    file_verification(engine)
    news = {"area_code": "415", "max_upfront_cost_usd": 0.5, "max_monthly_cost_usd": 1.5}
    line = create_error(engine, PHONE, "n", news)
    assert "cheapest upfront 1.00 USD (max_upfront_cost_usd 0.50)" in line
    assert "cheapest monthly 2.00 USD (max_monthly_cost_usd 1.50)" in line


def test_an_exact_number_above_one_limit_names_only_that_limit(engine: Recorder) -> None:
    file_verification(engine)
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100", "max_monthly_cost_usd": 1.0})
    assert "max_monthly_cost_usd" in line and "max_upfront_cost_usd" not in line


# ---------------------------------------------------------------- defect 10: program names


def test_a_platform_validation_error_names_the_program_property(engine: Recorder) -> None:
    file_verification(engine)
    line = create_error(engine, PHONE, "n", {"e164": "+14155550100", "agent_id": "agent_billing"})
    assert "agent_id: agent agent_billing does not exist" in line
    assert "agentId" not in line


def test_nested_wire_paths_are_named_as_the_program_spells_them() -> None:
    error = BadRequestError(
        status=400,
        code="VALIDATION_ERROR",
        message="Invalid request body",
        method="GET",
        path="/v1/phone-numbers/available?areaCode=415",
        details=(ErrorDetail("businessProfile.address.postalCode", "must not be empty"),),
    )
    line = error_in_program_names(error)
    assert "business_profile.address.postal_code: must not be empty" in line
    assert line.startswith("GET /v1/phone-numbers/available?areaCode=415 -> 400")


def test_a_sip_validation_error_names_the_program_property(engine: Recorder) -> None:
    news = {"e164": "+4930123456", "sip_connection_installation_id": "sci_nope"}
    line = create_error(engine, SIP, "s", news)
    assert "sip_connection_installation_id" in line and "sipConnection" not in line


# ---------------------------------------------------------------- defect 11: SIP display name


def test_renaming_the_sip_provider_warns_that_routing_is_interrupted(engine: Recorder) -> None:
    base = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}
    inputs = engine.checked(SIP, "de", {**base, "sip_provider_name": "Twilio"})
    number_id, outs = engine.create(SIP, "de", inputs)
    renamed = engine.checked(SIP, "de", {**base, "sip_provider_name": "Telnyx"})
    diff = engine.host.diff(SIP, "de", number_id, outs, renamed)
    assert diff.replaces == ["sip_provider_name"] and diff.delete_before_replace is True
    warning = stderr_eventually(engine.host, "sip_provider_name")
    assert "warning:" in warning and "+4930123456" in warning
    assert "not routed" in warning


def test_relabelling_a_sip_number_does_not_warn(engine: Recorder) -> None:
    base = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}
    inputs = engine.checked(SIP, "de", base)
    number_id, outs = engine.create(SIP, "de", inputs)
    relabelled = engine.checked(SIP, "de", {**base, "label": "Berlin"})
    assert engine.host.diff(SIP, "de", number_id, outs, relabelled).replaces == []
    assert "warning:" not in engine.host.stderr_text()


def test_the_sip_provider_name_docs_say_it_replaces_and_interrupts_routing() -> None:
    doc = SipTrunkPhoneNumberArgs.__dataclass_fields__["sip_provider_name"].metadata
    assert "cannot change it in place" in doc["description"]
    assert "not routed" in doc["description"]


def test_config_keys_in_a_message_keep_their_spelling() -> None:
    from pulumi_speko.resources._props import program_names

    text = "set speko:organizationId / SPEKO_ORGANIZATION_ID, or fix agentId"
    expected = "set speko:organizationId / SPEKO_ORGANIZATION_ID, or fix agent_id"
    assert program_names(text) == expected
