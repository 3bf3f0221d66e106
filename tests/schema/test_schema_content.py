"""What the generated schema says, checked against the code it is generated from.

These tests read the generator's view of the code, snake_case as the code spells it;
the served schema is that one with every declared property camelCase
(``test_schema_naming.py``).
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import inspect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pulumi
import pulumi.dynamic
import pytest
from pulumi_speko import credentials
from pulumi_speko._version import __version__
from pulumi_speko.api import models
from pulumi_speko.resources import (
    business_verification,
    functions,
    phone_number,
    sip_trunk_phone_number,
)
from pulumi_speko.resources._declare import DEFAULT, REPLACES, arg
from pulumi_speko.schema import _annotations
from pulumi_speko.schema.generate import (
    ResourceSource,
    TypeRegistry,
    object_spec,
    resource_spec,
    snake_case_schema,
)
from pydantic import BaseModel

from .support import property_maps

RESOURCE_MODULES = [phone_number, sip_trunk_phone_number, business_verification]
ANY = {"$ref": "pulumi.json#/Any"}


def _name(module: ModuleType) -> str:
    return str(module.TYPE_TOKEN).rsplit(":", 1)[1]


def _resource(schema: dict[str, Any], module: ModuleType) -> dict[str, Any]:
    spec: dict[str, Any] = schema["resources"][f"speko:index:{_name(module)}"]
    return spec


def _args_fields(module: ModuleType) -> list[dataclasses.Field[Any]]:
    return list(dataclasses.fields(getattr(module, f"{_name(module)}Args")))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema as the code spells it (snake_case), before the renaming."""
    return snake_case_schema()


# ------------------------------------------------------------------------------ package


def test_package_metadata(schema: dict[str, Any]) -> None:
    assert schema["name"] == "speko"
    assert schema["version"] == __version__
    metadata = importlib.metadata.metadata("pulumi-speko")
    assert schema["license"] == metadata["License-Expression"]  # PEP 639, the SPDX form
    assert schema["language"]["python"]["packageName"] == "pulumi_speko_sdk"
    assert schema["language"]["nodejs"]["packageName"] == "@speko/pulumi"
    assert schema["language"]["go"]["importBasePath"].endswith("/speko")
    assert schema["language"]["csharp"]["rootNamespace"]
    assert any(keyword.startswith("category/") for keyword in schema["keywords"])
    assert "camelCase" in schema["description"]


def test_api_key_is_a_secret_read_from_its_environment_variable(schema: dict[str, Any]) -> None:
    api_key = schema["config"]["variables"]["apiKey"]
    assert api_key["secret"] is True
    assert api_key["type"] == "string"
    assert api_key["defaultInfo"]["environment"] == [credentials.ENV_API_KEY] == ["SPEKO_API_KEY"]


def test_base_url_has_its_default_and_environment_variable(schema: dict[str, Any]) -> None:
    base_url = schema["config"]["variables"]["baseUrl"]
    assert base_url["default"] == credentials.DEFAULT_BASE_URL == "https://api.speko.dev"
    assert base_url["defaultInfo"]["environment"] == ["SPEKO_BASE_URL"]
    assert "secret" not in base_url


def test_nothing_but_the_api_key_is_secret(schema: dict[str, Any]) -> None:
    secret = [
        f"{path}.{name}"
        for path, properties in property_maps(schema)
        for name, spec in properties.items()
        if spec.get("secret")
    ]
    assert secret == ["$.provider.inputProperties.apiKey"]
    assert [n for n, v in schema["config"]["variables"].items() if v.get("secret")] == ["apiKey"]


def test_every_setting_is_config_and_a_provider_input(schema: dict[str, Any]) -> None:
    names = [key.split(":", 1)[1] for key in credentials.CONFIG_KEYS]
    assert list(schema["config"]["variables"]) == names
    assert schema["provider"]["inputProperties"] == schema["config"]["variables"]
    for key, spec in schema["config"]["variables"].items():
        environment = credentials.ENV_BY_CONFIG_KEY[f"speko:{key}"]
        assert spec["defaultInfo"]["environment"] == [environment]
    types = {key: spec["type"] for key, spec in schema["config"]["variables"].items()}
    assert types["allowInsecureHttp"] == "boolean"
    assert types["timeout"] == types["rateLimitWaitSeconds"] == "number"


# ---------------------------------------------------------------------------- resources


