"""The Args classes: the routing block is declared once and keeps its place."""

from __future__ import annotations

import dataclasses

import pytest
from pulumi_speko.resources._numbers import ROUTING_FIELDS, RoutingArgs
from pulumi_speko.resources.phone_number import PhoneNumberArgs
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberArgs

NUMBER_ARGS = [
    (PhoneNumberArgs, ("e164", "area_code", "locality")),
    (
        SipTrunkPhoneNumberArgs,
        ("e164", "sip_connection_installation_id", "sip_trunk_id", "sip_provider_name"),
    ),
]


@pytest.mark.parametrize(("args_type", "number_fields"), NUMBER_ARGS)
def test_number_args_list_the_number_then_the_shared_routing_then_their_own(
    args_type: type, number_fields: tuple[str, ...]
) -> None:
    names = [field.name for field in dataclasses.fields(args_type)]
    routing_at = len(number_fields)

    assert names[:routing_at] == list(number_fields)
    assert names[routing_at : routing_at + len(ROUTING_FIELDS)] == list(ROUTING_FIELDS)
    assert names[routing_at + len(ROUTING_FIELDS)] == "adopt_existing"


@pytest.mark.parametrize("args_type", [args_type for args_type, _ in NUMBER_ARGS])
def test_routing_fields_are_the_shared_declarations(args_type: type) -> None:
    shared = {field.name: field for field in dataclasses.fields(RoutingArgs)}
    declared = {field.name: field for field in dataclasses.fields(args_type)}

    for name in ROUTING_FIELDS:
        assert declared[name].metadata == shared[name].metadata
        assert declared[name].type == shared[name].type


def test_the_number_is_still_the_first_positional_argument() -> None:
    assert PhoneNumberArgs("+12025550100", direction="inbound").e164 == "+12025550100"
    assert SipTrunkPhoneNumberArgs("+442071838752", "inst-1").sip_connection_installation_id == (
        "inst-1"
    )
