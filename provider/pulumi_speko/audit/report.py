"""The audit report of a stack export: its model, how it is built, and its renderers.

:func:`build_report` turns a :class:`~pulumi_speko.audit.stack_export.StackExport` into
an :class:`AuditReport`: one :class:`NumberEntry` per speko number, the business
verifications, totals and :class:`Finding` s. ``render_markdown`` (a table to paste in a
review, then the findings), ``render_csv`` (one row per number) and ``render_json``
(everything, sorted keys) print it. Values come from the resource's outputs, else its
inputs; a secret shows as ``[secret]``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from pulumi_speko.audit.rendering import json_document, plural
from pulumi_speko.audit.stack_export import (
    SecretValue,
    StackExport,
    StateResource,
)
from pulumi_speko.constants import INBOUND_DIRECTIONS

__all__ = [
    "FINDING_CODES",
    "FORMATS",
    "REPORT_SCHEMA_VERSION",
    "AuditReport",
    "Finding",
    "NumberEntry",
    "Totals",
    "VerificationEntry",
    "build_report",
    "render",
    "render_csv",
    "render_json",
    "render_markdown",
]

REPORT_SCHEMA_VERSION: Final = 1
"""Bumped when a key of the JSON report changes meaning or goes away."""

INBOUND_NOT_ROUTED: Final = "inbound-not-routed"
UNPROTECTED_MANAGED_NUMBER: Final = "unprotected-managed-number"
SETUP_NEEDS_ACTION: Final = "setup-needs-action"
PENDING_OPERATION: Final = "pending-operation"
VERIFICATION_BLOCKS_PURCHASES: Final = "verification-blocks-purchases"
FINDING_CODES: Final = (
    INBOUND_NOT_ROUTED,
    UNPROTECTED_MANAGED_NUMBER,
    SETUP_NEEDS_ACTION,
    PENDING_OPERATION,
    VERIFICATION_BLOCKS_PURCHASES,
)

_SECRET_TEXT: Final = "[secret]"
_NUMBER_TEXT_FIELDS: Final = (
    "e164",
    "label",
    "sip_connection_installation_id",
    "sip_trunk_id",
    "sip_provider_name",
    "created_at",
    "last_charged_at",
    "next_charge_at",
)
"""The fields of :class:`NumberEntry` that are the state's value as text."""
_BLOCKING_VERIFICATION_STATUSES: Final = frozenset({"rejected", "revoked"})
_TEMPLATE_CELL_MAX: Final = 60


# --- model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberEntry:
    """One PhoneNumber or SipTrunkPhoneNumber of the stack."""

    name: str
    type: str
    urn: str
    id: str | None
    e164: str | None
    source: str | None
    direction: str | None
    agent_id: str | None
    dispatch_metadata_template: Any
    """The template as state holds it (an object; ``"[secret]"`` when it is a secret)."""
    label: str | None
    sip_connection_installation_id: str | None
    sip_trunk_id: str | None
    sip_provider_name: str | None
    setup_status: str | None
    setup_issues: tuple[str, ...]
    created_at: str | None
    last_charged_at: str | None
    next_charge_at: str | None
    monthly_cost_usd: float | None
    protected: bool
    routed: bool


@dataclass(frozen=True)
class VerificationEntry:
    """One BusinessVerification of the stack."""

    name: str
    urn: str
    id: str | None
    status: str | None
    submit: bool | None
    legal_name: str | None
    submitted_at: str | None
    rejection_reason: str | None
    protected: bool


@dataclass(frozen=True)
class Totals:
    """Counts and costs over the stack's numbers."""

    numbers: int
    by_source: dict[str, int]
    managed_monthly_cost_usd: float
    managed_without_cost: int


@dataclass(frozen=True)
class Finding:
    """Something an operator should act on; ``code`` is one of :data:`FINDING_CODES`."""

    code: str
    resource: str
    urn: str
    message: str


@dataclass(frozen=True)
class AuditReport:
    """Everything the audit says about one stack export."""

    stack: str | None
    project: str | None
    export_version: int
    export_time: str | None
    pulumi_version: str | None
    numbers: tuple[NumberEntry, ...]
    verifications: tuple[VerificationEntry, ...]
    totals: Totals
    findings: tuple[Finding, ...] = field(default=())


