"""The phone-number endpoints over loopback HTTP: each success case and each error."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG, RunningSandbox

from .support import (
    POOL_NUMBER,
    SECOND_POOL_NUMBER,
    UK_NUMBER,
    assert_error,
    assert_fields,
    buy,
    import_number,
    submit_body,
)

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
# What a creation sends; the number answered holds it back.
SALES_LINE = {
    "direction": "both",
    "agentId": "agent_sales",
    "label": "Sales line",
    "dispatchMetadataTemplate": {"team": "sales"},
}
# Every routing field of a number set (the direction aside).
ROUTED = {"agentId": "agent_sales", "label": "Main", "dispatchMetadataTemplate": {"a": 1}}
SUPPORT_LINE = {
    "sipConnectionInstallationId": "sci_demo",
    "sipProviderName": "Twilio",
    "direction": "inbound",
    "agentId": "agent_support",
}


def _available(client: httpx.Client, area_code: str = "415") -> list[str]:
    response = client.get(
        "/v1/phone-numbers/available", params={"areaCode": area_code, "limit": 50}
    )
    return [n["e164"] for n in response.json()]


# --- 1. GET /v1/phone-numbers ------------------------------------------------------------


def test_list_starts_empty_and_holds_only_the_orgs_numbers(
    verified: httpx.Client, other: httpx.Client
) -> None:
    assert verified.get("/v1/phone-numbers").json() == []
    mine = buy(verified)
    theirs = import_number(other)
    listed = verified.get("/v1/phone-numbers")
    assert listed.status_code == 200
    assert [n["id"] for n in listed.json()] == [mine["id"]]
    assert [n["id"] for n in other.get("/v1/phone-numbers").json()] == [theirs["id"]]


def test_list_is_in_creation_order(verified: httpx.Client) -> None:
    first = buy(verified, POOL_NUMBER)
    second = import_number(verified)
    third = buy(verified, SECOND_POOL_NUMBER)
    ids = [n["id"] for n in verified.get("/v1/phone-numbers").json()]
    assert ids == [first["id"], second["id"], third["id"]]


# --- 2. POST /v1/phone-numbers (managed purchase) ---------------------------------------


def test_purchase_answers_201_with_a_managed_number(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    number = buy(verified, **SALES_LINE)
    assert number["id"].startswith("pn_")
    assert number["providerResourceId"] and number["telnyxPhoneNumberId"]
    assert number["providerResourceId"] == number["telnyxPhoneNumberId"]
    assert_fields(number, **SALES_LINE, organizationId=DEMO_ORG, e164=POOL_NUMBER)
    assert_fields(number, source="managed", sipConnectionInstallationId=None, suspendedAt=None)
    assert number["lastChargedAt"] == number["createdAt"]
    assert number["setupStatus"]["status"] == "ready"
    for key in ("nextChargeAt", "lastChargedAt", "createdAt", "updatedAt"):
        assert ISO_Z.match(number[key]), number[key]
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")
    assert POOL_NUMBER not in _available(verified)
    assert verified.get(f"/v1/phone-numbers/{number['id']}").json() == number


def test_purchase_defaults_to_outbound_without_routing(verified: httpx.Client) -> None:
    number = buy(verified)
    assert number["direction"] == "outbound"
    assert number["agentId"] is None and number["label"] is None
    assert number["dispatchMetadataTemplate"] is None


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({}, "e164"),
        ({"e164": "14155550100"}, "e164"),
        ({"e164": "+04155550100"}, "e164"),
        ({"e164": "+1415"}, "e164"),
        ({"e164": 14155550100}, "e164"),
        ({"e164": POOL_NUMBER, "direction": "sideways"}, "direction"),
        ({"e164": POOL_NUMBER, "label": "x" * 121}, "label"),
        ({"e164": POOL_NUMBER, "label": None}, "label"),
        (
            {"e164": POOL_NUMBER, "dispatchMetadataTemplate": "team=sales"},
            "dispatchMetadataTemplate",
        ),
        ({"e164": POOL_NUMBER, "agentId": 7}, "agentId"),
        ({"e164": POOL_NUMBER, "source": "managed"}, "source"),
        ({"e164": POOL_NUMBER, "sipTrunkId": "trunk"}, "sipTrunkId"),
    ],
)
def test_purchase_rejects_malformed_bodies(
    verified: httpx.Client, body: dict[str, Any], path: str
) -> None:
    body_out = assert_error(
        verified.post("/v1/phone-numbers", json=body), 400, "VALIDATION_ERROR", path
    )
    assert body_out["error"] == "Invalid request body"


@pytest.mark.parametrize(
    ("content", "headers"),
    [
        (b"{not json", {"Content-Type": "application/json"}),
        (b"[1, 2]", {"Content-Type": "application/json"}),
        (b"", {"Content-Type": "application/json"}),
        (b"e164=+14155550100", {"Content-Type": "application/x-www-form-urlencoded"}),
    ],
)
def test_purchase_rejects_bodies_that_are_not_json_objects(
    verified: httpx.Client, content: bytes, headers: dict[str, str]
) -> None:
    response = verified.post("/v1/phone-numbers", content=content, headers=headers)
    assert_error(response, 400, "VALIDATION_ERROR", "body")


def test_purchase_of_a_non_us_number_is_a_validation_error(verified: httpx.Client) -> None:
    response = verified.post("/v1/phone-numbers", json={"e164": UK_NUMBER})
    body = assert_error(response, 400, "VALIDATION_ERROR", "e164")
    assert "US" in body["details"][0]["message"]


def test_purchase_outside_the_pool_is_a_validation_error(verified: httpx.Client) -> None:
    response = verified.post("/v1/phone-numbers", json={"e164": "+13105550100"})
    body = assert_error(response, 400, "VALIDATION_ERROR", "e164")
    assert "not available" in body["details"][0]["message"]


def test_purchase_with_an_unknown_agent_names_agent_id(verified: httpx.Client) -> None:
    response = verified.post(
        "/v1/phone-numbers", json={"e164": POOL_NUMBER, "agentId": "agent_nobody"}
    )
    assert_error(response, 400, "VALIDATION_ERROR", "agentId")
    assert verified.get("/v1/phone-numbers").json() == []


def test_purchase_cannot_link_another_orgs_agent(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_agent(OTHER_ORG, "agent_theirs")
    response = verified.post(
        "/v1/phone-numbers", json={"e164": POOL_NUMBER, "agentId": "agent_theirs"}
    )
    assert_error(response, 400, "VALIDATION_ERROR", "agentId")


@pytest.mark.parametrize("direction", ["inbound", "both"])
def test_inbound_purchase_needs_an_agent_or_a_template(
    verified: httpx.Client, direction: str
) -> None:
    response = verified.post(
        "/v1/phone-numbers", json={"e164": POOL_NUMBER, "direction": direction}
    )
    assert_error(response, 400, "VALIDATION_ERROR", "agentId")
    templated = buy(verified, direction=direction, dispatchMetadataTemplate={"a": "b"})
    assert templated["setupStatus"]["inboundReady"] is True


def test_purchase_without_verification_is_forbidden(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    response = demo.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    assert_error(response, 403, "VERIFICATION_REQUIRED")
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("100.00")
    assert demo.get("/v1/phone-numbers").json() == []


def test_purchase_with_only_a_draft_is_forbidden(demo: httpx.Client) -> None:
    demo.put("/v1/phone-numbers/kyb/draft", json=submit_body())
    response = demo.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    assert_error(response, 403, "VERIFICATION_REQUIRED")


@pytest.mark.parametrize(
    ("review", "allowed"), [("approve", True), ("reject", False), ("revoke", False)]
)
def test_purchase_gate_follows_the_review(
    verified: httpx.Client, sandbox: RunningSandbox, review: str, allowed: bool
) -> None:
    if review == "approve":
        sandbox.control.approve_verification(DEMO_ORG)
    elif review == "reject":
        sandbox.control.reject_verification(DEMO_ORG, "blurry documents")
    else:
        sandbox.control.revoke_verification(DEMO_ORG)
    response = verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    if allowed:
        assert response.status_code == 201
    else:
        assert_error(response, 403, "VERIFICATION_REQUIRED")


def test_purchase_of_a_held_number_is_a_conflict_across_orgs(
    verified: httpx.Client, other: httpx.Client, sandbox: RunningSandbox
) -> None:
    buy(verified)
    assert_error(verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}), 409, "CONFLICT")
    other.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    assert_error(other.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}), 409, "CONFLICT")
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")
    assert sandbox.control.get_credits(OTHER_ORG) == Decimal("100.00")


def test_purchase_of_an_imported_number_is_a_conflict(
    verified: httpx.Client, other: httpx.Client
) -> None:
    import_number(other, POOL_NUMBER)
    assert_error(verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}), 409, "CONFLICT")


def test_purchase_beyond_the_credits_is_payment_required(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.set_credits(DEMO_ORG, "2.99")
    response = verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    assert_error(response, 402, "INSUFFICIENT_CREDITS")
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("2.99")
    assert POOL_NUMBER in _available(verified)
    sandbox.control.set_credits(DEMO_ORG, "3.00")
    buy(verified)
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("0.00")


# --- 4. POST /v1/phone-numbers/import ----------------------------------------------------


def test_import_answers_201_with_a_sip_trunk_number(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    number = import_number(demo, **SUPPORT_LINE)
    assert_fields(number, **SUPPORT_LINE, organizationId=DEMO_ORG, source="sip_trunk")
    assert_fields(number, providerResourceId=None, lastChargedAt=None)
    assert number["nextChargeAt"] is not None
    assert number["setupStatus"]["forwardingRequired"] is True
    assert number["setupStatus"]["sipConnectionReady"] is True
    assert number["setupStatus"]["status"] == "ready"
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("100.00")


def test_import_is_not_gated_on_verification_nor_credits(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.set_credits(DEMO_ORG, 0)
    number = import_number(demo, "+13105550100")
    assert number["source"] == "sip_trunk"


def test_import_with_a_trunk_only_is_accepted(demo: httpx.Client) -> None:
    response = demo.post(
        "/v1/phone-numbers/import", json={"e164": UK_NUMBER, "sipTrunkId": "trunk_1"}
    )
    assert response.status_code == 201
    assert response.json()["sipTrunkId"] == "trunk_1"
    assert response.json()["sipConnectionInstallationId"] is None


def test_import_with_both_sip_ids_keeps_the_installation(demo: httpx.Client) -> None:
    number = import_number(demo, sipTrunkId="trunk_1")
    assert number["sipConnectionInstallationId"] == "sci_demo"
    assert number["sipTrunkId"] is None


def test_import_needs_a_sip_connection(demo: httpx.Client) -> None:
    response = demo.post("/v1/phone-numbers/import", json={"e164": UK_NUMBER})
    assert_error(response, 400, "VALIDATION_ERROR", "sipConnectionInstallationId")


def test_import_with_an_unknown_installation_names_it(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_sip_installation(OTHER_ORG, "sci_theirs")
    for installation in ("sci_nowhere", "sci_theirs"):
        response = demo.post(
            "/v1/phone-numbers/import",
            json={"e164": UK_NUMBER, "sipConnectionInstallationId": installation},
        )
        assert_error(response, 400, "VALIDATION_ERROR", "sipConnectionInstallationId")
    assert demo.get("/v1/phone-numbers").json() == []


# A field of an import body with a value the API refuses: the error names that field.
REFUSED_IMPORT_VALUES = {
    "agentId": "agent_nobody",
    "e164": "+44",
    "sipProviderName": 3,
    "sipTrunkId": "",
    "unknown": 1,
}


@pytest.mark.parametrize(
    ("fields", "path"),
    [
        *(({name: value}, name) for name, value in REFUSED_IMPORT_VALUES.items()),
        ({"direction": "inbound"}, "agentId"),  # inbound needs an agent (or a template)
    ],
)
def test_import_rejects_invalid_bodies(
    demo: httpx.Client, fields: dict[str, Any], path: str
) -> None:
    body = {"e164": UK_NUMBER, "sipConnectionInstallationId": "sci_demo", **fields}
    response = demo.post("/v1/phone-numbers/import", json=body)
    assert_error(response, 400, "VALIDATION_ERROR", path)


def test_import_of_a_held_number_is_a_conflict(verified: httpx.Client, other: httpx.Client) -> None:
    buy(verified)
    response = other.post(
        "/v1/phone-numbers/import",
        json={"e164": POOL_NUMBER, "sipConnectionInstallationId": "sci_demo"},
    )
    assert_error(response, 409, "CONFLICT")
    import_number(other)
    again = verified.post("/v1/phone-numbers/import", json={"e164": UK_NUMBER, "sipTrunkId": "t"})
    assert_error(again, 409, "CONFLICT")


# --- 8. GET /v1/phone-numbers/{id} -------------------------------------------------------


def test_get_answers_the_number(demo: httpx.Client) -> None:
    number = import_number(demo)
    response = demo.get(f"/v1/phone-numbers/{number['id']}")
    assert response.status_code == 200
    assert response.json() == number


@pytest.mark.parametrize(
    ("method", "body"), [("GET", None), ("PATCH", {"label": "Mine"}), ("DELETE", None)]
)
def test_an_unknown_or_foreign_id_is_not_found(
    demo: httpx.Client, other: httpx.Client, method: str, body: dict[str, Any] | None
) -> None:
    """GET, PATCH and DELETE: another org's number is as unknown as a made-up id, and
    stays as it was."""
    theirs = import_number(other, label="Theirs")
    for number_id in ("pn_doesnotexist", theirs["id"]):
        response = demo.request(method, f"/v1/phone-numbers/{number_id}", json=body)
        assert_error(response, 404, "NOT_FOUND")
    assert other.get(f"/v1/phone-numbers/{theirs['id']}").json() == theirs


def test_id_is_a_single_path_segment(demo: httpx.Client) -> None:
    number = import_number(demo)
    nested = demo.get(f"/v1/phone-numbers/{number['id']}%2Fextra")
    assert_error(nested, 404, "NOT_FOUND")


# --- 9. PATCH /v1/phone-numbers/{id} -----------------------------------------------------


def _patch(client: httpx.Client, number: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    response = client.patch(f"/v1/phone-numbers/{number['id']}", json=body)
    assert response.status_code == 200, response.text
    patched: dict[str, Any] = response.json()
    return patched


def test_patch_changes_only_the_keys_given(demo: httpx.Client) -> None:
    number = import_number(demo, direction="both", **ROUTED)
    patched = _patch(demo, number, {"label": "Renamed"})
    assert_fields(patched, **{**ROUTED, "label": "Renamed"}, direction="both")
    assert patched["createdAt"] == number["createdAt"]
    assert demo.get(f"/v1/phone-numbers/{number['id']}").json() == patched


def test_patch_with_explicit_nulls_clears_fields(demo: httpx.Client) -> None:
    number = import_number(demo, direction="outbound", **ROUTED)
    cleared = dict.fromkeys(ROUTED)
    patched = _patch(demo, number, cleared)
    assert_fields(patched, **cleared)
    assert patched["setupStatus"]["agentReady"] is False


def test_patch_with_an_empty_body_changes_nothing(demo: httpx.Client) -> None:
    number = import_number(demo, label="Keep")
    assert _patch(demo, number, {})["label"] == "Keep"


def test_patch_relinks_the_agent_and_direction(demo: httpx.Client) -> None:
    relinked = {"direction": "inbound", "agentId": "agent_support"}
    assert_fields(_patch(demo, import_number(demo), relinked), **relinked)


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"e164": "+14155550101"}, "e164"),
        ({"source": "managed"}, "source"),
        ({"sipConnectionInstallationId": "sci_demo"}, "sipConnectionInstallationId"),
        ({"sipTrunkId": "t"}, "sipTrunkId"),
        ({"sipProviderName": "x"}, "sipProviderName"),
        ({"direction": None}, "direction"),
        ({"direction": "up"}, "direction"),
        ({"label": 5}, "label"),
        ({"agentId": "agent_nobody"}, "agentId"),
        ({"direction": "inbound"}, "agentId"),
    ],
)
def test_patch_rejects_invalid_changes(demo: httpx.Client, body: dict[str, Any], path: str) -> None:
    number = import_number(demo, label="Before")
    response = demo.patch(f"/v1/phone-numbers/{number['id']}", json=body)
    assert_error(response, 400, "VALIDATION_ERROR", path)
    assert demo.get(f"/v1/phone-numbers/{number['id']}").json() == number


def test_patch_cannot_unlink_the_last_route_of_an_inbound_number(demo: httpx.Client) -> None:
    number = import_number(demo, direction="inbound", agentId="agent_sales")
    response = demo.patch(f"/v1/phone-numbers/{number['id']}", json={"agentId": None})
    assert_error(response, 400, "VALIDATION_ERROR", "agentId")
    _patch(demo, number, {"agentId": None, "dispatchMetadataTemplate": {"queue": "main"}})


# --- 10. DELETE /v1/phone-numbers/{id} ---------------------------------------------------


def test_release_is_final_and_returns_the_number_to_the_pool(
    verified: httpx.Client, other: httpx.Client
) -> None:
    number = buy(verified)
    response = verified.delete(f"/v1/phone-numbers/{number['id']}")
    assert response.status_code == 200
    assert response.json() == {"released": True}
    assert_error(verified.get(f"/v1/phone-numbers/{number['id']}"), 404, "NOT_FOUND")
    assert_error(verified.delete(f"/v1/phone-numbers/{number['id']}"), 404, "NOT_FOUND")
    assert POOL_NUMBER in _available(verified)
    other.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    assert buy(other)["organizationId"] == OTHER_ORG


def test_release_of_an_import_frees_the_e164(demo: httpx.Client) -> None:
    number = import_number(demo)
    assert demo.delete(f"/v1/phone-numbers/{number['id']}").status_code == 200
    assert import_number(demo)["id"] != number["id"]
