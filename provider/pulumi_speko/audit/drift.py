"""Drift between a stack export and the live API: what changed, per resource.

:func:`compare` takes the parsed export and what the API answers now (the org's numbers,
its verification overview) and returns a :class:`DriftReport`; it makes no call itself.
Each speko number and business verification of the export gets one
:class:`ResourceDrift` whose ``status`` is one of :data:`IN_SYNC`, :data:`CHANGED`,
:data:`GONE` (the id is no longer on the platform) or :data:`SOURCE_CHANGED` (the id is
now a number of the other kind than the resource manages).

What is compared is what the provider itself stores: the state's outputs against
:func:`~pulumi_speko.resources._props.number_outputs` of the live number, value by value
with :func:`~pulumi_speko.resources._props.same_value`, nested objects field by field
(``setup_status.inbound_ready``).

Not everything that differs is drift. ``updated_at``, ``next_charge_at`` and
``last_charged_at`` move by themselves (the billing cycle, the platform's own
bookkeeping), so a difference in them alone is reported as *informational* and leaves
the exit status at 0 (an ``updated_at`` that moved with a changed field is part of that
change, and listed with it); they are still listed, because a stale ``last_charged_at`` is
useful to an auditor. A value that is a secret in the export cannot be compared: it is
listed under *not compared*. Read-only references (``external``) belong to another
stack and are left out.

:func:`render_text` and :func:`render_json` print a report.

A report is trusted only when the key is the stack's organization's: the platform answers
404 for another organization's ids, so a key of another organization would make every
number look released. :func:`confirm_organization` applies the providers' rule
(:func:`pulumi_speko.organization.confirm_gone`) to the report before it is printed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Final

from pulumi_speko.api.models import PhoneNumberRecord, VerificationOverview, VerificationSubmission
from pulumi_speko.audit.rendering import json_report, plural, render_as
from pulumi_speko.audit.stack_export import (
    SecretValue,
    StackExport,
    StateResource,
)
from pulumi_speko.organization import confirm_gone, confirm_same_organization
from pulumi_speko.resources import number_outputs, same_value

__all__ = [
    "CHANGED",
    "CLOCK_FIELDS",
    "DRIFT_SCHEMA_VERSION",
    "FORMATS",
    "GONE",
    "IN_SYNC",
    "SOURCE_CHANGED",
    "DriftReport",
    "FieldChange",
    "HeldBy",
    "ResourceDrift",
    "compare",
    "confirm_organization",
    "render",
    "render_json",
    "render_text",
]

DRIFT_SCHEMA_VERSION: Final = 1
"""Bumped when a key of the JSON output changes meaning or goes away."""

IN_SYNC: Final = "in_sync"
CHANGED: Final = "changed"
GONE: Final = "gone"
SOURCE_CHANGED: Final = "source_changed"

CLOCK_FIELDS: Final = frozenset({"updated_at", "next_charge_at", "last_charged_at"})
EDIT_CLOCK_FIELD: Final = "updated_at"
"""The clock field an edit moves: drift when it comes with a changed field, else not."""
"""Fields the platform moves by itself: informational, never drift."""

# What kind of change a field is, for the operator deciding what to do about it.
ROUTING: Final = "routing"  # the program's to decide: `pulumi up` puts its value back
IDENTITY: Final = "identity"  # which number / trunk / submission this is
STATUS: Final = "status"  # set by the platform: setup, suspension, SMS, review
PROFILE: Final = "profile"  # the verification's business profile and representative
CLOCK: Final = "clock"
_ROUTING_FIELDS: Final = ("direction", "agent_id", "label", "dispatch_metadata_template")
_IDENTITY_FIELDS: Final = frozenset(
    {
        "e164",
        "source",
        "organization_id",
        "provider_resource_id",
        "telnyx_phone_number_id",
        "sip_trunk_id",
        "sip_connection_installation_id",
        "sip_provider_name",
        "created_at",
        "submission_id",
    }
)
_PROFILE_FIELDS: Final = frozenset(
    {"business_profile", "authorized_representative", "attestation_accepted"}
)
_VERIFICATION_FIELDS: Final = (
    "status",
    "submission_id",
    "rejection_reason",
    "submitted_at",
    "attested_at",
    "attestation_accepted",
    "business_profile",
    "authorized_representative",
    "organization_id",
    "created_at",
    "updated_at",
)
FORMATS: Final = ("text", "json")
"""What ``--format`` prints."""
_NOT_COMPARABLE: Final = object()  # stands for a state value that is a secret


# --- model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One value that differs: ``field`` is a dotted path, ``state`` the export's value."""

    field: str
    state: Any
    live: Any
    category: str