# --- building ----------------------------------------------------------------------------


def build_report(export: StackExport) -> AuditReport:
    """The audit of every speko resource in ``export`` (other packages are ignored).

    Read-only references (``PhoneNumber.get(...)``, ``external`` in state) are left out:
    another stack or the dashboard owns those numbers.
    """
    resources = [r for r in export.speko_resources() if not r.external]
    numbers = tuple(_number_entry(r) for r in resources if r.is_number)
    verifications = tuple(_verification_entry(r) for r in resources if r.is_verification)
    findings = [
        *(f for n in numbers if (f := _inbound_finding(n))),
        *(f for n in numbers if (f := _protection_finding(n))),
        *(f for n in numbers if (f := _setup_finding(n))),
        *(f for v in verifications if (f := _verification_finding(v))),
        *(_pending_finding(op.type, op.resource) for op in export.speko_pending_operations()),
    ]
    return AuditReport(
        stack=export.stack,
        project=export.project,
        export_version=export.version,
        export_time=export.manifest_time,
        pulumi_version=export.pulumi_version,
        numbers=numbers,
        verifications=verifications,
        totals=_totals(numbers),
        findings=tuple(findings),
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, SecretValue):
        return _SECRET_TEXT
    if isinstance(value, str):
        return value or None
    return json.dumps(value, sort_keys=True, default=str)


def _plain(value: Any) -> Any:
    """``value`` with every secret, at any depth, as ``"[secret]"`` (its ``str``)."""
    return json.loads(json.dumps(value, default=str))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _setup(resource: StateResource) -> tuple[str | None, tuple[str, ...]]:
    setup = resource.value("setup_status")
    if isinstance(setup, SecretValue):
        return _SECRET_TEXT, ()
    if not isinstance(setup, dict):
        return None, ()
    issues = setup.get("issues")
    issue_texts = tuple(t for i in issues if (t := _text(i))) if isinstance(issues, list) else ()
    return _text(setup.get("status")), issue_texts


def _number_entry(resource: StateResource) -> NumberEntry:
    status, issues = _setup(resource)
    agent_id = _text(resource.value("agent_id"))
    template = _plain(resource.value("dispatch_metadata_template"))
    return NumberEntry(
        name=resource.name,
        type=resource.type_name,
        urn=resource.urn,
        id=resource.id,
        source=_text(resource.value("source")) or resource.type_source,
        direction=_text(resource.value("direction")) or "outbound",
        agent_id=agent_id,
        dispatch_metadata_template=template,
        setup_status=status,
        setup_issues=issues,
        monthly_cost_usd=_number(resource.value("monthly_cost_usd")),
        protected=resource.protect,
        routed=agent_id is not None or template is not None,
        **{name: _text(resource.value(name)) for name in _NUMBER_TEXT_FIELDS},
    )


def _verification_entry(resource: StateResource) -> VerificationEntry:
    profile = resource.value("business_profile")
    legal_name = profile.get("legal_name") if isinstance(profile, dict) else profile
    submit = resource.value("submit")
    return VerificationEntry(
        name=resource.name,
        urn=resource.urn,
        id=resource.id,
        status=_text(resource.value("status")),
        submit=submit if isinstance(submit, bool) else None,
        legal_name=_text(legal_name),
        submitted_at=_text(resource.value("submitted_at")),
        rejection_reason=_text(resource.value("rejection_reason")),
        protected=resource.protect,
    )


def _totals(numbers: tuple[NumberEntry, ...]) -> Totals:
    by_source = {"managed": 0, "sip_trunk": 0}
    for number in numbers:
        source = number.source or "unknown"
        by_source[source] = by_source.get(source, 0) + 1
    managed = [n for n in numbers if n.source == "managed"]
    costs = [n.monthly_cost_usd for n in managed if n.monthly_cost_usd is not None]
    return Totals(
        numbers=len(numbers),
        by_source=by_source,
        managed_monthly_cost_usd=round(sum(costs), 2),
        managed_without_cost=len(managed) - len(costs),
    )


def _who(number: NumberEntry) -> str:
    return f"{number.type} '{number.name}' ({number.e164 or 'no E.164 yet'})"


