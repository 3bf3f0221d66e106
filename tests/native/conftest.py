"""The ``speko`` plugin started as the engine starts it, against its own sandbox.

The sandbox accepts a key made for this run (``NATIVE_KEY``), so a scan for it in
everything the plugin said cannot hit a value that is there for another reason.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_speko.sandbox.model import system_clock
from pulumi_speko.testing.data import business_profile, camel_cased, verification_inputs
from pulumi_speko.testing.plugin import PluginHost
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox, running_sandbox

NATIVE_KEY = f"sk_test_native_{secrets.token_hex(12)}"
PHONE = "speko:index:PhoneNumber"
SIP = "speko:index:SipTrunkPhoneNumber"
KYB = "speko:index:BusinessVerification"
FIRST_415 = "+14155550100"  # first number of area code 415 in the seeded pool

PROFILE: dict[str, Any] = camel_cased(business_profile())
VERIFICATION: dict[str, Any] = camel_cased(verification_inputs())


@pytest.fixture(scope="session")
def native_server() -> Iterator[RunningSandbox]:
    """A sandbox that also accepts ``NATIVE_KEY`` for the demo organization."""
    with running_sandbox(api_keys=((DEMO_ORG, NATIVE_KEY),)) as running:
        yield running


@pytest.fixture
def platform(native_server: RunningSandbox) -> RunningSandbox:
    """The sandbox reset to its seed, with no faults and an empty request log."""
    native_server.store.now = system_clock
    native_server.control.reset()
    native_server.control.clear_faults()
    native_server.control.clear_request_log()
    return native_server


@pytest.fixture
def bare_plugin() -> Iterator[PluginHost]:
    """The plugin, started and not configured (as before the engine's Configure)."""
    with PluginHost() as host:
        yield host


@pytest.fixture
def plugin(platform: RunningSandbox) -> Iterator[PluginHost]:
    """The plugin configured against the sandbox, the key sent as a secret."""
    with PluginHost(env={"SPEKO_API_KEY": "", "SPEKO_BASE_URL": ""}) as host:
        host.configure({"apiKey": NATIVE_KEY, "baseUrl": platform.base_url}, secret_keys=["apiKey"])
        yield host


def checked(host: PluginHost, token: str, name: str, news: dict[str, Any]) -> dict[str, Any]:
    """The checked inputs of a new resource, failing the test on any check failure."""
    result = host.check(token, name, {}, news)
    assert result.failures == []
    return result.inputs


def file_verification(host: PluginHost) -> None:
    """Submit the business verification that purchases need."""
    host.create(KYB, "kyb", checked(host, KYB, "kyb", VERIFICATION))
