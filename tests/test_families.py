"""The one normalization of the two type families (``pulumi_speko.families``), checked
against the package schema it must agree with without reading it at run time."""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_speko import constants, families
from pulumi_speko.families import (
    FREE_FORM_PROPERTIES,
    camel_name,
    dynamic_token,
    native_token,
    snake_name,
    snake_path,
    snake_properties,
)
from pulumi_speko.schema.generate import snake_case_schema

ROOT = Path(__file__).resolve().parents[1]
SERVED_SCHEMA: dict[str, Any] = json.loads((ROOT / "schema.json").read_text())


def _property_maps(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "inputProperties") and isinstance(value, dict):
                yield value
            yield from _property_maps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _property_maps(item)


def _resource_properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property a resource's state can hold, at every depth (types followed)."""
    pending = [spec for resource in schema["resources"].values() for spec in [resource]]
    seen: set[str] = set()
    while pending:
        for properties in _property_maps(pending.pop()):
            for name, spec in properties.items():
                yield name, spec
                ref = spec.get("$ref", "") or spec.get("items", {}).get("$ref", "")
                token = ref.removeprefix("#/types/")
                if token in schema["types"] and token not in seen:
                    seen.add(token)
                    pending.append(schema["types"][token])


def _declared_names(schema: dict[str, Any]) -> set[str]:
    # the provider's config inputs are camelCase in both schemas: only the properties of
    # resources, types and functions are renamed
    parts = [schema[part] for part in ("resources", "types", "functions")]
    return {name for properties in _property_maps(parts) for name in properties}


def test_the_word_rule_maps_every_declared_schema_name_both_ways() -> None:
    snake_names = _declared_names(snake_case_schema())
    served_names = _declared_names(SERVED_SCHEMA)
    assert {camel_name(name) for name in snake_names} == served_names
    assert {snake_name(name) for name in served_names} == snake_names
    assert all(snake_name(camel_name(name)) == name for name in snake_names)


# (camel, snake): names, then property paths (whose free-form keys keep their case)
WORDS = [
    ("e164", "e164"),
    ("sms10dlcProfileId", "sms10dlc_profile_id"),
    ("sipConnectionInstallationId", "sip_connection_installation_id"),
    ("agent_id", "agent_id"),
]
PATHS = [
    ("setupStatus.inboundReady", "setup_status.inbound_ready"),
    ("businessProfile.address.postalCode", "business_profile.address.postal_code"),
    ("setupStatus.issues[0]", "setup_status.issues[0]"),
    ("dispatchMetadataTemplate.crmQueue", "dispatch_metadata_template.crmQueue"),
    ('dispatchMetadataTemplate["a.b"].fooBar', 'dispatch_metadata_template["a.b"].fooBar'),
]


@pytest.mark.parametrize(("camel", "snake"), WORDS)
def test_digits_stay_in_their_word(camel: str, snake: str) -> None:
    assert snake_name(camel) == snake
    assert camel_name(snake) == (camel if camel != "agent_id" else "agentId")


def test_the_free_form_table_is_exactly_the_schemas_free_form_resource_properties() -> None:
    free_form = {
        snake_name(name)
        for name, spec in _resource_properties(SERVED_SCHEMA)
        if spec.get("type") == "object" and "properties" not in spec
    }
    assert free_form == FREE_FORM_PROPERTIES


def test_tokens_map_between_the_families() -> None:
    for name in ("PhoneNumber", "SipTrunkPhoneNumber", "BusinessVerification"):
        native = f"speko:index:{name}"
        assert native in SERVED_SCHEMA["resources"]
        assert dynamic_token(native) == constants.TYPE_TOKEN_PREFIX + name
        assert native_token(constants.TYPE_TOKEN_PREFIX + name) == native == native_token(name)
    assert dynamic_token("aws:s3/bucket:Bucket") == "aws:s3/bucket:Bucket"
    assert dynamic_token(constants.PHONE_NUMBER_TYPE) == constants.PHONE_NUMBER_TYPE


def test_a_bag_is_renamed_at_every_depth_but_free_form_contents_are_kept() -> None:
    marker = object()  # a secret or unknown marker passes through untouched
    # (camel key, its value) -> (snake key, its value)
    renamed = [
        (("agentId", "agent_1"), ("agent_id", "agent_1")),
        (
            ("setupStatus", {"inboundReady": True, "issues": ["inboundReady"]}),
            ("setup_status", {"inbound_ready": True, "issues": ["inboundReady"]}),
        ),
        (
            ("businessProfile", {"address": {"postalCode": "94107"}}),
            ("business_profile", {"address": {"postal_code": "94107"}}),
        ),
        (
            ("dispatchMetadataTemplate", {"crmQueue": {"nestedKey": 1}}),
            ("dispatch_metadata_template", {"crmQueue": {"nestedKey": 1}}),
        ),
        (("region", {"rateCenter": "SNFC"}), ("region", {"rateCenter": "SNFC"})),
        (("sms10dlcProfileId", marker), ("sms10dlc_profile_id", marker)),
    ]
    bag = dict(camel for camel, _ in renamed)
    assert snake_properties(bag) == dict(snake for _, snake in renamed)


@pytest.mark.parametrize(("camel", "snake"), PATHS + WORDS)
def test_property_paths_are_renamed_up_to_free_form_keys(camel: str, snake: str) -> None:
    assert snake_path(camel) == snake


def test_the_module_imports_only_the_constants() -> None:
    tree = ast.parse(Path(families.__file__).read_text(encoding="utf-8"))
    nodes = list(ast.walk(tree))
    imported = {n.module for n in nodes if isinstance(n, ast.ImportFrom)} - {"__future__"}
    imported |= {alias.name for n in nodes if isinstance(n, ast.Import) for alias in n.names}
    assert imported <= {"re", "collections.abc", "typing", "pulumi_speko.constants"}
