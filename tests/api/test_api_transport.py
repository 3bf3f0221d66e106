"""Transport failures, the client's lifecycle, and one client shared by many threads."""

from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pulumi_speko.api import (
    ApiConnectionError,
    ApiTimeoutError,
    Client,
    PhoneNumberCreate,
    SpekoError,
)

from .fakes import FakeApi, phone_number_body

CREATE = PhoneNumberCreate(e164="+14155550123")

TRANSPORT_FAILURES = [
    (httpx.ConnectError("connection refused"), ApiConnectionError, False),
    (httpx.ConnectTimeout("connect timed out"), ApiTimeoutError, False),
    (httpx.PoolTimeout("no free connection"), ApiTimeoutError, False),
    (httpx.ProxyError("proxy refused CONNECT"), ApiConnectionError, False),
    (httpx.ReadTimeout("read timed out"), ApiTimeoutError, True),
    (httpx.WriteTimeout("write timed out"), ApiTimeoutError, True),
    (httpx.ReadError("connection reset by peer"), ApiConnectionError, True),
    (httpx.WriteError("broken pipe"), ApiConnectionError, True),
    (httpx.RemoteProtocolError("server disconnected"), ApiConnectionError, True),
]
TRANSPORT_ERROR_CLASSES = {type(failure): error for failure, error, _ in TRANSPORT_FAILURES}


@pytest.mark.parametrize(
    ("failure", "error_class", "request_sent"),
    TRANSPORT_FAILURES,
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_transport_failures_map_to_connection_errors_with_request_sent(
    make_client: Callable[..., Client],
    fake_api: FakeApi,
    failure: Exception,
    error_class: type[ApiConnectionError],
    request_sent: bool,
) -> None:
    fake_api.reply(failure)
    client = make_client(max_retries=0)
    with pytest.raises(ApiConnectionError) as caught:
        client.create_phone_number(CREATE)
    error = caught.value
    assert type(error) is error_class
    assert error.request_sent is request_sent
    assert (error.method, error.path) == ("POST", "/v1/phone-numbers")
    assert error.reason == f"{type(failure).__name__}: {failure}"


@pytest.mark.parametrize(
    ("failure", "max_retries", "call", "message"),
    [
        pytest.param(
            httpx.ReadError("connection reset by peer"),
            3,
            lambda api: api.create_phone_number(CREATE),
            "POST /v1/phone-numbers -> connection lost after the request was sent "
            "(ReadError: connection reset by peer); the request may have taken effect "
            "(tried https://api.speko.dev)",
            id="lost-response-warns-the-request-may-have-taken-effect",
        ),
        pytest.param(
            httpx.ConnectError("[Errno 111] Connection refused"),
            1,
            lambda api: api.create_phone_number(CREATE),
            "POST /v1/phone-numbers -> could not connect (ConnectError: [Errno 111] Connection "
            "refused); the request was not sent (tried https://api.speko.dev, after 2 attempts)",
            id="refused-connection-says-nothing-was-sent",
        ),
        pytest.param(
            httpx.ReadTimeout("timed out"),
            0,
            lambda api: api.list_phone_numbers(),
            "GET /v1/phone-numbers -> timed out after the request was sent "
            "(ReadTimeout: timed out) (tried https://api.speko.dev)",
            id="read-timeout-on-a-get-does-not-speak-of-effects",
        ),
    ],
)
def test_connection_error_messages(
    make_client: Callable[..., Client],
    fake_api: FakeApi,
    failure: Exception,
    max_retries: int,
    call: Callable[[Client], Any],
    message: str,
) -> None:
    fake_api.default = failure
    with pytest.raises(ApiConnectionError) as caught:
        call(make_client(max_retries=max_retries))
    assert type(caught.value) is TRANSPORT_ERROR_CLASSES[type(failure)]
    assert str(caught.value) == message


def test_errors_hold_no_reference_to_the_httpx_request(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    fake_api.reply(httpx.ReadError("reset"))
    with pytest.raises(SpekoError) as caught:
        make_client().create_phone_number(CREATE)
    error = caught.value
    assert error.__cause__ is None and error.__context__ is None
    assert all(isinstance(value, str | int | bool | float) for value in vars(error).values())


def test_construction_is_lazy_and_sends_nothing() -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[])

    started = time.perf_counter()
    client = Client("k_1234", transport=httpx.MockTransport(record))
    assert time.perf_counter() - started < 0.05
    assert seen == []
    client.list_phone_numbers()
    assert len(seen) == 1


class _ClosingTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self.closed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[])

    def close(self) -> None:
        self.closed = True


def test_context_manager_closes_the_connection_pool() -> None:
    transport = _ClosingTransport()
    with Client("k_1234", transport=transport) as client:
        assert client.list_phone_numbers() == []
    assert transport.closed
    with pytest.raises(RuntimeError, match="closed"):
        client.list_phone_numbers()


def test_close_before_first_use_and_twice_is_harmless() -> None:
    client = Client("k_1234", transport=_ClosingTransport())
    client.close()
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.get_business_verification()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"api_key": ""}, "api_key must be a non-empty string"),
        ({"api_key": "sk test"}, "api_key must be a non-empty string without whitespace"),
        ({"base_url": "api.speko.dev"}, "is not an http.s. URL with a host"),
        ({"timeout": 0}, "timeout must be positive"),
        ({"max_retries": -1}, "max_retries must be zero or more"),
    ],
)
def test_bad_settings_are_refused(options: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"api_key": "k_1234"} | options
    with pytest.raises(ValueError, match=message):
        Client(**arguments)


def test_a_client_cannot_be_pickled() -> None:
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(Client("k_1234"))


def test_one_client_serves_eight_threads(api_key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[httpx.Client] = []
    build = Client._build_http_client

    def build_and_count(self: Client) -> httpx.Client:
        built.append(build(self))
        return built[-1]

    monkeypatch.setattr(Client, "_build_http_client", build_and_count)
    served = 0
    lock = threading.Lock()

    def echo(request: httpx.Request) -> httpx.Response:
        nonlocal served
        assert request.headers["Authorization"] == f"Bearer {api_key}"
        requested_id = request.url.path.rsplit("/", 1)[-1]
        time.sleep(0.0005)  # lets requests of other threads interleave
        with lock:
            served += 1
        return httpx.Response(200, json=phone_number_body() | {"id": requested_id})

    client = Client(api_key, transport=httpx.MockTransport(echo))
    mismatches: list[tuple[str, str]] = []
    start = threading.Barrier(8)

    def work(thread_index: int) -> None:
        start.wait()
        for call_index in range(25):
            wanted = f"pn_{thread_index}_{call_index}"
            got = client.get_phone_number(wanted).id
            if got != wanted:
                mismatches.append((wanted, got))

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert mismatches == []
    assert served == 8 * 25
    assert len(built) == 1  # one connection pool, built once despite the race to first use
