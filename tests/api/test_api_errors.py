"""Error responses: the class per status family, its attributes and its one-line message."""

from __future__ import annotations

import importlib
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pulumi_speko.api import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    Client,
    ConflictError,
    EndpointNotFoundError,
    ErrorDetail,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    PhoneNumberCreate,
    PhoneNumberUpdate,
    RateLimitError,
    ServerError,
    SpekoError,
    UnexpectedResponseError,
)

from .fakes import FakeApi, error_reply

CREATE = PhoneNumberCreate(e164="+14155550123")


@pytest.fixture
def no_retry_client(make_client: Callable[..., Client]) -> Client:
    return make_client(max_retries=0, rate_limit_wait=0)


def _error_of(call: Callable[[], Any]) -> SpekoError:
    with pytest.raises(SpekoError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("status", "code", "error_class"),
    [
        (400, "VALIDATION_ERROR", BadRequestError),
        (401, "UNAUTHORIZED", AuthenticationError),
        (402, "INSUFFICIENT_CREDITS", PaymentRequiredError),
        (403, "VERIFICATION_REQUIRED", PermissionDeniedError),
        (409, "CONFLICT", ConflictError),
        (429, "RATE_LIMITED", RateLimitError),
        (500, "INTERNAL", ServerError),
        (502, "BAD_GATEWAY", ServerError),
        (503, "INTERNAL", ServerError),
        (504, "INTERNAL", ServerError),
        (507, "INTERNAL", ServerError),
        (405, "METHOD_NOT_ALLOWED", ApiError),
        (418, "TEAPOT", ApiError),
        (422, "UNPROCESSABLE", ApiError),
    ],
)
def test_each_status_family_maps_to_its_error_class(
    no_retry_client: Client,
    fake_api: FakeApi,
    status: int,
    code: str,
    error_class: type[ApiError],
) -> None:
    fake_api.reply(error_reply(status, "it went wrong", code))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert type(error) is error_class
    assert isinstance(error, ApiError)
    assert (error.status, error.code, error.message) == (status, code, "it went wrong")
    assert (error.method, error.path, error.request_id) == ("POST", "/v1/phone-numbers", None)
    assert str(error) == f"POST /v1/phone-numbers -> {status} {code}: it went wrong"


