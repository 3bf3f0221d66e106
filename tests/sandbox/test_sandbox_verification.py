"""Business verification: overview, draft, submit, the platform's review, validation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .support import (
    POOL_NUMBER,
    assert_error,
    business_profile,
    draft_body,
    representative,
    submit_body,
)

OVERVIEW = "/v1/phone-numbers/kyb"
DRAFT = "/v1/phone-numbers/kyb/draft"
SUBMIT = "/v1/phone-numbers/kyb/submit"


def test_overview_starts_missing(demo: httpx.Client) -> None:
    response = demo.get(OVERVIEW)
    assert response.status_code == 200
    assert response.json() == {"status": "missing", "submission": None, "prefill": None}


def test_saving_a_draft_creates_the_submission(demo: httpx.Client) -> None:
    response = demo.put(DRAFT, json=draft_body())
    assert response.status_code == 200
    draft = response.json()
    assert draft["id"]
    assert draft["organizationId"] == DEMO_ORG
    assert draft["status"] == "draft"
    assert draft["businessProfile"] == business_profile()
    assert draft["authorizedRepresentative"] == representative()
    assert draft["attestationAccepted"] is False
    assert draft["submittedAt"] is None and draft["attestedAt"] is None
    assert draft["slackNotificationStatus"] == "not_queued"
    overview = demo.get(OVERVIEW).json()
    assert overview["status"] == "draft"
    assert overview["submission"] == draft


def test_a_draft_replaces_the_current_draft(demo: httpx.Client) -> None:
    first = demo.put(DRAFT, json=draft_body()).json()
    second = demo.put(
        DRAFT, json=draft_body(businessProfile=business_profile(displayName="Acme 2"))
    ).json()
    assert second["id"] == first["id"]
    assert second["businessProfile"]["displayName"] == "Acme 2"
    assert demo.get(OVERVIEW).json()["submission"]["businessProfile"]["displayName"] == "Acme 2"


def test_a_draft_without_optional_fields_omits_them(demo: httpx.Client) -> None:
    profile = business_profile()
    del profile["registrationId"]
    rep = representative()
    del rep["phone"]
    body = {"businessProfile": profile, "authorizedRepresentative": rep}
    saved = demo.put(DRAFT, json=body).json()
    assert saved["businessProfile"] == profile
    assert saved["authorizedRepresentative"] == rep
    assert saved["attestationAccepted"] is False


def test_submit_files_the_verification(demo: httpx.Client) -> None:
    draft = demo.put(DRAFT, json=draft_body()).json()
    response = demo.post(SUBMIT, json=submit_body())
    assert response.status_code == 201
    submitted = response.json()
    assert submitted["id"] == draft["id"]
    assert submitted["status"] == "submitted"
    assert submitted["attestationAccepted"] is True
    assert submitted["submittedAt"] is not None
    assert submitted["attestedAt"] == submitted["submittedAt"]
    assert submitted["slackNotificationStatus"] == "queued"
    assert submitted["createdAt"] == draft["createdAt"]
    assert demo.get(OVERVIEW).json()["status"] == "submitted"


def test_submit_without_a_draft_works(demo: httpx.Client) -> None:
    assert demo.post(SUBMIT, json=submit_body()).json()["status"] == "submitted"


def test_resubmitting_clears_the_review(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    demo.post(SUBMIT, json=submit_body())
    rejected = sandbox.control.reject_verification(DEMO_ORG, "address does not match")
    assert rejected["status"] == "rejected"
    assert rejected["rejectionReason"] == "address does not match"
    assert demo.get(OVERVIEW).json()["status"] == "rejected"
    again = demo.post(SUBMIT, json=submit_body()).json()
    assert again["status"] == "submitted"
    assert again["rejectionReason"] is None


@pytest.mark.parametrize(("review", "status"), [("approve", "approved"), ("revoke", "revoked")])
def test_control_reviews_set_the_status(
    demo: httpx.Client, sandbox: RunningSandbox, review: str, status: str
) -> None:
    demo.post(SUBMIT, json=submit_body())
    result = getattr(sandbox.control, f"{review}_verification")(DEMO_ORG)
    assert result["status"] == status
    assert demo.get(OVERVIEW).json()["status"] == status


def test_a_draft_after_submission_withdraws_it(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    demo.post(SUBMIT, json=submit_body())
    sandbox.control.approve_verification(DEMO_ORG)
    assert demo.put(DRAFT, json=draft_body()).json()["status"] == "draft"
    assert_error(
        demo.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}), 403, "VERIFICATION_REQUIRED"
    )


def test_review_needs_a_submission(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError) as missing:
        sandbox.control.approve_verification(DEMO_ORG)
    assert missing.value.response.status_code == 409
    demo.put(DRAFT, json=draft_body())
    with pytest.raises(httpx.HTTPStatusError) as draft_only:
        sandbox.control.reject_verification(DEMO_ORG, "no")
    assert draft_only.value.response.json()["code"] == "CONFLICT"


def _without(body: dict[str, Any], *path: str) -> dict[str, Any]:
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return body


INVALID_BODIES = [
    (_without(submit_body(), "businessProfile"), "businessProfile"),
    (_without(submit_body(), "authorizedRepresentative"), "authorizedRepresentative"),
    (_without(submit_body(), "businessProfile", "legalName"), "businessProfile.legalName"),
    (
        _without(submit_body(), "businessProfile", "address", "postalCode"),
        "businessProfile.address.postalCode",
    ),
    (submit_body(businessProfile=business_profile(legalName="")), "businessProfile.legalName"),
    (submit_body(businessProfile=business_profile(useCase="  ")), "businessProfile.useCase"),
    (submit_body(businessProfile=business_profile(website="acme")), "businessProfile.website"),
    (
        submit_body(businessProfile=business_profile(website="ftp://acme.example.com")),
        "businessProfile.website",
    ),
    (
        submit_body(authorizedRepresentative=representative(email="ada")),
        "authorizedRepresentative.email",
    ),
    (
        submit_body(authorizedRepresentative=representative(phone="555-0199")),
        "authorizedRepresentative.phone",
    ),
    (
        submit_body(businessProfile=business_profile(nickname="x")),
        "businessProfile.nickname",
    ),
    (submit_body(extra=True), "extra"),
    (submit_body(businessProfile="Acme"), "businessProfile"),
]


@pytest.mark.parametrize(("body", "path"), INVALID_BODIES)
@pytest.mark.parametrize("endpoint", [DRAFT, SUBMIT])
def test_invalid_verification_bodies_name_the_field(
    demo: httpx.Client, endpoint: str, body: dict[str, Any], path: str
) -> None:
    if endpoint == DRAFT:
        body = {**body, "attestationAccepted": False}
    response = demo.request("PUT" if endpoint == DRAFT else "POST", endpoint, json=body)
    assert_error(response, 400, "VALIDATION_ERROR", path)
    assert demo.get(OVERVIEW).json()["status"] == "missing"


@pytest.mark.parametrize("attestation", [False, None, "true"])
def test_submit_requires_the_attestation(demo: httpx.Client, attestation: object) -> None:
    response = demo.post(SUBMIT, json=submit_body(attestationAccepted=attestation))
    assert_error(response, 400, "VALIDATION_ERROR", "attestationAccepted")
    missing = _without(submit_body(), "attestationAccepted")
    assert_error(demo.post(SUBMIT, json=missing), 400, "VALIDATION_ERROR", "attestationAccepted")


def test_verification_is_per_org(demo: httpx.Client, other: httpx.Client) -> None:
    demo.post(SUBMIT, json=submit_body())
    assert other.get(OVERVIEW).json()["status"] == "missing"
