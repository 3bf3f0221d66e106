"""The stack rules, through ``AnalyzeStack`` (and ``Configure``) as the engine calls them."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.runtime import proto
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, UNKNOWN_STRING_VALUE
from pulumi_speko.policy import (
    BUSINESS_VERIFICATION_TYPE,
    DEFAULT_MAX_MANAGED_NUMBERS,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)

KYB_PROPS = {
    "business_profile": {"legal_name": "Acme Voice LLC", "country": "US"},
    "authorized_representative": {"name": "Dana Okafor", "email": "dana@acmevoice.example"},
    "attestation_accepted": True,
    "submit": True,
    "status": "submitted",
}


def managed(analyzer: Any, name: str, e164: str | None = None, **props: Any) -> Any:
    outputs = {"direction": "outbound", "label": name, "source": "managed", **props}
    if e164 is not None:
        outputs["e164"] = e164
    return analyzer.resource(PHONE_NUMBER_TYPE, name, outputs, protect=True)


def sip(analyzer: Any, name: str, e164: str, **props: Any) -> Any:
    outputs = {
        "e164": e164,
        "sip_trunk_id": "trk_9Xq2Lm4N",
        "label": name,
        "source": "sip_trunk",
        **props,
    }
    return analyzer.resource(SIP_TRUNK_PHONE_NUMBER_TYPE, name, outputs)


def kyb(analyzer: Any, **overrides: Any) -> Any:
    return analyzer.resource(
        BUSINESS_VERIFICATION_TYPE, "kyb", {**KYB_PROPS, **overrides}, protect=True
    )


def by_policy(diagnostics: list[Any], policy: str) -> list[Any]:
    return [d for d in diagnostics if d.policyName == policy]


def sound_stack(analyzer: Any) -> list[Any]:
    """A verification, two managed numbers and a SIP trunk number: no rule trips."""
    return [
        kyb(analyzer),
        managed(analyzer, "support-line", "+14155550123"),
        managed(analyzer, "sales-line", "+16465550142"),
        sip(analyzer, "eu-support", "+442071838750"),
    ]


def test_a_sound_stack_raises_nothing(analyzer: Any) -> None:
    bucket = analyzer.resource("aws:s3/bucket:Bucket", "recordings", {"bucket": "recordings"})
    assert analyzer.analyze_stack([*sound_stack(analyzer), bucket]) == []


# --- speko-unique-e164 -----------------------------------------------------------------------


def test_two_resources_claiming_one_e164_are_both_reported(analyzer: Any) -> None:
    stack = [*sound_stack(analyzer), sip(analyzer, "support-line-sip", "+14155550123")]
    found = by_policy(analyzer.analyze_stack(stack), "speko-unique-e164")
    assert sorted(d.urn.rsplit("::", 1)[1] for d in found) == ["support-line", "support-line-sip"]
    assert {d.enforcementLevel for d in found} == {proto.MANDATORY}
    [first] = [d for d in found if d.urn.endswith("::support-line")]
    assert "PhoneNumber 'support-line' claims e164 '+14155550123'" in first.message
    assert "SipTrunkPhoneNumber 'support-line-sip'" in first.message


def test_unknown_or_absent_e164s_never_collide(analyzer: Any) -> None:
    stack = [
        kyb(analyzer),
        managed(analyzer, "new-a", UNKNOWN_STRING_VALUE, area_code="415"),
        managed(analyzer, "new-b", UNKNOWN_STRING_VALUE, area_code="415"),
        managed(analyzer, "new-c", None, area_code="415"),
        managed(analyzer, "new-d", None, area_code="415"),
    ]
    assert analyzer.analyze_stack(stack) == []


def test_other_packages_sharing_a_number_are_ignored(analyzer: Any) -> None:
    stack = [
        kyb(analyzer),
        managed(analyzer, "support-line", "+14155550123"),
        analyzer.resource("twilio:index:Number", "legacy", {"e164": "+14155550123"}),
    ]
    assert analyzer.analyze_stack(stack) == []


# --- speko-verification-before-purchase ------------------------------------------------------


def test_buying_numbers_without_a_verification_is_a_violation(analyzer: Any) -> None:
    stack = [
        managed(analyzer, "support-line", "+14155550123"),
        managed(analyzer, "sales-line", "+16465550142"),
    ]
    [diagnostic] = by_policy(analyzer.analyze_stack(stack), "speko-verification-before-purchase")
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert diagnostic.urn == ""  # the whole stack is at fault
    assert (
        "Stack buys 2 managed PhoneNumber(s) ('support-line', 'sales-line')" in diagnostic.message
    )
    assert "verificationManagedElsewhere: true" in diagnostic.message


def test_a_draft_verification_does_not_count(analyzer: Any) -> None:
    stack = [
        kyb(analyzer, submit=False, status="draft"),
        managed(analyzer, "support-line", "+14155550123"),
    ]
    [diagnostic] = by_policy(analyzer.analyze_stack(stack), "speko-verification-before-purchase")
    assert "BusinessVerification 'kyb' has submit=False" in diagnostic.message


@pytest.mark.parametrize(
    "submit", [True, UNKNOWN_BOOLEAN_VALUE, None], ids=["true", "unknown", "default"]
)
def test_a_submitted_verification_allows_purchases(analyzer: Any, submit: Any) -> None:
    props = {k: v for k, v in KYB_PROPS.items() if k != "submit"}
    if submit is not None:
        props["submit"] = submit
    verification = analyzer.resource(BUSINESS_VERIFICATION_TYPE, "kyb", props, protect=True)
    stack = [verification, managed(analyzer, "support-line", "+14155550123")]
    assert analyzer.analyze_stack(stack) == []


def test_sip_numbers_need_no_verification(analyzer: Any) -> None:
    assert analyzer.analyze_stack([sip(analyzer, "eu-support", "+442071838750")]) == []


def test_verification_managed_elsewhere_lifts_the_rule(analyzer: Any) -> None:
    stack = [managed(analyzer, "support-line", "+14155550123")]
    analyzer.configure(
        {"speko-verification-before-purchase": {"verificationManagedElsewhere": True}}
    )
    assert analyzer.analyze_stack(stack) == []
    analyzer.configure(
        {"speko-verification-before-purchase": {"verificationManagedElsewhere": False}}
    )
    assert len(by_policy(analyzer.analyze_stack(stack), "speko-verification-before-purchase")) == 1


# --- speko-max-managed-numbers ---------------------------------------------------------------


def fleet(analyzer: Any, count: int) -> list[Any]:
    return [kyb(analyzer)] + [
        managed(analyzer, f"line-{i:02d}", f"+1415555{i:04d}") for i in range(count)
    ]


def test_the_default_limit_allows_ten_managed_numbers(analyzer: Any) -> None:
    assert DEFAULT_MAX_MANAGED_NUMBERS == 10
    assert analyzer.analyze_stack(fleet(analyzer, 10)) == []


def test_one_over_the_default_limit_is_an_advisory(analyzer: Any) -> None:
    [diagnostic] = analyzer.analyze_stack(fleet(analyzer, 11))
    assert diagnostic.policyName == "speko-max-managed-numbers"
    assert diagnostic.enforcementLevel == proto.ADVISORY
    assert "Stack declares 11 managed PhoneNumbers ('line-00'," in diagnostic.message
    assert "and 6 more), over maxManagedNumbers=10" in diagnostic.message


def test_max_managed_numbers_comes_from_the_config(analyzer: Any) -> None:
    analyzer.configure({"speko-max-managed-numbers": {"maxManagedNumbers": 2}})
    assert analyzer.analyze_stack(fleet(analyzer, 2)) == []
    [diagnostic] = analyzer.analyze_stack(fleet(analyzer, 3))
    assert "Stack declares 3 managed PhoneNumbers" in diagnostic.message
    assert "over maxManagedNumbers=2" in diagnostic.message


def test_sip_numbers_do_not_count_against_the_limit(analyzer: Any) -> None:
    analyzer.configure({"speko-max-managed-numbers": {"maxManagedNumbers": 1}})
    stack = [
        *fleet(analyzer, 1),
        sip(analyzer, "eu-1", "+442071838750"),
        sip(analyzer, "eu-2", "+442071838751"),
    ]
    assert analyzer.analyze_stack(stack) == []


def test_the_config_can_make_the_limit_mandatory(analyzer: Any) -> None:
    analyzer.configure(
        {"speko-max-managed-numbers": {"enforcementLevel": "mandatory", "maxManagedNumbers": 0}}
    )
    [diagnostic] = analyzer.analyze_stack(fleet(analyzer, 1))
    assert diagnostic.enforcementLevel == proto.MANDATORY
    assert "over maxManagedNumbers=0" in diagnostic.message


@pytest.mark.parametrize("bad", ["ten", -1, 2.5, True])
def test_an_invalid_limit_is_reported_not_ignored(analyzer: Any, bad: Any) -> None:
    analyzer.configure({"speko-max-managed-numbers": {"maxManagedNumbers": bad}})
    [diagnostic] = analyzer.analyze_stack(fleet(analyzer, 1))
    assert (
        "Policy config maxManagedNumbers must be a whole number of 0 or more" in diagnostic.message
    )


def test_a_disabled_policy_does_not_run(analyzer: Any) -> None:
    analyzer.configure({"speko-verification-before-purchase": {"enforcementLevel": "disabled"}})
    assert analyzer.analyze_stack([managed(analyzer, "support-line", "+14155550123")]) == []


# --- unknowns during preview ---------------------------------------------------------------------


def test_a_first_preview_full_of_unknowns_raises_nothing(analyzer: Any) -> None:
    stack = [
        kyb(analyzer, submit=UNKNOWN_BOOLEAN_VALUE, status=UNKNOWN_STRING_VALUE),
        managed(
            analyzer,
            "a",
            UNKNOWN_STRING_VALUE,
            label=UNKNOWN_STRING_VALUE,
            source=UNKNOWN_STRING_VALUE,
        ),
        sip(analyzer, "b", UNKNOWN_STRING_VALUE, direction=UNKNOWN_STRING_VALUE),
        sip(analyzer, "c", UNKNOWN_STRING_VALUE, agent_id=UNKNOWN_STRING_VALUE),
    ]
    assert analyzer.analyze_stack(stack) == []
