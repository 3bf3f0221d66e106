"""Request bodies and assertions shared by the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx
from pulumi_speko.testing import data

POOL_NUMBER = "+14155550100"
SECOND_POOL_NUMBER = "+12125550100"
UK_NUMBER = "+442071234567"


def business_profile(**changes: Any) -> dict[str, Any]:
    """A valid businessProfile, with the optional registrationId."""
    profile = data.business_profile(registration_id="12-3456789")
    return {**data.camel_cased(profile), **changes}


def representative(**changes: Any) -> dict[str, Any]:
    """A valid authorizedRepresentative, with the optional phone."""
    rep = data.authorized_representative(phone="+14155550199")
    return {**data.camel_cased(rep), **changes}


def submit_body(**changes: Any) -> dict[str, Any]:
    """A valid VerificationSubmit body."""
    body: dict[str, Any] = {
        "businessProfile": business_profile(),
        "authorizedRepresentative": representative(),
        "attestationAccepted": True,
    }
    body.update(changes)
    return body


def draft_body(**changes: Any) -> dict[str, Any]:
    """A valid VerificationDraft body."""
    body = submit_body(attestationAccepted=False)
    body.update(changes)
    return body


def assert_error(response: httpx.Response, status: int, code: str, *paths: str) -> dict[str, Any]:
    """The response is the contract's error body with this status and code; with
    ``paths``, its details name exactly those fields."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    assert isinstance(body["error"], str) and body["error"]
    if paths:
        assert sorted(d["path"] for d in body["details"]) == sorted(paths), body
    return body


def buy(client: httpx.Client, e164: str = POOL_NUMBER, **fields: Any) -> dict[str, Any]:
    """Purchase a managed number and return it (the org must be verified)."""
    response = client.post("/v1/phone-numbers", json={"e164": e164, **fields})
    assert response.status_code == 201, response.text
    number: dict[str, Any] = response.json()
    return number


def import_number(client: httpx.Client, e164: str = UK_NUMBER, **fields: Any) -> dict[str, Any]:
    """Import a SIP-trunk number through the seeded installation and return it."""
    fields.setdefault("sipConnectionInstallationId", "sci_demo")
    response = client.post("/v1/phone-numbers/import", json={"e164": e164, **fields})
    assert response.status_code == 201, response.text
    number: dict[str, Any] = response.json()
    return number
