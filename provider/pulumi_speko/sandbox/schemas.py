"""The sandbox's own wire models: strict request bodies and the documented responses.

They share no code with ``pulumi_speko.api`` on purpose, so that the client and the
sandbox each check the other against the contract. Request bodies are strict: unknown
keys, wrong types and empty required strings are errors. A key that may be left out
but is not nullable (``label`` on create, ``direction`` on update, …) reads as None when
absent and rejects an explicit null.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from typing_extensions import Self

from pulumi_speko.constants import E164_PATTERN
from pulumi_speko.sandbox.model import (
    AvailableNumber,
    Direction,
    JsonObject,
    OverviewStatus,
    SetupState,
    SlackStatus,
    Source,
    StoredNumber,
    Verification,
    VerificationOverview,
    VerificationStatus,
    camel_dict,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

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


class VerificationBody(StrictBody):
    """What a draft and a submission both carry: the business and who attests for it."""

    businessProfile: BusinessProfile
    authorizedRepresentative: AuthorizedRepresentative

    def content(self) -> tuple[JsonObject, JsonObject]:
        """The business profile and the representative as stored (keys left out stay out)."""
        return (
            self.businessProfile.model_dump(exclude_unset=True),
            self.authorizedRepresentative.model_dump(exclude_unset=True),
        )


class VerificationDraft(VerificationBody):
    """Body of ``PUT /v1/phone-numbers/kyb/draft``."""

    attestationAccepted: bool = absent()


class VerificationSubmit(VerificationBody):
    """Body of ``POST /v1/phone-numbers/kyb/submit``: the attestation must be accepted."""

    attestationAccepted: Literal[True]


# --- responses --------------------------------------------------------------------------


class WireModel(BaseModel):
    """A response built from a store record whose fields it names in camelCase."""

    @classmethod
    def from_record(cls, record: DataclassInstance, **converted: Any) -> Self:
        """The wire form of ``record``: each of this model's fields is the record's field
        of the same name in snake_case, unless ``converted`` gives its value."""
        values = {**camel_dict(record), **converted}
        named = {name: values[name] for name in cls.model_fields if name in values}
        return cls.model_validate(named)


class ErrorDetail(BaseModel):
    """One bad field of a request."""

    path: str
    message: str


class ErrorBody(BaseModel):
    """Every error answer."""

    error: str
    code: str
    details: list[ErrorDetail] | None = None


class SetupStatusOut(WireModel):
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


class PhoneNumberOut(WireModel):
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
        """The wire form of a store record (``telnyxPhoneNumberId`` is the provider's id)."""
        return cls.from_record(
            number,
            telnyxPhoneNumberId=number.provider_resource_id,
            setupStatus=SetupStatusOut.from_record(number.setup_status),
        )


class RegionOut(WireModel):
    """Where an available number rings."""

    state: str | None
    locality: str | None
    rateCenter: str | None


class AvailablePhoneNumberOut(WireModel):
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
        return cls.from_record(number, region=RegionOut.from_record(number))


class VerificationSubmissionOut(WireModel):
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
        return cls.from_record(submission)


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
