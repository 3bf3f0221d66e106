"""Helpers the schema tests share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def property_maps(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property map (``properties`` / ``inputProperties``) in the document, by path."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("properties", "inputProperties") and isinstance(value, dict):
                yield f"{path}.{key}", value
            yield from property_maps(value, f"{path}.{key}")