def test_conflict_message_names_the_request_id(no_retry_client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(
        error_reply(409, "+14155550123 is already held", "CONFLICT", {"X-Request-Id": "req_7Hq2"})
    )
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert error.request_id == "req_7Hq2"  # type: ignore[attr-defined]
    assert str(error) == (
        "POST /v1/phone-numbers -> 409 CONFLICT: +14155550123 is already held (request id req_7Hq2)"
    )


def test_not_found_message_names_the_encoded_path(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    fake_api.reply(error_reply(404, "Phone number not found", "NOT_FOUND"))
    error = _error_of(lambda: no_retry_client.get_phone_number("pn/1"))
    assert str(error) == "GET /v1/phone-numbers/pn%2F1 -> 404 NOT_FOUND: Phone number not found"


NOT_FOUND_BODY = {"error": "Not Found", "code": "NOT_FOUND"}


@pytest.mark.parametrize(
    ("call", "endpoint"),
    [
        (lambda api: api.create_phone_number(CREATE), "/v1/phone-numbers"),
        (lambda api: api.list_phone_numbers(), "/v1/phone-numbers"),
        (
            lambda api: api.search_available_phone_numbers(area_code="415"),
            "/v1/phone-numbers/available",
        ),
        (lambda api: api.get_business_verification(), "/v1/phone-numbers/kyb"),
    ],
)
def test_a_404_on_a_path_that_always_exists_blames_the_base_url(
    make_client: Callable[..., Client],
    fake_api: FakeApi,
    call: Callable[[Client], Any],
    endpoint: str,
) -> None:
    """``speko:baseUrl = http://host/v1`` sends ``/v1/v1/...``: nothing was ever created."""
    fake_api.reply(httpx.Response(404, json=NOT_FOUND_BODY))
    base_url = "https://api.speko.dev/v1"
    error = _error_of(lambda: call(make_client(base_url=base_url, max_retries=0)))
    assert type(error) is EndpointNotFoundError and not isinstance(error, NotFoundError)
    assert (error.status, error.base_url) == (404, base_url)
    assert f"{base_url}{endpoint} is not an endpoint of the API" in str(error)
    assert f"the base URL {base_url} is wrong" in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_a_404_on_one_number_means_it_is_gone(
    no_retry_client: Client, fake_api: FakeApi, method: str
) -> None:
    fake_api.reply(httpx.Response(404, json=NOT_FOUND_BODY))
    calls: dict[str, Callable[[], Any]] = {
        "GET": lambda: no_retry_client.get_phone_number("pn_1"),
        "PATCH": lambda: no_retry_client.update_phone_number("pn_1", PhoneNumberUpdate(label="x")),
        "DELETE": lambda: no_retry_client.release_phone_number("pn_1"),
    }
    error = _error_of(calls[method])
    assert type(error) is NotFoundError
    assert str(error) == f"{method} /v1/phone-numbers/pn_1 -> 404 NOT_FOUND: Not Found"


def test_validation_error_carries_and_summarizes_details(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    body = {
        "error": "Invalid request body",
        "code": "VALIDATION_ERROR",
        "details": [
            {"path": "e164", "message": "must match ^\\+[1-9]\\d{7,14}$"},
            {"path": ["dispatchMetadataTemplate", "team"], "message": "must be a string"},
        ],
    }
    fake_api.reply(httpx.Response(400, json=body))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert isinstance(error, BadRequestError)
    assert error.details == (
        ErrorDetail("e164", "must match ^\\+[1-9]\\d{7,14}$"),
        ErrorDetail("dispatchMetadataTemplate.team", "must be a string"),
    )
    assert str(error) == (
        "POST /v1/phone-numbers -> 400 VALIDATION_ERROR: Invalid request body "
        "(e164: must match ^\\+[1-9]\\d{7,14}$; dispatchMetadataTemplate.team: must be a string)"
    )


def test_validation_message_counts_details_beyond_three(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    details = [{"path": f"f{index}", "message": "bad"} for index in range(5)]
    body = {"error": "Invalid request body", "code": "VALIDATION_ERROR", "details": details}
    fake_api.reply(httpx.Response(400, json=body))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert str(error).endswith("(f0: bad; f1: bad; f2: bad; and 2 more)")
    assert len(error.details) == 5  # type: ignore[attr-defined]


def test_validation_error_without_details(no_retry_client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(error_reply(400, "Invalid request body", "VALIDATION_ERROR"))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert error.details == ()  # type: ignore[attr-defined]
    assert str(error) == "POST /v1/phone-numbers -> 400 VALIDATION_ERROR: Invalid request body"


@pytest.mark.parametrize(
    ("status", "body", "headers", "expected"),
    [
        (
            502,
            "<html><head><title>502 Bad Gateway</title></head>\n<body>nginx</body></html>",
            {"Content-Type": "text/html"},
            "502 HTTP_502: 502 Bad Gateway nginx",
        ),
        (503, "", {}, "503 HTTP_503: Service Unavailable"),
        (
            500,
            "upstream\nconnect error",
            {"Content-Type": "text/plain"},
            "500 HTTP_500: upstream connect error",
        ),
        (401, "[1, 2]", {"Content-Type": "application/json"}, "401 HTTP_401: [1, 2]"),
        (403, '{"message": "Forbidden by proxy"}', {}, "403 HTTP_403: Forbidden by proxy"),
        (429, '{"code": "RATE_LIMITED"}', {}, "429 RATE_LIMITED: Too Many Requests"),
        (
            409,
            '{"error": {"code": "CONFLICT", "message": "already held"}}',
            {},
            "409 CONFLICT: already held",
        ),
        (
            302,
            "",
            {"Location": "https://elsewhere"},
            "302 HTTP_302: the API redirected to https://elsewhere, and redirects are never "
            "followed so the key goes only to the configured base URL; set the base URL to the "
            "address that answers directly (https)",
        ),
    ],
)
def test_an_unusual_error_body_still_yields_a_sensible_error(
    no_retry_client: Client,
    fake_api: FakeApi,
    status: int,
    body: str,
    headers: dict[str, str],
    expected: str,
) -> None:
    fake_api.reply(httpx.Response(status, content=body.encode(), headers=headers))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert isinstance(error, ApiError)
    assert str(error) == f"POST /v1/phone-numbers -> {expected}"


def test_a_long_text_body_is_cut_to_a_short_snippet(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    fake_api.reply(httpx.Response(500, text="x" * 5000))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert error.message == "x" * 119 + "…"  # type: ignore[attr-defined]
    assert len(str(error)) < 200


def test_a_multi_line_server_message_stays_one_line(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    fake_api.reply(error_reply(409, "already\nheld\r\nby org_2", "CONFLICT"))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert "\n" not in str(error) and "\r" not in str(error)
    assert str(error).endswith("409 CONFLICT: already held by org_2")


def test_rate_limit_error_carries_retry_after(no_retry_client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(error_reply(429, "Too many requests", "RATE_LIMITED", {"Retry-After": "30"}))
    error = _error_of(no_retry_client.list_phone_numbers)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 30.0
    assert str(error) == (
        "GET /v1/phone-numbers -> 429 RATE_LIMITED: Too many requests (retry after 30s)"
    )


def test_rate_limit_error_without_retry_after(no_retry_client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(error_reply(429, "slow down", "RATE_LIMITED"))
    error = _error_of(no_retry_client.list_phone_numbers)
    assert error.retry_after is None  # type: ignore[attr-defined]


def test_query_appears_in_the_message_path(no_retry_client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(error_reply(400, "bad", "VALIDATION_ERROR"))
    error = _error_of(lambda: no_retry_client.search_available_phone_numbers(area_code="415"))
    assert str(error) == "GET /v1/phone-numbers/available?areaCode=415 -> 400 VALIDATION_ERROR: bad"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "body is not JSON: ''"),
        (b"<html>ok</html>", "body is not JSON: '<html>ok</html>'"),
        (b'{"id": "pn_1"}', "not a valid PhoneNumber: organizationId: Field required; "),
    ],
)
def test_a_success_with_an_unreadable_body_says_the_request_succeeded(
    no_retry_client: Client, fake_api: FakeApi, body: bytes, reason: str
) -> None:
    fake_api.reply(httpx.Response(201, content=body, headers={"X-Request-Id": "req_9"}))
    error = _error_of(lambda: no_retry_client.create_phone_number(CREATE))
    assert isinstance(error, UnexpectedResponseError)
    assert not isinstance(error, ApiError)  # the server did not refuse: the purchase happened
    assert (error.status, error.request_id) == (201, "req_9")
    assert str(error).startswith(
        f"POST /v1/phone-numbers -> 201 but the response could not be read ({reason}"
    )
    assert "; the request succeeded (request id req_9)" in str(error)
    assert len(fake_api.requests) == 1


def test_an_unreadable_list_names_the_failing_item(
    no_retry_client: Client, fake_api: FakeApi
) -> None:
    fake_api.reply(httpx.Response(200, json=[{"e164": "+14155550199"}]))
    error = _error_of(no_retry_client.search_available_phone_numbers)
    assert "not a valid list of AvailablePhoneNumber: 0.monthlyCostUsd: Field required" in str(
        error
    )


def test_transport_errors_are_one_hierarchy() -> None:
    assert issubclass(ApiTimeoutError, ApiConnectionError)
    assert issubclass(ApiConnectionError, SpekoError) and issubclass(ApiError, SpekoError)
    assert not issubclass(ApiConnectionError, ApiError)


def _sample_errors() -> list[SpekoError]:
    common: dict[str, Any] = {"method": "POST", "path": "/v1/phone-numbers"}
    return [
        ConflictError(status=409, code="CONFLICT", message="held", request_id="req_1", **common),
        BadRequestError(
            status=400,
            code="VALIDATION_ERROR",
            message="Invalid request body",
            details=(ErrorDetail("e164", "bad"),),
            **common,
        ),
        RateLimitError(status=429, code="RATE_LIMITED", message="slow", retry_after=2.5, **common),
        ApiTimeoutError(request_sent=True, reason="ReadTimeout: timed out", attempts=2, **common),
        ApiConnectionError(request_sent=False, reason="ConnectError: refused", **common),
        UnexpectedResponseError(status=201, reason="body is not JSON: ''", **common),
        EndpointNotFoundError(
            status=404, code="NOT_FOUND", message="Not Found", base_url="http://h/v1", **common
        ),
        ApiConnectionError(
            request_sent=False, reason="ConnectError: refused", base_url="http://h", **common
        ),
    ]


@pytest.mark.parametrize("error", _sample_errors(), ids=lambda error: type(error).__name__)
def test_errors_survive_pickling(error: SpekoError) -> None:
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is type(error)
    assert str(restored) == str(error)
    assert vars(restored) == vars(error)


@pytest.mark.parametrize("error", _sample_errors(), ids=lambda error: type(error).__name__)
def test_error_repr_names_the_class_and_the_path(error: SpekoError) -> None:
    assert repr(error).startswith(f"{type(error).__name__}(")
    assert "path='/v1/phone-numbers'" in repr(error)


def test_timeout_message_after_retries() -> None:
    error = _sample_errors()[3]
    assert str(error) == (
        "POST /v1/phone-numbers -> timed out after the request was sent "
        "(ReadTimeout: timed out); the request may have taken effect (after 2 attempts)"
    )


def test_repr_lists_the_identifying_fields_in_declaration_order() -> None:
    """Fields declared with ``_quiet()`` (retry_after, attempts, details, base_url) stay out."""
    reprs = [repr(error) for error in _sample_errors()]
    assert reprs[1] == (
        "BadRequestError(status=400, code='VALIDATION_ERROR', message='Invalid request body', "
        "method='POST', path='/v1/phone-numbers', request_id=None)"
    )
    assert reprs[3] == (
        "ApiTimeoutError(method='POST', path='/v1/phone-numbers', request_sent=True, "
        "reason='ReadTimeout: timed out')"
    )
    assert reprs[5] == (
        "UnexpectedResponseError(status=201, method='POST', path='/v1/phone-numbers', "
        "reason=\"body is not JSON: ''\", request_id=None)"
    )


def test_error_fields_are_keyword_only_and_required_ones_are_enforced() -> None:
    with pytest.raises(TypeError):
        ConflictError(409, "CONFLICT", "held", "POST", "/v1/phone-numbers")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="base_url"):
        EndpointNotFoundError(  # type: ignore[call-arg]
            status=404, code="NOT_FOUND", message="Not Found", method="GET", path="/v1/x"
        )


def test_errors_compare_by_identity_and_hash_like_exceptions() -> None:
    first, second = _sample_errors()[0], _sample_errors()[0]
    assert vars(first) == vars(second)
    assert first != second
    assert len({first, second}) == 2
    assert first.args == ()


@pytest.mark.parametrize(
    ("module_name", "old_name", "new_name"),
    [
        ("pulumi_speko.api", "ValidationError", "BadRequestError"),
        ("pulumi_speko.api.errors", "ValidationError", "BadRequestError"),
        ("pulumi_speko.api", "PhoneNumber", "PhoneNumberRecord"),
        ("pulumi_speko.api.models", "PhoneNumber", "PhoneNumberRecord"),
    ],
)
def test_a_renamed_name_is_a_deprecated_alias_that_warns_on_every_access(
    module_name: str, old_name: str, new_name: str
) -> None:
    module = importlib.import_module(module_name)
    for _ in range(2):  # never cached: the second access warns too
        with pytest.warns(DeprecationWarning, match=f"{module_name}.{old_name} is deprecated"):
            alias = getattr(module, old_name)
        assert alias is getattr(module, new_name)
    assert old_name not in getattr(module, "__all__", ())


def test_other_missing_names_are_still_missing() -> None:
    import pulumi_speko.api.errors as errors
    import pulumi_speko.api.models as models

    for module in (errors, models):
        with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
            module.Nope  # noqa: B018


def test_the_wire_phone_number_keeps_the_contract_name() -> None:
    from pulumi_speko.api.models import PhoneNumberRecord, contract_name

    assert contract_name(PhoneNumberRecord) == "PhoneNumber"
    assert PhoneNumberRecord.model_json_schema()["title"] == "PhoneNumber"