def _inbound_finding(number: NumberEntry) -> Finding | None:
    if number.direction not in INBOUND_DIRECTIONS or number.routed:
        return None
    return Finding(
        INBOUND_NOT_ROUTED,
        number.name,
        number.urn,
        f"{_who(number)} takes inbound calls (direction {number.direction}) but has no "
        "agent_id and no dispatch_metadata_template: set one, or make it outbound.",
    )


def _protection_finding(number: NumberEntry) -> Finding | None:
    if number.source != "managed" or number.protected:
        return None
    return Finding(
        UNPROTECTED_MANAGED_NUMBER,
        number.name,
        number.urn,
        f"{_who(number)} is a managed number without protect: a destroy or a deleted line "
        "of code releases it for good; add opts=pulumi.ResourceOptions(protect=True).",
    )


def _setup_finding(number: NumberEntry) -> Finding | None:
    if number.setup_status in (None, "ready"):
        return None
    issues = ", ".join(number.setup_issues) or "no issues listed"
    return Finding(
        SETUP_NEEDS_ACTION,
        number.name,
        number.urn,
        f"{_who(number)} setup is {number.setup_status} ({issues}): resolve these on the "
        "platform, then run `pulumi refresh`.",
    )


def _verification_finding(verification: VerificationEntry) -> Finding | None:
    if verification.status not in _BLOCKING_VERIFICATION_STATUSES:
        return None
    reason = f" ({verification.rejection_reason})" if verification.rejection_reason else ""
    return Finding(
        VERIFICATION_BLOCKS_PURCHASES,
        verification.name,
        verification.urn,
        f"BusinessVerification '{verification.name}' is {verification.status}{reason}: the "
        "platform refuses every purchase of a managed number until a new submission is "
        "submitted or approved; correct the submission, file it again, then run "
        "`pulumi refresh`.",
    )


_PENDING_HINTS: Final = {
    "creating": "the purchase or import may have happened without being recorded",
    "deleting": "the number may already be released",
    "updating": "its routing on the platform may differ from state",
}


def _pending_finding(operation_type: str, resource: StateResource) -> Finding:
    hint = _PENDING_HINTS.get(operation_type, "state may not match the platform")
    e164 = _text(resource.value("e164"))
    number = f" ({e164})" if e164 else ""
    return Finding(
        PENDING_OPERATION,
        resource.name,
        resource.urn,
        f"{resource.type_name} '{resource.name}'{number} has a pending '{operation_type}' "
        f"operation from an interrupted update: {hint}; check the platform, then run "
        "`pulumi refresh` to clear it.",
    )


# --- rendering ---------------------------------------------------------------------------

_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}")
_MARKDOWN_COLUMNS: Final = (
    "Name",
    "E.164",
    "Source",
    "Direction",
    "Agent",
    "Label",
    "Setup",
    "Created",
    "Last charged",
    "Protected",
)
_CSV_COLUMNS: Final = (
    "name",
    "type",
    "urn",
    "id",
    "e164",
    "source",
    "direction",
    "agent_id",
    "dispatch_metadata_template",
    "label",
    "sip_connection_installation_id",
    "sip_trunk_id",
    "sip_provider_name",
    "setup_status",
    "setup_issues",
    "created_at",
    "last_charged_at",
    "next_charge_at",
    "monthly_cost_usd",
    "protected",
)
_NONE: Final = "—"


def _cell(value: str | None) -> str:
    if not value:
        return _NONE
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _day(value: str | None) -> str | None:
    match = _DATE_RE.match(value or "")
    return match.group(0) if match else value


def _setup_cell(number: NumberEntry) -> str | None:
    if number.setup_status is None or not number.setup_issues:
        return number.setup_status
    return f"{number.setup_status}: {', '.join(number.setup_issues)}"


def _routing_cell(number: NumberEntry) -> str | None:
    """The agent; for a number routed only by its dispatch template, that template."""
    template = number.dispatch_metadata_template
    if number.agent_id is not None or template is None:
        return number.agent_id
    text = template if isinstance(template, str) else _json_text(template)
    if len(text) > _TEMPLATE_CELL_MAX:
        text = text[: _TEMPLATE_CELL_MAX - 1] + "…"
    return f"dispatch template {text}"


