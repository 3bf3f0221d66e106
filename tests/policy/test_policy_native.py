"""The rules on the native plugin's resources (``speko:index:*``, camelCase), through the
analyzer as the engine calls it: the same verdicts as on their dynamic twins."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from pulumi_speko.policy import PHONE_NUMBER_TYPE, SIP_TRUNK_PHONE_NUMBER_TYPE, SPEKO_TYPES

NATIVE_PHONE = "speko:index:PhoneNumber"
NATIVE_SIP = "speko:index:SipTrunkPhoneNumber"
NATIVE_KYB = "speko:index:BusinessVerification"

# (type of each family, snake_case props, the same props as the native plugin names them)
TWINS: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (  # inbound, unrouted, unlabelled, unprotected: three violations
        PHONE_NUMBER_TYPE,
        NATIVE_PHONE,
        {"e164": "+14155550123", "direction": "inbound", "adopt_existing": False},
        {"e164": "+14155550123", "direction": "inbound", "adoptExisting": False},
    ),
    (  # a credential-like key deep in the template, named as the user wrote it
        PHONE_NUMBER_TYPE,
        NATIVE_PHONE,
        {
            "e164": "+14155550123",
            "direction": "both",
            "label": "Support",
            "dispatch_metadata_template": {"crm": {"apiKey": "sk_live_1", "queueName": "x"}},
        },
        {
            "e164": "+14155550123",
            "direction": "both",
            "label": "Support",
            "dispatchMetadataTemplate": {"crm": {"apiKey": "sk_live_1", "queueName": "x"}},
        },
    ),
    (  # a non-US managed number
        PHONE_NUMBER_TYPE,
        NATIVE_PHONE,
        {"e164": "+442071838750", "direction": "outbound", "label": "UK"},
        {"e164": "+442071838750", "direction": "outbound", "label": "UK"},
    ),
]


def _verdicts(diagnostics: list[Any]) -> list[tuple[str, str]]:
    return sorted((d.policyName, d.message) for d in diagnostics)


def test_every_native_token_is_checked() -> None:
    assert {NATIVE_PHONE, NATIVE_SIP, NATIVE_KYB} <= SPEKO_TYPES


@pytest.mark.parametrize(("dynamic", "native", "snake", "camel"), TWINS)
def test_a_native_resource_gets_its_dynamic_twins_verdicts(
    analyzer: Any, dynamic: str, native: str, snake: dict[str, Any], camel: dict[str, Any]
) -> None:
    expected = _verdicts(analyzer.analyze(dynamic, "line", snake))
    assert expected  # each twin breaks at least one rule
    assert _verdicts(analyzer.analyze(native, "line", camel)) == expected


def test_camel_case_routing_counts_as_routing(analyzer: Any) -> None:
    # read as `agent_id` and `sip_connection_installation_id`: nothing to report
    props = {
        "e164": "+442071838750",
        "sipConnectionInstallationId": "sci_7FhK2mQ9",
        "direction": "inbound",
        "agentId": UNKNOWN_STRING_VALUE,
        "label": "EU support",
    }
    assert analyzer.analyze(NATIVE_SIP, "eu-support", props) == []


def test_a_template_key_is_reported_as_written(analyzer: Any) -> None:
    props = {**TWINS[1][3], "dispatchMetadataTemplate": {"crmApiKey": "x"}}
    [diagnostic] = analyzer.analyze(NATIVE_PHONE, "line", props, protect=True)
    assert "dispatch_metadata_template key 'crmApiKey' looks like a credential" in (
        diagnostic.message
    )


def test_stack_rules_see_both_families_together(analyzer: Any) -> None:
    native_line = {"e164": "+14155550123", "direction": "outbound", "label": "a"}
    dynamic_line = {"e164": "+14155550123", "sip_trunk_id": "trk_1", "label": "b"}
    stack = [
        analyzer.resource(NATIVE_PHONE, "native-line", native_line, protect=True),
        analyzer.resource(SIP_TRUNK_PHONE_NUMBER_TYPE, "dynamic-line", dynamic_line),
    ]
    diagnostics = analyzer.analyze_stack(stack)
    unique = [d for d in diagnostics if d.policyName == "speko-unique-e164"]
    assert sorted(d.urn.rsplit("::", 1)[1] for d in unique) == ["dynamic-line", "native-line"]
    [verification] = [
        d for d in diagnostics if d.policyName == "speko-verification-before-purchase"
    ]
    assert "Stack buys 1 managed PhoneNumber(s) ('native-line')" in verification.message


def test_a_native_verification_allows_purchases_of_either_family(analyzer: Any) -> None:
    kyb = {"attestationAccepted": True, "submit": True, "status": "submitted"}
    stack = [
        analyzer.resource(NATIVE_KYB, "kyb", kyb, protect=True),
        analyzer.resource(
            PHONE_NUMBER_TYPE, "dynamic-line", {"e164": "+14155550123", "label": "a"}, protect=True
        ),
        analyzer.resource(
            NATIVE_PHONE, "native-line", {"e164": "+14155550124", "label": "b"}, protect=True
        ),
    ]
    assert analyzer.analyze_stack(stack) == []
    analyzer.configure({"speko-max-managed-numbers": {"maxManagedNumbers": 1}})
    [limit] = analyzer.analyze_stack(stack)
    assert "Stack declares 2 managed PhoneNumbers" in limit.message
