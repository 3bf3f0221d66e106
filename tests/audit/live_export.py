"""Sandbox numbers, and stack exports of them shaped like ``pulumi stack export`` (v3).

``buy_fleet`` files a verification and creates three numbers in the demo org.
``stack_export`` writes the state a ``pulumi refresh`` would leave: each speko resource's
inputs and outputs come from the provider's own ``read`` against the sandbox (so the
export holds exactly what the provider records), wrapped like the engine writes them: a
secret ``__provider`` ciphertext, the default ``pulumi-python`` provider, the stack
resource, and an AWS provider and bucket of another package (as in dev-stack.json).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi_speko.api import (
    Client,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberRecord,
    VerificationSubmission,
    VerificationSubmit,
)
from pulumi_speko.resources._session import close_all_sessions
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider
from pulumi_speko.testing import data
from pulumi_speko.testing.sandbox import DEMO_API_KEY

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SIG_KEY = "4dabf18193072939515e22adb298388d"
PREFIX = "pulumi-python:dynamic/speko:"
PROJECT, STACK = "phones", "dev"
STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"
PYTHON_PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:pulumi-python::default"
PYTHON_PROVIDER_ID = "0b7c7a2e-3c5f-4a7e-9d0e-6f3c1f1b2a44"
AWS_PROVIDER_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:providers:aws::default_6_66_0"
AWS_PROVIDER_ID = "5d2e8a61-9c1b-4f3e-8a27-1e6b0c4d9f52"
EXPORT_TIME = "2025-05-02T09:14:31.482917+02:00"
PROFILE: dict[str, Any] = {
    "legal_name": "Acme Voice LLC",
    "display_name": "Acme Voice",
    "entity_type": "llc",
    "country": "US",
    "website": "https://acmevoice.example",
    "address": {
        "street": "500 Third Street",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94107",
        "country": "US",
    },
    "use_case": "Customer support voice agents",
    "expected_usage": "About 2,000 inbound calls a month",
}
REPRESENTATIVE: dict[str, Any] = {
    "name": "Dana Okafor",
    "title": "COO",
    "email": "dana@acmevoice.example",
}
EU_E164 = "+442071838750"


@dataclass(frozen=True)
class Fleet:
    """What :func:`buy_fleet` put in the demo org."""

    verification: VerificationSubmission
    support: PhoneNumberRecord  # managed, both directions, agent and template
    sales: PhoneNumberRecord  # managed, outbound
    eu: PhoneNumberRecord  # SIP trunk, inbound, template only


def buy_fleet(client: Client) -> Fleet:
    """File a verification, buy two managed numbers and import one SIP-trunk number."""
    verification = client.submit_business_verification(
        VerificationSubmit.model_validate(
            {
                "business_profile": PROFILE,
                "authorized_representative": REPRESENTATIVE,
                "attestation_accepted": True,
            }
        )
    )
    offers = client.search_available_phone_numbers(area_code="415", limit=2)
    support = client.create_phone_number(
        PhoneNumberCreate(
            e164=offers[0].e164,
            direction="both",
            agent_id="agent_support",
            label="Support (EN)",
            dispatch_metadata_template={"team": "support", "locale": "en-US"},
        )
    )
    sales = client.create_phone_number(
        PhoneNumberCreate(e164=offers[1].e164, direction="outbound", label="Sales")
    )
    eu = client.import_phone_number(
        PhoneNumberImport(
            **data.sip_import(
                e164=EU_E164,
                sip_provider_name="Twilio Elastic SIP",
                dispatch_metadata_template={"team": "eu"},
                label="EU support",
            )
        )
    )
    return Fleet(verification, support, sales, eu)


@dataclass(frozen=True)
class Declared:
    """A speko resource to write into the export: its name, type and platform id."""

    name: str
    type_name: str  # PhoneNumber, SipTrunkPhoneNumber or BusinessVerification
    id: str
    protect: bool = False
    program_inputs: Mapping[str, Any] | None = None  # inputs only the program knows


def managed(name: str, number: PhoneNumberRecord, protect: bool = True) -> Declared:
    """A PhoneNumber bought with an exact E.164 (costs as the provider records them)."""
    carried = {"adopt_existing": False, "upfront_cost_usd": 1.0, "monthly_cost_usd": 2.0}
    return Declared(name, "PhoneNumber", number.id, protect, carried)


def sip(name: str, number: PhoneNumberRecord) -> Declared:
    """A SipTrunkPhoneNumber."""
    return Declared(name, "SipTrunkPhoneNumber", number.id, False, {"adopt_existing": False})


def verification(name: str, submission: VerificationSubmission) -> Declared:
    """The BusinessVerification."""
    return Declared(name, "BusinessVerification", submission.id, True, {"submit": True})


def fleet_resources(fleet: Fleet) -> list[Declared]:
    """Every resource of the fleet, as a stack that manages all of it declares them."""
    return [
        verification("kyb", fleet.verification),
        managed("support-line", fleet.support),
        managed("sales-line", fleet.sales, protect=False),
        sip("eu-support", fleet.eu),
    ]


_PROVIDERS: dict[str, type[ResourceProvider]] = {
    "PhoneNumber": PhoneNumberProvider,
    "SipTrunkPhoneNumber": SipTrunkPhoneNumberProvider,
    "BusinessVerification": BusinessVerificationProvider,
}


def _state_of(declared: Declared, base_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(inputs, outputs) the provider records for the resource after a refresh."""
    provider = _PROVIDERS[declared.type_name]()
    config = Config({"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": base_url}, PROJECT)
    provider.configure(ConfigureRequest(config))
    try:
        result = provider.read(declared.id, dict(declared.program_inputs or {}))
    finally:
        close_all_sessions()  # the next export must not see this one's cached list
    assert result.id == declared.id, f"{declared.name} is not live"
    return dict(result.inputs or {}), dict(result.outs or {})