def test_the_three_resources_have_their_tokens(schema: dict[str, Any]) -> None:
    assert set(schema["resources"]) == {
        "speko:index:PhoneNumber",
        "speko:index:SipTrunkPhoneNumber",
        "speko:index:BusinessVerification",
    }


@pytest.mark.parametrize("module", RESOURCE_MODULES, ids=_name)
def test_description_names_the_runtime_type_token(
    schema: dict[str, Any], module: ModuleType
) -> None:
    description = _resource(schema, module)["description"]
    assert f"`pulumi-python:dynamic/speko:{_name(module)}`" in description
    assert module.TYPE_TOKEN in description


@pytest.mark.parametrize("module", RESOURCE_MODULES, ids=_name)
def test_every_args_field_is_an_input_property(schema: dict[str, Any], module: ModuleType) -> None:
    names = [field.name for field in _args_fields(module)]
    assert set(_resource(schema, module)["inputProperties"]) == set(names)
    assert names == list(module.INPUT_NAMES)


@pytest.mark.parametrize("module", RESOURCE_MODULES, ids=_name)
def test_every_declared_output_is_a_property(schema: dict[str, Any], module: ModuleType) -> None:
    resource_class = getattr(module, _name(module))
    declared = {
        name
        for klass in resource_class.__mro__
        if klass.__module__.startswith("pulumi_speko.")
        for name in inspect.get_annotations(klass)
    }
    properties = set(_resource(schema, module)["properties"])
    assert set(module.OUTPUT_NAMES) <= properties
    assert declared | set(module.INPUT_NAMES) == properties


@pytest.mark.parametrize("module", RESOURCE_MODULES, ids=_name)
def test_replace_on_changes_marks_exactly_the_replacing_args(
    schema: dict[str, Any], module: ModuleType
) -> None:
    replacing = {field.name for field in _args_fields(module) if field.metadata[REPLACES]}
    resource = _resource(schema, module)
    for section in ("inputProperties", "properties"):
        marked = {n for n, spec in resource[section].items() if spec.get("replaceOnChanges")}
        assert marked == replacing, section
        assert {n for n, s in resource[section].items() if s.get("willReplaceOnChanges")} == marked


def test_replacing_properties_are_as_the_design_says(schema: dict[str, Any]) -> None:
    def marked(token: str) -> set[str]:
        inputs = schema["resources"][token]["inputProperties"]
        return {name for name, spec in inputs.items() if spec.get("replaceOnChanges")}

    assert marked("speko:index:PhoneNumber") == {"e164", "area_code", "locality"}
    assert marked("speko:index:SipTrunkPhoneNumber") == {
        "e164",
        "sip_connection_installation_id",
        "sip_trunk_id",
        "sip_provider_name",
    }
    assert marked("speko:index:BusinessVerification") == set()


@pytest.mark.parametrize("module", RESOURCE_MODULES, ids=_name)
def test_defaults_come_from_the_args_metadata(schema: dict[str, Any], module: ModuleType) -> None:
    fields = _args_fields(module)
    expected = {f.name: f.metadata[DEFAULT] for f in fields if f.metadata[DEFAULT] is not None}
    inputs = _resource(schema, module)["inputProperties"]
    assert {name: spec["default"] for name, spec in inputs.items() if "default" in spec} == expected


def test_defaults_of_the_resources(schema: dict[str, Any]) -> None:
    inputs = schema["resources"]["speko:index:PhoneNumber"]["inputProperties"]
    assert inputs["direction"]["default"] == "outbound"
    assert inputs["adopt_existing"]["default"] is False
    verification = schema["resources"]["speko:index:BusinessVerification"]["inputProperties"]
    assert verification["submit"]["default"] is True


def test_required_inputs(schema: dict[str, Any]) -> None:
    resources = schema["resources"]
    # e164 or area_code: neither alone is required.
    assert "requiredInputs" not in resources["speko:index:PhoneNumber"]
    assert resources["speko:index:SipTrunkPhoneNumber"]["requiredInputs"] == ["e164"]
    assert resources["speko:index:BusinessVerification"]["requiredInputs"] == [
        "authorized_representative",
        "business_profile",
    ]


def test_always_set_outputs_are_required(schema: dict[str, Any]) -> None:
    required = set(schema["resources"]["speko:index:PhoneNumber"]["required"])
    assert {"e164", "direction", "setup_status", "source", "created_at"} <= required
    assert not {"label", "agent_id", "area_code", "upfront_cost_usd"} & required


