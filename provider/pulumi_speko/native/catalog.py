"""What the plugin serves, read from the package schema and the code it comes from.

Each resource token maps to its dynamic provider class (the core) and to the shapes that
rename its inputs and outputs; each function token to the program function; the config
to the namespaced stack-config keys the core reads.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pulumi.dynamic import ResourceProvider

from pulumi_speko.credentials import CONFIG_KEYS
from pulumi_speko.families import camel_name
from pulumi_speko.native.naming import Shape, ShapeBuilder
from pulumi_speko.schema.generate import (
    PACKAGE,
    public_functions,
    render_schema,
    resource_sources,
    snake_case_schema,
)

SINGLE_VALUE_KEY = "result"
"""Invoke answers a function whose result is not an object as ``{"result": value}``:
the SDKs' single-value invoke takes the one property of the returned object."""


@dataclass(frozen=True)
class ResourceKind:
    """One resource the plugin serves."""

    token: str
    provider_class: type[ResourceProvider]
    inputs: Shape
    outputs: Shape

    def names(self) -> dict[str, str]:
        """Every property name of the resource, snake_case to camelCase, at every depth."""
        return {**self.outputs.all_names(), **self.inputs.all_names()}


@dataclass(frozen=True)
class FunctionKind:
    """One function the plugin serves."""

    token: str
    function: Callable[..., Any]
    inputs: Shape
    outputs: Shape | None
    single_value: bool


@dataclass(frozen=True)
class Catalog:
    """Everything the plugin serves."""

    schema_text: str
    resources: dict[str, ResourceKind]
    functions: dict[str, FunctionKind]
    config_keys: dict[str, str]
    """camelCase config name (``apiKey``) -> namespaced key (``speko:apiKey``)."""

    def property_names(self) -> dict[str, str]:
        """Every resource property name, snake_case to camelCase (for messages)."""
        names: dict[str, str] = {}
        for kind in self.resources.values():
            names.update(kind.names())
        return names


def _provider_class(resource: type) -> type[ResourceProvider]:
    module = sys.modules[resource.__module__]
    provider: type[ResourceProvider] = getattr(module, f"{resource.__name__}Provider")
    return provider


def _resources(schema: dict[str, Any], builder: ShapeBuilder) -> dict[str, ResourceKind]:
    kinds = {}
    for source in resource_sources():
        spec = schema["resources"][source.token]
        kinds[source.token] = ResourceKind(
            token=source.token,
            provider_class=_provider_class(source.resource),
            inputs=builder.of_properties(spec["inputProperties"]),
            outputs=builder.of_properties(spec["properties"]),
        )
    return kinds


def _functions(schema: dict[str, Any], builder: ShapeBuilder) -> dict[str, FunctionKind]:
    kinds = {}
    for python_name, function in public_functions().items():
        token = f"{PACKAGE}:index:{camel_name(python_name)}"
        spec = schema["functions"][token]
        outputs = spec["outputs"]
        kinds[token] = FunctionKind(
            token=token,
            function=function,
            inputs=builder.of_properties(spec.get("inputs", {}).get("properties", {})),
            outputs=builder.of_type(outputs),
            single_value=not (outputs.get("type") == "object" and "properties" in outputs),
        )
    return kinds


@cache
def catalog() -> Catalog:
    """The plugin's catalog, built once per process."""
    schema = snake_case_schema()
    builder = ShapeBuilder(schema["types"])
    return Catalog(
        schema_text=render_schema(),
        resources=_resources(schema, builder),
        functions=_functions(schema, builder),
        config_keys={camel_name(key.split(":", 1)[1]): key for key in CONFIG_KEYS},
    )