def secret(seed: str) -> dict[str, str]:
    """A secret value as the passphrase secrets provider writes it."""
    digest = hashlib.sha256(seed.encode()).hexdigest()
    return {SIG_KEY: SECRET_SIG, "ciphertext": f"v1:{digest[:16]}:{digest[16:]}=="}


def speko_entry(declared: Declared, base_url: str) -> dict[str, Any]:
    """The deployment entry of one speko resource."""
    inputs, outputs = _state_of(declared, base_url)
    provider_secret = secret(f"provider:{declared.name}")
    return {
        "urn": f"urn:pulumi:{STACK}::{PROJECT}::{PREFIX}{declared.type_name}::{declared.name}",
        "custom": True,
        "id": declared.id,
        "type": PREFIX + declared.type_name,
        "inputs": {"__provider": provider_secret, **inputs},
        "outputs": {"__provider": provider_secret, **outputs},
        "parent": STACK_URN,
        "protect": declared.protect,
        "provider": f"{PYTHON_PROVIDER_URN}::{PYTHON_PROVIDER_ID}",
        "propertyDependencies": {name: [] for name in inputs},
        "created": "2025-03-01T14:20:05.731208Z",
        "modified": "2025-04-18T08:31:44.902117Z",
    }


def _stack_and_other_resources() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    stack = {
        "urn": STACK_URN,
        "custom": False,
        "type": "pulumi:pulumi:Stack",
        "outputs": {"kyb_status": "submitted"},
        "created": "2025-02-27T10:02:11.120394Z",
        "modified": "2025-05-02T07:14:30.913275Z",
    }
    python_provider = {
        "urn": PYTHON_PROVIDER_URN,
        "custom": True,
        "id": PYTHON_PROVIDER_ID,
        "type": "pulumi:providers:pulumi-python",
        "created": "2025-02-27T10:02:12.004512Z",
        "modified": "2025-02-27T10:02:12.004512Z",
    }
    aws_provider = {
        "urn": AWS_PROVIDER_URN,
        "custom": True,
        "id": AWS_PROVIDER_ID,
        "type": "pulumi:providers:aws",
        "inputs": {"__internal": {}, "region": "us-east-1", "version": "6.66.0"},
        "outputs": {"region": "us-east-1", "version": "6.66.0"},
    }
    bucket = {
        "urn": f"urn:pulumi:{STACK}::{PROJECT}::aws:s3/bucket:Bucket::recordings",
        "custom": True,
        "id": "recordings-3f9a2c1",
        "type": "aws:s3/bucket:Bucket",
        "inputs": {"bucket": "recordings-3f9a2c1", "tags": {"e164": "+14155550123"}},
        "outputs": {"arn": "arn:aws:s3:::recordings-3f9a2c1", "bucket": "recordings-3f9a2c1"},
        "parent": STACK_URN,
        "provider": f"{AWS_PROVIDER_URN}::{AWS_PROVIDER_ID}",
    }
    return [stack, python_provider, aws_provider], [bucket]


