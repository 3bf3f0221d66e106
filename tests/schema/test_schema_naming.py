"""The served schema: the generator's schema with every declared property camelCase."""

from __future__ import annotations

import re
from typing import Any

from pulumi_speko.families import camel_name
from pulumi_speko.schema._camel import camelized
from pulumi_speko.schema.generate import snake_case_schema

from .support import property_maps

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")


def test_the_served_schema_is_the_code_schema_renamed(schema: dict[str, Any]) -> None:
    assert schema == camelized(snake_case_schema())


def test_every_property_name_is_camel_case_and_described(schema: dict[str, Any]) -> None:
    for path, properties in property_maps(schema):
        for name, spec in properties.items():
            assert CAMEL.match(name), f"{path}.{name} is not camelCase"
            assert spec.get("description"), f"{path}.{name} has no description"


def test_names_of_the_issue_are_there(schema: dict[str, Any]) -> None:
    resources, types = schema["resources"], schema["types"]
    number = resources["speko:index:PhoneNumber"]["inputProperties"]
    assert {
        "areaCode",
        "agentId",
        "dispatchMetadataTemplate",
        "maxUpfrontCostUsd",
        "adoptExisting",
    } <= set(number)
    sip = resources["speko:index:SipTrunkPhoneNumber"]["inputProperties"]
    assert "sipConnectionInstallationId" in sip
    assert "inboundReady" in types["speko:index:SetupStatus"]["properties"]
    assert "postalCode" in types["speko:index:Address"]["properties"]
    assert "sms10dlcProfileId" in resources["speko:index:PhoneNumber"]["properties"]


def test_required_lists_and_replacements_are_renamed(schema: dict[str, Any]) -> None:
    verification = schema["resources"]["speko:index:BusinessVerification"]
    assert verification["requiredInputs"] == ["authorizedRepresentative", "businessProfile"]
    number = schema["resources"]["speko:index:PhoneNumber"]
    assert {"setupStatus", "createdAt"} <= set(number["required"])
    marked = {n for n, s in number["inputProperties"].items() if s.get("replaceOnChanges")}
    assert marked == {"e164", "areaCode", "locality"}


def test_descriptions_name_properties_in_camel_case_and_keep_values(
    schema: dict[str, Any],
) -> None:
    number = schema["resources"]["speko:index:PhoneNumber"]
    assert "`areaCode`" in number["inputProperties"]["e164"]["description"]
    assert "`area_code`" not in number["inputProperties"]["e164"]["description"]
    source = number["properties"]["source"]["description"]
    assert "`sip_trunk`" in source  # a value of the API, not a property name
    assert "`pulumi-python:dynamic/speko:PhoneNumber`" in number["description"]


def test_camel_name() -> None:
    assert camel_name("sip_connection_installation_id") == "sipConnectionInstallationId"
    assert camel_name("sms10dlc_profile_id") == "sms10dlcProfileId"
    assert camel_name("e164") == "e164"
