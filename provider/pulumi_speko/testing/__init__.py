"""Test helpers: a local sandbox of the API and a driver of the Pulumi provider host.

The sandbox helpers (``running_sandbox``, ``SandboxControl``, …; they need the
``sandbox`` extra) and ``SpekoSandbox`` (what the ``speko_sandbox`` fixture of the
pytest plugin gives, see ``docs/testing.md``) are re-exported here lazily, so that
importing another helper module of this package does not load FastAPI and uvicorn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_speko._lazy import lazy_getattr

__all__ = [
    "DEFAULT_ADMIN_TOKEN",
    "DEMO_API_KEY",
    "DEMO_ORG",
    "OTHER_API_KEY",
    "OTHER_ORG",
    "RequestLogEntry",
    "RunningSandbox",
    "SandboxControl",
    "SpekoSandbox",
    "running_sandbox",
]
# public name -> module that defines it
_EXPORTS: dict[str, str] = {name: "pulumi_speko.testing.sandbox" for name in __all__} | {
    "SpekoSandbox": "pulumi_speko.testing.kit"
}

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from pulumi_speko.testing.kit import SpekoSandbox
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


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
