"""The client's two guards of where the key goes and whose answers it accepts.

- No key over clear text: ``http://`` only to loopback unless opted in, ``HTTPS://``
  matched case-insensitively, redirects never followed.
- A pinned organization (``expected_organization_id``): every number or submission of
  another organization is refused, and a write is preceded once by a check of the key's
  organization, so nothing is written there.
"""

from __future__ import annotations

import httpx
import pytest
from pulumi_speko.api import (
    ApiError,
    Client,
    OrganizationMismatchError,
    PhoneNumberUpdate,
)

from .fakes import API_KEY, FakeApi, phone_number_body

OVERVIEW = {"status": "missing", "submission": None, "prefill": None}


def client_of(api: FakeApi, base_url: str = "https://api.speko.dev", **options: object) -> Client:
    return Client(API_KEY, base_url, transport=httpx.MockTransport(api), max_retries=0, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "url",
    ["http://192.0.2.2:18999", "HTTP://api.speko.dev", "http://10.0.0.1", "http://[2001:db8::1]"],
)
def test_cleartext_to_another_host_is_refused_before_any_request(url: str) -> None:
    api = FakeApi()
    with pytest.raises(ValueError, match=r"plain http to .* which is not this machine"):
        client_of(api, url).list_phone_numbers()
    assert api.requests == []


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8787", "http://127.9.9.9", "http://localhost:1", "http://[::1]:2"]
)
def test_cleartext_to_loopback_is_allowed(url: str) -> None:
    api = FakeApi()
    api.default = httpx.Response(200, json=[])
    assert client_of(api, url).list_phone_numbers() == []
    assert len(api.requests) == 1


def test_cleartext_to_another_host_is_sent_with_the_explicit_opt_in() -> None:
    api = FakeApi()
    api.default = httpx.Response(200, json=[])
    client_of(api, "http://192.0.2.2:18999", allow_insecure_http=True).list_phone_numbers()
    [request] = api.requests
    assert str(request.url) == "http://192.0.2.2:18999/v1/phone-numbers"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"


def test_https_scheme_is_matched_case_insensitively() -> None:
    api = FakeApi()
    api.default = httpx.Response(200, json=[])
    client_of(api, "HTTPS://api.speko.dev").list_phone_numbers()
    assert api.requests[0].url.scheme == "https"


def test_a_redirect_is_not_followed_and_says_why() -> None:
    api = FakeApi()
    api.reply(httpx.Response(307, headers={"Location": "http://192.0.2.3/v1/phone-numbers"}))
    with pytest.raises(ApiError) as raised:
        client_of(api).list_phone_numbers()
    assert [str(r.url) for r in api.requests] == ["https://api.speko.dev/v1/phone-numbers"]
    line = str(raised.value)
    assert "307" in line and "redirected to http://192.0.2.3/v1/phone-numbers" in line
    assert "redirects are never followed" in line and API_KEY not in line


def test_pinned_client_refuses_a_number_of_another_organization() -> None:
    api = FakeApi()
    api.default = httpx.Response(200, json=[phone_number_body()])  # organizationId org_1
    with pytest.raises(OrganizationMismatchError) as raised:
        client_of(api, expected_organization_id="org_2").list_phone_numbers()
    assert (raised.value.expected, raised.value.actual) == ("org_2", "org_1")
    assert str(raised.value) == (
        "GET /v1/phone-numbers answered for organization org_1, but the client is pinned to "
        "organization org_2"
    )


def test_pinned_client_refuses_another_organizations_submission() -> None:
    api = FakeApi()
    submission = {"id": "kyb_1", "organizationId": "org_1", "status": "submitted"}
    api.default = httpx.Response(
        200, json={**OVERVIEW, "status": "submitted", "submission": submission}
    )
    with pytest.raises(OrganizationMismatchError):
        client_of(api, expected_organization_id="org_2").get_business_verification()


def test_pinned_client_checks_the_key_once_before_its_first_write() -> None:
    api = FakeApi()
    api.reply(httpx.Response(200, json=[phone_number_body()]))
    with pytest.raises(OrganizationMismatchError):
        client_of(api, expected_organization_id="org_2").update_phone_number(
            "pn_123", PhoneNumberUpdate(label="x")
        )
    assert [r.method for r in api.requests] == ["GET"]  # the PATCH was never sent


def test_pinned_client_of_the_right_organization_checks_once_then_writes() -> None:
    api = FakeApi()
    api.reply(httpx.Response(200, json=[phone_number_body()]))
    api.default = httpx.Response(200, json=phone_number_body())
    client = client_of(api, expected_organization_id="org_1")
    for label in ("a", "b"):
        client.update_phone_number("pn_123", PhoneNumberUpdate(label=label))
    assert [r.method for r in api.requests] == ["GET", "PATCH", "PATCH"]


def test_unpinned_client_accepts_any_organization() -> None:
    api = FakeApi()
    api.default = httpx.Response(200, json=[phone_number_body()])
    assert client_of(api).list_phone_numbers()[0].organization_id == "org_1"
