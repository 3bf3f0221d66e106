"""Reference pages for ``docs/reference/``, rendered from the package schema.

One page per resource and per function, from the same metadata as ``schema.json`` (the
Terraform provider docs pattern), so the property docs are written once, on the code,
and ``pulumi-speko docs --check`` fails when a page drifts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_speko.families import snake_name

REFERENCE_DIR = "docs/reference"


def page_path(token: str) -> str:
    """Where the page of ``speko:index:Name`` lives, relative to the repository root."""
    return f"{REFERENCE_DIR}/{token.rsplit(':', 1)[-1]}.md"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _type_name(spec: Mapping[str, Any]) -> str:
    ref = spec.get("$ref")
    if isinstance(ref, str) and ref.startswith("pulumi.json#/"):
        return ref.removeprefix("pulumi.json#/").lower()
    if isinstance(ref, str):
        name = ref.rsplit(":", 1)[-1]
        return f"[{name}](#{name.lower()})"
    kind = spec.get("type", "any")
    if kind == "array":
        return f"list of {_type_name(spec.get('items', {}))}"
    if kind == "object" and "additionalProperties" in spec:
        return f"map of {_type_name(spec['additionalProperties'])}"
    return str(kind)


def _name_cell(name: str) -> str:
    snake = snake_name(name)  # the name a Python program uses
    return f"`{name}`" if snake == name else f"`{name}` (Python `{snake}`)"


def properties_table(
    properties: Mapping[str, Any], required: list[str] | None = None, inputs: bool = False
) -> str:
    """A markdown table of schema properties: name, type, and what the docs say."""
    required_names = set(required or ())
    header = "| property | type | required | description |"
    if inputs:
        header = "| input | type | required | a change replaces | description |"
    rule = "|" + "---|" * (header.count("|") - 1)
    rows = [header, rule]
    for name in sorted(properties):
        spec = properties[name]
        cells = [_name_cell(name), _type_name(spec), "yes" if name in required_names else "no"]
        if inputs:
            cells.append("yes" if spec.get("replaceOnChanges") else "no")
        cells.append(_one_line(spec.get("description")))
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _referenced_types(spec: Any, types: Mapping[str, Any], found: list[str]) -> list[str]:
    if isinstance(spec, Mapping):
        ref = spec.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/types/"):
            token = ref.removeprefix("#/types/")
            if token not in found and token in types:
                found.append(token)
                _referenced_types(types[token], types, found)
        for value in spec.values():
            _referenced_types(value, types, found)
    elif isinstance(spec, list):
        for value in spec:
            _referenced_types(value, types, found)
    return found


def _types_section(spec: Any, types: Mapping[str, Any]) -> list[str]:
    parts: list[str] = []
    for token in _referenced_types(spec, types, []):
        object_type = types[token]
        parts += [
            f"### {token.rsplit(':', 1)[-1]}",
            "",
            _one_line(object_type.get("description")),
            "",
            properties_table(object_type.get("properties", {}), object_type.get("required")),
        ]
    return (["## Types", "", *parts]) if parts else []


GENERATED_NOTE = "<!-- Generated from the code by `pulumi-speko docs`; do not edit. -->"


def _page_head(title: str, summary: str) -> list[str]:
    """The opening lines every reference page shares: title, generated note, summary."""
    return [f"# {title}", "", GENERATED_NOTE, "", summary, ""]


def _entry_head(token: str, entry: Mapping[str, Any]) -> list[str]:
    """The opening lines of a resource's or function's page."""
    return _page_head(token.rsplit(":", 1)[-1], str(entry.get("description", "")).strip())


def _page_text(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def resource_page(token: str, resource: Mapping[str, Any], types: Mapping[str, Any]) -> str:
    """The reference page of one resource."""
    inputs = resource.get("inputProperties", {})
    output_only = {
        name: spec for name, spec in resource.get("properties", {}).items() if name not in inputs
    }
    return _page_text(
        [
            *_entry_head(token, resource),
            "## Inputs",
            "",
            properties_table(inputs, resource.get("requiredInputs"), inputs=True),
            "## Outputs",
            "",
            "Every input, and:",
            "",
            properties_table(output_only, resource.get("required")),
            *_types_section(resource, types),
        ]
    )


def function_page(token: str, function: Mapping[str, Any], types: Mapping[str, Any]) -> str:
    """The reference page of one function."""
    inputs = function.get("inputs", {})
    outputs = function.get("outputs", {})
    return _page_text(
        [
            *_entry_head(token, function),
            "## Arguments",
            "",
            properties_table(inputs.get("properties", {}), inputs.get("required"))
            if inputs.get("properties")
            else "None.\n",
            "## Result",
            "",
            _type_name(outputs)
            if "properties" not in outputs
            else properties_table(outputs["properties"], outputs.get("required")),
            "",
            *_types_section(function, types),
        ]
    )


def _index_section(heading: str, tokens: list[str]) -> list[str]:
    """A heading and one link line per page, by token."""
    links = []
    for token in tokens:
        name = token.rsplit(":", 1)[-1]
        links.append(f"- [{name}]({name}.md) (`{token}`)")
    return [f"## {heading}", "", *links]


def index_page(schema: Mapping[str, Any]) -> str:
    """The index of the reference pages."""
    summary = (
        "One page per resource and function, generated from the same metadata as `schema.json`."
    )
    lines = [
        *_page_head("Reference", summary),
        *_index_section("Resources", sorted(schema.get("resources", {}))),
        "",
        *_index_section("Functions", sorted(schema.get("functions", {}))),
    ]
    return "\n".join(lines) + "\n"


def reference_pages(schema: Mapping[str, Any]) -> dict[str, str]:
    """Every reference page by path, relative to the repository root."""
    types = schema.get("types", {})
    pages = {f"{REFERENCE_DIR}/README.md": index_page(schema)}
    for token, resource in schema.get("resources", {}).items():
        pages[page_path(token)] = resource_page(token, resource, types)
    for token, function in schema.get("functions", {}).items():
        pages[page_path(token)] = function_page(token, function, types)
    return pages