def _json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _protected_cell(number: NumberEntry) -> str:
    if number.protected:
        return "yes"
    # Bold where it is a finding: an unprotected managed number.
    return "**no**" if number.source == "managed" else "no"


def _markdown_row(number: NumberEntry) -> str:
    cells = [
        f"`{number.name}`",
        _cell(number.e164),
        _cell(number.source),
        _cell(number.direction),
        _cell(_routing_cell(number)),
        _cell(number.label),
        _cell(_setup_cell(number)),
        _cell(_day(number.created_at)),
        _cell(_day(number.last_charged_at)),
        _protected_cell(number),
    ]
    return "| " + " | ".join(cells) + " |"


def _verification_line(report: AuditReport) -> str:
    if not report.verifications:
        return "**Business verification:** none declared in this stack."
    parts = []
    for v in report.verifications:
        details = [d for d in (v.legal_name, _submitted(v), _rejected(v)) if d]
        suffix = f" ({', '.join(details)})" if details else ""
        parts.append(f"`{v.name}` {v.status or 'status unknown'}{suffix}")
    return "**Business verification:** " + "; ".join(parts) + "."


def _submitted(verification: VerificationEntry) -> str | None:
    day = _day(verification.submitted_at)
    return f"submitted {day}" if day else None


def _rejected(verification: VerificationEntry) -> str | None:
    reason = verification.rejection_reason
    return f"rejected: {reason}" if reason else None


def _totals_line(totals: Totals) -> str:
    sources = ", ".join(f"{count} {source}" for source, count in totals.by_source.items())
    without_cost = totals.managed_without_cost
    uncosted = f" (+{without_cost} managed without a recorded cost)" if without_cost else ""
    return (
        f"**Totals:** {plural(totals.numbers, 'number')} ({sources}); managed monthly cost "
        f"${totals.managed_monthly_cost_usd:.2f}{uncosted}."
    )


def _title(report: AuditReport) -> str:
    project = report.project or "unknown project"
    stack = report.stack or "unknown stack"
    return f"## Speko audit: `{project}` / `{stack}`"


def _provenance(report: AuditReport) -> str:
    written = f" written {report.export_time}" if report.export_time else ""
    by = f" by Pulumi {report.pulumi_version}" if report.pulumi_version else ""
    return f"From a stack export (deployment v{report.export_version}){written}{by}."


def render_markdown(report: AuditReport) -> str:
    """A review-ready summary: title, numbers table, verification, totals, findings."""
    lines = [_title(report), "", _provenance(report), ""]
    if report.numbers:
        lines.append("| " + " | ".join(_MARKDOWN_COLUMNS) + " |")
        lines.append("|" + "---|" * len(_MARKDOWN_COLUMNS))
        lines.extend(_markdown_row(number) for number in report.numbers)
    else:
        lines.append("No speko phone numbers in this stack.")
    lines += ["", _verification_line(report), "", _totals_line(report.totals), ""]
    lines.append(f"### Findings ({len(report.findings)})")
    lines.append("")
    if report.findings:
        lines.extend(f"- **{f.code}**: {f.message}" for f in report.findings)
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"


def render_csv(report: AuditReport) -> str:
    """One row per number, with a header row; issues joined by ``"; "``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV_COLUMNS)
    for number in report.numbers:
        row = asdict(number)
        row["setup_issues"] = "; ".join(number.setup_issues)
        template = number.dispatch_metadata_template
        row["dispatch_metadata_template"] = (
            template if template is None or isinstance(template, str) else _json_text(template)
        )
        row["protected"] = "true" if number.protected else "false"
        writer.writerow("" if row[column] is None else row[column] for column in _CSV_COLUMNS)
    return buffer.getvalue()


def render_json(report: AuditReport) -> str:
    """The whole report as JSON with sorted keys, plus ``schema_version``."""
    return json_document(REPORT_SCHEMA_VERSION, asdict(report))


FORMATS: Final[dict[str, Callable[[AuditReport], str]]] = {
    "markdown": render_markdown,
    "csv": render_csv,
    "json": render_json,
}
"""Renderer by ``--format`` name."""


def render(report: AuditReport, output_format: str) -> str:
    """The report in ``output_format`` (a key of :data:`FORMATS`)."""
    return FORMATS[output_format](report)
