"""Typed client of the Speko Phone Numbers API (HTTP, auth, retries, error mapping).

::

    from pulumi_speko.api import Client, PhoneNumberCreate

    with Client(api_key) as client:
        number = client.create_phone_number(PhoneNumberCreate(e164="+14155550123"))

The client lives in a private module; this package re-exports it with the errors, the
wire models and the retry policy constants.
"""

from pulumi_speko.api._client import DEFAULT_BASE_URL, DEFAULT_TIMEOUT, USER_AGENT, Client
from pulumi_speko.api._retry import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_RETRY_BUDGET,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_DELAY_MULTIPLIER,
    RETRY_JITTER_FRACTION,
)
from pulumi_speko.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    ConflictError,
    ErrorDetail,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SpekoError,
    UnexpectedResponseError,
    ValidationError,
)
from pulumi_speko.api.models import (
    Address,
    AuthorizedRepresentative,
    AvailablePhoneNumber,
    AvailablePhoneNumberQuery,
    BusinessProfile,
    PhoneNumber,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberUpdate,
    Region,
    SetupStatus,
    VerificationDraft,
    VerificationOverview,
    VerificationPrefill,
    VerificationSubmission,
    VerificationSubmit,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_RETRY_BUDGET",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "RETRY_DELAY_MULTIPLIER",
    "RETRY_JITTER_FRACTION",
    "USER_AGENT",
    "Address",
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "AuthorizedRepresentative",
    "AvailablePhoneNumber",
    "AvailablePhoneNumberQuery",
    "BusinessProfile",
    "Client",
    "ConflictError",
    "ErrorDetail",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PhoneNumber",
    "PhoneNumberCreate",
    "PhoneNumberImport",
    "PhoneNumberUpdate",
    "RateLimitError",
    "Region",
    "ServerError",
    "SetupStatus",
    "SpekoError",
    "UnexpectedResponseError",
    "ValidationError",
    "VerificationDraft",
    "VerificationOverview",
    "VerificationPrefill",
    "VerificationSubmission",
    "VerificationSubmit",
]
