"""The resource rules, through the analyzer's ``Analyze`` as the engine calls it."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import proto
from pulumi_policy import Secret
from pulumi_policy.proxy import (
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
)
from pulumi_speko.policy import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)

ROUTED_MANAGED: dict[str, Any] = {
    "e164": "+14155550123",
    "direction": "both",
    "agent_id": "agt_support_en",
    "label": "Support (EN)",
    "dispatch_metadata_template": {"team": "support", "locale": "en-US"},
    "adopt_existing": False,
}
ROUTED_SIP: dict[str, Any] = {
    "e164": "+442071838750",
    "sip_connection_installation_id": "sci_7FhK2mQ9",
    "sip_provider_name": "Twilio Elastic SIP",
    "direction": "inbound",
    "agent_id": "agt_support_eu",
    "label": "EU support",
}


def by_policy(diagnostics: list[Any], policy: str) -> list[Any]:
    return [d for d in diagnostics if d.policyName == policy]


def messages(diagnostics: list[Any], policy: str) -> list[str]:
    return [d.message for d in by_policy(diagnostics, policy)]


@pytest.mark.parametrize("include_internal_keys", [False, True])
def test_a_well_formed_protected_number_raises_nothing(
    analyzer: Any, include_internal_keys: bool
) -> None:
    # With and without __provider in the bag: the engine drops it, the rules ignore it.
    diagnostics = analyzer.analyze(
        PHONE_NUMBER_TYPE,
        "support-line",
        ROUTED_MANAGED,
        protect=True,
        include_internal_keys=include_internal_keys,
    )
    assert diagnostics == []


def test_a_routed_sip_number_raises_nothing(analyzer: Any) -> None:
    assert analyzer.analyze(SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", ROUTED_SIP) == []


# --- speko-e164-format -------------------------------------------------------------------


@pytest.mark.parametrize(
    "e164",
    [
        "14155550123",
        "+0415555012",
        "+1415",
        "+1415555012345678",
        "+1 415 555 0123",
        "+14155550123\n",
        "+\u0661\u0664\u0661\u0665\u0665\u0665\u0660\u0661\u0662\u0663",  # Arabic-Indic digits
        14155550123,
    ],
)
def test_e164_format_rejects_malformed_numbers(analyzer: Any, e164: Any) -> None:
    diagnostics = analyzer.analyze(
        SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", {**ROUTED_SIP, "e164": e164}
    )
    [diagnostic] = by_policy(diagnostics, "speko-e164-format")
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert "SipTrunkPhoneNumber 'eu-support': e164" in diagnostic.message
    assert "8 to 15 digits" in diagnostic.message


def test_e164_format_sends_non_us_managed_numbers_to_sip_trunk(analyzer: Any) -> None:
    diagnostics = analyzer.analyze(
        PHONE_NUMBER_TYPE, "london", {**ROUTED_MANAGED, "e164": "+442071838750"}, protect=True
    )
    [message] = messages(diagnostics, "speko-e164-format")
    assert "PhoneNumber 'london'" in message
    assert "'+442071838750' is not a US (+1) number" in message
    assert "SipTrunkPhoneNumber" in message


def test_e164_format_accepts_non_us_sip_trunk_numbers(analyzer: Any) -> None:
    diagnostics = analyzer.analyze(
        SIP_TRUNK_PHONE_NUMBER_TYPE, "paris", {**ROUTED_SIP, "e164": "+33142685300"}
    )
    assert by_policy(diagnostics, "speko-e164-format") == []


def test_e164_format_passes_a_number_bought_by_area_code(analyzer: Any) -> None:
    props = {k: v for k, v in ROUTED_MANAGED.items() if k != "e164"} | {"area_code": "646"}
    assert analyzer.analyze(PHONE_NUMBER_TYPE, "sales", props, protect=True) == []


def test_e164_format_ignores_other_packages(analyzer: Any) -> None:
    diagnostics = analyzer.analyze(
        "aws:s3/bucket:Bucket", "recordings", {"e164": "not a number", "label": ""}
    )
    assert diagnostics == []


# --- speko-inbound-routed ----------------------------------------------------------------


@pytest.mark.parametrize("direction", ["inbound", "both"])
def test_inbound_without_agent_or_template_is_a_violation(analyzer: Any, direction: str) -> None:
    props = {"e164": "+16465550142", "direction": direction, "label": "Sales NYC"}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "sales-line", props, protect=True)
    [diagnostic] = by_policy(diagnostics, "speko-inbound-routed")
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert (
        f"PhoneNumber 'sales-line' takes inbound calls (direction '{direction}')"
        in diagnostic.message
    )
    assert "agent_id" in diagnostic.message and "dispatch_metadata_template" in diagnostic.message


def test_inbound_sip_number_without_routing_is_a_violation(analyzer: Any) -> None:
    props = {k: v for k, v in ROUTED_SIP.items() if k != "agent_id"}
    diagnostics = analyzer.analyze(SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", props)
    assert len(by_policy(diagnostics, "speko-inbound-routed")) == 1


@pytest.mark.parametrize(
    "routing",
    [
        {"agent_id": "agt_sales"},
        {"dispatch_metadata_template": {"queue": "sales"}},
        {"dispatch_metadata_template": Secret({"queue": "sales"})},
    ],
)
def test_inbound_with_agent_or_template_passes(analyzer: Any, routing: dict[str, Any]) -> None:
    props = {"e164": "+16465550142", "direction": "inbound", "label": "Sales", **routing}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "sales-line", props, protect=True)
    assert by_policy(diagnostics, "speko-inbound-routed") == []


@pytest.mark.parametrize("direction", [None, "outbound"])
def test_outbound_numbers_need_no_routing(analyzer: Any, direction: str | None) -> None:
    props = {"e164": "+13125550177", "label": "Campaign"}
    if direction:
        props["direction"] = direction
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "campaign", props, protect=True)
    assert diagnostics == []


# --- speko-no-secrets-in-dispatch-metadata -------------------------------------------------


def test_credential_keys_are_found_at_any_depth(analyzer: Any) -> None:
    template = {
        "team": "support",
        "crm": {"baseUrl": "https://crm.example", "apiKey": "sk_live_1"},
        "hooks": [{"url": "https://hooks.example", "Authorization": "Bearer x"}],
        "DB_PASSWORD": "hunter2",
    }
    props = {**ROUTED_MANAGED, "dispatch_metadata_template": template}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "support-line", props, protect=True)
    found = by_policy(diagnostics, "speko-no-secrets-in-dispatch-metadata")
    assert {d.enforcementLevel for d in found} == {proto.MANDATORY}
    text = "\n".join(d.message for d in found)
    assert len(found) == 3
    for path in ("'crm.apiKey'", "'hooks[0].Authorization'", "'DB_PASSWORD'"):
        assert f"dispatch_metadata_template key {path} looks like a credential" in text
    assert "sk_live_1" not in text and "hunter2" not in text  # values are never echoed


def test_a_template_without_credentials_passes(analyzer: Any) -> None:
    template = {
        "author": "ops",
        "customer_tier": "gold",
        "routing": {"language": "en", "skills": ["billing"]},
    }
    props = {**ROUTED_MANAGED, "dispatch_metadata_template": template}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "support-line", props, protect=True)
    assert diagnostics == []


def test_a_credential_key_is_flagged_even_when_its_value_is_unknown(analyzer: Any) -> None:
    template = {"crm": {"access_token": UNKNOWN_STRING_VALUE}, "team": UNKNOWN_STRING_VALUE}
    props = {**ROUTED_MANAGED, "dispatch_metadata_template": template}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "support-line", props, protect=True)
    [message] = messages(diagnostics, "speko-no-secrets-in-dispatch-metadata")
    assert "'crm.access_token'" in message


def test_a_secret_template_is_still_scanned(analyzer: Any) -> None:
    props = {**ROUTED_MANAGED, "dispatch_metadata_template": Secret({"bearer": "x"})}
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "support-line", props, protect=True)
    assert len(by_policy(diagnostics, "speko-no-secrets-in-dispatch-metadata")) == 1


# --- speko-managed-number-protected ----------------------------------------------------------


def test_an_unprotected_managed_number_gets_an_advisory(analyzer: Any) -> None:
    diagnostics = analyzer.analyze(PHONE_NUMBER_TYPE, "support-line", ROUTED_MANAGED, protect=False)
    [diagnostic] = diagnostics
    assert diagnostic.policyName == "speko-managed-number-protected"
    assert diagnostic.enforcementLevel == proto.ADVISORY
    assert "PhoneNumber 'support-line' is not protected" in diagnostic.message
    assert "protect=True" in diagnostic.message


def test_sip_numbers_need_no_protect(analyzer: Any) -> None:
    diagnostics = analyzer.analyze(
        SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", ROUTED_SIP, protect=False
    )
    assert by_policy(diagnostics, "speko-managed-number-protected") == []


# --- speko-label-required ----------------------------------------------------------------


@pytest.mark.parametrize("label", [None, "", "   "])
def test_a_number_without_label_gets_an_advisory(analyzer: Any, label: str | None) -> None:
    props = {k: v for k, v in ROUTED_SIP.items() if k != "label"}
    if label is not None:
        props["label"] = label
    diagnostics = analyzer.analyze(SIP_TRUNK_PHONE_NUMBER_TYPE, "outbound-campaign", props)
    [diagnostic] = diagnostics
    assert diagnostic.policyName == "speko-label-required"
    assert diagnostic.enforcementLevel == proto.ADVISORY
    assert "SipTrunkPhoneNumber 'outbound-campaign' has no label; set label" in diagnostic.message


def test_labels_are_not_required_of_a_business_verification(analyzer: Any) -> None:
    props = {"business_profile": {"legal_name": "Acme Voice LLC"}, "submit": True}
    assert analyzer.analyze(BUSINESS_VERIFICATION_TYPE, "kyb", props, protect=True) == []


# --- unknowns during preview -------------------------------------------------------------------


PREVIEW_CASES = {
    "everything unknown": {
        "e164": UNKNOWN_STRING_VALUE,
        "direction": UNKNOWN_STRING_VALUE,
        "agent_id": UNKNOWN_STRING_VALUE,
        "label": UNKNOWN_STRING_VALUE,
        "dispatch_metadata_template": UNKNOWN_OBJECT_VALUE,
        "adopt_existing": UNKNOWN_BOOLEAN_VALUE,
    },
    "inbound, agent from another resource": {
        "e164": "+16465550142",
        "direction": "inbound",
        "agent_id": UNKNOWN_STRING_VALUE,
        "label": "Sales",
    },
    "unknown direction, no routing": {
        "e164": "+16465550142",
        "direction": UNKNOWN_STRING_VALUE,
        "label": "Sales",
    },
    "secret unknown template": {
        "e164": "+16465550142",
        "direction": "inbound",
        "dispatch_metadata_template": Secret(UNKNOWN_OBJECT_VALUE),
        "label": "Sales",
    },
    "unknown items in a template": {
        "e164": "+16465550142",
        "direction": "both",
        "dispatch_metadata_template": {"queues": [UNKNOWN_STRING_VALUE, "sales"]},
        "label": UNKNOWN_STRING_VALUE,
    },
}


@pytest.mark.parametrize("number_type", [PHONE_NUMBER_TYPE, SIP_TRUNK_PHONE_NUMBER_TYPE])
@pytest.mark.parametrize("case", sorted(PREVIEW_CASES))
def test_unknown_values_never_fail_or_flag_a_rule(
    analyzer: Any, number_type: str, case: str
) -> None:
    # No violation, and no "can't run policy ... during preview" advisory either: the
    # servicer reports that when a rule lets UnknownValueError escape.
    diagnostics = analyzer.analyze(number_type, "preview", PREVIEW_CASES[case], protect=True)
    assert diagnostics == []