@dataclass(frozen=True)
class HeldBy:
    """The live number that now holds the E.164 of a resource whose id is gone."""

    id: str
    source: str


@dataclass(frozen=True)
class ResourceDrift:
    """How one speko resource of the export compares with the live API."""

    name: str
    type: str
    urn: str
    id: str
    e164: str | None
    status: str
    changes: tuple[FieldChange, ...] = ()
    informational: tuple[FieldChange, ...] = ()
    not_compared: tuple[str, ...] = ()
    live_source: str | None = None
    held_by: HeldBy | None = None

    @property
    def drifted(self) -> bool:
        """Whether the resource differs from the live API in more than the clock."""
        return self.status != IN_SYNC


@dataclass(frozen=True)
class DriftReport:
    """Every speko resource of one export, compared with the live API."""

    stack: str | None
    project: str | None
    export_time: str | None
    base_url: str
    resources: tuple[ResourceDrift, ...] = field(default=())

    @property
    def drifted(self) -> tuple[ResourceDrift, ...]:
        """The resources that drifted."""
        return tuple(r for r in self.resources if r.drifted)

    @property
    def has_drift(self) -> bool:
        """Whether anything drifted (the command then exits 2)."""
        return bool(self.drifted)

    def count(self, type_name: str) -> int:
        """How many resources of this type name were compared."""
        return sum(1 for r in self.resources if r.type == type_name)


# --- comparing ---------------------------------------------------------------------------


def compare(
    export: StackExport,
    live_numbers: Sequence[PhoneNumberRecord],
    verification: VerificationOverview | None = None,
    *,
    base_url: str = "",
) -> DriftReport:
    """Compare every managed speko resource of ``export`` with the live API.

    ``live_numbers`` is the org's whole list (``GET /v1/phone-numbers``);
    ``verification`` its overview, needed only when the export has a
    BusinessVerification (it is then reported gone when ``None``).
    """
    by_id = {number.id: number for number in live_numbers}
    by_e164 = {number.e164: number for number in live_numbers}
    drifts: list[ResourceDrift] = []
    for resource in export.speko_resources():
        if resource.external or resource.id is None:
            continue  # another stack's number, or an entry that was never created
        if resource.is_number:
            drifts.append(_number_drift(resource, resource.id, by_id, by_e164))
        elif resource.is_verification:
            submission = verification.submission if verification else None
            drifts.append(_verification_drift(resource, resource.id, submission))
    return DriftReport(
        stack=export.stack,
        project=export.project,
        export_time=export.manifest_time,
        base_url=base_url,
        resources=tuple(drifts),
    )


def _number_drift(
    resource: StateResource,
    resource_id: str,
    by_id: Mapping[str, PhoneNumberRecord],
    by_e164: Mapping[str, PhoneNumberRecord],
) -> ResourceDrift:
    e164 = _text(resource.value("e164"))
    base = ResourceDrift(resource.name, resource.type_name, resource.urn, resource_id, e164, GONE)
    live = by_id.get(resource_id)
    if live is None:
        holder = by_e164.get(e164) if e164 else None
        held_by = HeldBy(holder.id, holder.source) if holder else None
        return replace(base, held_by=held_by)
    fields = _ordered(number_outputs(live))
    changes, informational, not_compared = _field_changes(resource, fields)
    status = CHANGED if changes else IN_SYNC
    if live.source != resource.type_source:
        status = SOURCE_CHANGED
    return replace(
        base,
        e164=e164 or live.e164,
        status=status,
        changes=changes,
        informational=informational,
        not_compared=not_compared,
        live_source=live.source,
    )


