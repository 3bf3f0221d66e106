"""The engine-protocol tier: the SDK's own provider host driven over gRPC like the engine.

Each test starts ``python -m pulumi.dynamic`` (what ``pulumi up`` launches), configures it
with the stack config as the engine does (the key as a secret), and walks whole
lifecycles of each resource against the sandbox.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from pulumi_speko.api import Client
from pulumi_speko.api.models import PhoneNumberCreate, PhoneNumberUpdate
from pulumi_speko.constants import BUSINESS_VERIFICATION_TYPE as KYB
from pulumi_speko.constants import PHONE_NUMBER_TYPE as PHONE
from pulumi_speko.constants import SIP_TRUNK_PHONE_NUMBER_TYPE as SIP
from pulumi_speko.testing.engine import UNKNOWN, EngineError, EngineHost
from pulumi_speko.testing.providers import serialized_providers
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, RunningSandbox

from .conftest import PROFILE, REPRESENTATIVE

PROVIDERS = serialized_providers()


class Recorder:
    """Everything the engine saw, to scan for the key at the end of a test."""

    def __init__(self, host: EngineHost) -> None:
        self.host = host
        self.seen: list[Any] = []

    def check(
        self, token: str, name: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> Any:
        result = self.host.check(token, name, olds or {}, {**news, "__provider": PROVIDERS[token]})
        self.seen.append(result.inputs)
        self.seen.append(result.failures)
        return result

    def checked(self, token: str, name: str, news: dict[str, Any]) -> dict[str, Any]:
        result = self.check(token, name, news)
        assert result.failures == []
        inputs: dict[str, Any] = result.inputs
        return inputs

    def create(self, token: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        id_, outs = self.host.create(token, name, inputs)
        self.seen.append(outs)
        return id_, outs

    def text(self) -> str:
        return (
            json.dumps(self.seen, default=str)
            + "\n".join(self.host.stdout_lines)
            + self.host.stderr_text()
        )


@contextmanager
def recording_engine(base_url: str) -> Iterator[Recorder]:
    """A provider host configured as the engine does (the demo key a secret), recording
    what it sees; at the end the key must be nowhere in that."""
    with EngineHost() as host:
        host.configure(
            {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": base_url},
            secret_keys=["speko:apiKey"],
        )
        recorder = Recorder(host)
        yield recorder
        assert DEMO_API_KEY not in recorder.text()


@pytest.fixture
def engine(sandbox: RunningSandbox) -> Iterator[Recorder]:
    with recording_engine(sandbox.base_url) as recorder:
        yield recorder


def file_verification(engine: Recorder) -> tuple[str, dict[str, Any]]:
    inputs = engine.checked(
        KYB,
        "kyb",
        {
            "business_profile": PROFILE,
            "authorized_representative": REPRESENTATIVE,
            "attestation_accepted": True,
        },
    )
    return engine.create(KYB, "kyb", inputs)


def test_managed_number_lifecycle(
    engine: Recorder, sandbox: RunningSandbox, client: Client
) -> None:
    host = engine.host
    preview = engine.check(
        PHONE, "main", {"area_code": "415", "direction": "inbound", "agent_id": UNKNOWN}
    )
    assert preview.failures == []
    assert preview.inputs["agent_id"] == UNKNOWN

    kyb_id, kyb_outs = file_verification(engine)
    assert kyb_outs["status"] == "submitted"

    inputs = engine.checked(
        PHONE, "main", {"area_code": "415", "direction": "inbound", "agent_id": "agent_sales"}
    )
    number_id, outs = engine.create(PHONE, "main", inputs)
    assert outs["e164"].startswith("+1415") and outs["setup_status"]["status"] == "ready"

    assert host.diff(PHONE, "main", number_id, outs, inputs).changes is False

    relabelled = engine.checked(PHONE, "main", {**_user(inputs), "label": "Sales line"})
    diff = host.diff(PHONE, "main", number_id, outs, relabelled)
    assert (diff.changes, diff.replaces) == (True, [])
    outs = host.update(PHONE, "main", number_id, outs, relabelled)
    assert outs["label"] == "Sales line"

    client.update_phone_number(number_id, PhoneNumberUpdate(label="edited in dashboard"))
    refreshed = host.read(PHONE, "main", number_id, outs, relabelled)
    assert refreshed.properties["label"] == "edited in dashboard"
    assert refreshed.inputs["label"] == "edited in dashboard"
    assert host.diff(PHONE, "main", number_id, refreshed.properties, relabelled).changes is True

    moved = engine.checked(PHONE, "main", {**_user(relabelled), "area_code": "212"})
    diff = host.diff(PHONE, "main", number_id, refreshed.properties, moved)
    assert diff.replaces == ["area_code"] and diff.delete_before_replace is False
    new_id, new_outs = engine.create(
        PHONE, "main", moved
    )  # create-before-delete, as the engine does
    host.delete(PHONE, "main", number_id, refreshed.properties)
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [new_id]

    client.release_phone_number(new_id)  # out-of-band delete
    gone = host.read(PHONE, "main", new_id, new_outs, moved)
    assert gone.id == ""
    host.delete(PHONE, "main", new_id, new_outs)  # gone is not an error

    host.delete(KYB, "kyb", kyb_id, kyb_outs)
    assert "no delete" in stderr_eventually(host, "no delete")


def test_sip_trunk_lifecycle_replaces_same_number_delete_first(
    engine: Recorder, sandbox: RunningSandbox
) -> None:
    host = engine.host
    failing = engine.check(SIP, "de", {"e164": "+49 30", "direction": "inbound"})
    assert {prop for prop, _ in failing.failures} == {
        "e164",
        "direction",
        "sip_connection_installation_id",
    }

    inputs = engine.checked(
        SIP,
        "de",
        {
            "e164": "+4930123456",
            "sip_connection_installation_id": "sci_demo",
            "sip_provider_name": "Twilio",
        },
    )
    number_id, outs = engine.create(SIP, "de", inputs)
    assert outs["source"] == "sip_trunk"

    renamed = engine.checked(SIP, "de", {**_user(inputs), "sip_provider_name": "Telnyx"})
    diff = host.diff(SIP, "de", number_id, outs, renamed)
    assert diff.replaces == ["sip_provider_name"] and diff.delete_before_replace is True
    host.delete(SIP, "de", number_id, outs)
    new_id, new_outs = engine.create(SIP, "de", renamed)
    assert new_outs["sip_provider_name"] == "Telnyx"
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [new_id]

    reference = host.read(
        SIP, "ref", new_id, {}, {"__provider": PROVIDERS[SIP]}
    )  # SipTrunkPhoneNumber.get
    assert reference.properties["e164"] == "+4930123456"
    host.delete(SIP, "de", new_id, new_outs)
    assert sandbox.control.list_numbers(DEMO_ORG) == []


def test_api_failure_reaches_the_engine_as_one_line_without_the_key(
    engine: Recorder, client: Client
) -> None:
    e164 = client.search_available_phone_numbers(area_code="415", limit=1)[0].e164
    inputs = engine.checked(PHONE, "unverified", {"e164": e164})
    with pytest.raises(EngineError) as raised:
        engine.host.create(PHONE, "unverified", inputs)
    line = raised.value.last_line
    assert "403" in line and "VERIFICATION_REQUIRED" in line and "BusinessVerification" in line
    assert DEMO_API_KEY not in raised.value.details
    assert "During handling" not in raised.value.details
    engine.seen.append(raised.value.details)


def test_lost_purchase_response_through_the_host_buys_once(
    engine: Recorder, sandbox: RunningSandbox, client: Client
) -> None:
    file_verification(engine)
    e164 = client.search_available_phone_numbers(area_code="646", limit=1)[0].e164
    sandbox.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
    number_id, _ = engine.create(PHONE, "n", engine.checked(PHONE, "n", {"e164": e164}))
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [number_id]
    assert str(sandbox.control.get_credits(DEMO_ORG)) == "97.00"


def test_adopting_a_hand_bought_number(
    engine: Recorder, sandbox: RunningSandbox, client: Client
) -> None:
    file_verification(engine)
    e164 = client.search_available_phone_numbers(area_code="212", limit=1)[0].e164
    by_hand = client.create_phone_number(PhoneNumberCreate(e164=e164, label="by hand"))
    inputs = engine.checked(
        PHONE, "adopted", {"e164": e164, "label": "as code", "adopt_existing": True}
    )
    number_id, outs = engine.create(PHONE, "adopted", inputs)
    assert number_id == by_hand.id and outs["label"] == "as code"
    assert len(sandbox.control.list_numbers(DEMO_ORG)) == 1


def test_a_purchase_past_the_configured_timeout_is_settled_not_doubled(
    sandbox: RunningSandbox, client: Client
) -> None:
    """``speko:timeout`` reaches the host's client: a slow purchase times out, the provider
    lists the organization, finds nothing landed and buys once. The answer is slower than
    the engine's own deadline, so ignoring the setting (30 s default) fails the call."""
    with EngineHost(call_timeout=10.0) as host:
        host.configure(
            {
                "speko:apiKey": DEMO_API_KEY,
                "speko:baseUrl": sandbox.base_url,
                "speko:timeout": "0.3",
            },
            secret_keys=["speko:apiKey"],
        )
        engine = Recorder(host)
        file_verification(engine)
        e164 = client.search_available_phone_numbers(area_code="212", limit=1)[0].e164
        sandbox.control.add_fault(
            "POST", "/v1/phone-numbers", action="latency", latency_seconds=12.0, times=1
        )
        number_id, _ = engine.create(PHONE, "slow", engine.checked(PHONE, "slow", {"e164": e164}))
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [number_id]
    assert str(sandbox.control.get_credits(DEMO_ORG)) == "97.00"


def stderr_eventually(host: EngineHost, text: str, timeout: float = 5.0) -> str:
    """The host's stderr once it holds ``text`` (a drain thread copies it; poll, bounded)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while text not in host.stderr_text() and time.monotonic() < deadline:
        pause.wait(0.01)
    return host.stderr_text()


def _user(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != "__provider"}
