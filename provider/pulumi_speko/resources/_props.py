"""Property bags: unknowns, validation into CheckFailures, wire models to outputs.

Pulumi property bags are snake_case dicts at every depth. During preview any value may
be unknown (``pulumi.output.Unknown`` in check/diff, the UNKNOWN sentinel string on
the wire); validation skips those instead of rejecting them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.dynamic import CheckFailure
from pulumi.output import Unknown
from pulumi.runtime.rpc import UNKNOWN as UNKNOWN_SENTINEL
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel, to_snake

from pulumi_speko.api import models as wire_models
from pulumi_speko.api.models import AREA_CODE_PATTERN, E164_PATTERN, PhoneNumberRecord
from pulumi_speko.constants import PROVIDER_KEY as PROVIDER_KEY


def is_unknown(value: Any) -> bool:
    """Whether a value is not known yet (preview)."""
    return isinstance(value, Unknown) or (isinstance(value, str) and value == UNKNOWN_SENTINEL)


def contains_unknown(value: Any) -> bool:
    """Whether a value is unknown or holds an unknown at any depth."""
    if is_unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_unknown(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(item) for item in value)
    return False


def user_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """The properties without the serialized provider and without unset (None) values."""
    return {k: v for k, v in props.items() if k != PROVIDER_KEY and v is not None}


def unknown_property_failures(
    props: Mapping[str, Any], allowed: Iterable[str]
) -> list[CheckFailure]:
    """A failure for each property the resource does not have."""
    allowed_set = set(allowed)
    return [
        CheckFailure(name, f"unknown property {name!r}; allowed: {', '.join(sorted(allowed_set))}")
        for name in sorted(user_props(props))
        if name not in allowed_set
    ]


def _snake(wire_name: str) -> str:
    """camelCase wire names to property names; names without capitals stay (``e164``)."""
    return to_snake(wire_name) if any(c.isupper() for c in wire_name) else wire_name


def _property_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    parts = [_snake(part) if isinstance(part, str) else f"[{part}]" for part in loc]
    path = ".".join(parts).replace(".[", "[")
    return f"{prefix}.{path}" if prefix and path else (path or prefix)


def model_failures(
    model: type[BaseModel],
    payload: Mapping[str, Any],
    *,
    model_level_property: str,
    skip: Iterable[str] = (),
) -> list[CheckFailure]:
    """Validate ``payload`` with a wire model; each error becomes a CheckFailure.

    ``skip`` holds property paths (``a.b``) whose values are placeholders for unknowns:
    errors on them, and below them, are dropped. Errors that belong to the whole model
    (cross-field rules) are reported on ``model_level_property``.
    """
    try:
        model.model_validate(dict(payload))
    except ValidationError as error:
        return _failures_from(error, model_level_property, set(skip))
    return []


def _failures_from(error: ValidationError, model_level: str, skip: set[str]) -> list[CheckFailure]:
    failures: list[CheckFailure] = []
    for item in error.errors():
        path = _property_path(tuple(item["loc"])) or model_level
        if any(path == held or path.startswith((f"{held}.", f"{held}[")) for held in skip):
            continue
        message = _MESSAGES.get(item["type"], str(item["msg"]).removeprefix("Value error, "))
        if item["type"] == "string_pattern_mismatch":
            message = _pattern_message(item.get("ctx", {}).get("pattern"), item["input"], message)
        failures.append(CheckFailure(path, program_names(message)))
    return failures


_MESSAGES = {"extra_forbidden": "unknown property"}


def _pattern_message(pattern: Any, value: Any, default: str) -> str:
    if pattern == E164_PATTERN:
        return f"{value!r} is not E.164: + then 8 to 15 digits, e.g. +14155550123"
    if pattern == AREA_CODE_PATTERN:
        return f"{value!r} is not an area code: three digits, e.g. 415"
    return default


@functools.cache
def _wire_to_program_names() -> dict[str, str]:
    """Every camelCase wire name of the API's models, mapped to its snake_case property."""
    models = [
        value
        for value in vars(wire_models).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == wire_models.__name__
    ]
    names = {to_camel(name): name for model in models for name in model.model_fields}
    return {wire: name for wire, name in names.items() if wire != name}


# Not after ":": config keys (``speko:organizationId``) keep their spelling.
_WIRE_NAME_RE = re.compile(r"(?<!:)\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b")


def program_names(text: str) -> str:
    """``text`` with the API's camelCase field names as the program spells them
    (``agentId`` -> ``agent_id``, ``businessProfile.address.postalCode`` ->
    ``business_profile.address.postal_code``); other words are kept."""
    wire_names = _wire_to_program_names()
    return _WIRE_NAME_RE.sub(lambda found: wire_names.get(found[0], found[0]), text)


def error_in_program_names(error: BaseException) -> str:
    """An error's one line, the answer part in program names; the request part
    (``METHOD /path?query ->``) is kept as it was sent."""
    text = str(error)
    request, arrow, answer = text.partition(" -> ")
    return f"{request}{arrow}{program_names(answer)}" if arrow else program_names(text)


def first_per_property(failures: list[CheckFailure]) -> list[CheckFailure]:
    """One failure per property path (the first, most specific one)."""
    seen: set[str] = set()
    kept = []
    for failure in failures:
        if failure.property not in seen:
            seen.add(failure.property)
            kept.append(failure)
    return kept


def type_failure(
    name: str, value: Any, expected: type | tuple[type, ...], what: str
) -> list[CheckFailure]:
    """A failure when a known value is not of the expected type."""
    if value is None or is_unknown(value):
        return []
    if isinstance(value, bool) and bool not in _as_tuple(expected):
        return [CheckFailure(name, f"must be {what}, got a boolean")]  # bool is an int
    if isinstance(value, expected):
        return []
    return [CheckFailure(name, f"must be {what}, got {type(value).__name__}")]


def _as_tuple(expected: type | tuple[type, ...]) -> tuple[type, ...]:
    return expected if isinstance(expected, tuple) else (expected,)


def number_outputs(number: PhoneNumberRecord) -> dict[str, Any]:
    """Every field of the contract's PhoneNumber, snake_case at every depth, JSON values.

    The platform's id is the resource id, so it is not repeated as an output.
    """
    data = number.model_dump(mode="json", by_alias=False, exclude={"id"})
    return data


def same_value(left: Any, right: Any) -> bool:
    """Compare two property values by value (key order and int/float don't matter)."""
    return bool(_normalized(left) == _normalized(right))


def _normalized(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _normalized(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [_normalized(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
