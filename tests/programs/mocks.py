"""Mocks that stand in for the engine while an example program runs.

``RecordingMocks`` answers each registration with plausible outputs of the resource
(what the sandbox would return) and records the inputs it received;
``RecordingMonitor`` also records what ``MockResourceArgs`` does not carry: the
resource options the engine sees (dependencies, protect).
"""

from __future__ import annotations

import base64
import runpy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import rpc, set_all_config
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.settings import get_root_resource

PREFIX = "pulumi-python:dynamic/speko:"
PHONE_NUMBER = PREFIX + "PhoneNumber"
SIP_TRUNK_PHONE_NUMBER = PREFIX + "SipTrunkPhoneNumber"
BUSINESS_VERIFICATION = PREFIX + "BusinessVerification"
MOCK_TIME = "2025-01-01T00:00:00Z"
ORG = "org_demo"


def setup_status(inputs: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The setup status the platform derives from a number's routing (the contract's rules)."""
    direction = inputs.get("direction") or "outbound"
    takes_calls = direction in ("inbound", "both")
    routed = inputs.get("agent_id") is not None or inputs.get("dispatch_metadata_template")
    flags = {
        "inbound_ready": takes_calls and bool(routed),
        "outbound_ready": direction in ("outbound", "both"),
        "agent_ready": inputs.get("agent_id") is not None,
        "forwarding_required": source == "sip_trunk" and takes_calls,
        "sip_connection_ready": True,
    }
    needed = ["inbound_ready"] if takes_calls else ["outbound_ready"]
    issues = [name for name in needed if not flags[name]]
    return {**flags, "issues": issues, "status": "action_required" if issues else "ready"}


def _number_outputs(inputs: Mapping[str, Any], source: str, e164: str) -> dict[str, Any]:
    return {
        **inputs,
        "e164": e164,
        "direction": inputs.get("direction") or "outbound",
        "source": source,
        "organization_id": ORG,
        "setup_status": setup_status(inputs, source),
        "created_at": MOCK_TIME,
        "updated_at": MOCK_TIME,
    }


def mock_outputs(type_token: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Plausible outputs of a speko resource created with ``inputs``."""
    if type_token == PHONE_NUMBER:
        e164 = inputs.get("e164") or f"+1{inputs['area_code']}5550100"
        outputs = _number_outputs(inputs, "managed", e164)
        return {**outputs, "upfront_cost_usd": 1.0, "monthly_cost_usd": 2.0}
    if type_token == SIP_TRUNK_PHONE_NUMBER:
        return _number_outputs(inputs, "sip_trunk", inputs["e164"])
    if type_token == BUSINESS_VERIFICATION:
        submitted = inputs.get("submit", True)
        return {
            **inputs,
            "status": "submitted" if submitted else "draft",
            "submission_id": "kyb_mock",
            "submitted_at": MOCK_TIME if submitted else None,
            "organization_id": ORG,
        }
    raise AssertionError(f"the example declared an unexpected resource type {type_token}")


class RecordingMocks(pulumi.runtime.Mocks):
    """Answers registrations like the sandbox would and keeps what it was asked.

    With ``preview`` it answers as the engine does in a preview: no id, the inputs
    echoed back, every other output unknown.
    """

    def __init__(self, *, preview: bool = False) -> None:
        self.preview = preview
        self.resources: dict[str, MockResourceArgs] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        self.resources[args.name] = args
        if self.preview:
            return "", dict(args.inputs)
        return f"{args.name}-id", mock_outputs(args.typ, args.inputs)

    def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        raise AssertionError(f"the example made an unexpected invoke: {args.token}")

    def of_type(self, type_token: str) -> dict[str, MockResourceArgs]:
        """The registered resources of one type, by name."""
        return {name: res for name, res in self.resources.items() if res.typ == type_token}


@dataclass
class Registration:
    """What the engine would see of a registration beyond its inputs."""

    type_token: str
    dependencies: list[str]
    protect: bool


class RecordingMonitor(MockMonitor):
    """A mock monitor that also records each registration's options."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.registrations: dict[str, Registration] = {}

    def RegisterResource(self, request: Any) -> Any:
        self.registrations[request.name] = Registration(
            request.type, list(request.dependencies), bool(request.protect)
        )
        return super().RegisterResource(request)


@dataclass
class ExampleRun:
    """An example program run under mocks: what it declared and what it exported."""

    main: Path
    project: str
    mocks: RecordingMocks
    monitor: RecordingMonitor

    def run(self, config: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Run the example's ``__main__.py`` as the Pulumi language host would, with
        ``config`` as its stack config (bare keys belong to the example's project).

        Returns the stack outputs once every registration has reached the mocks and
        every output has resolved (``pulumi.runtime.test`` waits for both).
        """
        outputs: dict[str, Any] = {}

        @pulumi.runtime.test
        def program() -> pulumi.Output[None]:
            set_all_config({self._config_key(key): value for key, value in (config or {}).items()})
            runpy.run_path(str(self.main), run_name="__main__")
            return pulumi.Output.all(**get_root_resource().outputs).apply(outputs.update)

        program()
        return outputs

    def _config_key(self, key: str) -> str:
        return key if ":" in key else f"{self.project}:{key}"

    def urn_of(self, name: str) -> str:
        """The URN the mock monitor gave a registered resource."""
        registration = self.monitor.registrations[name]
        return next(
            urn
            for urn in self.monitor.resources
            if urn.endswith(f"{registration.type_token}::{name}")
        )


def provider_pickle(inputs: Mapping[str, Any]) -> bytes:
    """The pickled provider a dynamic resource carries, checked to be a secret."""
    wrapped = inputs["__provider"]
    assert rpc.is_rpc_secret(wrapped), "__provider must be registered as a secret"
    return base64.b64decode(rpc.unwrap_rpc_secret(wrapped))
