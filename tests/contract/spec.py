"""Reading the OpenAPI document, and the view of a schema's fields the contract tests compare.

The same :func:`field_views` reads the document's schemas, the client's pydantic JSON
Schemas and the sandbox's ``/openapi.json``, so every side is compared on the same terms:
alias, required, nullable, enum values and the validation keywords listed in
:data:`CONSTRAINT_KEYWORDS`.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_PATH = Path(__file__).resolve().parents[2] / "openapi" / "phone-numbers.openapi.json"
DOCUMENT_URI = "urn:speko:phone-numbers-openapi"
SCHEMAS_REF = "#/components/schemas/"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
CONSTRAINT_KEYWORDS = ("pattern", "minLength", "maxLength", "minimum", "maximum")

JsonObject = dict[str, Any]
Resolve = Callable[[str], JsonObject]


@functools.cache
def _document_text() -> str:
    return DOCUMENT_PATH.read_text(encoding="utf-8")


def load_document() -> JsonObject:
    """A fresh copy of the committed OpenAPI document."""
    document: JsonObject = json.loads(_document_text())
    return document


def resolver(root: Mapping[str, Any]) -> Resolve:
    """Follows a local ``#/a/b`` reference inside ``root``."""

    def resolve(ref: str) -> JsonObject:
        node: Any = root
        for part in ref.removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        assert isinstance(node, dict), ref
        return node

    return resolve


DOCUMENT = load_document()
"""The API's OpenAPI document, as the contract tests read it."""
SCHEMAS: JsonObject = DOCUMENT["components"]["schemas"]
RESOLVE = resolver(DOCUMENT)
"""Resolves a ``$ref`` of :data:`DOCUMENT`."""


def operations(document: Mapping[str, Any]) -> Iterator[tuple[str, str, JsonObject]]:
    """Every (path, method, operation) of a document."""
    for path, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


def document_validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator of ``schema``, whose local ``$ref`` point into the
    document (``#/components/schemas/...``), with format assertions on."""
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(load_document(), default_specification=DRAFT202012)
    )
    wrapped = {"$id": DOCUMENT_URI + "/check", **_rebased(schema)}
    return Draft202012Validator(
        wrapped, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _rebased(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: DOCUMENT_URI + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _rebased(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebased(item) for item in node]
    return node


def response_schema(document: Mapping[str, Any], operation: Mapping[str, Any], status: str) -> Any:
    """The JSON schema of an operation's answer with ``status`` (``$ref`` responses
    followed)."""
    response = operation["responses"][status]
    if "$ref" in response:
        response = resolver(document)(response["$ref"])
    return response["content"]["application/json"]["schema"]


# --- the field view ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldView:
    """What the contract tests compare of one property."""

    required: bool
    nullable: bool
    enum: frozenset[Any] | None
    constraints: tuple[tuple[str, Any], ...]


def field_views(schema: Mapping[str, Any], resolve: Resolve) -> dict[str, FieldView]:
    """The properties of an object schema by wire name."""
    required = set(schema.get("required", ()))
    views = {}
    for name, prop in schema.get("properties", {}).items():
        nullable, base = flatten(prop, resolve)
        enum = base.get("enum")
        views[name] = FieldView(
            required=name in required,
            nullable=nullable or (enum is not None and None in enum),
            enum=None if enum is None else frozenset(v for v in enum if v is not None),
            constraints=tuple((key, base[key]) for key in CONSTRAINT_KEYWORDS if key in base),
        )
    return views


def flatten(prop: Mapping[str, Any], resolve: Resolve) -> tuple[bool, JsonObject]:
    """Whether a property schema admits null, and the schema of its other values with
    ``$ref`` followed and a nullable ``anyOf`` / type list unwrapped."""
    if "$ref" in prop:
        siblings = {key: value for key, value in prop.items() if key != "$ref"}
        return flatten({**resolve(prop["$ref"]), **siblings}, resolve)
    if "anyOf" in prop:
        others = [option for option in prop["anyOf"] if option.get("type") != "null"]
        nullable = len(others) < len(prop["anyOf"])
        if len(others) == 1:
            inner_nullable, base = flatten(others[0], resolve)
            return nullable or inner_nullable, base
        return nullable, dict(prop)
    kind = prop.get("type")
    if isinstance(kind, list) and "null" in kind:
        rest = [k for k in kind if k != "null"]
        return True, {**prop, "type": rest[0] if len(rest) == 1 else rest}
    return False, dict(prop)


def object_schema(prop: Mapping[str, Any], resolve: Resolve) -> JsonObject:
    """The object schema a property holds (through ``$ref``, nullability and arrays)."""
    _, base = flatten(prop, resolve)
    if base.get("type") == "array":
        _, base = flatten(base["items"], resolve)
    return base
