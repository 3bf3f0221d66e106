"""Property values as policies receive them, turned into plain Python data.

pulumi-policy hands a validator its properties wrapped in a proxy: during ``pulumi
preview`` a value that is not known yet is one of the engine's sentinel strings
(``"04da6b54-…"`` for a string, ``"dd056dcd-…"`` for an object, …), and reading it
through the proxy (``props["e164"]``, ``props.get("e164")``, even ``"e164" in props``)
raises ``pulumi_policy.proxy.UnknownValueError``. A validator that lets that exception
escape is reported as "can't run policy … during preview" instead of checking anything.

:func:`to_plain` copies such a bag into plain dicts and lists once, replacing each
unknown with :data:`UNKNOWN`, so the rules are ordinary functions over plain data that
test ``is_unknown(value)`` where a value may not be known yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
)

__all__ = ["UNKNOWN", "UNKNOWN_SENTINELS", "is_unknown", "plain_item", "to_plain"]

# The strings the engine puts in place of a value it does not know yet, one per type.
UNKNOWN_SENTINELS: Final[frozenset[str]] = frozenset(
    {
        UNKNOWN_BOOLEAN_VALUE,
        UNKNOWN_NUMBER_VALUE,
        UNKNOWN_STRING_VALUE,
        UNKNOWN_ARRAY_VALUE,
        UNKNOWN_ASSET_VALUE,
        UNKNOWN_ARCHIVE_VALUE,
        UNKNOWN_OBJECT_VALUE,
    }
)


class _Unknown:
    """The type of :data:`UNKNOWN`: a value known only after the deployment runs."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        # Truthiness of an unknown is a bug waiting to happen: force an explicit check.
        raise TypeError("an unknown value has no truth value; test is_unknown() first")


UNKNOWN: Final = _Unknown()
"""Stands for a value that is unknown during preview (see :func:`is_unknown`)."""


def is_unknown(value: object) -> bool:
    """Whether ``value`` is not known yet: :data:`UNKNOWN` or a raw engine sentinel."""
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_SENTINELS)


def to_plain(value: object) -> Any:
    """A plain copy of a policy property value, each unknown replaced by :data:`UNKNOWN`.

    Accepts pulumi-policy's proxies as well as plain dicts and lists (with raw sentinel
    strings), so hand-built validation args behave like the analyzer's.
    """
    if isinstance(value, str):
        return UNKNOWN if value in UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        return {str(key): plain_item(value, key) for key in list(value)}
    if isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        return [plain_item(value, index) for index in range(len(value))]
    return value


def plain_item(container: Any, key: Any) -> Any:
    """``to_plain(container[key])``, or :data:`UNKNOWN` when that item is unknown."""
    try:
        item = container[key]
    except UnknownValueError:
        return UNKNOWN
    return to_plain(item)
