"""Wire models of the Phone Numbers API (pydantic v2).

Attributes are snake_case, the wire is camelCase, and either name populates a model.
Request models reject unknown fields and enforce what the contract states; response
models ignore fields they do not know, because newer servers add some. The three
models used both ways (``BusinessProfile``, ``Address``, ``AuthorizedRepresentative``)
reject unknown fields in requests and drop them when parsing a response: parse every
response with :func:`parse_response`.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel

from pulumi_speko._lazy import deprecated_getattr, from_namespace
from pulumi_speko.constants import E164_PATTERN as E164_PATTERN
from pulumi_speko.constants import INBOUND_DIRECTIONS as INBOUND_DIRECTIONS

AREA_CODE_PATTERN = r"^[0-9]{3}$"
LABEL_MAX_LENGTH = 120
SEARCH_LIMIT_MIN, SEARCH_LIMIT_MAX = 1, 50
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL_RE = re.compile(r"^https?://[^\s/?#]+\.[^\s/?#]+\S*$")

# Context passed when validating a server response: shared models then drop unknown keys.
RESPONSE_CONTEXT: dict[str, bool] = {"response": True}

Direction = Literal["inbound", "outbound", "both"]
Source = Literal["managed", "sip_trunk"]
VerificationStatus = Literal["missing", "draft", "submitted", "approved", "rejected", "revoked"]
SubmissionStatus = Literal["draft", "submitted", "approved", "rejected", "revoked"]
E164 = Annotated[str, StringConstraints(pattern=E164_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
Label = Annotated[str, StringConstraints(max_length=LABEL_MAX_LENGTH)]


def _finite_numbers(value: Any) -> Any:
    """NaN and Infinity are not JSON: refuse them at any depth instead of sending them."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("NaN and Infinity are not JSON numbers")
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        _finite_numbers(item)
    return value


DispatchTemplate = Annotated[dict[str, Any], AfterValidator(_finite_numbers)]


def _matching(pattern: re.Pattern[str], message: str) -> AfterValidator:
    """A check that a string matches ``pattern``; ``message`` says what it must be."""

    def check(value: str) -> str:
        if not pattern.match(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


_Url = Annotated[NonEmpty, _matching(_URL_RE, "must be an http(s) URL such as https://example.com")]
_EmailAddress = Annotated[
    NonEmpty, _matching(_EMAIL_RE, "must be an email address such as ops@example.com")
]

ModelT = TypeVar("ModelT", bound=BaseModel)


class _WireModel(BaseModel):
    # defer_build: validators are built on first use, so importing the models (every
    # Pulumi program that declares a number does) stays cheap.
    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        defer_build=True,
    )


class ResponseModel(_WireModel):
    """Base of what the server sends: unknown fields are ignored."""

    model_config = ConfigDict(extra="ignore")


class RequestModel(_WireModel):
    """Base of what the client sends: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")

    def to_wire(self) -> dict[str, Any]:
        """The JSON body: camelCase keys, fields left unset or None omitted."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class SharedModel(RequestModel):
    """A model sent in requests and read in responses (unknown keys dropped there)."""

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown_keys_in_responses(cls, data: Any, info: ValidationInfo) -> Any:
        if not (info.context or {}).get("response") or not isinstance(data, dict):
            return data
        known: set[str] = set()
        for name, field in cls.model_fields.items():
            known.update({name, field.alias or name})
        return {key: value for key, value in data.items() if key in known}


def contract_name(model: type[BaseModel]) -> str:
    """The name the API contract gives a wire model (``PhoneNumberRecord`` is ``PhoneNumber``)."""
    return model.model_config.get("title") or model.__name__


def parse_response(model: type[ModelT], data: Any) -> ModelT:
    """Validate a decoded response body as ``model``, tolerating unknown fields."""
    return model.model_validate(data, context=RESPONSE_CONTEXT)


