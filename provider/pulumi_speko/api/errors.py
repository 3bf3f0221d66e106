"""The errors the client raises: one hierarchy, one line each.

``str(error)`` is a single line an operator can act on: what was attempted, what came
back, and the platform's code and message. No error holds the request, its headers or
the API key. Input that fails local validation (a bad request model or search query)
raises ``pydantic.ValidationError`` before any request and is not part of this tree.

::

    SpekoError
    ├── ApiError                  the server answered with a non-2xx status
    │   ├── BadRequestError       400 (ValidationError until 0.x, a deprecated alias)
    │   ├── AuthenticationError   401
    │   ├── PaymentRequiredError  402
    │   ├── PermissionDeniedError 403
    │   ├── NotFoundError         404 on one number: it is gone (or another org's)
    │   ├── EndpointNotFoundError 404 on a path that always exists: the base URL is wrong
    │   ├── ConflictError         409
    │   ├── RateLimitError        429
    │   └── ServerError           5xx
    ├── ApiConnectionError        no response (request_sent says if it may have arrived)
    │   └── ApiTimeoutError
    └── UnexpectedResponseError   a 2xx whose body is not what the contract says
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from typing_extensions import dataclass_transform

from pulumi_speko._lazy import deprecated_getattr, from_namespace

MAX_DETAILS_SHOWN = 3
"""Validation details named in the one-line message; the rest are counted."""

_WHITESPACE_RE = re.compile(r"\s+")


def _one_line(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip()


def _restore_error(cls: type[SpekoError]) -> SpekoError:
    return cls.__new__(cls)


def _quiet(default: Any = dataclasses.MISSING) -> Any:
    """A field left out of ``repr`` (it shows in the one-line message instead)."""
    return dataclasses.field(default=default, repr=False)


@dataclass_transform(kw_only_default=True, eq_default=False, field_specifiers=(_quiet,))
class SpekoError(Exception):
    """Base of every error raised by :class:`pulumi_speko.api.Client`.

    Each subclass declares only the fields it adds, once, as annotations; this base
    turns them into a keyword-only constructor, attributes and a ``repr`` naming the
    class and its fields (those declared with ``_quiet()`` left out). Errors compare by
    identity, like every exception.
    """

    attempts: int = 1
    """How many times the request was sent before giving up (1 when not retried)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclass(kw_only=True, eq=False)(cls)

    def _notes(self, *notes: str | None) -> str:
        shown = [note for note in notes if note]
        if self.attempts > 1:
            shown.append(f"after {self.attempts} attempts")
        return f" ({', '.join(shown)})" if shown else ""

    def __reduce__(self) -> tuple[Any, ...]:
        # keyword-only constructors defeat Exception's default pickling
        return (_restore_error, (type(self),), self.__dict__.copy())


@dataclass(frozen=True)
class ErrorDetail:
    """One problem named by a 400 body's ``details`` list."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ApiError(SpekoError):
    """The server answered with an error status.

    Attributes: ``status`` (HTTP status), ``code`` (the platform's code, or ``HTTP_<status>``
    when the body had none), ``message``, ``request_id`` (the ``X-Request-Id`` header, if
    any), ``method``, ``path`` (path and query as sent), ``retry_after`` (seconds the
    ``Retry-After`` header asked for, if any) and ``attempts``.
    """

    status: int
    code: str
    message: str
    method: str
    path: str
    request_id: str | None = None
    retry_after: float | None = _quiet(default=None)
    attempts: int = _quiet(default=1)

    def _summary(self) -> str:
        return self.message

    def __str__(self) -> str:
        request_note = f"request id {self.request_id}" if self.request_id else None
        wait_note = f"retry after {self.retry_after:g}s" if self.retry_after is not None else None
        line = f"{self.method} {self.path} -> {self.status} {self.code}: {self._summary()}"
        return _one_line(line + self._notes(wait_note, request_note))


class BadRequestError(ApiError):
    """400: the server rejected the request body or query; ``details`` names the fields.

    Until 0.x it was named ``ValidationError``, a name that clashed with pydantic's; that
    name stays a deprecated alias in :mod:`pulumi_speko.api` for one release.
    """

    details: tuple[ErrorDetail, ...] = _quiet(default=())

    def _summary(self) -> str:
        if not self.details:
            return self.message
        shown = "; ".join(str(detail) for detail in self.details[:MAX_DETAILS_SHOWN])
        hidden = len(self.details) - MAX_DETAILS_SHOWN
        more = f"; and {hidden} more" if hidden > 0 else ""
        return f"{self.message} ({shown}{more})"


class AuthenticationError(ApiError):
    """401: the API key is missing, wrong or revoked."""


class PaymentRequiredError(ApiError):
    """402: the organization's prepaid credits do not cover the purchase."""


