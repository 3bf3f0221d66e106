"""setupStatus: the derivation table of the contract, and what the API answers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from pulumi_speko.sandbox.model import SetupStatus, derive_setup_status
from pulumi_speko.testing.sandbox import RunningSandbox

from .support import buy, import_number

INPUTS = ("source", "direction", "agent_id", "has_template", "installation_exists", "suspended")
# the INPUTS of derive_setup_status -> the SetupStatus it derives:
# status, inboundReady, outboundReady, agentReady, forwardingRequired, sipConnectionReady, issues
TABLE = [
    ("managed", "outbound", None, False, False, False,
     "ready", False, True, False, False, True, ()),
    ("managed", "inbound", "agent_sales", False, False, False,
     "ready", True, False, True, False, True, ()),
    ("managed", "inbound", None, True, False, False,
     "ready", True, False, False, False, True, ()),
    ("managed", "both", None, False, False, False,
     "action_required", False, True, False, False, True, ("inboundReady",)),
    ("sip_trunk", "inbound", "agent_sales", False, True, False,
     "ready", True, False, True, True, True, ()),
    ("sip_trunk", "outbound", None, False, True, False,
     "ready", False, True, False, False, True, ()),
    ("sip_trunk", "outbound", None, False, False, False,
     "action_required", False, True, False, False, False, ("sipConnectionReady",)),
    ("sip_trunk", "both", None, False, False, False,
     "action_required", False, True, False, True, False, ("inboundReady", "sipConnectionReady")),
    ("managed", "outbound", None, False, False, True,
     "suspended", False, True, False, False, True, ()),
    ("sip_trunk", "inbound", "agent_sales", False, False, True,
     "suspended", True, False, True, True, False, ("sipConnectionReady",)),
]  # fmt: skip


@pytest.mark.parametrize("row", TABLE)
def test_derivation_table(row: tuple[Any, ...]) -> None:
    inputs, expected = row[: len(INPUTS)], row[len(INPUTS) :]
    derived = derive_setup_status(**dict(zip(INPUTS, inputs, strict=True)))
    assert derived == SetupStatus(*expected)


def test_a_trunk_only_import_needs_action(demo: httpx.Client) -> None:
    response = demo.post(
        "/v1/phone-numbers/import", json={"e164": "+442071234567", "sipTrunkId": "trunk_1"}
    )
    status = response.json()["setupStatus"]
    assert status == {
        "status": "action_required",
        "inboundReady": False,
        "outboundReady": True,
        "agentReady": False,
        "forwardingRequired": False,
        "sipConnectionReady": False,
        "issues": ["sipConnectionReady"],
    }


def test_a_suspended_number_says_so_until_unsuspended(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    number = buy(verified)
    suspended = sandbox.control.suspend_number(number["id"])
    assert suspended["setupStatus"]["status"] == "suspended"
    fetched = verified.get(f"/v1/phone-numbers/{number['id']}").json()
    assert fetched["setupStatus"]["status"] == "suspended"
    assert fetched["suspendedAt"] is not None
    restored = sandbox.control.unsuspend_number(number["id"])
    assert restored["setupStatus"]["status"] == "ready"
    assert restored["suspendedAt"] is None


def test_setup_status_follows_a_patch(demo: httpx.Client) -> None:
    number = import_number(demo, direction="outbound")
    assert number["setupStatus"]["forwardingRequired"] is False
    patched = demo.patch(
        f"/v1/phone-numbers/{number['id']}",
        json={"direction": "both", "agentId": "agent_sales"},
    ).json()
    assert patched["setupStatus"]["forwardingRequired"] is True
    assert patched["setupStatus"]["inboundReady"] is True
    assert patched["setupStatus"]["agentReady"] is True