def stack_export(
    resources: Sequence[Declared],
    base_url: str,
    *,
    pending_operations: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """A v3 ``pulumi stack export`` document of ``resources`` as they are live now."""
    head, tail = _stack_and_other_resources()
    return {
        "version": 3,
        "deployment": {
            "manifest": {"time": EXPORT_TIME, "magic": "3c1f0bb6", "version": "v3.172.0"},
            "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:Vx8k2d9Q0mA="}},
            "resources": [*head, *(speko_entry(r, base_url) for r in resources), *tail],
            "pending_operations": list(pending_operations),
            "metadata": {},
        },
    }


def pending_create(name: str, e164: str) -> dict[str, Any]:
    """A pending ``creating`` operation of a PhoneNumber (the engine never saw its end)."""
    return {
        "resource": {
            "urn": f"urn:pulumi:{STACK}::{PROJECT}::{PREFIX}PhoneNumber::{name}",
            "custom": True,
            "type": PREFIX + "PhoneNumber",
            "inputs": {"__provider": secret(name), "e164": e164, "direction": "outbound"},
            "parent": STACK_URN,
            "provider": f"{PYTHON_PROVIDER_URN}::{PYTHON_PROVIDER_ID}",
        },
        "type": "creating",
    }


def speko_entries(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The speko entries of an export by resource name (to edit them in a test)."""
    return {
        entry["urn"].rsplit("::", 1)[-1]: entry
        for entry in document["deployment"]["resources"]
        if entry["type"].startswith(PREFIX)
    }


def write_export(directory: Path, document: Mapping[str, Any], name: str = "stack.json") -> Path:
    """Write ``document`` as ``pulumi stack export`` does (indented JSON)."""
    path = directory / name
    path.write_text(json.dumps(document, indent=4) + "\n", encoding="utf-8")
    return path


Command = Callable[..., tuple[int, str, str]]
"""Runs a ``pulumi-speko`` subcommand against the sandbox; (exit status, stdout, stderr)."""
ExportOf = Callable[[Sequence[Declared]], Path]
"""Writes the stack export of these resources; its path."""

WRONG_KEY = "sk_live_wrong_key_must_never_be_printed_0123456789"
"""A key the sandbox refuses."""


def refused_key_error(base_url: str, *argv: str, **env: str) -> str:
    """Run ``pulumi-speko *argv`` in a fresh process with :data:`WRONG_KEY` (``env`` over
    this process's); check it exits 1 with one line naming the refused listing at
    ``base_url`` and not the key. That line."""
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_speko.cli", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "SPEKO_API_KEY": WRONG_KEY, **env},
        timeout=60,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(
        f"pulumi-speko {argv[0]}: error: cannot list phone numbers at {base_url}: "
        "GET /v1/phone-numbers -> 401 UNAUTHORIZED"
    )
    assert WRONG_KEY not in result.stderr
    return result.stderr
