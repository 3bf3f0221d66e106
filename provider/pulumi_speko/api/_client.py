"""The HTTP client: auth, one request per call with retries, error mapping, parsing."""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, NoReturn, TypeVar
from urllib.parse import quote, urlencode

import httpx
import pydantic

from pulumi_speko._version import __version__
from pulumi_speko.api import _limiter, _retry
from pulumi_speko.api._error_body import ErrorBody, read_error_body
from pulumi_speko.api.errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    BadRequestError,
    EndpointNotFoundError,
    NotFoundError,
    OrganizationMismatchError,
    RateLimitError,
    SpekoError,
    UnexpectedResponseError,
    error_class_for_status,
)
from pulumi_speko.api.identity import organization_of_key
from pulumi_speko.api.models import (
    AvailablePhoneNumber,
    AvailablePhoneNumberQuery,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberRecord,
    PhoneNumberUpdate,
    ReleaseResult,
    VerificationDraft,
    VerificationOverview,
    VerificationSubmission,
    VerificationSubmit,
    contract_name,
    parse_response,
    parse_response_list,
)
from pulumi_speko.api.urls import cleartext_problem, url_problem
from pulumi_speko.constants import DEFAULT_BASE_URL as DEFAULT_BASE_URL
from pulumi_speko.constants import DEFAULT_TIMEOUT_SECONDS

DEFAULT_TIMEOUT = DEFAULT_TIMEOUT_SECONDS
USER_AGENT = f"pulumi-speko/{__version__}"
REQUEST_ID_HEADER = "X-Request-Id"
REDACTED = "[REDACTED]"
# Response data is scrubbed of the key only when the key is at least this long: real keys
# are, and a shorter one would corrupt values it happens to be part of.
MIN_REDACTED_DATA_KEY_LENGTH = 8
PHONE_NUMBERS_PATH = "/v1/phone-numbers"
VERIFICATION_PATH = "/v1/phone-numbers/kyb"

