"""Sizes: the serialized provider, and one resource's inputs and outputs as state holds them.

Pulumi stores a resource's checked inputs and its outputs in state, both with the
``__provider`` string. The SDK makes ``__provider`` a secret (``Resource.__init__``, with
the provider's ``serialize_as_secret_always`` left True), so state holds it as a
ciphertext envelope::

    {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
     "ciphertext": "v1:<base64 nonce>:<base64 AES-256-GCM ciphertext and tag>"}

(the passphrase and service secrets managers' format: a 12-byte nonce, the JSON text
of the value encrypted, a 16-byte tag). :func:`secret_envelope` builds one of the same
length, so the state size is estimated without the Pulumi CLI.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from pulumi.dynamic import ResourceProvider
from pulumi_speko.constants import PROVIDER_KEY
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider
from pulumi_speko.testing.engine import serialize_provider

SECRET_SIGNATURE_KEY: Final = "4dabf18193072939515e22adb298388d"
SECRET_SIGNATURE: Final = "1b47061264138c4ac30d75fd1eb44270"
GCM_NONCE_BYTES: Final = 12
GCM_TAG_BYTES: Final = 16
PROVIDERS: Final[tuple[type[ResourceProvider], ...]] = (
    PhoneNumberProvider,
    SipTrunkPhoneNumberProvider,
    BusinessVerificationProvider,
)


@dataclass(frozen=True)
class StateSize:
    """Bytes of one resource's ``inputs`` and ``outputs`` in state (compact JSON)."""

    plain: int
    """With ``__provider`` in plain text (what the engine's gRPC messages carry)."""
    with_secret_provider: int
    """With ``__provider`` as a ciphertext envelope (what state files hold)."""
    provider_share: int
    """Of ``with_secret_provider``, the bytes the two ``__provider`` envelopes take."""


def provider_sizes() -> dict[str, int]:
    """Length of ``__provider`` for each provider class, as ``Resource.__init__`` makes it."""
    return {cls.__name__: len(serialize_provider(cls())) for cls in PROVIDERS}


def secret_envelope(value: Any) -> dict[str, str]:
    """A ciphertext envelope as long as the one Pulumi writes for ``value``."""
    plaintext = json.dumps(value).encode()
    nonce = base64.b64encode(os.urandom(GCM_NONCE_BYTES)).decode()
    sealed = base64.b64encode(os.urandom(len(plaintext) + GCM_TAG_BYTES)).decode()
    return {SECRET_SIGNATURE_KEY: SECRET_SIGNATURE, "ciphertext": f"v1:{nonce}:{sealed}"}


def state_size(inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> StateSize:
    """Size of ``{"inputs": …, "outputs": …}`` for one resource, both ways."""
    plain = _json_size({"inputs": inputs, "outputs": outputs})
    sealed_inputs, sealed_outputs = _sealed(inputs), _sealed(outputs)
    sealed = _json_size({"inputs": sealed_inputs, "outputs": sealed_outputs})
    share = sum(_json_size(bag.get(PROVIDER_KEY)) for bag in (sealed_inputs, sealed_outputs))
    return StateSize(plain, sealed, share)


def _sealed(bag: Mapping[str, Any]) -> dict[str, Any]:
    if PROVIDER_KEY not in bag:
        return dict(bag)
    return {**bag, PROVIDER_KEY: secret_envelope(bag[PROVIDER_KEY])}


def _json_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())
