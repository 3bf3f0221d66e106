"""The conversion layer: declared names renamed at every depth, user data untouched."""

from __future__ import annotations

from pulumi_speko.native.catalog import catalog
from pulumi_speko.native.naming import camel_words


def test_declared_names_are_renamed_at_every_depth_and_back() -> None:
    kind = catalog().resources["speko:index:PhoneNumber"]
    snake = {
        "agent_id": "agent_sales",
        "setup_status": {"inbound_ready": True, "issues": [{"code": "X"}]},
        "dispatch_metadata_template": {"customer_tier": "gold", "nested": {"a_b": 1}},
    }
    camel = kind.outputs.to_camel(snake)
    assert camel == {
        "agentId": "agent_sales",
        "setupStatus": {"inboundReady": True, "issues": [{"code": "X"}]},
        "dispatchMetadataTemplate": {"customer_tier": "gold", "nested": {"a_b": 1}},
    }
    assert kind.outputs.to_snake(camel) == snake


def test_lists_of_objects_take_their_items_shape() -> None:
    function = catalog().functions["speko:index:getAvailablePhoneNumbers"]
    assert function.single_value is True
    assert function.outputs is not None
    assert function.outputs.to_camel(
        {"upfront_cost_usd": 1.0, "region": {"rate_center": "SF"}}
    ) == {
        "upfrontCostUsd": 1.0,
        "region": {"rateCenter": "SF"},
    }
    assert function.inputs.to_snake({"areaCode": "415", "limit": 2}) == {
        "area_code": "415",
        "limit": 2,
    }


def test_undeclared_names_pass_through_for_check_to_reject() -> None:
    kind = catalog().resources["speko:index:BusinessVerification"]
    assert kind.inputs.to_snake({"bogusName": 1}) == {"bogusName": 1}


def test_paths_and_messages_are_spoken_in_camel_case() -> None:
    kind = catalog().resources["speko:index:BusinessVerification"]
    assert kind.inputs.camel_path("business_profile.address.postal_code") == (
        "businessProfile.address.postalCode"
    )
    names = kind.names()
    assert camel_words("set attestation_accepted, not attestation_accepted_x", names) == (
        "set attestationAccepted, not attestation_accepted_x"
    )
