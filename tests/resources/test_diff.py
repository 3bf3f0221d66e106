"""diff(): explicit answers; routing in place; identity replaces; delete first on same E.164."""

from __future__ import annotations

from typing import Any

from pulumi.output import Unknown
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider

MANAGED_OUTPUTS: dict[str, Any] = {
    "__provider": "old-provider",
    "e164": "+14155550123",
    "area_code": "415",
    "direction": "inbound",
    "agent_id": "agent_sales",
    "label": "Sales",
    "dispatch_metadata_template": {"team": "sales", "tier": 1.0},
    "adopt_existing": False,
    "source": "managed",
    "upfront_cost_usd": 1.0,
    "region": {"state": "CA", "locality": "San Francisco", "rate_center": "SAN FRANCISCO"},
    "setup_status": {"status": "ready", "issues": []},
}
MANAGED_INPUTS: dict[str, Any] = {
    "__provider": "new-provider",
    "area_code": "415",
    "direction": "inbound",
    "agent_id": "agent_sales",
    "label": "Sales",
    "dispatch_metadata_template": {"tier": 1, "team": "sales"},
    "adopt_existing": False,
}
SIP_OUTPUTS: dict[str, Any] = {
    "__provider": "p",
    "e164": "+4930123456",
    "sip_connection_installation_id": "sci_demo",
    "sip_provider_name": "Twilio",
    "direction": "outbound",
    "source": "sip_trunk",
}
SIP_INPUTS: dict[str, Any] = {
    "__provider": "p",
    "e164": "+4930123456",
    "sip_connection_installation_id": "sci_demo",
    "sip_provider_name": "Twilio",
    "direction": "outbound",
}


def managed_diff(**changes: Any) -> Any:
    news = {**MANAGED_INPUTS, **changes}
    news = {k: v for k, v in news.items() if v is not None}
    return PhoneNumberProvider().diff("pn_1", dict(MANAGED_OUTPUTS), news)


def test_no_change_is_an_explicit_no_even_with_a_new_provider_and_reordered_template() -> None:
    result = managed_diff()
    assert result.changes is False
    assert result.replaces == []


def test_routing_changes_update_in_place() -> None:
    for change in (
        {"label": "Sales line"},
        {"agent_id": None, "dispatch_metadata_template": {"team": "x"}},
        {"direction": "both"},
        {"label": None},
    ):
        result = managed_diff(**change)
        assert result.changes is True, change
        assert result.replaces == [], change


def test_pinning_the_bought_number_is_not_a_replacement() -> None:
    result = managed_diff(area_code=None, e164="+14155550123")
    assert result.changes is False


def test_identity_changes_replace_without_deleting_first() -> None:
    assert managed_diff(area_code=None, e164="+14155550199").replaces == ["e164"]
    moved = managed_diff(area_code="212")
    assert moved.replaces == ["area_code"]
    assert moved.delete_before_replace is False
    assert managed_diff(locality="Oakland").replaces == ["locality"]
    assert managed_diff(locality="SAN FRANCISCO").replaces == []
    assert managed_diff(locality=Unknown()).replaces == ["locality"]


def test_unknown_values_count_as_changes() -> None:
    assert managed_diff(label=Unknown()).changes is True
    assert managed_diff(area_code=None, e164=Unknown()).replaces == ["e164"]


def test_program_only_inputs_do_not_cause_updates() -> None:
    assert managed_diff(adopt_existing=True).changes is False


def test_sip_fields_replace_and_delete_first_when_the_number_stays() -> None:
    provider = SipTrunkPhoneNumberProvider()
    result = provider.diff("pn_1", dict(SIP_OUTPUTS), {**SIP_INPUTS, "sip_provider_name": "Telnyx"})
    assert result.replaces == ["sip_provider_name"]
    assert result.delete_before_replace is True
    moved = provider.diff(
        "pn_1", dict(SIP_OUTPUTS), {**SIP_INPUTS, "e164": "+4930123457", "sip_trunk_id": "t"}
    )
    assert set(moved.replaces) >= {"e164", "sip_trunk_id"}
    assert moved.delete_before_replace is False
    assert provider.diff("pn_1", dict(SIP_OUTPUTS), dict(SIP_INPUTS)).changes is False


def test_verification_changes_update_in_place() -> None:
    provider = BusinessVerificationProvider()
    olds = {"business_profile": {"legal_name": "A"}, "submit": True, "status": "approved"}
    same = provider.diff("kyb_1", dict(olds), {"business_profile": {"legal_name": "A"}})
    assert same.changes is False
    changed = provider.diff("kyb_1", dict(olds), {"business_profile": {"legal_name": "B"}})
    assert changed.changes is True
    assert changed.replaces == []
