"""The two type families of this package's resources, and the one normalization that
makes them look alike.

- **dynamic**: ``pulumi-python:dynamic/speko:<Resource>``, snake_case properties (the
  hand-written Python package's dynamic providers);
- **native**: ``speko:index:<Resource>``, camelCase properties (the ``speko`` plugin,
  Pulumi's schema convention).

Everything that reads states, stack exports, previews or policy inputs (the policy pack,
``audit``, ``drift``, ``discover``, ``review``) normalizes a native resource here: its
token becomes the dynamic token of the same resource (:func:`dynamic_token`) and its
property bag snake_case at every depth (:func:`snake_properties`), so the code after it
knows one family.

The renaming is a rule, not a schema lookup, so this module needs neither the schema
generator nor the resources (the policy pack must not import them, and
``import pulumi_speko`` stays light): a camelCase word boundary is a capital letter,
digits stay in their word (``e164``, ``sms10dlcProfileId`` <-> ``sms10dlc_profile_id``),
the exact inverse of :func:`camel_name`. The one exception is a table:
:data:`FREE_FORM_PROPERTIES`, whose values are objects of someone's own keys, never
renamed. tests/test_families.py checks both against the package schema.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from pulumi_speko.constants import NATIVE_TYPE_PREFIX, TYPE_TOKEN_PREFIX

__all__ = [
    "FREE_FORM_PROPERTIES",
    "NATIVE_TYPE_PREFIX",
    "camel_name",
    "dynamic_token",
    "is_native",
    "native_token",
    "snake_name",
    "snake_path",
    "snake_properties",
]

FREE_FORM_PROPERTIES: Final = frozenset({"dispatch_metadata_template", "region"})
"""Properties (snake_case) whose value is a free-form object: the user's dispatch
template, the platform's region. Their keys are data, kept as written."""

_CAPITAL: Final = re.compile(r"(?<=.)[A-Z]")
_PATH_TOKEN: Final = re.compile(r"\[[^\]]*\]?|\.|(?P<name>[^.\[]+)")


def camel_name(snake: str) -> str:
    """``sip_connection_installation_id`` -> ``sipConnectionInstallationId``."""
    first, *rest = snake.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in rest)


def snake_name(camel: str) -> str:
    """``sipConnectionInstallationId`` -> ``sip_connection_installation_id``; digits stay
    in their word (``e164``, ``sms10dlcProfileId`` -> ``sms10dlc_profile_id``)."""
    return _CAPITAL.sub(lambda match: "_" + match.group(0).lower(), camel)


def is_native(token: str) -> bool:
    """Whether a type token is one of the native plugin's (``speko:index:*``)."""
    return token.startswith(NATIVE_TYPE_PREFIX)


def dynamic_token(token: str) -> str:
    """The dynamic family's token of the same resource; other tokens unchanged."""
    if is_native(token):
        return TYPE_TOKEN_PREFIX + token.removeprefix(NATIVE_TYPE_PREFIX)
    return token


def native_token(token_or_name: str) -> str:
    """The native token of a resource given by its dynamic token or its name
    (``PhoneNumber`` -> ``speko:index:PhoneNumber``)."""
    return NATIVE_TYPE_PREFIX + token_or_name.rsplit(":", 1)[-1]


def snake_properties(bag: Mapping[str, Any]) -> dict[str, Any]:
    """A camelCase property bag with snake_case names at every depth; the contents of
    :data:`FREE_FORM_PROPERTIES` and every value that is not an object or a list are
    kept as they are (secret and unknown markers included)."""
    renamed: dict[str, Any] = {}
    for key, value in bag.items():
        name = snake_name(key)
        renamed[name] = value if name in FREE_FORM_PROPERTIES else _snake_value(value)
    return renamed


def _snake_value(value: Any) -> Any:
    if isinstance(value, Mapping):
        return snake_properties(value)
    if isinstance(value, list):
        return [_snake_value(item) for item in value]
    return value


def snake_path(path: str) -> str:
    """A camelCase property path (``setupStatus.inboundReady``, ``items[0].agentId``) in
    snake_case; what follows a free-form property (its own keys) is kept as written."""
    parts: list[str] = []
    for match in _PATH_TOKEN.finditer(path):
        name = match.group("name")
        if name is None:  # a "." or an "[index]"
            parts.append(match.group(0))
            continue
        parts.append(snake_name(name))
        if parts[-1] in FREE_FORM_PROPERTIES:
            return "".join(parts) + path[match.end() :]
    return "".join(parts)