def test_python_types_map_to_schema_types(schema: dict[str, Any]) -> None:
    number = schema["resources"]["speko:index:PhoneNumber"]
    inputs, outputs = number["inputProperties"], number["properties"]
    assert inputs["e164"]["type"] == "string"
    assert inputs["adopt_existing"]["type"] == "boolean"
    assert inputs["max_upfront_cost_usd"]["type"] == "number"
    assert inputs["dispatch_metadata_template"]["type"] == "object"
    assert inputs["dispatch_metadata_template"]["additionalProperties"] == ANY
    assert outputs["setup_status"]["$ref"] == "#/types/speko:index:SetupStatus"
    assert outputs["created_at"]["type"] == "string"  # a datetime, as state holds it
    verification = schema["resources"]["speko:index:BusinessVerification"]["inputProperties"]
    assert verification["business_profile"]["$ref"] == "#/types/speko:index:BusinessProfile"
    address = schema["types"]["speko:index:BusinessProfile"]["properties"]["address"]
    assert address["$ref"] == "#/types/speko:index:Address"
    features = schema["types"]["speko:index:AvailablePhoneNumber"]["properties"]["features"]
    assert features == {**features, "type": "array", "items": {"type": "string"}}


def test_literal_values_are_listed_in_descriptions(schema: dict[str, Any]) -> None:
    source = schema["resources"]["speko:index:PhoneNumber"]["properties"]["source"]
    assert "`managed`" in source["description"] and "`sip_trunk`" in source["description"]
    status = schema["resources"]["speko:index:BusinessVerification"]["properties"]["status"]
    for value in ("draft", "submitted", "approved", "rejected", "revoked"):
        assert f"`{value}`" in status["description"]


# -------------------------------------------------------------------------------- types


def test_nested_types_are_present(schema: dict[str, Any]) -> None:
    assert {
        "speko:index:SetupStatus",
        "speko:index:BusinessProfile",
        "speko:index:Address",
        "speko:index:AuthorizedRepresentative",
        "speko:index:AvailablePhoneNumber",
        "speko:index:Region",
        "speko:index:PhoneNumberInfo",
    } <= set(schema["types"])
    assert all(spec["type"] == "object" for spec in schema["types"].values())


@pytest.mark.parametrize(
    ("token", "model", "args"),
    [
        ("speko:index:SetupStatus", models.SetupStatus, None),
        ("speko:index:Region", models.Region, None),
        ("speko:index:AvailablePhoneNumber", models.AvailablePhoneNumber, None),
        ("speko:index:PhoneNumberInfo", models.PhoneNumberRecord, None),
        ("speko:index:Address", models.Address, business_verification.AddressArgs),
        (
            "speko:index:BusinessProfile",
            models.BusinessProfile,
            business_verification.BusinessProfileArgs,
        ),
        (
            "speko:index:AuthorizedRepresentative",
            models.AuthorizedRepresentative,
            business_verification.AuthorizedRepresentativeArgs,
        ),
    ],
)
def test_type_properties_are_the_code_fields(
    schema: dict[str, Any], token: str, model: type[BaseModel], args: type | None
) -> None:
    spec = schema["types"][token]
    arg_names = {field.name for field in dataclasses.fields(args)} if args else set()
    assert set(spec["properties"]) == set(model.model_fields) | arg_names
    nullable = {n for n, f in model.model_fields.items() if _annotations.is_optional(f.annotation)}
    assert set(spec.get("required", [])) == set(model.model_fields) - nullable


def test_every_type_reference_resolves_and_every_type_is_used(schema: dict[str, Any]) -> None:
    local = {ref.removeprefix("#/types/") for ref in _refs(schema) if ref.startswith("#/types/")}
    assert local == set(schema["types"])
    assert {ref for ref in _refs(schema) if not ref.startswith("#/types/")} == {ANY["$ref"]}


def test_property_names_are_snake_case_and_described(schema: dict[str, Any]) -> None:
    snake = re.compile(r"^[a-z][a-z0-9_]*$")
    code_spelled = {key: value for key, value in schema.items() if key != "provider"}
    for path, properties in property_maps(code_spelled):
        for name, spec in properties.items():
            assert snake.match(name), f"{path}.{name} is not snake_case"
            assert spec.get("description"), (
                f"{path}.{name} has no description: document it in its arg(...) or in "
                "pulumi_speko/schema/_docs.py"
            )