def _verification_drift(
    resource: StateResource, resource_id: str, submission: VerificationSubmission | None
) -> ResourceDrift:
    base = ResourceDrift(resource.name, resource.type_name, resource.urn, resource_id, None, GONE)
    if submission is None:
        return base
    dumped = submission.model_dump(mode="json", by_alias=False)
    dumped["submission_id"] = dumped.pop("id")
    fields = {name: dumped.get(name) for name in _VERIFICATION_FIELDS}
    changes, informational, not_compared = _field_changes(resource, fields)
    return replace(
        base,
        status=CHANGED if changes else IN_SYNC,
        changes=changes,
        informational=informational,
        not_compared=not_compared,
    )


def confirm_organization(
    export: StackExport, report: DriftReport, key_organization: Callable[[], str | None]
) -> None:
    """Raise unless the report can be trusted: every gone resource was recorded under
    the key's organization (asked of ``key_organization`` only when one is gone), and
    no live verification belongs to another organization than the one recorded.

    Raises :class:`~pulumi_speko.credentials.WrongOrganizationError` or
    :class:`~pulumi_speko.organization.UnknownOrganizationError`.
    """
    recorded_by_urn = {
        r.urn: organization
        for r in export.speko_resources()
        if isinstance(organization := r.value("organization_id"), str)
    }
    for drift in report.resources:
        recorded = recorded_by_urn.get(drift.urn)
        what = f"{drift.type} {drift.name} ({drift.id}) in the stack export"
        moved = next((c for c in drift.changes if c.field == "organization_id"), None)
        if recorded is not None and moved is not None and isinstance(moved.live, str):
            confirm_same_organization(recorded, moved.live, what)
        if drift.status == GONE:
            confirm_gone(recorded, key_organization() if recorded else None, what)