@functools.cache
def _list_adapter(model: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse_response_list(model: type[ModelT], data: Any) -> list[ModelT]:
    """Validate a decoded JSON array of ``model`` items (one adapter per model, reused)."""
    items: list[ModelT] = _list_adapter(model).validate_python(data, context=RESPONSE_CONTEXT)
    return items


def _check_inbound_route(
    direction: str | None, agent_id: str | None, template: DispatchTemplate | None
) -> None:
    if direction in INBOUND_DIRECTIONS and not agent_id and template is None:
        raise ValueError(
            f"direction {direction!r} takes inbound calls and needs agentId or "
            "dispatchMetadataTemplate"
        )


# ---------------------------------------------------------------------------- responses


class SetupStatus(ResponseModel):
    """Readiness of a number, derived by the platform."""

    status: str
    inbound_ready: bool
    outbound_ready: bool
    agent_ready: bool
    forwarding_required: bool
    sip_connection_ready: bool
    issues: list[str] = Field(default_factory=list)


class PhoneNumberRecord(ResponseModel):
    """A number held by the organization, managed or imported from a SIP trunk."""

    # The contract's PhoneNumber; "Record" keeps it apart from the resource PhoneNumber.
    model_config = ConfigDict(title="PhoneNumber")

    id: str
    organization_id: str
    e164: str
    source: Source
    provider_resource_id: str | None = None
    telnyx_phone_number_id: str | None = None
    sip_trunk_id: str | None = None
    sip_connection_installation_id: str | None = None
    sip_provider_name: str | None = None
    direction: Direction
    dispatch_metadata_template: DispatchTemplate | None = None
    agent_id: str | None = None
    label: str | None = None
    sms10dlc_profile_id: str | None = Field(default=None, alias="sms10dlcProfileId")
    sms_campaign_id: str | None = None
    sms_assignment_status: str | None = None
    sms_assignment_updated_at: datetime | None = None
    setup_status: SetupStatus
    next_charge_at: datetime | None = None
    last_charged_at: datetime | None = None
    suspended_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class Region(ResponseModel):
    """Where an available number is."""

    state: str | None = None
    locality: str | None = None
    rate_center: str | None = None


class AvailablePhoneNumber(ResponseModel):
    """A number that can be bought, with its price."""

    e164: str
    friendly_name: str | None = None
    monthly_cost_usd: float
    upfront_cost_usd: float
    features: list[str] = Field(default_factory=list)
    region: Region = Field(default_factory=Region)


class ReleaseResult(ResponseModel):
    """The body of a release."""

    released: bool


# --------------------------------------------------------------- business verification


class Address(SharedModel):
    """A postal address of the business."""

    street: NonEmpty
    city: NonEmpty
    state: NonEmpty
    postal_code: NonEmpty
    country: NonEmpty


class BusinessProfile(SharedModel):
    """Who the business is and how it will use its numbers."""

    legal_name: NonEmpty
    display_name: NonEmpty
    entity_type: NonEmpty
    country: NonEmpty
    registration_id: NonEmpty | None = None
    website: _Url
    address: Address
    use_case: NonEmpty
    expected_usage: NonEmpty


class AuthorizedRepresentative(SharedModel):
    """The person who vouches for the business."""

    name: NonEmpty
    title: NonEmpty
    email: _EmailAddress
    phone: E164 | None = None


class VerificationSubmission(ResponseModel):
    """The organization's current business-verification submission."""

    id: str
    organization_id: str
    status: SubmissionStatus
    business_profile: BusinessProfile | None = None
    authorized_representative: AuthorizedRepresentative | None = None
    attestation_accepted: bool | None = None
    attested_at: datetime | None = None
    submitted_at: datetime | None = None
    rejection_reason: str | None = None
    slack_notification_status: str | None = None
    slack_notification_job_id: str | None = None
    slack_notification_error: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None


class VerificationPrefill(ResponseModel):
    """Values the platform suggests for a first submission."""

    business_profile: dict[str, Any] | None = None
    authorized_representative: dict[str, Any] | None = None


class VerificationOverview(ResponseModel):
    """The organization's verification status and current submission."""

    status: VerificationStatus
    submission: VerificationSubmission | None = None
    prefill: VerificationPrefill | None = None


class VerificationDraft(RequestModel):
    """Body of ``PUT /v1/phone-numbers/kyb/draft``."""

    business_profile: BusinessProfile
    authorized_representative: AuthorizedRepresentative
    attestation_accepted: bool | None = None


class VerificationSubmit(RequestModel):
    """Body of ``POST /v1/phone-numbers/kyb/submit``: the attestation must be accepted."""

    business_profile: BusinessProfile
    authorized_representative: AuthorizedRepresentative
    attestation_accepted: bool

    @field_validator("attestation_accepted")
    @classmethod
    def _attested(cls, value: bool) -> bool:
        if value is not True:
            raise ValueError("must be true to submit a business verification")
        return value


# ------------------------------------------------------------------------ number requests


class PhoneNumberCreate(RequestModel):
    """Body of ``POST /v1/phone-numbers``: buy a managed number."""

    e164: E164
    direction: Direction = "outbound"
    dispatch_metadata_template: DispatchTemplate | None = None
    label: Label | None = None
    agent_id: NonEmpty | None = None

    @model_validator(mode="after")
    def _inbound_is_routed(self) -> PhoneNumberCreate:
        _check_inbound_route(self.direction, self.agent_id, self.dispatch_metadata_template)
        return self

    def to_wire(self) -> dict[str, Any]:
        """The JSON body; ``direction`` is always sent."""
        body = super().to_wire()
        body["direction"] = self.direction
        return body


class PhoneNumberImport(PhoneNumberCreate):
    """Body of ``POST /v1/phone-numbers/import``: bring a number on the customer's trunk."""

    sip_connection_installation_id: NonEmpty | None = None
    sip_trunk_id: NonEmpty | None = None
    sip_provider_name: NonEmpty | None = None

    @model_validator(mode="after")
    def _one_sip_identifier(self) -> PhoneNumberImport:
        if not self.sip_connection_installation_id and not self.sip_trunk_id:
            raise ValueError("needs sipConnectionInstallationId or sipTrunkId")
        return self


class PhoneNumberUpdate(RequestModel):
    """Body of ``PATCH /v1/phone-numbers/{id}``.

    Only fields that were set are sent: an absent field is left as it is on the server,
    a field set to ``None`` is sent as ``null`` and cleared (``direction`` cannot be
    cleared).
    """

    direction: Direction | None = None
    dispatch_metadata_template: DispatchTemplate | None = None
    label: Label | None = None
    agent_id: NonEmpty | None = None

    @field_validator("direction")
    @classmethod
    def _direction_not_null(cls, value: str | None) -> str | None:
        if value is None:
            raise ValueError("cannot be cleared; give inbound, outbound or both")
        return value

    def to_wire(self) -> dict[str, Any]:
        """The JSON body: exactly the fields that were set, ``None`` as ``null``."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class AvailablePhoneNumberQuery(RequestModel):
    """Query of ``GET /v1/phone-numbers/available``."""

    area_code: Annotated[str, StringConstraints(pattern=AREA_CODE_PATTERN)] | None = None
    locality: NonEmpty | None = None
    limit: Annotated[int, Field(ge=SEARCH_LIMIT_MIN, le=SEARCH_LIMIT_MAX)] | None = None

    def to_params(self) -> dict[str, str]:
        """Query parameters, camelCase, unset ones omitted."""
        return {key: str(value) for key, value in self.to_wire().items()}


if TYPE_CHECKING:
    PhoneNumber = PhoneNumberRecord  # deprecated: warns at run time, see below
else:
    __getattr__ = deprecated_getattr(
        __name__, {"PhoneNumber": "PhoneNumberRecord"}, from_namespace(__name__, globals())
    )
