"""The sandbox's domain: records, errors and the derived rules, shared by store and app.

Nothing here touches the database or HTTP.
"""

from __future__ import annotations

import calendar
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from pulumi_speko.constants import INBOUND_DIRECTIONS as INBOUND_DIRECTIONS
from pulumi_speko.constants import OUTBOUND_DIRECTIONS as OUTBOUND_DIRECTIONS

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Clock = Callable[[], datetime]
JsonObject = dict[str, Any]

Direction = Literal["inbound", "outbound", "both"]
Source = Literal["managed", "sip_trunk"]
SetupState = Literal["ready", "action_required", "suspended"]
VerificationStatus = Literal["draft", "submitted", "approved", "rejected", "revoked"]
OverviewStatus = Literal["missing", "draft", "submitted", "approved", "rejected", "revoked"]
SlackStatus = Literal["not_queued", "queued", "enqueue_failed"]


# --- errors -----------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldIssue:
    """One bad field of a request: its dotted path and what is wrong with it."""

    path: str
    message: str


class SandboxError(Exception):
    """A rule of the contract refused the operation; ``code`` is the API error code."""

    code = "INTERNAL"

    def __init__(self, message: str, details: tuple[FieldIssue, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class Unauthorized(SandboxError):
    """A missing or wrong bearer token."""

    code = "UNAUTHORIZED"

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class NotFound(SandboxError):
    """The id is unknown, or belongs to another organization."""

    code = "NOT_FOUND"


class Conflict(SandboxError):
    """The E.164 is already held, or the state does not allow the operation."""

    code = "CONFLICT"


class InvalidInput(SandboxError):
    """The request is well-formed but names something that does not fit."""

    code = "VALIDATION_ERROR"

    def __init__(self, path: str, message: str) -> None:
        super().__init__("Invalid request body", (FieldIssue(path, message),))


class VerificationRequired(SandboxError):
    """A managed purchase without a submitted or approved business verification."""

    code = "VERIFICATION_REQUIRED"


class InsufficientCredits(SandboxError):
    """The org's prepaid balance does not cover the purchase."""

    code = "INSUFFICIENT_CREDITS"


# --- records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SetupStatus:
    """How far a number is from taking calls, derived as the contract says."""

    status: SetupState
    inbound_ready: bool
    outbound_ready: bool
    agent_ready: bool
    forwarding_required: bool
    sip_connection_ready: bool
    issues: tuple[str, ...]


@dataclass(frozen=True)
class StoredNumber:
    """A live phone number of an organization."""

    id: str
    organization_id: str
    e164: str
    source: Source
    provider_resource_id: str | None
    sip_trunk_id: str | None
    sip_connection_installation_id: str | None
    sip_provider_name: str | None
    direction: Direction
    dispatch_metadata_template: JsonObject | None
    agent_id: str | None
    label: str | None
    setup_status: SetupStatus
    next_charge_at: str
    last_charged_at: str | None
    suspended_at: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class AvailableNumber:
    """A pool number that nobody holds."""

    e164: str
    friendly_name: str
    monthly_cost_usd: Decimal
    upfront_cost_usd: Decimal
    features: tuple[str, ...]
    state: str | None
    locality: str | None
    rate_center: str | None


@dataclass(frozen=True)
class Verification:
    """The organization's current business-verification submission."""

    id: str
    organization_id: str
    status: VerificationStatus
    business_profile: JsonObject
    authorized_representative: JsonObject
    attestation_accepted: bool
    attested_at: str | None
    submitted_at: str | None
    rejection_reason: str | None
    slack_notification_status: SlackStatus
    slack_notification_job_id: str | None
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class VerificationOverview:
    """The verification status of an org and its current submission, if any."""

    status: OverviewStatus
    submission: Verification | None


@dataclass(frozen=True)
class Routing:
    """The routing fields of a new number."""

    direction: Direction = "outbound"
    dispatch_metadata_template: JsonObject | None = None
    label: str | None = None
    agent_id: str | None = None


@dataclass(frozen=True)
class SipAttachment:
    """How an imported number reaches the platform."""

    installation_id: str | None = None
    trunk_id: str | None = None
    provider_name: str | None = None


class RoutingPatch(TypedDict, total=False):
    """A PATCH: a key that is absent leaves the field, ``None`` clears it."""

    direction: Direction
    dispatch_metadata_template: JsonObject | None
    label: str | None
    agent_id: str | None


# --- helpers ----------------------------------------------------------------------------


def system_clock() -> datetime:
    """The current time in UTC (the default clock)."""
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and a ``Z``, as the API writes timestamps."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def add_one_month(moment: datetime) -> datetime:
    """The same day next month, clamped to the month's last day (Jan 31 -> Feb 28)."""
    year = moment.year + moment.month // 12
    month = moment.month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def cents_to_usd(cents: int) -> Decimal:
    """Integer cents as a two-place Decimal of dollars."""
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def usd_to_cents(usd: Decimal) -> int:
    """Dollars (any precision) as integer cents, rounding half up."""
    return int((usd * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def new_id(prefix: str) -> str:
    """A random id such as ``pn_3f9a0c2e5b7d4a1f``."""
    return f"{prefix}_{secrets.token_hex(8)}"


def camel_case(name: str) -> str:
    """A record's field name as the API spells it: ``retry_after`` -> ``retryAfter``."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def snake_case(name: str) -> str:
    """An API name as a record spells it: ``retryAfter`` -> ``retry_after``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def camel_dict(record: DataclassInstance, names: Iterable[str] | None = None) -> dict[str, Any]:
    """The record's fields (all of them, or ``names`` in that order) keyed as the API
    spells them."""
    chosen = [f.name for f in fields(record)] if names is None else names
    return {camel_case(name): getattr(record, name) for name in chosen}


def derive_setup_status(
    *,
    source: str,
    direction: str,
    agent_id: str | None,
    has_template: bool,
    installation_exists: bool,
    suspended: bool,
) -> SetupStatus:
    """setupStatus as the contract derives it.

    ``issues`` lists, by flag name, each false flag the direction needs: outboundReady
    for outbound, inboundReady for inbound, sipConnectionReady always. agentReady is not
    needed (a dispatch template routes calls too) and forwardingRequired is not a
    readiness flag.
    """
    takes_inbound = direction in INBOUND_DIRECTIONS
    takes_outbound = direction in OUTBOUND_DIRECTIONS
    inbound_ready = takes_inbound and (agent_id is not None or has_template)
    sip_ready = source == "managed" or installation_exists
    needed = [("sipConnectionReady", sip_ready)]
    if takes_inbound:
        needed.insert(0, ("inboundReady", inbound_ready))
    if takes_outbound:
        needed.insert(0, ("outboundReady", takes_outbound))
    issues = tuple(name for name, ready in needed if not ready)
    status: SetupState = "action_required" if issues else "ready"
    if suspended:
        status = "suspended"
    return SetupStatus(
        status=status,
        inbound_ready=inbound_ready,
        outbound_ready=takes_outbound,
        agent_ready=agent_id is not None,
        forwarding_required=source == "sip_trunk" and takes_inbound,
        sip_connection_ready=sip_ready,
        issues=issues,
    )