def _ordered(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Routing first (what operators edit), then the rest in the model's order."""
    head = {name: fields[name] for name in _ROUTING_FIELDS if name in fields}
    return {**head, **{k: v for k, v in fields.items() if k not in head}}


def _field_changes(
    resource: StateResource, live_fields: Mapping[str, Any]
) -> tuple[tuple[FieldChange, ...], tuple[FieldChange, ...], tuple[str, ...]]:
    """(drift, informational, not compared) between the state and ``live_fields``."""
    changes: list[FieldChange] = []
    informational: list[FieldChange] = []
    not_compared: list[str] = []
    for name, live_value in live_fields.items():
        for path, old, new in _differences(name, _state_value(resource, name), live_value):
            if old is _NOT_COMPARABLE:
                not_compared.append(path)
            elif name in CLOCK_FIELDS:
                informational.append(FieldChange(path, old, new, CLOCK))
            else:
                changes.append(FieldChange(path, old, new, _category(name)))
    if changes:
        # An edit moves updated_at too: that move is part of the edit, not the clock's.
        changes += [c for c in informational if c.field == EDIT_CLOCK_FIELD]
        informational = [c for c in informational if c.field != EDIT_CLOCK_FIELD]
    return tuple(changes), tuple(informational), tuple(not_compared)


def _state_value(resource: StateResource, name: str) -> Any:
    """The output the provider recorded, else the input (older or partial state)."""
    if name in resource.outputs:
        return resource.outputs[name]
    return resource.inputs.get(name)


def _differences(path: str, old: Any, new: Any) -> Iterator[tuple[str, Any, Any]]:
    """(path, old, new) for each differing leaf; objects are compared key by key."""
    if isinstance(old, SecretValue):
        yield path, _NOT_COMPARABLE, new
        return
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in dict.fromkeys([*old, *new]):
            yield from _differences(f"{path}.{key}", old.get(key), new.get(key))
        return
    if not same_value(old, new):
        yield path, old, new


def _category(name: str) -> str:
    if name in _ROUTING_FIELDS:
        return ROUTING
    if name in _IDENTITY_FIELDS:
        return IDENTITY
    if name in _PROFILE_FIELDS:
        return PROFILE
    return STATUS


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# --- rendering ---------------------------------------------------------------------------


def render_json(report: DriftReport) -> str:
    """Everything in the report, as a JSON document with sorted keys."""
    return json_report(
        DRIFT_SCHEMA_VERSION,
        report,
        export_time=report.export_time,
        drift=report.has_drift,
        summary=_summary(report),
        resources=[{**asdict(r), "drifted": r.drifted} for r in report.resources],
    )


def _summary(report: DriftReport) -> dict[str, int]:
    statuses = [r.status for r in report.resources]
    return {
        "numbers": report.count("PhoneNumber") + report.count("SipTrunkPhoneNumber"),
        "business_verifications": report.count("BusinessVerification"),
        "drifted": len(report.drifted),
        **{status: statuses.count(status) for status in (IN_SYNC, CHANGED, GONE, SOURCE_CHANGED)},
    }


def render_text(report: DriftReport) -> str:
    """A plain-text report: a headline, then each drifted resource and its changes."""
    lines = [_title(report), _headline(report)]
    for drift in report.drifted:
        lines += ["", *_resource_lines(drift)]
    informational = [
        f"  {r.name}: {_change_text(change)}"
        for r in report.resources
        for change in r.informational
    ]
    if informational:
        lines += ["", "Not drift (moved by the platform's clock):", *informational]
    not_compared = [
        f"  {r.name}: {', '.join(r.not_compared)}" for r in report.resources if r.not_compared
    ]
    if not_compared:
        lines += ["", "Not compared (secrets in the export):", *not_compared]
    return "\n".join(lines) + "\n"


def _title(report: DriftReport) -> str:
    stack = f"{report.project}/{report.stack}" if report.stack else "the stack export"
    when = f" (exported {report.export_time})" if report.export_time else ""
    return f"Drift of {stack}{when} against {report.base_url}"


def _headline(report: DriftReport) -> str:
    numbers = report.count("PhoneNumber") + report.count("SipTrunkPhoneNumber")
    verifications = report.count("BusinessVerification")
    checked = plural(numbers, "number")
    if verifications:
        checked += f" and {plural(verifications, 'business verification')}"
    if not report.has_drift:
        return f"No drift: {checked} match the live API."
    drifted = len(report.drifted)
    return f"Drift: {drifted} of {len(report.resources)} ({checked}) differ from the live API."


def _resource_lines(drift: ResourceDrift) -> list[str]:
    who = " ".join(part for part in (drift.type, drift.name, drift.e164, drift.id) if part)
    if drift.status == GONE and drift.type == "BusinessVerification":
        return [f"{who}: gone from the API (the organization has no verification submission)"]
    if drift.status == GONE:
        return [f"{who}: gone from the API (released outside Pulumi)", *_held_by(drift)]
    if drift.status == SOURCE_CHANGED:
        head = f"{who}: now a {drift.live_source} number on the platform"
    else:
        head = f"{who}: changed"
    return [head, *(f"  {_change_text(change)}  [{change.category}]" for change in drift.changes)]


def _held_by(drift: ResourceDrift) -> list[str]:
    if drift.held_by is None or drift.e164 is None:
        return []
    return [f"  {drift.e164} is now held as {drift.held_by.id} ({drift.held_by.source})"]


def _change_text(change: FieldChange) -> str:
    return f"{change.field}: {_value_text(change.state)} -> {_value_text(change.live)}"


def _value_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


_RENDERERS: Final[dict[str, Callable[[DriftReport], str]]] = {
    "text": render_text,
    "json": render_json,
}


def render(report: DriftReport, output_format: str) -> str:
    """The report as ``text`` or ``json`` (one of :data:`FORMATS`)."""
    return render_as(_RENDERERS, report, output_format)
