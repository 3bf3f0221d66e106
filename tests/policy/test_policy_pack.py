"""The pack as a whole: what the analyzer declares, the example pack run as the engine
runs it, and what importing ``pulumi_speko.policy`` costs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import grpc
import pytest
from google.protobuf import empty_pb2, json_format
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc
from pulumi_speko.policy import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)
from pulumi_speko.testing.engine import sigint_inherited_as_default

REPO = Path(__file__).resolve().parents[2]
PACK_DIR = REPO / "examples" / "policy-pack"

EXPECTED = {
    "speko-e164-format": (proto.MANDATORY, proto.POLICY_TYPE_RESOURCE),
    "speko-inbound-routed": (proto.MANDATORY, proto.POLICY_TYPE_RESOURCE),
    "speko-no-secrets-in-dispatch-metadata": (proto.MANDATORY, proto.POLICY_TYPE_RESOURCE),
    "speko-managed-number-protected": (proto.ADVISORY, proto.POLICY_TYPE_RESOURCE),
    "speko-label-required": (proto.ADVISORY, proto.POLICY_TYPE_RESOURCE),
    "speko-unique-e164": (proto.MANDATORY, proto.POLICY_TYPE_STACK),
    "speko-verification-before-purchase": (proto.MANDATORY, proto.POLICY_TYPE_STACK),
    "speko-max-managed-numbers": (proto.ADVISORY, proto.POLICY_TYPE_STACK),
}


def test_the_analyzer_declares_every_policy_with_its_level_and_kind(analyzer: Any) -> None:
    info = analyzer.info()
    assert info.name == "speko"
    assert info.supportsConfig
    declared = {p.name: (p.enforcementLevel, p.policy_type) for p in info.policies}
    assert declared == EXPECTED


def test_the_configurable_policies_publish_their_config_schema(analyzer: Any) -> None:
    schemas = {
        p.name: json_format.MessageToDict(p.configSchema.properties)
        for p in analyzer.info().policies
        if p.configSchema.properties
    }
    assert schemas == {
        "speko-verification-before-purchase": {
            "verificationManagedElsewhere": {
                "type": "boolean",
                "default": False,
                "description": "true when another stack or the dashboard files the business "
                "verification",
            }
        },
        "speko-max-managed-numbers": {
            "maxManagedNumbers": {
                "type": "integer",
                "minimum": 0.0,
                "default": 10.0,
                "description": "how many managed (purchased) numbers one stack may hold",
            }
        },
    }


def test_importing_the_rules_loads_no_resources_client_sandbox_or_schema() -> None:
    code = (
        "import json, sys\n"
        "import pulumi_speko.policy as policy\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('pulumi_speko.'))\n"
        "print(json.dumps({'loaded': loaded, 'policies': [p.name for p in policy.POLICIES]}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    report = json.loads(result.stdout)
    assert report["policies"] == list(EXPECTED)
    forbidden = (
        "pulumi_speko.resources",
        "pulumi_speko.api",
        "pulumi_speko.sandbox",
        "pulumi_speko.schema",
    )
    assert [m for m in report["loaded"] if m.startswith(forbidden)] == []


@pytest.mark.parametrize("sigint", [signal.default_int_handler, signal.SIG_IGN])
def test_the_example_pack_serves_the_rules_as_the_engine_starts_it(
    tmp_path: Path, sigint: Any
) -> None:
    # The engine runs `python -u -m pulumi.policy <engine address> .` in the pack directory
    # (the pulumi-analyzer-policy-python script); the pack prints its port and serves, and
    # stops on SIGINT, also when launched from a job that ignores SIGINT (`&`, nohup).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    previous = signal.signal(signal.SIGINT, sigint)
    try:
        with sigint_inherited_as_default():
            process = subprocess.Popen(
                [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
                cwd=PACK_DIR,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            grpc.channel_ready_future(channel).result(timeout=120)
            stub = analyzer_pb2_grpc.AnalyzerStub(channel)
            info = stub.GetAnalyzerInfo(empty_pb2.Empty())
            request = proto.AnalyzeRequest(
                type=PHONE_NUMBER_TYPE,
                name="london",
                urn=f"urn:pulumi:dev::phones::{PHONE_NUMBER_TYPE}::london",
                options=proto.AnalyzerResourceOptions(protect=True),
            )
            request.properties.update({"e164": "+442071838750", "label": "London"})
            diagnostics = stub.Analyze(request).diagnostics
        assert info.name == "speko"
        assert [p.name for p in info.policies] == list(EXPECTED)
        assert [d.policyName for d in diagnostics] == ["speko-e164-format"]
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.communicate(timeout=120)  # a hang guard: a loaded machine needs >30 s
        except subprocess.TimeoutExpired:
            process.kill()  # never leave the pack running; the assertion below fails
            process.communicate()
    assert process.returncode == 0


def test_the_rules_use_the_type_tokens_and_property_names_of_the_resources() -> None:
    from pulumi_speko.resources import business_verification, phone_number, sip_trunk_phone_number

    assert phone_number.TYPE_TOKEN == PHONE_NUMBER_TYPE
    assert sip_trunk_phone_number.TYPE_TOKEN == SIP_TRUNK_PHONE_NUMBER_TYPE
    assert business_verification.TYPE_TOKEN == BUSINESS_VERIFICATION_TYPE
    read_by_rules = {"e164", "direction", "agent_id", "label", "dispatch_metadata_template"}
    for module in (phone_number, sip_trunk_phone_number):
        assert read_by_rules <= set(module.INPUT_NAMES) & set(module.OUTPUT_NAMES)
    assert "submit" in business_verification.INPUT_NAMES
