"""Bearer auth on every endpoint, error shapes of the router, and ``/openapi.json``."""

from __future__ import annotations

import json

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

from .support import import_number, submit_body

UNAUTHORIZED = {"error": "Unauthorized", "code": "UNAUTHORIZED"}
ENDPOINTS = [
    ("GET", "/v1/phone-numbers", None),
    ("POST", "/v1/phone-numbers", {"e164": "+14155550100"}),
    ("GET", "/v1/phone-numbers/available", None),
    ("POST", "/v1/phone-numbers/import", {"e164": "+442071234567", "sipTrunkId": "t"}),
    ("GET", "/v1/phone-numbers/kyb", None),
    ("PUT", "/v1/phone-numbers/kyb/draft", submit_body()),
    ("POST", "/v1/phone-numbers/kyb/submit", submit_body()),
    ("GET", "/v1/phone-numbers/pn_x", None),
    ("PATCH", "/v1/phone-numbers/pn_x", {"label": "x"}),
    ("DELETE", "/v1/phone-numbers/pn_x", None),
]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer sk_test_wrong", f"Basic {DEMO_API_KEY}", DEMO_API_KEY, "Bearer"],
)
@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_every_endpoint_needs_a_valid_bearer_key(
    anonymous: httpx.Client,
    sandbox: RunningSandbox,
    method: str,
    path: str,
    body: object,
    authorization: str | None,
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = anonymous.request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert sandbox.store.list_numbers("org_demo") == []


def test_auth_is_checked_before_the_body(anonymous: httpx.Client) -> None:
    response = anonymous.post(
        "/v1/phone-numbers", content=b"{broken", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401


def test_unknown_routes_and_methods_answer_in_the_error_shape(demo: httpx.Client) -> None:
    missing = demo.get("/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"
    wrong_method = demo.put("/v1/phone-numbers", json={})
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "METHOD_NOT_ALLOWED"


def test_openapi_describes_exactly_the_ten_endpoints(anonymous: httpx.Client) -> None:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    operations = sorted((method.upper(), path) for path, item in paths.items() for method in item)
    assert operations == sorted(
        (method, path.replace("pn_x", "{id}")) for method, path, _ in ENDPOINTS
    )
    assert "/_sandbox" not in json.dumps(paths)
    assert "bearerAuth" in response.json()["components"]["securitySchemes"]


def test_openapi_documents_the_request_and_response_shapes(anonymous: httpx.Client) -> None:
    schemas = anonymous.get("/openapi.json").json()["components"]["schemas"]
    created = schemas["PhoneNumberCreate"]
    assert created["required"] == ["e164"]
    assert created["additionalProperties"] is False
    number = schemas["PhoneNumberOut"]["properties"]
    assert {"setupStatus", "telnyxPhoneNumberId", "nextChargeAt"} <= set(number)


def test_the_request_log_never_holds_the_api_key(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    import_number(demo)
    demo.get("/v1/phone-numbers")
    response = httpx.get(
        f"{sandbox.base_url}/_sandbox/requests",
        headers={"Authorization": f"Bearer {sandbox.admin_token}"},
    )
    assert len(response.json()) == 2
    assert DEMO_API_KEY not in response.text
    assert {entry["orgId"] for entry in response.json()} == {"org_demo"}
