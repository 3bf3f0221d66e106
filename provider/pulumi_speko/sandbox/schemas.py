"""The sandbox's own wire models: strict request bodies and the documented responses.

They share no code with ``pulumi_speko.api`` on purpose, so that the client and the
sandbox each check the other against the contract. Request bodies are strict: unknown
keys, wrong types and empty required strings are errors. A key that may be left out
but is not nullable (``label`` on create, ``direction`` on update, …) reads as None when
absent and rejects an explicit null.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pulumi_speko.constants import E164_PATTERN
from pulumi_speko.sandbox.model import (
    AvailableNumber,
    Direction,
    OverviewStatus,
    SetupState,
    SlackStatus,
    Source,
    StoredNumber,
    Verification,
    VerificationOverview,
    VerificationStatus,
)

AREA_CODE_PATTERN = r"^[0-9]{3}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
LABEL_MAX_LENGTH = 120

E164 = Annotated[str, Field(pattern=E164_PATTERN, examples=["+14155550100"])]
NonEmpty = Annotated[str, Field(min_length=1, pattern=r"\S")]
Label = Annotated[str, Field(max_length=LABEL_MAX_LENGTH)]


def _json_numbers_only(value: Any) -> Any:
    """Refuse NaN and Infinity at any depth: Python's JSON parser accepts them, JSON
    does not, and storing them would silently turn them into null."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("NaN and Infinity are not JSON numbers")
    if isinstance(value, dict):
        for item in value.values():
            _json_numbers_only(item)
    elif isinstance(value, list):
        for item in value:
            _json_numbers_only(item)
    return value


Template = Annotated[dict[str, Any], AfterValidator(_json_numbers_only)]


def absent() -> Any:
    """The default of a key that may be left out but must not be null."""
    return Field(default=None)


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value:
        raise ValueError("must be an http(s) URL")
    return value


Url = Annotated[str, AfterValidator(_http_url), Field(json_schema_extra={"format": "uri"})]
Email = Annotated[str, Field(pattern=EMAIL_PATTERN, json_schema_extra={"format": "email"})]


class StrictBody(BaseModel):
    """A request body: unknown keys and loose types are validation errors."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- phone-number requests --------------------------------------------------------------


class PhoneNumberCreate(StrictBody):
    """Body of ``POST /v1/phone-numbers`` (provision a managed number)."""

    e164: E164
    direction: Direction = "outbound"
    dispatchMetadataTemplate: Template = absent()
    label: Label = absent()
    agentId: NonEmpty = absent()


class PhoneNumberImport(PhoneNumberCreate):
    """Body of ``POST /v1/phone-numbers/import`` (bring a SIP-trunk number)."""

    sipConnectionInstallationId: NonEmpty = absent()
    sipTrunkId: NonEmpty = absent()
    sipProviderName: NonEmpty = absent()


class PhoneNumberUpdate(StrictBody):
    """Body of ``PATCH /v1/phone-numbers/{id}``: absent keeps a field, null clears it."""

    direction: Direction = absent()
    dispatchMetadataTemplate: Template | None = None
    label: Label | None = None
    agentId: NonEmpty | None = None


IMMUTABLE_KEYS = frozenset(
    {"e164", "source", "sipConnectionInstallationId", "sipTrunkId", "sipProviderName"}
)

# --- verification requests --------------------------------------------------------------


class Address(StrictBody):
    """The business's postal address."""

    street: NonEmpty
    city: NonEmpty
    state: NonEmpty
    postalCode: NonEmpty
    country: NonEmpty


class BusinessProfile(StrictBody):
    """Who the business is and how it will use phone numbers."""

    legalName: NonEmpty
    displayName: NonEmpty
    entityType: NonEmpty
    country: NonEmpty
    registrationId: NonEmpty = absent()
    website: Url
    address: Address
    useCase: NonEmpty
    expectedUsage: NonEmpty


class AuthorizedRepresentative(StrictBody):
    """The person who attests for the business."""

    name: NonEmpty
    title: NonEmpty
    email: Email
    phone: E164 = absent()


class VerificationDraft(StrictBody):
    """Body of ``PUT /v1/phone-numbers/kyb/draft``."""

    businessProfile: BusinessProfile
    authorizedRepresentative: AuthorizedRepresentative
    attestationAccepted: bool = absent()


class VerificationSubmit(StrictBody):
    """Body of ``POST /v1/phone-numbers/kyb/submit``: the attestation must be accepted."""

    businessProfile: BusinessProfile
    authorizedRepresentative: AuthorizedRepresentative
    attestationAccepted: Literal[True]


