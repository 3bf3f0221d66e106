"""Lazy re-exports for package ``__init__`` modules (PEP 562 ``__getattr__``).

Importing a package stays cheap; a public name loads its module on first access.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any


def lazy_getattr(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` and caches the value in
    ``namespace`` (the package's globals), so the next access is a plain lookup."""

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module_name), name)
        namespace[name] = value
        return value

    return __getattr__


def deprecated_getattr(
    module: str,
    renamed: Mapping[str, str],
    resolve: Callable[[str], Any],
) -> Callable[[str], Any]:
    """A module ``__getattr__`` for names that were renamed: ``renamed`` maps each old
    name to its new one. An old name warns (``DeprecationWarning``, on every access: it
    is never cached) and gives what ``resolve`` returns for the new name; any other name
    goes to ``resolve`` as it is."""

    def __getattr__(name: str) -> Any:
        new_name = renamed.get(name)
        if new_name is None:
            return resolve(name)
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed in the next release; "
            f"use {new_name}",
            DeprecationWarning,
            stacklevel=2,
        )
        return resolve(new_name)

    return __getattr__


def from_namespace(module: str, namespace: Mapping[str, Any]) -> Callable[[str], Any]:
    """The ``resolve`` of a module without lazy names: its own globals, nothing more."""

    def resolve(name: str) -> Any:
        if name in namespace:
            return namespace[name]
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return resolve
