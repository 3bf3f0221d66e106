"""setupStatus: the derivation table of the contract, and what the API answers."""

from __future__ import annotations

import httpx
import pytest
from pulumi_speko.sandbox.model import derive_setup_status
from pulumi_speko.testing.sandbox import RunningSandbox

from .support import buy, import_number

# source, direction, agent, template, installation exists, suspended ->
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


@pytest.mark.parametrize(
    (
        "source", "direction", "agent", "template", "installed", "suspended",
        "status", "inbound", "outbound", "agent_ready", "forwarding", "sip", "issues",
    ),
    TABLE,
)  # fmt: skip
def test_derivation_table(
    source: str,
    direction: str,
    agent: str | None,
    template: bool,
    installed: bool,
    suspended: bool,
    status: str,
    inbound: bool,
    outbound: bool,
    agent_ready: bool,
    forwarding: bool,
    sip: bool,
    issues: tuple[str, ...],
) -> None:
    derived = derive_setup_status(
        source=source,
        direction=direction,
        agent_id=agent,
        has_template=template,
        installation_exists=installed,
        suspended=suspended,
    )
    assert derived.status == status
    assert derived.inbound_ready is inbound
    assert derived.outbound_ready is outbound
    assert derived.agent_ready is agent_ready
    assert derived.forwarding_required is forwarding
    assert derived.sip_connection_ready is sip
    assert derived.issues == issues


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
