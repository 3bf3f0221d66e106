"""check(): every contract rule as a CheckFailure naming the property, no API call."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider

from .conftest import PROFILE, REPRESENTATIVE

PROVIDER = "serialized-provider"


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """check() must work without any key: preview validates before calling anything."""
    monkeypatch.delenv("SPEKO_API_KEY", raising=False)
    monkeypatch.setenv("SPEKO_BASE_URL", "http://127.0.0.1:9")  # nothing listens there


def failures(provider: Any, news: dict[str, Any]) -> dict[str, str]:
    result = provider.check({}, {**news, "__provider": PROVIDER})
    return {failure.property: failure.reason for failure in result.failures}


def test_managed_number_defaults_and_passes() -> None:
    result = PhoneNumberProvider().check({}, {"e164": "+14155550123", "__provider": PROVIDER})
    assert result.failures == []
    assert result.inputs["direction"] == "outbound"
    assert result.inputs["adopt_existing"] is False
    assert result.inputs["__provider"] == PROVIDER


@pytest.mark.parametrize(
    ("news", "prop", "fragment"),
    [
        ({"e164": "4155550123"}, "e164", "not E.164"),
        ({"e164": "+04155550123"}, "e164", "not E.164"),
        ({"e164": "+4930123456"}, "e164", "not a US number"),
        ({}, "e164", "e164"),
        ({"e164": "+14155550123", "area_code": "415"}, "area_code", "not both"),
        ({"area_code": "41"}, "area_code", "not an area code"),
        ({"e164": "+14155550123", "locality": "SF"}, "locality", "area_code"),
        ({"e164": "+14155550123", "direction": "sideways"}, "direction", "inbound"),
        ({"e164": "+14155550123", "label": "x" * 121}, "label", "120"),
        ({"e164": "+14155550123", "label": 1.5}, "label", "string"),
        ({"e164": "+14155550123", "direction": "inbound"}, "direction", "agent_id"),
        (
            {"e164": "+14155550123", "dispatch_metadata_template": "x"},
            "dispatch_metadata_template",
            "dictionary",
        ),
        ({"e164": "+14155550123", "adopt_existing": "yes"}, "adopt_existing", "boolean"),
        (
            {"e164": "+14155550123", "max_upfront_cost_usd": -1.0},
            "max_upfront_cost_usd",
            "negative",
        ),
        ({"e164": "+14155550123", "max_monthly_cost_usd": "2"}, "max_monthly_cost_usd", "number"),
        ({"e164": "+14155550123", "colour": "red"}, "colour", "unknown property"),
    ],
)
def test_managed_number_rules(news: dict[str, Any], prop: str, fragment: str) -> None:
    found = failures(PhoneNumberProvider(), news)
    assert prop in found, found
    assert fragment in found[prop]


def test_inbound_with_agent_or_template_passes() -> None:
    provider = PhoneNumberProvider()
    assert (
        failures(provider, {"e164": "+14155550123", "direction": "inbound", "agent_id": "a"}) == {}
    )
    assert (
        failures(
            provider,
            {"area_code": "415", "direction": "both", "dispatch_metadata_template": {"k": 1}},
        )
        == {}
    )


def test_unknowns_are_skipped_not_rejected() -> None:
    provider = PhoneNumberProvider()
    news = {
        "e164": Unknown(),
        "direction": "inbound",
        "agent_id": Unknown(),
        "label": Unknown(),
        "dispatch_metadata_template": {"tenant": Unknown()},
    }
    assert failures(provider, news) == {}
    result = provider.check({}, {**news, "__provider": PROVIDER})
    assert isinstance(result.inputs["e164"], Unknown)


def test_unknown_does_not_hide_other_failures() -> None:
    found = failures(PhoneNumberProvider(), {"e164": Unknown(), "label": "x" * 200})
    assert set(found) == {"label"}


@pytest.mark.parametrize(
    ("news", "prop", "fragment"),
    [
        ({"e164": "+4930123456"}, "sip_connection_installation_id", "sip_trunk_id"),
        (
            {"e164": "+4930123456", "sip_trunk_id": "t", "sip_connection_installation_id": "s"},
            "sip_trunk_id",
            "only one",
        ),
        ({"sip_trunk_id": "t"}, "e164", "E.164"),
        ({"e164": "+49 30 123", "sip_trunk_id": "t"}, "e164", "not E.164"),
        (
            {"e164": "+4930123456", "sip_trunk_id": "t", "direction": "both"},
            "direction",
            "agent_id",
        ),
        (
            {"e164": "+4930123456", "sip_trunk_id": "t", "sip_provider_name": 3.0},
            "sip_provider_name",
            "string",
        ),
    ],
)
def test_sip_trunk_rules(news: dict[str, Any], prop: str, fragment: str) -> None:
    found = failures(SipTrunkPhoneNumberProvider(), news)
    assert prop in found, found
    assert fragment in found[prop]


def test_sip_trunk_outside_us_passes() -> None:
    news = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}
    assert failures(SipTrunkPhoneNumberProvider(), news) == {}


def test_verification_passes_and_defaults_to_submit() -> None:
    news = {
        "business_profile": PROFILE,
        "authorized_representative": REPRESENTATIVE,
        "attestation_accepted": True,
    }
    result = BusinessVerificationProvider().check({}, {**news, "__provider": PROVIDER})
    assert result.failures == []
    assert result.inputs["submit"] is True


def test_verification_needs_attestation_to_submit_but_not_for_a_draft() -> None:
    provider = BusinessVerificationProvider()
    news = {"business_profile": PROFILE, "authorized_representative": REPRESENTATIVE}
    assert "submit=False" in failures(provider, news)["attestation_accepted"]
    assert failures(provider, {**news, "attestation_accepted": False, "submit": False}) == {}


def test_verification_nested_paths_are_named() -> None:
    profile = {**PROFILE, "website": "acme", "address": {**PROFILE["address"], "postal_code": ""}}
    del profile["legal_name"]
    news = {
        "business_profile": profile,
        "authorized_representative": {**REPRESENTATIVE, "email": "nope", "phone": "555"},
        "attestation_accepted": True,
    }
    found = failures(BusinessVerificationProvider(), news)
    assert set(found) == {
        "business_profile.website",
        "business_profile.address.postal_code",
        "business_profile.legal_name",
        "authorized_representative.email",
        "authorized_representative.phone",
    }


def test_verification_unknown_leaves_are_skipped() -> None:
    news = {
        "business_profile": {**PROFILE, "website": Unknown()},
        "authorized_representative": {**REPRESENTATIVE, "email": Unknown()},
        "attestation_accepted": Unknown(),
    }
    assert failures(BusinessVerificationProvider(), news) == {}
