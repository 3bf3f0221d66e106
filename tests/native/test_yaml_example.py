"""examples/yaml: every token and property it uses is in schema.json, and its resources
pass the plugin's Check as written."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from pulumi_speko.testing.engine import UNKNOWN
from pulumi_speko.testing.plugin import PluginHost

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = yaml.safe_load((REPO / "examples" / "yaml" / "Pulumi.yaml").read_text("utf-8"))
SCHEMA: dict[str, Any] = json.loads((REPO / "schema.json").read_text("utf-8"))
REFERENCE = re.compile(r"^\$\{([^}]+)\}$")


def _unknown_properties(values: dict[str, Any], properties: dict[str, Any], at: str) -> list[str]:
    """Paths of ``values`` not declared in ``properties`` (free-form objects skipped)."""
    missing = []
    for name, value in values.items():
        spec = properties.get(name)
        if spec is None:
            missing.append(f"{at}.{name}")
            continue
        ref = spec.get("$ref", "")
        if ref.startswith("#/types/") and isinstance(value, dict):
            declared = SCHEMA["types"][ref.removeprefix("#/types/")]["properties"]
            missing += _unknown_properties(value, declared, f"{at}.{name}")
    return missing


def _output_path_exists(token: str, path: list[str]) -> bool:
    properties = SCHEMA["resources"][token]["properties"]
    for name in path:
        spec = properties.get(name)
        if spec is None:
            return False
        ref = spec.get("$ref", "")
        properties = SCHEMA["types"][ref.removeprefix("#/types/")]["properties"] if ref else {}
    return True


def test_every_resource_token_and_input_property_is_in_the_schema() -> None:
    for name, resource in EXAMPLE["resources"].items():
        token = resource["type"]
        assert token in SCHEMA["resources"], f"{name}: {token} is not in schema.json"
        inputs = SCHEMA["resources"][token]["inputProperties"]
        assert _unknown_properties(resource["properties"], inputs, name) == []


def test_every_function_and_argument_is_in_the_schema() -> None:
    for name, variable in EXAMPLE["variables"].items():
        call = variable["fn::invoke"]
        function = SCHEMA["functions"].get(call["function"])
        assert function is not None, f"{name}: {call['function']} is not in schema.json"
        declared = function.get("inputs", {}).get("properties", {})
        assert set(call["arguments"]) <= set(declared)


def test_every_output_reference_names_a_schema_output() -> None:
    resources = EXAMPLE["resources"]
    for name, expression in EXAMPLE["outputs"].items():
        match = REFERENCE.match(expression)
        assert match, f"output {name} is not a single reference"
        head, *path = re.split(r"\.|\[\d+\]\.?", match.group(1))
        if head in resources:
            assert _output_path_exists(resources[head]["type"], [p for p in path if p]), name
        else:
            assert head in EXAMPLE["variables"], f"output {name} references {head}"


def _as_program_sends(value: Any) -> Any:
    """References (``${kyb}``) are unknown in preview; numbers travel as floats."""
    if isinstance(value, str) and REFERENCE.match(value):
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _as_program_sends(item) for key, item in value.items()}
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def test_the_plugin_checks_each_resource_without_failures(plugin: PluginHost) -> None:
    failures = {
        name: plugin.check(
            resource["type"], name, {}, _as_program_sends(resource["properties"])
        ).failures
        for name, resource in EXAMPLE["resources"].items()
    }
    assert failures == {name: [] for name in EXAMPLE["resources"]}
