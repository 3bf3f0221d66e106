"""The API key is sent in the Authorization header and shows up nowhere else."""

from __future__ import annotations

import json
import logging
import pickle
from collections.abc import Callable

import httpx
import pytest
from pulumi_speko.api import Client, PhoneNumberCreate, SpekoError

from .fakes import API_KEY, FakeApi, error_reply, phone_number_body

CREATE = PhoneNumberCreate(e164="+14155550123")


def _echoing_error(status: int) -> httpx.Response:
    """An error response that echoes the key in every place a careless server might."""
    body = {
        "error": f"key {API_KEY} is not valid",
        "code": f"BAD_{API_KEY}",
        "details": [{"path": API_KEY, "message": f"got {API_KEY}"}],
    }
    headers = {"X-Request-Id": f"req_{API_KEY}", "Retry-After": "1"}
    return httpx.Response(status, json=body, headers=headers)


def _assert_key_hidden(error: SpekoError) -> None:
    for text in (str(error), repr(error), *map(str, vars(error).values())):
        assert API_KEY not in text
    assert API_KEY.encode() not in pickle.dumps(error)


def test_repr_of_the_client_hides_the_key() -> None:
    client = Client(API_KEY, "https://api.speko.dev")
    assert repr(client) == "Client(base_url='https://api.speko.dev')"
    assert API_KEY not in str(client)


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404, 409, 418, 429, 500, 503])
def test_a_key_echoed_in_an_error_body_is_redacted(
    make_client: Callable[..., Client], fake_api: FakeApi, status: int
) -> None:
    fake_api.reply(_echoing_error(status))
    with pytest.raises(SpekoError) as caught:
        make_client(max_retries=0, rate_limit_wait=0).create_phone_number(CREATE)
    _assert_key_hidden(caught.value)
    assert "[REDACTED]" in str(caught.value)


@pytest.mark.parametrize("content_type", ["text/plain", "text/html"])
def test_a_key_echoed_in_a_text_body_is_redacted_before_it_is_cut(
    make_client: Callable[..., Client], fake_api: FakeApi, content_type: str
) -> None:
    # The key straddles the snippet limit: cutting first would leak a prefix of it.
    text = "x" * 105 + f" {API_KEY} " + "y" * 200
    fake_api.reply(httpx.Response(502, text=text, headers={"Content-Type": content_type}))
    with pytest.raises(SpekoError) as caught:
        make_client(max_retries=0).create_phone_number(CREATE)
    _assert_key_hidden(caught.value)
    assert API_KEY[:8] not in str(caught.value)


def test_a_key_escaped_in_json_is_still_redacted(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    escaped = "".join(f"\\u{ord(char):04x}" for char in API_KEY)
    content = ('{"error": "bad key ' + escaped + '", "code": "UNAUTHORIZED"}').encode()
    fake_api.reply(httpx.Response(401, content=content))
    with pytest.raises(SpekoError) as caught:
        make_client().list_phone_numbers()
    _assert_key_hidden(caught.value)
    assert str(caught.value) == "GET /v1/phone-numbers -> 401 UNAUTHORIZED: bad key [REDACTED]"


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError(f"proxy said {API_KEY}"), httpx.ReadTimeout(f"timeout {API_KEY}")],
    ids=lambda failure: type(failure).__name__,
)
def test_a_key_in_a_transport_failure_is_redacted(
    make_client: Callable[..., Client], fake_api: FakeApi, failure: Exception
) -> None:
    fake_api.reply(failure)
    with pytest.raises(SpekoError) as caught:
        make_client(max_retries=0).create_phone_number(CREATE)
    _assert_key_hidden(caught.value)


def test_a_key_in_an_unreadable_success_is_redacted(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    fake_api.reply(httpx.Response(201, text=f"created with {API_KEY}"))
    with pytest.raises(SpekoError) as caught:
        make_client().create_phone_number(CREATE)
    _assert_key_hidden(caught.value)


def test_a_key_passed_as_an_id_is_redacted_from_messages(
    make_client: Callable[..., Client], fake_api: FakeApi
) -> None:
    fake_api.reply(error_reply(404, "not found", "NOT_FOUND"))
    with pytest.raises(SpekoError) as caught:
        make_client().get_phone_number(API_KEY)
    _assert_key_hidden(caught.value)


def test_a_key_echoed_in_a_success_body_is_not_returned(client: Client, fake_api: FakeApi) -> None:
    echoed = phone_number_body() | {"label": f"bought with {API_KEY}", API_KEY: "x"}
    echoed["dispatchMetadataTemplate"] = {"auth": [API_KEY]}
    fake_api.reply(httpx.Response(200, json=echoed))
    number = client.get_phone_number("pn_123")
    dumped = json.dumps(number.model_dump(mode="json")) + number.model_dump_json() + repr(number)
    assert API_KEY not in dumped
    assert number.label == "bought with [REDACTED]"


def test_a_very_short_key_does_not_corrupt_response_values() -> None:
    body = phone_number_body() | {"source": "sip_trunk", "label": "k"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))
    with Client("k", "https://api.example", transport=transport) as short_key_client:
        number = short_key_client.get_phone_number("pn_123")
    assert (number.source, number.label) == ("sip_trunk", "k")


def test_the_key_is_never_logged(
    make_client: Callable[..., Client], fake_api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake_api.reply(
        _echoing_error(503),
        httpx.ReadError(f"reset {API_KEY}"),
        _echoing_error(429),
        httpx.Response(200, json=[]),
        _echoing_error(409),
    )
    client = make_client()
    with caplog.at_level(logging.DEBUG):
        client.list_phone_numbers()
        with pytest.raises(SpekoError):
            client.create_phone_number(CREATE)
    assert len(caplog.records) >= 5  # the requests and the three retries were logged
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
        assert "Bearer" not in record.getMessage()
    assert API_KEY not in caplog.text


def test_the_key_travels_only_in_the_authorization_header(
    client: Client, fake_api: FakeApi
) -> None:
    fake_api.reply(httpx.Response(201, json=phone_number_body()))
    client.create_phone_number(CREATE)
    request = fake_api.last
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    other_headers = [value for name, value in request.headers.items() if name != "authorization"]
    assert all(API_KEY not in value for value in other_headers)
    assert API_KEY not in str(request.url) and API_KEY.encode() not in request.content