# Failures that happen before a connection exists: the server never saw the request.
_NOT_SENT_ERRORS: tuple[type[httpx.RequestError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ProxyError,
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
_MAX_PARSE_PROBLEMS_SHOWN = 3
_READ_METHODS = frozenset({"GET", "HEAD"})

logger = logging.getLogger("pulumi_speko.api")

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)
Outcome = httpx.Response | SpekoError


@dataclass(frozen=True)
class _Call:
    """One logical request: what is sent and how it is named in messages and logs."""

    method: str
    target: str  # path and query, percent-encoded, relative to the base URL
    shown: str  # ``target`` with the API key redacted
    body: dict[str, Any] | None = None
    # Whether the path names one number: only there does a 404 mean "gone"; anywhere
    # else (a list, a search, a POST) the path always exists and a 404 means a wrong URL.
    names_one_number: bool = False


def _id_segment(resource_id: str) -> str:
    """``resource_id`` percent-encoded as exactly one path segment."""
    if not isinstance(resource_id, str) or not resource_id:
        raise ValueError("a phone number id must be a non-empty string")
    segment = quote(resource_id, safe="")
    if segment in {".", ".."}:  # dot segments would be resolved away by URL normalization
        segment = segment.replace(".", "%2E")
    return segment


def _check_settings(
    api_key: str, base_url: str, timeout: float, max_retries: int, allow_insecure_http: bool
) -> None:
    if not isinstance(api_key, str) or not api_key or any(c.isspace() for c in api_key):
        raise ValueError("api_key must be a non-empty string without whitespace")
    problem = url_problem(base_url) or cleartext_problem(base_url, allow_insecure_http)
    if problem is not None:
        raise ValueError(f"base_url: {problem}")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    if max_retries < 0:
        raise ValueError("max_retries must be zero or more")


class Client:
    """Typed client of the Speko Phone Numbers API.

    One instance holds one keep-alive connection pool and is safe to share between
    threads. Idempotent calls are retried on 5xx and transport failures; a POST only
    when it provably did not take effect (no connection). Every call is retried on 429:
    one rate limiter, shared by the client's threads, pauses them all until the
    ``Retry-After`` and adapts their request rate (see ``_limiter``); a call fails on 429
    only after ``rate_limit_wait`` seconds of waiting. Plain ``http`` is
    refused unless the host is loopback or ``allow_insecure_http`` is set, and redirects
    are never followed, so the key goes only where it was meant to. With
    ``expected_organization_id`` (``speko:organizationId``) every PhoneNumber and
    VerificationSubmission of another organization is refused with
    :class:`~pulumi_speko.api.errors.OrganizationMismatchError`, and the key's
    organization is checked once before the first write. Errors are
    :mod:`pulumi_speko.api.errors`; invalid input raises ``pydantic.ValidationError``
    before any request. The API key is sent only in the ``Authorization`` header.
    """

    def __init__(
        self,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_retries: int = _retry.DEFAULT_MAX_RETRIES,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        retry_budget: float = _retry.DEFAULT_RETRY_BUDGET,
        allow_insecure_http: bool = False,
        expected_organization_id: str | None = None,
        rate_limit_wait: float = _limiter.DEFAULT_RATE_LIMIT_WAIT,
    ) -> None:
        _check_settings(api_key, base_url, timeout, max_retries, allow_insecure_http)
        if not rate_limit_wait >= 0:
            raise ValueError("rate_limit_wait must be zero or more seconds")
        self._api_key = api_key
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._max_retries = max_retries
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._retry_budget = retry_budget
        self._rate_limit_wait = rate_limit_wait
        self._limiter = _limiter.RateLimiter(clock, sleep)
        self._http_client: httpx.Client | None = None
        self._closed = False
        self._lock = threading.Lock()
        self._expected_organization_id = expected_organization_id
        self._organization_checked = False
        self._organization_lock = threading.Lock()

    @property
    def base_url(self) -> str:
        """The API root every path is resolved against."""
        return self._base_url

    def __repr__(self) -> str:
        return f"Client(base_url={self._base_url!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Speko API client cannot be pickled; build one where it is used")

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool. The client cannot be used afterwards."""
        with self._lock:
            self._closed = True
            if self._http_client is not None:
                self._http_client.close()

    # ------------------------------------------------------------------ phone numbers

    def list_phone_numbers(self) -> list[PhoneNumberRecord]:
        """All of the organization's numbers (``GET /v1/phone-numbers``)."""
        call = _Call("GET", PHONE_NUMBERS_PATH, PHONE_NUMBERS_PATH)
        return self._call_list(PhoneNumberRecord, call)

    def get_phone_number(self, id: str) -> PhoneNumberRecord:
        """One number by id (``GET /v1/phone-numbers/{id}``); :class:`NotFoundError` if gone."""
        return self._call(PhoneNumberRecord, self._number_call("GET", id))

    def create_phone_number(self, number: PhoneNumberCreate) -> PhoneNumberRecord:
        """Buy a managed number (``POST /v1/phone-numbers``). Never replayed once sent."""
        call = self._make_call("POST", PHONE_NUMBERS_PATH, body=number.to_wire())
        return self._call(PhoneNumberRecord, call)

    def import_phone_number(self, number: PhoneNumberImport) -> PhoneNumberRecord:
        """Bring a SIP-trunk number (``POST /v1/phone-numbers/import``)."""
        call = self._make_call("POST", f"{PHONE_NUMBERS_PATH}/import", body=number.to_wire())
        return self._call(PhoneNumberRecord, call)

    def update_phone_number(self, id: str, update: PhoneNumberUpdate) -> PhoneNumberRecord:
        """Change routing fields (``PATCH /v1/phone-numbers/{id}``); only set fields are sent."""
        return self._call(PhoneNumberRecord, self._number_call("PATCH", id, body=update.to_wire()))

    def release_phone_number(self, id: str) -> bool:
        """Release a number for good (``DELETE /v1/phone-numbers/{id}``); the ``released`` flag."""
        return self._call(ReleaseResult, self._number_call("DELETE", id)).released

    def search_available_phone_numbers(
        self,
        area_code: str | None = None,
        locality: str | None = None,
        limit: int | None = None,
    ) -> list[AvailablePhoneNumber]:
        """Numbers that can be bought (``GET /v1/phone-numbers/available``).

        The query is validated first: a bad ``area_code`` (three digits) or ``limit``
        (1 to 50) raises ``pydantic.ValidationError`` and sends nothing.
        """
        query = AvailablePhoneNumberQuery(area_code=area_code, locality=locality, limit=limit)
        call = self._make_call("GET", f"{PHONE_NUMBERS_PATH}/available", query.to_params())
        return self._call_list(AvailablePhoneNumber, call)

    # ---------------------------------------------------------- business verification

    def get_business_verification(self) -> VerificationOverview:
        """The verification status and current submission (``GET /v1/phone-numbers/kyb``)."""
        return self._call(VerificationOverview, self._make_call("GET", VERIFICATION_PATH))

    def save_business_verification_draft(self, draft: VerificationDraft) -> VerificationSubmission:
        """Replace the draft (``PUT /v1/phone-numbers/kyb/draft``)."""
        call = self._make_call("PUT", f"{VERIFICATION_PATH}/draft", body=draft.to_wire())
        return self._call(VerificationSubmission, call)

    def submit_business_verification(self, submit: VerificationSubmit) -> VerificationSubmission:
        """File the verification for review (``POST /v1/phone-numbers/kyb/submit``)."""
        call = self._make_call("POST", f"{VERIFICATION_PATH}/submit", body=submit.to_wire())
        return self._call(VerificationSubmission, call)

    # --------------------------------------------------------------------- plumbing

    def _number_call(self, method: str, id: str, body: dict[str, Any] | None = None) -> _Call:
        call = self._make_call(method, f"{PHONE_NUMBERS_PATH}/{_id_segment(id)}", body=body)
        return replace(call, names_one_number=True)

    def _make_call(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None = None,
        body: dict[str, Any] | None = None,
    ) -> _Call:
        target = f"{path}?{urlencode(params, quote_via=quote)}" if params else path
        return _Call(method, target, self._redact(target), body)

    def _call(self, model: type[ModelT], call: _Call) -> ModelT:
        self._check_organization_before_write(call)
        response = self._send_with_retries(call)
        data = self._json_body(call, response)
        try:
            parsed = parse_response(model, data)
        except pydantic.ValidationError as exc:
            reason = _describe_invalid(contract_name(model), exc)
        else:
            self._refuse_other_organizations(call, [parsed])
            return parsed
        raise self._unexpected(call, response, reason)

    def _call_list(self, model: type[ModelT], call: _Call) -> list[ModelT]:
        response = self._send_with_retries(call)
        data = self._json_body(call, response)
        try:
            parsed = parse_response_list(model, data)
        except pydantic.ValidationError as exc:
            reason = _describe_invalid(f"list of {contract_name(model)}", exc)
        else:
            self._refuse_other_organizations(call, parsed)
            return parsed
        raise self._unexpected(call, response, reason)

    # ------------------------------------------------------------ organization pin

    def _refuse_other_organizations(self, call: _Call, parsed: list[Any]) -> None:
        """Raise when a pinned client parsed anything of another organization."""
        expected = self._expected_organization_id
        if expected is None:
            return
        for organization in _organizations_of(parsed):
            if organization != expected:
                raise OrganizationMismatchError(
                    expected=expected, actual=organization, method=call.method, path=call.shown
                )

    def _check_organization_before_write(self, call: _Call) -> None:
        """Before a pinned client's first write, learn the key's organization (each
        answer is checked against the pin), so a key of another organization writes
        nothing there. A key whose organization cannot be learned (no number, no
        submission) is checked on the write's own answer."""
        if call.method in _READ_METHODS or self._expected_organization_id is None:
            return
        with self._organization_lock:
            if not self._organization_checked:
                organization_of_key(self)
                self._organization_checked = True

    def _json_body(self, call: _Call, response: httpx.Response) -> Any:
        try:
            return self._redact_json(response.json())
        except ValueError:
            snippet = self._redact(response.text)[:80]
        raise self._unexpected(call, response, f"body is not JSON: {snippet!r}")

    def _unexpected(
        self, call: _Call, response: httpx.Response, reason: str
    ) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            status=response.status_code,
            method=call.method,
            path=call.shown,
            reason=reason,
            request_id=self._request_id(response),
        )

    # --------------------------------------------------------------------- retries

    def _send_with_retries(self, call: _Call) -> httpx.Response:
        started = self._clock()
        attempt = 1
        retry = 1  # retries of failures other than 429, which max_retries counts
        rate_limited_for = 0.0  # seconds spent on 429s, outside the retry budget
        while True:
            ticket = self._limiter.acquire(started + self._rate_limit_wait)
            if ticket is None:
                raise self._paused_too_long(call, attempt - 1, started)
            outcome = self._send_once(call)
            if isinstance(outcome, httpx.Response):
                return outcome
            if isinstance(outcome, RateLimitError):
                self._wait_out_429(call, outcome, ticket, attempt, started)
                rate_limited_for = self._clock() - started
                attempt += 1
                continue
            delay = self._delay_before_retry(call, outcome, retry, started + rate_limited_for)
            if delay is None:
                outcome.attempts = attempt
                raise outcome  # raised outside any except block: no httpx request attached
            logger.info(
                "retrying %s %s in %.2fs after %s (retry %d of %d)",
                call.method,
                call.shown,
                delay,
                _failure_name(outcome),
                retry,
                self._max_retries,
            )
            self._sleep(delay)
            attempt += 1
            retry += 1

    def _wait_out_429(
        self, call: _Call, error: RateLimitError, ticket: float, attempt: int, started: float
    ) -> None:
        """Pause the client for a 429 and return (the limiter then holds this call until
        the pause ends), or raise ``error`` when that would be past the call's wait."""
        pause = self._limiter.rate_limited(ticket, error.retry_after)
        if self._limiter.paused_until - started > self._rate_limit_wait:
            error.attempts = attempt
            if self._rate_limit_wait > 0:  # 0: waiting on 429 turned off, nothing to say
                error.waited = self._clock() - started
            raise error
        rate = self._limiter.rate
        logger.info(
            "retrying %s %s in %.2fs after %s (rate limited: every request paused%s)",
            call.method,
            call.shown,
            pause,
            _failure_name(error),
            "" if rate is None else f", then {rate:.2f} requests/s",
        )

    def _paused_too_long(self, call: _Call, attempts: int, started: float) -> RateLimitError:
        """The error of a call that a pause (another call's 429) would hold too long."""
        remaining = self._limiter.paused_until - self._clock()
        error = RateLimitError(
            status=_retry.RATE_LIMITED_STATUS,
            code="RATE_LIMITED",
            message="not sent: an earlier 429 paused this client's requests",
            method=call.method,
            path=call.shown,
            retry_after=math.ceil(remaining),
            attempts=max(attempts, 1),
        )
        error.waited = self._clock() - started
        return error

    def _delay_before_retry(
        self, call: _Call, failure: SpekoError, attempt: int, started: float
    ) -> float | None:
        """Seconds to wait before retrying ``failure``, or None to give up."""
        if attempt > self._max_retries or not _is_retryable(call.method, failure):
            return None
        retry_after = failure.retry_after if isinstance(failure, ApiError) else None
        delay = _retry.retry_delay(attempt, retry_after, random.random())
        if self._clock() - started + delay > self._retry_budget:
            return None
        return delay

    def _send_once(self, call: _Call) -> Outcome:
        """One attempt: the 2xx response, or the error it maps to (returned, not raised)."""
        sent_at = self._clock()
        try:
            response = self._http().request(call.method, call.target, json=call.body)
        except httpx.RequestError as exc:
            return self._transport_error(call, exc)
        logger.debug(
            "%s %s -> %d in %.3fs",
            call.method,
            call.shown,
            response.status_code,
            self._clock() - sent_at,
        )
        if response.is_success:
            return response
        return self._api_error(call, response)

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._closed:
                raise RuntimeError("the Speko API client is closed")
            if self._http_client is None:
                self._http_client = self._build_http_client()
            return self._http_client

    def _build_http_client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self._base_url,
            headers={
                "Authorization": f"Bearer {self._api_key}",
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(self._timeout),
            transport=self._transport,
            follow_redirects=False,
        )

    # --------------------------------------------------------------- error mapping

    def _api_error(self, call: _Call, response: httpx.Response) -> ApiError:
        body = read_error_body(response.status_code, response.text, self._redact)
        error_class = error_class_for_status(response.status_code)
        fields = self._error_fields(call, response, body)
        if response.is_redirect:
            fields["message"] = self._redirect_message(response)
        if error_class is NotFoundError and not call.names_one_number:
            return EndpointNotFoundError(base_url=self._redact(self._base_url), **fields)
        if issubclass(error_class, BadRequestError):
            return error_class(details=body.details, **fields)
        return error_class(**fields)

    def _error_fields(
        self, call: _Call, response: httpx.Response, body: ErrorBody
    ) -> dict[str, Any]:
        return {
            "status": response.status_code,
            "code": body.code,
            "message": body.message,
            "method": call.method,
            "path": call.shown,
            "request_id": self._request_id(response),
            "retry_after": _retry_after_seconds(response),
        }

    def _redirect_message(self, response: httpx.Response) -> str:
        location = self._redact(response.headers.get("Location", "")) or "an unnamed address"
        return (
            f"the API redirected to {location}, and redirects are never followed so the key "
            "goes only to the configured base URL; set the base URL to the address that "
            "answers directly (https)"
        )

    def _transport_error(self, call: _Call, exc: httpx.RequestError) -> ApiConnectionError:
        timed_out = isinstance(exc, httpx.TimeoutException)
        error_class = ApiTimeoutError if timed_out else ApiConnectionError
        detail = self._redact(str(exc)) or "no detail"
        return error_class(
            method=call.method,
            path=call.shown,
            request_sent=not isinstance(exc, _NOT_SENT_ERRORS),
            reason=f"{type(exc).__name__}: {detail}",
            base_url=self._redact(self._base_url),
        )

    def _request_id(self, response: httpx.Response) -> str | None:
        request_id = response.headers.get(REQUEST_ID_HEADER)
        return self._redact(request_id) if request_id else None

    def _redact(self, text: str) -> str:
        return text.replace(self._api_key, REDACTED)

    def _redact_json(self, data: Any) -> Any:
        if len(self._api_key) < MIN_REDACTED_DATA_KEY_LENGTH:
            return data  # a key this short would match ordinary values ("k" in "sip_trunk")
        if isinstance(data, str):
            return self._redact(data)
        if isinstance(data, list):
            return [self._redact_json(item) for item in data]
        if isinstance(data, dict):
            return {self._redact(key): self._redact_json(value) for key, value in data.items()}
        return data


