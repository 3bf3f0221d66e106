"""The code's type annotations, read as Pulumi schema types.

Args fields are annotated ``pulumi.Input[T] | None`` and resource outputs
``pulumi.Output[T]``. ``typing.get_type_hints`` cannot evaluate those: ``pulumi.Input``
is a generic alias holding the forward reference ``"Output[T]"``, which resolves in no
module. So annotations are evaluated here with a stand-in ``pulumi`` whose ``Input[T]``
and ``Output[T]`` are simply ``T``; annotations already evaluated (modules without
``from __future__ import annotations``) are unwrapped the same way.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import inspect
import sys
import types
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, ForwardRef, Literal, Union, get_args, get_origin

import pulumi
from pydantic import BaseModel

ANY_REF = "pulumi.json#/Any"
_PRIMITIVES: dict[Any, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    datetime: "string",
}
_SEQUENCES = (list, tuple, collections.abc.Sequence)
_MAPPINGS = (dict, collections.abc.Mapping)
# What an evaluated ``pulumi.Input[T]`` keeps of its Output member (never resolved).
_INPUT_OUTPUT_REF = ForwardRef("Output[T]")


class _Unwrap:
    """Stands in for ``pulumi.Input`` and ``pulumi.Output``: ``X[T]`` is ``T``."""

    def __getitem__(self, item: Any) -> Any:
        return item


_PULUMI_STAND_IN = types.SimpleNamespace(Input=_Unwrap(), Output=_Unwrap())


def _evaluate(annotation: Any, module_name: str) -> Any:
    if not isinstance(annotation, str):
        return annotation
    namespace = {**vars(sys.modules[module_name]), "pulumi": _PULUMI_STAND_IN}
    return eval(annotation, namespace)


def declared_annotations(cls: type, below: type = object) -> dict[str, Any]:
    """The annotations of ``cls`` and of its bases that subclass ``below`` (``below``
    itself excluded), evaluated, in declaration order; a subclass's annotation wins."""
    hints: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is below or not issubclass(klass, below):
            continue
        for name, annotation in inspect.get_annotations(klass).items():
            hints[name] = _evaluate(annotation, klass.__module__)
    return hints


def dataclass_field_types(cls: type) -> dict[str, Any]:
    """Each field of a dataclass with its evaluated annotation, in field order."""
    hints = declared_annotations(cls)
    return {field.name: hints[field.name] for field in dataclasses.fields(cls)}


def signature_types(function: Callable[..., Any]) -> dict[str, Any]:
    """A function's parameter annotations and ``return``, evaluated."""
    return {
        name: _evaluate(annotation, function.__module__)
        for name, annotation in function.__annotations__.items()
    }


def _members(annotation: Any) -> list[Any]:
    """The alternatives of an annotation: union members flattened, ``Annotated`` and
    ``Output[T]`` unwrapped, ``Awaitable[T]`` and ``"Output[T]"`` (the rest of an
    evaluated ``pulumi.Input[T]``) dropped."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _members(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return [member for arg in get_args(annotation) for member in _members(arg)]
    if origin is collections.abc.Awaitable or annotation == _INPUT_OUTPUT_REF:
        return []
    if origin is pulumi.Output:
        return _members(get_args(annotation)[0])
    return [annotation]


def is_optional(annotation: Any) -> bool:
    """Whether the annotation admits ``None``."""
    return type(None) in _members(annotation)


def is_object_class(candidate: Any) -> bool:
    """Whether a class becomes a schema object type (an Args dataclass or a wire model)."""
    if not isinstance(candidate, type):
        return False
    return dataclasses.is_dataclass(candidate) or issubclass(candidate, BaseModel)


def principal(annotation: Any) -> Any:
    """The one type an annotation stands for: ``None`` dropped, and an object class
    preferred over the plain mapping that Args also accept in its place."""
    members = [member for member in _members(annotation) if member is not type(None)]
    objects = [member for member in members if is_object_class(member)]
    if len(objects) == 1:
        return objects[0]
    if len(members) == 1:
        return members[0]
    raise TypeError(f"cannot map {annotation!r} to one schema type")


def literal_values(annotation: Any) -> tuple[Any, ...]:
    """The allowed values of a ``Literal`` annotation, else an empty tuple."""
    chosen = principal(annotation)
    return get_args(chosen) if get_origin(chosen) is Literal else ()


def is_timestamp(annotation: Any) -> bool:
    """Whether the annotation is a ``datetime`` (a string in state)."""
    return principal(annotation) is datetime


def schema_type(annotation: Any, ref: Callable[[type], str]) -> dict[str, Any]:
    """The schema type of an annotation; ``ref`` names the type token of an object class."""
    chosen = principal(annotation)
    origin = get_origin(chosen)
    if chosen is Any:
        return {"$ref": ANY_REF}
    if is_object_class(chosen):
        return {"$ref": f"#/types/{ref(chosen)}"}
    if origin is Literal:
        return {"type": _PRIMITIVES[type(get_args(chosen)[0])]}
    if chosen in _SEQUENCES or origin in _SEQUENCES:
        (item,) = get_args(chosen)[:1] or (Any,)
        return {"type": "array", "items": schema_type(item, ref)}
    if chosen in _MAPPINGS or origin in _MAPPINGS:
        value = get_args(chosen)[1] if get_args(chosen) else Any
        return {"type": "object", "additionalProperties": schema_type(value, ref)}
    if chosen in _PRIMITIVES:
        return {"type": _PRIMITIVES[chosen]}
    raise TypeError(f"no schema type for {annotation!r}")
