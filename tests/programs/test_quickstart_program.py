"""examples/quickstart under mocks: what it declares, how, and what it exports."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.dynamic import CheckResult
from pulumi.runtime import rpc
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider

from .mocks import (
    BUSINESS_VERIFICATION,
    PHONE_NUMBER,
    ExampleRun,
    provider_pickle,
)

LEAKED_KEY = "sk_live_quickstart_must_not_leak_0123456789"


def test_declares_one_verification_and_one_managed_number(quickstart: ExampleRun) -> None:
    quickstart.run()
    declared = {name: res.typ for name, res in quickstart.mocks.resources.items()}
    assert declared == {
        "business-verification": BUSINESS_VERIFICATION,
        "sales-line": PHONE_NUMBER,
    }


def test_number_is_bought_by_area_code_and_routed_inbound_to_the_sales_agent(
    quickstart: ExampleRun,
) -> None:
    quickstart.run()
    inputs = quickstart.mocks.resources["sales-line"].inputs
    assert inputs["area_code"] == "415"
    assert "e164" not in inputs  # the provider picks the number
    assert inputs["direction"] == "inbound"
    assert inputs["agent_id"] == "agent_sales"
    assert inputs["max_upfront_cost_usd"] == 5
    assert inputs["max_monthly_cost_usd"] == 5


def test_number_depends_on_the_verification(quickstart: ExampleRun) -> None:
    quickstart.run()
    dependencies = quickstart.monitor.registrations["sales-line"].dependencies
    assert quickstart.urn_of("business-verification") in dependencies


def test_verification_is_submitted_with_attestation(quickstart: ExampleRun) -> None:
    quickstart.run()
    inputs = quickstart.mocks.resources["business-verification"].inputs
    assert inputs["submit"] is True
    assert inputs["attestation_accepted"] is True
    profile = inputs["business_profile"]
    assert profile["address"]["postal_code"] == "94105"  # snake_case at every depth
    assert inputs["authorized_representative"]["email"] == "ada@acme.example"


def test_nothing_is_protected_so_the_demo_can_destroy_it(quickstart: ExampleRun) -> None:
    quickstart.run()
    protected = [n for n, r in quickstart.monitor.registrations.items() if r.protect]
    assert protected == []


def _check(provider: Any, inputs: dict[str, Any]) -> CheckResult:
    news = {**inputs, "__provider": rpc.unwrap_rpc_secret(inputs["__provider"])}
    result: CheckResult = provider.check({}, news)
    return result


def test_declared_inputs_pass_the_providers_checks(quickstart: ExampleRun) -> None:
    """What `pulumi preview` would ask each provider first: no CheckFailure."""
    quickstart.run()
    resources = quickstart.mocks.resources
    number = _check(PhoneNumberProvider(), resources["sales-line"].inputs)
    verification = _check(BusinessVerificationProvider(), resources["business-verification"].inputs)
    assert [(f.property, f.reason) for f in number.failures or []] == []
    assert [(f.property, f.reason) for f in verification.failures or []] == []


def test_stack_outputs(quickstart: ExampleRun) -> None:
    assert quickstart.run() == {
        "phone_number": "+14155550100",  # the mock's answer for area code 415
        "setup_status": "ready",  # inbound with an agent
        "verification_status": "submitted",
    }


@pytest.mark.parametrize("where", ["environment", "stack config"])
def test_pickled_providers_hold_no_api_key(
    quickstart: ExampleRun, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", LEAKED_KEY)
    config = {"speko:apiKey": LEAKED_KEY} if where == "stack config" else {}
    quickstart.run(config)
    assert len(quickstart.mocks.resources) == 2
    for name, resource in quickstart.mocks.resources.items():
        pickled = provider_pickle(resource.inputs)
        assert LEAKED_KEY.encode() not in pickled, name
        assert b"sk_live" not in pickled, name
        assert b"pulumi_speko.resources." in pickled, name  # by reference, not by value
        assert len(pickled) < 512, (name, len(pickled))