def _organizations_of(parsed: list[Any]) -> list[str]:
    """The ``organizationId`` of each number or submission in ``parsed`` (an overview's
    through its submission)."""
    organizations: list[str] = []
    for item in parsed:
        if isinstance(item, VerificationOverview):
            item = item.submission
        if isinstance(item, (PhoneNumberRecord, VerificationSubmission)):
            organizations.append(item.organization_id)
    return organizations


def _is_retryable(method: str, failure: SpekoError) -> bool:
    if isinstance(failure, ApiError):
        return _retry.is_retryable_status(method, failure.status)
    if isinstance(failure, ApiConnectionError):
        return _retry.is_retryable_transport_failure(method, failure.request_sent)
    return False


def _retry_after_seconds(response: httpx.Response) -> float | None:
    # An HTTP date is measured from the server's own Date header when there is one,
    # which keeps a skewed local clock out of the wait.
    now = _retry.parse_http_date(response.headers.get("Date")) or time.time()
    return _retry.parse_retry_after(response.headers.get("Retry-After"), now)


def _failure_name(failure: SpekoError) -> str:
    if isinstance(failure, ApiError):
        return f"{failure.status} {failure.code}"
    if isinstance(failure, ApiConnectionError):
        return failure.reason.split(":", 1)[0]
    return type(failure).__name__


def _describe_invalid(expected: str, exc: pydantic.ValidationError) -> str:
    problems = [
        f"{'.'.join(str(part) for part in problem['loc']) or 'body'}: {problem['msg']}"
        for problem in exc.errors(include_input=False, include_url=False)
    ]
    shown = "; ".join(problems[:_MAX_PARSE_PROBLEMS_SHOWN])
    more = len(problems) - _MAX_PARSE_PROBLEMS_SHOWN
    return f"not a valid {expected}: {shown}" + (f"; and {more} more" if more > 0 else "")
