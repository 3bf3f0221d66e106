"""Sample inputs for tests: a valid business verification, once for every test.

Values are in the naming of Pulumi inputs (snake_case); ``camel_cased`` turns them into
the naming of the API's JSON bodies and of the native plugin. Each function returns a
fresh copy, so a test may change what it gets.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pulumi_speko.families import camel_name

_BUSINESS_PROFILE: dict[str, Any] = {
    "legal_name": "Acme Voice LLC",
    "display_name": "Acme",
    "entity_type": "llc",
    "country": "US",
    "website": "https://acme.example",
    "address": {
        "street": "1 Main St",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94105",
        "country": "US",
    },
    "use_case": "customer support",
    "expected_usage": "200 calls a day",
}
_SIP_IMPORT: dict[str, Any] = {
    "e164": "+442071838752",
    "sip_connection_installation_id": "sci_demo",
    "sip_provider_name": "Twilio",
    "direction": "inbound",
    "dispatch_metadata_template": {"queue": "main"},
}
_AUTHORIZED_REPRESENTATIVE: dict[str, Any] = {
    "name": "Ada Ops",
    "title": "CTO",
    "email": "ada@acme.example",
}


def business_profile(**changes: Any) -> dict[str, Any]:
    """A valid ``business_profile`` (required fields only); ``changes`` replace fields."""
    return {**copy.deepcopy(_BUSINESS_PROFILE), **changes}


def authorized_representative(**changes: Any) -> dict[str, Any]:
    """A valid ``authorized_representative`` (no phone); ``changes`` replace fields."""
    return {**copy.deepcopy(_AUTHORIZED_REPRESENTATIVE), **changes}


def sip_import(**changes: Any) -> dict[str, Any]:
    """An inbound SIP-trunk import through the sandbox's seeded installation (``sci_demo``),
    routed by a dispatch template; ``changes`` replace or add fields."""
    return {**copy.deepcopy(_SIP_IMPORT), **changes}


def verification_inputs(**changes: Any) -> dict[str, Any]:
    """The inputs of a ``BusinessVerification`` that can be submitted (attested)."""
    inputs: dict[str, Any] = {
        "business_profile": business_profile(),
        "authorized_representative": authorized_representative(),
        "attestation_accepted": True,
    }
    return {**inputs, **changes}


def camel_cased(value: Any) -> Any:
    """``value`` with the keys of every mapping in it camelCase, at every depth."""
    if isinstance(value, Mapping):
        return {camel_name(str(key)): camel_cased(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_cased(item) for item in value]
    return value
