"""Secret values across the core, which works on plain values.

The plugin answers ``acceptSecrets``: the engine then sends secret inputs wrapped. The
core gets them unwrapped, and every top-level property that was (or held) a secret
going in is wrapped again coming out, so a secret input stays secret in the outputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.runtime import rpc


def contains_secret(value: Any) -> bool:
    """Whether a value is a secret or holds one at any depth."""
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_secret(item) for item in value.values())
    if isinstance(value, list):
        return any(contains_secret(item) for item in value)
    return False


def revealed(value: Any) -> Any:
    """The value with every secret unwrapped, at every depth."""
    if rpc.is_rpc_secret(value):
        return revealed(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {key: revealed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [revealed(item) for item in value]
    return value


def secret_names(*bags: Mapping[str, Any]) -> set[str]:
    """The top-level properties of ``bags`` that are or hold a secret."""
    return {name for bag in bags for name, value in bag.items() if contains_secret(value)}


def concealed(bag: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """``bag`` with the properties in ``names`` wrapped as secrets."""
    wanted = set(names)
    return {
        name: rpc.wrap_rpc_secret(value) if name in wanted and value is not None else value
        for name, value in bag.items()
    }
