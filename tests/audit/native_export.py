"""Stack-export entries of the native ``speko`` plugin, made from dynamic ones.

A native resource's state differs from its dynamic twin in the type token (and so the
URN), camelCase property names at every depth (a free-form object's own keys and a
secret envelope kept as written), no ``__provider``, and a ``pulumi:providers:speko``
provider; its id and values are the same (one core serves both front doors).
``mixed-families-stack.json`` was made from ``dev-stack.json`` with :func:`nativize`
(``kyb``, ``sales-line`` and ``eu-support`` native, the others dynamic).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pulumi_speko.families import FREE_FORM_PROPERTIES, camel_name, native_token

SIG_KEY = "4dabf18193072939515e22adb298388d"
SPEKO_PROVIDER_URN = "urn:pulumi:dev::phones::pulumi:providers:speko::default_0_4_0"
SPEKO_PROVIDER_ID = "5a1f0c3e-7b2d-4e9a-8c6f-1d3b5e7a9c20"
DYNAMIC_PREFIX = "pulumi-python:dynamic/speko:"


def camel_bag(bag: dict[str, Any]) -> dict[str, Any]:
    """A snake_case property bag as the native plugin records it."""
    return {
        camel_name(key): value if key in FREE_FORM_PROPERTIES else _camel_value(value)
        for key, value in bag.items()
        if key != "__provider"
    }


def _camel_value(value: Any) -> Any:
    if isinstance(value, dict) and SIG_KEY not in value:
        return camel_bag(value)
    if isinstance(value, list):
        return [_camel_value(item) for item in value]
    return value


def native_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A copy of a dynamic resource entry as the native plugin's state holds it."""
    native = copy.deepcopy(entry)
    token = native_token(entry["type"])
    native["urn"] = entry["urn"].replace(entry["type"], token)
    native["type"] = token
    native["inputs"] = camel_bag(entry.get("inputs", {}))
    native["outputs"] = camel_bag(entry.get("outputs", {}))
    native["provider"] = f"{SPEKO_PROVIDER_URN}::{SPEKO_PROVIDER_ID}"
    dependencies = entry.get("propertyDependencies")
    if dependencies is not None:
        native["propertyDependencies"] = {
            camel_name(key): value for key, value in dependencies.items() if key != "__provider"
        }
    return native


def nativize(document: dict[str, Any], names: Iterable[str] | None = None) -> dict[str, Any]:
    """A copy of a stack export with the named speko resources (all by default) native."""
    chosen = set(names) if names is not None else None
    result = copy.deepcopy(document)
    resources = result["deployment"]["resources"]
    for index, entry in enumerate(resources):
        name = entry["urn"].rsplit("::", 1)[-1]
        if entry["type"].startswith(DYNAMIC_PREFIX) and (chosen is None or name in chosen):
            resources[index] = native_entry(entry)
    return result


def to_dynamic_urns(text: str) -> str:
    """A rendered report with native tokens written as dynamic ones (URNs compare)."""
    return text.replace("speko:index:", DYNAMIC_PREFIX)