class PermissionDeniedError(ApiError):
    """403: not allowed, e.g. a managed purchase before business verification is filed."""


class NotFoundError(ApiError):
    """404: no such resource in this organization."""


class EndpointNotFoundError(ApiError):
    """404 on a path that always exists (a list, a search, a POST): the base URL is wrong.

    Unlike :class:`NotFoundError` it never means that something is gone. ``base_url`` is
    the API root the request was resolved against.
    """

    base_url: str = _quiet()

    def _summary(self) -> str:
        endpoint = self.base_url + self.path.split("?", 1)[0]
        return (
            f"{self.message}; {endpoint} is not an endpoint of the API, "
            f"so the base URL {self.base_url} is wrong"
        )


class ConflictError(ApiError):
    """409: the E.164 is already held by a live number."""


class RateLimitError(ApiError):
    """429: too many requests; ``retry_after`` holds the seconds the server asked for."""

    waited: float | None = None
    """Seconds the client waited out 429 answers before giving up, when it did."""

    def _notes(self, *notes: str | None) -> str:
        if self.waited is None:
            return super()._notes(*notes)
        gave_up = (
            f"gave up after waiting {self.waited:.0f}s on the rate limit: raise "
            "speko:rateLimitWaitSeconds or run fewer operations at once"
        )
        return super()._notes(gave_up, *notes)


class ServerError(ApiError):
    """5xx: the platform failed; the request may or may not have taken effect."""


_ERROR_CLASS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: PaymentRequiredError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_class_for_status(status: int) -> type[ApiError]:
    """The :class:`ApiError` subclass for an HTTP error status."""
    if status >= 500:
        return ServerError
    return _ERROR_CLASS_BY_STATUS.get(status, ApiError)


class ApiConnectionError(SpekoError):
    """No response came back: the connection failed or was lost.

    ``request_sent`` is False only when no connection was established, so the request
    provably did not reach the server; when True the request may have taken effect.
    ``reason`` names the transport failure, e.g. ``ReadError: connection reset``;
    ``base_url`` the API root it tried, when known.
    """

    method: str
    path: str
    request_sent: bool
    reason: str
    attempts: int = _quiet(default=1)
    base_url: str | None = _quiet(default=None)

    def _what_happened(self) -> str:
        if self.request_sent:
            return "connection lost after the request was sent"
        return "could not connect"

    def _consequence(self) -> str:
        if not self.request_sent:
            return "; the request was not sent"
        if self.method.upper() == "GET":
            return ""
        return "; the request may have taken effect"

    def __str__(self) -> str:
        line = (
            f"{self.method} {self.path} -> {self._what_happened()} ({self.reason})"
            f"{self._consequence()}"
        )
        tried = f"tried {self.base_url}" if self.base_url else None
        return _one_line(line + self._notes(tried))



class ApiTimeoutError(ApiConnectionError):
    """The request timed out: connecting (not sent) or waiting for the response (sent)."""

    def _what_happened(self) -> str:
        if self.request_sent:
            return "timed out after the request was sent"
        return "timed out before a connection was made"


class UnexpectedResponseError(SpekoError):
    """A 2xx response whose body is not what the contract describes.

    The request succeeded, so a POST has taken effect; ``reason`` says what was wrong
    with the body.
    """

    status: int
    method: str
    path: str
    reason: str
    request_id: str | None = None
    attempts: int = _quiet(default=1)

    def __str__(self) -> str:
        request_note = f"request id {self.request_id}" if self.request_id else None
        line = (
            f"{self.method} {self.path} -> {self.status} but the response could not be read "
            f"({self.reason}); the request succeeded"
        )
        return _one_line(line + self._notes(request_note))



class OrganizationMismatchError(SpekoError):
    """A response belongs to another organization than the client was pinned to.

    Raised by a client built with ``expected_organization_id`` for every PhoneNumber or
    VerificationSubmission of another organization it parses, so nothing of that
    organization reaches the caller. ``expected`` is the pinned organization, ``actual``
    the one the response carries.
    """

    expected: str
    actual: str
    method: str
    path: str

    def __str__(self) -> str:
        return _one_line(
            f"{self.method} {self.path} answered for organization {self.actual}, but the "
            f"client is pinned to organization {self.expected}"
        )


if TYPE_CHECKING:
    ValidationError = BadRequestError  # deprecated: warns at run time, see below
else:
    __getattr__ = deprecated_getattr(
        __name__, {"ValidationError": "BadRequestError"}, from_namespace(__name__, globals())
    )
