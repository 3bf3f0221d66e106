"""Test helpers: a local sandbox of the API and a driver of the Pulumi provider host.

The sandbox helpers (``running_sandbox``, ``SandboxControl``, …; they need the
``sandbox`` extra) are re-exported here lazily, so that importing another helper module
of this package does not load FastAPI and uvicorn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "DEFAULT_ADMIN_TOKEN",
    "DEMO_API_KEY",
    "DEMO_ORG",
    "OTHER_API_KEY",
    "OTHER_ORG",
    "RequestLogEntry",
    "RunningSandbox",
    "SandboxControl",
    "running_sandbox",
]
_SANDBOX_EXPORTS = frozenset(__all__)

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pulumi_speko.testing.sandbox import (
        DEFAULT_ADMIN_TOKEN,
        DEMO_API_KEY,
        DEMO_ORG,
        OTHER_API_KEY,
        OTHER_ORG,
        RequestLogEntry,
        RunningSandbox,
        SandboxControl,
        running_sandbox,
    )


def __getattr__(name: str) -> Any:
    if name not in _SANDBOX_EXPORTS:
        raise AttributeError(f"module 'pulumi_speko.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module("pulumi_speko.testing.sandbox"), name)
    globals()[name] = value
    return value