# --- responses --------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    """One bad field of a request."""

    path: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer."""

    error: str
    code: str
    details: list[ErrorDetail] | None = None


class SetupStatusOut(BaseModel):
    """How far a number is from taking calls."""

    status: SetupState
    inboundReady: bool
    outboundReady: bool
    agentReady: bool
    forwardingRequired: bool
    sipConnectionReady: bool
    issues: list[str]


SmsAssignmentStatus = Literal[
    "FAILED_ASSIGNMENT", "PENDING_ASSIGNMENT", "ASSIGNED", "PENDING_UNASSIGNMENT",
    "FAILED_UNASSIGNMENT",
]  # fmt: skip


class PhoneNumberOut(BaseModel):
    """A phone number as the API answers it."""

    id: str
    organizationId: str
    e164: str
    source: Source
    providerResourceId: str | None
    telnyxPhoneNumberId: str | None
    sipTrunkId: str | None
    sipConnectionInstallationId: str | None
    sipProviderName: str | None
    direction: Direction
    dispatchMetadataTemplate: dict[str, Any] | None
    agentId: str | None
    label: str | None
    sms10dlcProfileId: str | None = None
    smsCampaignId: str | None = None
    smsAssignmentStatus: SmsAssignmentStatus | None = None
    smsAssignmentUpdatedAt: str | None = None
    setupStatus: SetupStatusOut
    nextChargeAt: str
    lastChargedAt: str | None
    suspendedAt: str | None
    createdAt: str
    updatedAt: str

    @classmethod
    def of(cls, number: StoredNumber) -> PhoneNumberOut:
        """The wire form of a store record."""
        status = number.setup_status
        return cls(
            id=number.id,
            organizationId=number.organization_id,
            e164=number.e164,
            source=number.source,
            providerResourceId=number.provider_resource_id,
            telnyxPhoneNumberId=number.provider_resource_id,
            sipTrunkId=number.sip_trunk_id,
            sipConnectionInstallationId=number.sip_connection_installation_id,
            sipProviderName=number.sip_provider_name,
            direction=number.direction,
            dispatchMetadataTemplate=number.dispatch_metadata_template,
            agentId=number.agent_id,
            label=number.label,
            setupStatus=SetupStatusOut(
                status=status.status,
                inboundReady=status.inbound_ready,
                outboundReady=status.outbound_ready,
                agentReady=status.agent_ready,
                forwardingRequired=status.forwarding_required,
                sipConnectionReady=status.sip_connection_ready,
                issues=list(status.issues),
            ),
            nextChargeAt=number.next_charge_at,
            lastChargedAt=number.last_charged_at,
            suspendedAt=number.suspended_at,
            createdAt=number.created_at,
            updatedAt=number.updated_at,
        )


class RegionOut(BaseModel):
    """Where an available number rings."""

    state: str | None
    locality: str | None
    rateCenter: str | None


class AvailablePhoneNumberOut(BaseModel):
    """A number that a managed purchase can buy."""

    e164: str
    friendlyName: str
    monthlyCostUsd: float
    upfrontCostUsd: float
    features: list[str]
    region: RegionOut

    @classmethod
    def of(cls, number: AvailableNumber) -> AvailablePhoneNumberOut:
        """The wire form of a pool entry."""
        return cls(
            e164=number.e164,
            friendlyName=number.friendly_name,
            monthlyCostUsd=float(number.monthly_cost_usd),
            upfrontCostUsd=float(number.upfront_cost_usd),
            features=list(number.features),
            region=RegionOut(
                state=number.state, locality=number.locality, rateCenter=number.rate_center
            ),
        )


class VerificationSubmissionOut(BaseModel):
    """The organization's business-verification submission."""

    id: str
    organizationId: str
    status: VerificationStatus
    businessProfile: dict[str, Any]
    authorizedRepresentative: dict[str, Any]
    attestationAccepted: bool
    attestedAt: str | None
    submittedAt: str | None
    rejectionReason: str | None
    slackNotificationStatus: SlackStatus
    slackNotificationJobId: str | None
    slackNotificationError: str | None = None
    createdAt: str
    updatedAt: str

    @classmethod
    def of(cls, submission: Verification) -> VerificationSubmissionOut:
        """The wire form of a store record."""
        return cls(
            id=submission.id,
            organizationId=submission.organization_id,
            status=submission.status,
            businessProfile=submission.business_profile,
            authorizedRepresentative=submission.authorized_representative,
            attestationAccepted=submission.attestation_accepted,
            attestedAt=submission.attested_at,
            submittedAt=submission.submitted_at,
            rejectionReason=submission.rejection_reason,
            slackNotificationStatus=submission.slack_notification_status,
            slackNotificationJobId=submission.slack_notification_job_id,
            createdAt=submission.created_at,
            updatedAt=submission.updated_at,
        )


class VerificationPrefill(BaseModel):
    """Values the dashboard would pre-fill (the sandbox never has any)."""

    businessProfile: dict[str, Any] | None
    authorizedRepresentative: dict[str, Any] | None


class VerificationOverviewOut(BaseModel):
    """The org's verification status, its submission, and prefill (always null here)."""

    status: OverviewStatus
    submission: VerificationSubmissionOut | None
    prefill: VerificationPrefill | None = None

    @classmethod
    def of(cls, overview: VerificationOverview) -> VerificationOverviewOut:
        """The wire form of the store's overview."""
        submission = overview.submission
        return cls(
            status=overview.status,
            submission=None if submission is None else VerificationSubmissionOut.of(submission),
        )


class Released(BaseModel):
    """The answer of a release."""

    released: Literal[True] = True
