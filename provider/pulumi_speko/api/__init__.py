"""Typed client of the Speko Phone Numbers API (HTTP, auth, retries, error mapping).

::

    from pulumi_speko.api import Client, PhoneNumberCreate

    with Client(api_key) as client:
        number = client.create_phone_number(PhoneNumberCreate(e164="+14155550123"))

The client lives in a private module; this package re-exports it with the errors, the
wire models and the retry policy constants, lazily: importing a name loads only its
module, so programs that only need the models do not pay for httpx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_speko._lazy import deprecated_getattr, lazy_getattr

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "DEFAULT_BASE_URL": "pulumi_speko.api._client",
    "DEFAULT_MAX_RETRIES": "pulumi_speko.api._retry",
    "DEFAULT_RETRY_BUDGET": "pulumi_speko.api._retry",
    "DEFAULT_TIMEOUT": "pulumi_speko.api._client",
    "INITIAL_RETRY_DELAY": "pulumi_speko.api._retry",
    "MAX_RETRY_AFTER": "pulumi_speko.api._retry",
    "MAX_RETRY_DELAY": "pulumi_speko.api._retry",
    "RETRY_DELAY_MULTIPLIER": "pulumi_speko.api._retry",
    "RETRY_JITTER_FRACTION": "pulumi_speko.api._retry",
    "USER_AGENT": "pulumi_speko.api._client",
    "Address": "pulumi_speko.api.models",
    "ApiConnectionError": "pulumi_speko.api.errors",
    "ApiError": "pulumi_speko.api.errors",
    "ApiTimeoutError": "pulumi_speko.api.errors",
    "AuthenticationError": "pulumi_speko.api.errors",
    "AuthorizedRepresentative": "pulumi_speko.api.models",
    "AvailablePhoneNumber": "pulumi_speko.api.models",
    "AvailablePhoneNumberQuery": "pulumi_speko.api.models",
    "BadRequestError": "pulumi_speko.api.errors",
    "BusinessProfile": "pulumi_speko.api.models",
    "Client": "pulumi_speko.api._client",
    "ConflictError": "pulumi_speko.api.errors",
    "EndpointNotFoundError": "pulumi_speko.api.errors",
    "ErrorDetail": "pulumi_speko.api.errors",
    "NotFoundError": "pulumi_speko.api.errors",
    "OrganizationMismatchError": "pulumi_speko.api.errors",
    "PaymentRequiredError": "pulumi_speko.api.errors",
    "PermissionDeniedError": "pulumi_speko.api.errors",
    "PhoneNumberCreate": "pulumi_speko.api.models",
    "PhoneNumberImport": "pulumi_speko.api.models",
    "PhoneNumberRecord": "pulumi_speko.api.models",
    "PhoneNumberUpdate": "pulumi_speko.api.models",
    "RateLimitError": "pulumi_speko.api.errors",
    "Region": "pulumi_speko.api.models",
    "ServerError": "pulumi_speko.api.errors",
    "SetupStatus": "pulumi_speko.api.models",
    "SpekoError": "pulumi_speko.api.errors",
    "UnexpectedResponseError": "pulumi_speko.api.errors",
    "VerificationDraft": "pulumi_speko.api.models",
    "VerificationOverview": "pulumi_speko.api.models",
    "VerificationPrefill": "pulumi_speko.api.models",
    "VerificationSubmission": "pulumi_speko.api.models",
    "VerificationSubmit": "pulumi_speko.api.models",
}

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
    "BadRequestError",
    "BusinessProfile",
    "Client",
    "ConflictError",
    "EndpointNotFoundError",
    "ErrorDetail",
    "NotFoundError",
    "OrganizationMismatchError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PhoneNumberCreate",
    "PhoneNumberImport",
    "PhoneNumberRecord",
    "PhoneNumberUpdate",
    "RateLimitError",
    "Region",
    "ServerError",
    "SetupStatus",
    "SpekoError",
    "UnexpectedResponseError",
    "VerificationDraft",
    "VerificationOverview",
    "VerificationPrefill",
    "VerificationSubmission",
    "VerificationSubmit",
]

if TYPE_CHECKING:
    from pulumi_speko.api._client import (
        DEFAULT_BASE_URL as DEFAULT_BASE_URL,
    )
    from pulumi_speko.api._client import (
        DEFAULT_TIMEOUT as DEFAULT_TIMEOUT,
    )
    from pulumi_speko.api._client import (
        USER_AGENT as USER_AGENT,
    )
    from pulumi_speko.api._client import (
        Client as Client,
    )
    from pulumi_speko.api._retry import (
        DEFAULT_MAX_RETRIES as DEFAULT_MAX_RETRIES,
    )
    from pulumi_speko.api._retry import (
        DEFAULT_RETRY_BUDGET as DEFAULT_RETRY_BUDGET,
    )
    from pulumi_speko.api._retry import (
        INITIAL_RETRY_DELAY as INITIAL_RETRY_DELAY,
    )
    from pulumi_speko.api._retry import (
        MAX_RETRY_AFTER as MAX_RETRY_AFTER,
    )
    from pulumi_speko.api._retry import (
        MAX_RETRY_DELAY as MAX_RETRY_DELAY,
    )
    from pulumi_speko.api._retry import (
        RETRY_DELAY_MULTIPLIER as RETRY_DELAY_MULTIPLIER,
    )
    from pulumi_speko.api._retry import (
        RETRY_JITTER_FRACTION as RETRY_JITTER_FRACTION,
    )
    from pulumi_speko.api.errors import (
        ApiConnectionError as ApiConnectionError,
    )
    from pulumi_speko.api.errors import (
        ApiError as ApiError,
    )
    from pulumi_speko.api.errors import (
        ApiTimeoutError as ApiTimeoutError,
    )
    from pulumi_speko.api.errors import (
        AuthenticationError as AuthenticationError,
    )
    from pulumi_speko.api.errors import (
        BadRequestError as BadRequestError,
    )
    from pulumi_speko.api.errors import (
        ConflictError as ConflictError,
    )
    from pulumi_speko.api.errors import (
        EndpointNotFoundError as EndpointNotFoundError,
    )
    from pulumi_speko.api.errors import (
        ErrorDetail as ErrorDetail,
    )
    from pulumi_speko.api.errors import (
        NotFoundError as NotFoundError,
    )
    from pulumi_speko.api.errors import (
        OrganizationMismatchError as OrganizationMismatchError,
    )
    from pulumi_speko.api.errors import (
        PaymentRequiredError as PaymentRequiredError,
    )
    from pulumi_speko.api.errors import (
        PermissionDeniedError as PermissionDeniedError,
    )
    from pulumi_speko.api.errors import (
        RateLimitError as RateLimitError,
    )
    from pulumi_speko.api.errors import (
        ServerError as ServerError,
    )
    from pulumi_speko.api.errors import (
        SpekoError as SpekoError,
    )
    from pulumi_speko.api.errors import (
        UnexpectedResponseError as UnexpectedResponseError,
    )
    from pulumi_speko.api.models import (
        Address as Address,
    )
    from pulumi_speko.api.models import (
        AuthorizedRepresentative as AuthorizedRepresentative,
    )
    from pulumi_speko.api.models import (
        AvailablePhoneNumber as AvailablePhoneNumber,
    )
    from pulumi_speko.api.models import (
        AvailablePhoneNumberQuery as AvailablePhoneNumberQuery,
    )
    from pulumi_speko.api.models import (
        BusinessProfile as BusinessProfile,
    )
    from pulumi_speko.api.models import (
        PhoneNumberCreate as PhoneNumberCreate,
    )
    from pulumi_speko.api.models import (
        PhoneNumberImport as PhoneNumberImport,
    )
    from pulumi_speko.api.models import (
        PhoneNumberRecord as PhoneNumberRecord,
    )
    from pulumi_speko.api.models import (
        PhoneNumberUpdate as PhoneNumberUpdate,
    )
    from pulumi_speko.api.models import (
        Region as Region,
    )
    from pulumi_speko.api.models import (
        SetupStatus as SetupStatus,
    )
    from pulumi_speko.api.models import (
        VerificationDraft as VerificationDraft,
    )
    from pulumi_speko.api.models import (
        VerificationOverview as VerificationOverview,
    )
    from pulumi_speko.api.models import (
        VerificationPrefill as VerificationPrefill,
    )
    from pulumi_speko.api.models import (
        VerificationSubmission as VerificationSubmission,
    )
    from pulumi_speko.api.models import (
        VerificationSubmit as VerificationSubmit,
    )

    # deprecated aliases, resolved at run time by __getattr__ with a warning
    PhoneNumber = PhoneNumberRecord
    ValidationError = BadRequestError


_DEPRECATED_ALIASES: dict[str, str] = {
    # old name -> the name it now has; each kept for one release after its rename
    "PhoneNumber": "PhoneNumberRecord",
    "ValidationError": "BadRequestError",
}

__getattr__ = deprecated_getattr(
    __name__, _DEPRECATED_ALIASES, lazy_getattr(__name__, _EXPORTS, globals())
)
