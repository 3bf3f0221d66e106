"""Request bodies and assertions shared by the sandbox tests."""

from __future__ import annotations

from typing import Any

import httpx
from pulumi_speko.testing import data

POOL_NUMBER = "+14155550100"
SECOND_POOL_NUMBER = "+12125550100"
UK_NUMBER = "+442071234567"


def _complete_profile() -> dict[str, Any]:
    return data.business_profile(registration_id="12-3456789")


def _complete_representative() -> dict[str, Any]:
    return data.authorized_representative(phone="+14155550199")


def business_profile(**changes: Any) -> dict[str, Any]:
    """A valid businessProfile, with the optional registrationId."""
    return {**data.camel_cased(_complete_profile()), **changes}


def representative(**changes: Any) -> dict[str, Any]:
    """A valid authorizedRepresentative, with the optional phone."""
    return {**data.camel_cased(_complete_representative()), **changes}


def submit_body(**changes: Any) -> dict[str, Any]:
    """A valid VerificationSubmit body."""
    inputs = data.verification_inputs(
        business_profile=_complete_profile(),
        authorized_representative=_complete_representative(),
    )
    return {**data.camel_cased(inputs), **changes}


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


def assert_fields(record: dict[str, Any], **expected: Any) -> None:
    """The record holds these values under these keys (its other keys are not looked at)."""
    assert {key: record[key] for key in expected} == expected, record


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
