"""The provider object pickled into state holds nothing secret and stays small."""

from __future__ import annotations

import base64

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime._serialization import _serialize
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider

SECRET = "sk_live_must_never_be_pickled_0123456789"
PROVIDERS = [PhoneNumberProvider, SipTrunkPhoneNumberProvider, BusinessVerificationProvider]


@pytest.mark.parametrize("provider_class", PROVIDERS)
def test_configured_provider_pickles_without_the_key(provider_class: type) -> None:
    provider = provider_class()
    provider.configure(ConfigureRequest(Config({"speko:apiKey": SECRET}, "proj")))
    serialized = _serialize(True, serialize_provider, provider)[0]
    raw = base64.b64decode(serialized)
    assert SECRET.encode() not in raw
    assert b"sk_live" not in raw
    assert len(serialized) <= 1024, len(serialized)
    assert provider_class.__module__.encode() in raw  # pickled by reference


@pytest.mark.parametrize("provider_class", PROVIDERS)
def test_pickle_is_stable(provider_class: type) -> None:
    first = _serialize(True, serialize_provider, provider_class())[0]
    configured = provider_class()
    configured.configure(ConfigureRequest(Config({"speko:apiKey": SECRET}, "proj")))
    assert _serialize(True, serialize_provider, configured)[0] == first
