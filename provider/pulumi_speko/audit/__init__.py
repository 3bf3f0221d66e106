"""Reading ``pulumi stack export`` files and auditing the speko resources in them.

- :mod:`pulumi_speko.audit.stack_export`: the parser (``load_stack_export``), reusable
  by any command that needs the state of a stack; secrets are redacted as it reads.
- :mod:`pulumi_speko.audit.report`: the audit report and its markdown, CSV and JSON
  renderers.
- :mod:`pulumi_speko.audit.command`: ``pulumi-speko audit``.

Only the standard library is imported: no Pulumi SDK, no API client.
"""

from __future__ import annotations

from pulumi_speko.audit.report import AuditReport, build_report, render
from pulumi_speko.audit.stack_export import (
    StackExport,
    StackExportError,
    StateResource,
    load_stack_export,
)

__all__ = [
    "AuditReport",
    "StackExport",
    "StackExportError",
    "StateResource",
    "build_report",
    "load_stack_export",
    "render",
]