def test_dispatch_templates_are_documented_as_plain_text(schema: dict[str, Any]) -> None:
    for token in ("speko:index:PhoneNumber", "speko:index:SipTrunkPhoneNumber"):
        template = schema["resources"][token]["inputProperties"]["dispatch_metadata_template"]
        assert "plain text" in template["description"]
        assert "secret" not in template


# ---------------------------------------------------------------------------- functions


def test_functions_are_the_public_functions_of_the_code(schema: dict[str, Any]) -> None:
    assert set(schema["functions"]) == {
        "speko:index:getAvailablePhoneNumbers",
        "speko:index:getPhoneNumbers",
        "speko:index:getBusinessVerification",
    }
    for python_name in ("get_available_phone_numbers", "get_phone_numbers"):
        assert callable(getattr(functions, python_name))


def test_get_available_phone_numbers_inputs_and_outputs(schema: dict[str, Any]) -> None:
    function = schema["functions"]["speko:index:getAvailablePhoneNumbers"]
    properties = function["inputs"]["properties"]
    assert {name: spec["type"] for name, spec in properties.items()} == {
        "area_code": "string",
        "locality": "string",
        "limit": "integer",
    }
    assert "required" not in function["inputs"]
    assert function["outputs"] == {
        "type": "array",
        "items": {"$ref": "#/types/speko:index:AvailablePhoneNumber"},
    }
    assert "pulumi_speko.get_available_phone_numbers" in function["description"]


def test_get_phone_numbers_returns_the_numbers(schema: dict[str, Any]) -> None:
    function = schema["functions"]["speko:index:getPhoneNumbers"]
    assert "inputs" not in function
    assert function["outputs"]["items"] == {"$ref": "#/types/speko:index:PhoneNumberInfo"}


def test_get_business_verification_returns_the_overview(schema: dict[str, Any]) -> None:
    outputs = schema["functions"]["speko:index:getBusinessVerification"]["outputs"]
    assert set(outputs["properties"]) == set(models.VerificationOverview.model_fields)
    assert outputs["required"] == ["status"]
    submission = outputs["properties"]["submission"]["$ref"]
    assert submission == "#/types/speko:index:VerificationSubmission"


# ------------------------------------------------------------- generated from the code


@dataclass
class _ExtendedArgs(phone_number.PhoneNumberArgs):
    ring_group: pulumi.Input[str] | None = arg("The ring group.", replaces=True, default="main")


class _Extended(pulumi.dynamic.Resource, module="speko", name="Extended"):
    ring_group: pulumi.Output[str]
    calls_today: pulumi.Output[int | None]


class ExtendedSetupStatus(models.SetupStatus):
    forwarding_sip_uri: str | None = None


def test_a_new_args_field_or_output_changes_the_resource_spec() -> None:
    source = ResourceSource(
        resource=_Extended,
        args=_ExtendedArgs,
        runtime_token="pulumi-python:dynamic/speko:Extended",
        output_names=("calls_today",),
        response_model=models.PhoneNumberRecord,
        request_model=models.PhoneNumberCreate,
    )
    spec = resource_spec(source, TypeRegistry(["Extended"]))
    ring_group = spec["inputProperties"]["ring_group"]
    assert ring_group["type"] == "string" and ring_group["default"] == "main"
    assert ring_group["replaceOnChanges"] is True
    assert spec["properties"]["calls_today"]["type"] == "integer"
    assert "ring_group" in spec["required"] and "calls_today" not in spec["required"]
    assert "pulumi-python:dynamic/speko:Extended" in spec["description"]


def test_a_new_model_field_changes_the_type() -> None:
    spec = object_spec("SetupStatus", [ExtendedSetupStatus], TypeRegistry([]))
    assert spec["properties"]["forwarding_sip_uri"]["type"] == "string"
    assert "forwarding_sip_uri" not in spec["required"]


def test_annotations_evaluated_without_the_future_import_map_the_same() -> None:
    registry = TypeRegistry([])
    assert _annotations.schema_type(pulumi.Input[str], registry.token) == {"type": "string"}
    assert _annotations.is_optional(pulumi.Output[str | None])
    with pytest.raises(TypeError, match="no schema type"):
        _annotations.schema_type(set[str], registry.token)
