"""How Args classes and resource outputs are declared, once for all resources.

Args are dataclasses whose fields carry their documentation (and whether a change
replaces the resource) in metadata; the schema generator reads the same metadata, so
the published ``schema.json`` and the code cannot disagree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pulumi

DESCRIPTION = "description"
REPLACES = "replaces"
DEFAULT = "default"


def arg(description: str, *, replaces: bool = False, default: Any = None) -> Any:
    """A dataclass field of an Args class, documented; ``default`` is the provider's."""
    return dataclasses.field(
        default=None,
        metadata={DESCRIPTION: description, REPLACES: replaces, DEFAULT: default},
    )


def to_props(value: Any) -> Any:
    """Args dataclasses (at any depth) as plain dicts, keeping Outputs as they are."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_props(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if getattr(value, field.name) is not None
        }
    if isinstance(value, Mapping):
        return {key: to_props(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_props(item) for item in value]
    return value


def merge_args(args: Any, args_type: type, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Props from an Args object and/or keyword arguments (keywords win)."""
    if args is not None and not isinstance(args, args_type):
        raise TypeError(f"args must be a {args_type.__name__}, got {type(args).__name__}")
    props: dict[str, Any] = to_props(args) if args is not None else {}
    props.update({key: to_props(value) for key, value in overrides.items() if value is not None})
    return props


def resource_props(
    resource: str,
    args: Any,
    args_type: type,
    kwargs: Mapping[str, Any],
    output_names: tuple[str, ...],
) -> dict[str, Any]:
    """The props of a resource constructor: Args and keywords merged, every output keyed.

    Unknown keyword arguments are a TypeError naming them, as in generated SDKs.
    """
    input_names = tuple(field.name for field in dataclasses.fields(args_type))
    unknown = set(kwargs) - set(input_names)
    if unknown:
        raise TypeError(f"{resource} got unknown arguments: {', '.join(sorted(unknown))}")
    return with_outputs(merge_args(args, args_type, kwargs), (*input_names, *output_names))


def with_outputs(props: dict[str, Any], output_names: tuple[str, ...]) -> dict[str, Any]:
    """Add every declared output as a key (None when it has no input): only keys in the
    props dict are resolved by the engine."""
    for name in output_names:
        props.setdefault(name, None)
    return props


def get_options(
    id_: pulumi.Input[str], opts: pulumi.ResourceOptions | None
) -> pulumi.ResourceOptions:
    """Options that make a resource a read-only reference to an existing id."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id_))
