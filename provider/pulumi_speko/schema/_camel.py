"""The schema in Pulumi's naming convention: camelCase properties at every depth.

The generator describes the code as it is (snake_case, as the dynamic providers and the
hand-written Python package use it); this renames every declared property, in the
property maps, the ``required`` lists and the code spans of descriptions, so that SDKs
generated from the schema are idiomatic in every language (and snake_case again in
Python). Free-form objects have no declared properties, so their keys are never touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from pulumi_speko.families import camel_name

PROPERTY_MAPS = ("properties", "inputProperties")
NAME_LISTS = ("required", "requiredInputs")
_CODE_SPAN = re.compile(r"`([^`]+)`")


def declared_names(node: Any) -> set[str]:
    """Every property name declared anywhere in a (snake_case) schema."""
    return {name for properties in _property_maps(node) for name in properties}


def _property_maps(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PROPERTY_MAPS and isinstance(value, dict):
                yield value
            yield from _property_maps(value)
    elif isinstance(node, list):
        for item in node:
            yield from _property_maps(item)


def camelized(schema: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``schema`` with every declared property camelCase."""
    renamed = {name: camel_name(name) for name in declared_names(schema) if "_" in name}
    result: dict[str, Any] = _rename(schema, renamed)
    return result


def _rename(node: Any, renamed: dict[str, str]) -> Any:
    if isinstance(node, list):
        return [_rename(item, renamed) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in PROPERTY_MAPS and isinstance(value, dict):
            out[key] = {renamed.get(n, n): _rename(spec, renamed) for n, spec in value.items()}
        elif key in NAME_LISTS and isinstance(value, list):
            out[key] = [renamed.get(name, name) for name in value]
        elif key == "description" and isinstance(value, str):
            out[key] = camel_code_spans(value, renamed)
        else:
            out[key] = _rename(value, renamed)
    return out


def camel_code_spans(text: str, renamed: dict[str, str]) -> str:
    """Code spans naming a property (`area_code`, `setup_status.inbound_ready`) renamed."""

    def rename_span(match: re.Match[str]) -> str:
        parts = match.group(1).split(".")
        unknown_name = any("_" in part and part not in renamed for part in parts)
        if unknown_name or not any(part in renamed for part in parts):
            return match.group(0)
        return "`" + ".".join(renamed.get(part, part) for part in parts) + "`"

    return _CODE_SPAN.sub(rename_span, text)
