"""Invoke, a lost create response, failures as one line, and the API key kept inside."""

from __future__ import annotations

import pytest
from pulumi.runtime import rpc
from pulumi_speko.testing.engine import EngineError
from pulumi_speko.testing.plugin import PluginHost
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .conftest import FIRST_415, NATIVE_KEY, PHONE, checked, file_verification


def test_invoke_serves_the_three_functions(plugin: PluginHost) -> None:
    available = plugin.invoke(
        "speko:index:getAvailablePhoneNumbers", {"areaCode": "415", "limit": 2}
    )
    numbers = available["result"]
    assert [n["e164"] for n in numbers] == [FIRST_415, "+14155550101"]
    assert {"upfrontCostUsd", "monthlyCostUsd", "region"} <= set(numbers[0])
    assert "rateCenter" in numbers[0]["region"]

    file_verification(plugin)
    plugin.create(PHONE, "main", checked(plugin, PHONE, "main", {"e164": FIRST_415}))
    held = plugin.invoke("speko:index:getPhoneNumbers")["result"]
    assert [(n["e164"], n["organizationId"]) for n in held] == [(FIRST_415, DEMO_ORG)]
    assert "inboundReady" in held[0]["setupStatus"]

    overview = plugin.invoke("speko:index:getBusinessVerification")
    assert overview["status"] == "submitted"
    assert overview["submission"]["businessProfile"]["address"]["postalCode"] == "94105"


def test_invoke_of_an_unknown_function_fails_in_one_line(plugin: PluginHost) -> None:
    with pytest.raises(EngineError) as failure:
        plugin.invoke("speko:index:getNothing")
    assert failure.value.details == (
        "invoke speko:index:getNothing: the speko package has no such function"
    )


def test_a_lost_create_response_buys_once(plugin: PluginHost, platform: RunningSandbox) -> None:
    file_verification(plugin)
    platform.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)

    number_id, outs = plugin.create(
        PHONE, "main", checked(plugin, PHONE, "main", {"areaCode": "415"})
    )

    posts = [
        e
        for e in platform.control.request_log()
        if (e.method, e.path) == ("POST", "/v1/phone-numbers")
    ]
    assert [(p.dropped, p.app_status) for p in posts] == [(True, 201)]  # sent once, never again
    assert [n["id"] for n in platform.control.list_numbers(DEMO_ORG)] == [number_id]
    assert outs["e164"] == FIRST_415


def test_an_api_failure_is_one_line_for_the_operator(plugin: PluginHost) -> None:
    inputs = checked(plugin, PHONE, "main", {"e164": FIRST_415})
    with pytest.raises(EngineError) as failure:
        plugin.create(PHONE, "main", inputs)  # no business verification filed
    line = failure.value.details
    assert "\n" not in line
    assert line.startswith("create PhoneNumber: ") and "403" in line
    assert "BusinessVerification" in line


def test_a_failure_names_properties_as_this_package_writes_them(plugin: PluginHost) -> None:
    file_verification(plugin)
    inputs = checked(plugin, PHONE, "main", {"e164": FIRST_415})
    plugin.create(PHONE, "main", inputs)
    with pytest.raises(EngineError) as failure:
        plugin.create(PHONE, "copy", inputs)  # the organization already holds it
    assert "set adoptExisting=True" in failure.value.details
    assert "adopt_existing" not in failure.value.details


def test_the_api_key_is_in_no_response_and_no_log_line(
    plugin: PluginHost, platform: RunningSandbox
) -> None:
    file_verification(plugin)
    inputs = checked(plugin, PHONE, "main", {"areaCode": "415"})
    number_id, outs = plugin.create(PHONE, "main", inputs)
    plugin.read(PHONE, "main", number_id, outs, inputs)
    plugin.read(PHONE, "main", number_id, {}, {})
    plugin.invoke("speko:index:getPhoneNumbers")
    checked_config = plugin.check_config({"apiKey": NATIVE_KEY, "baseUrl": "ftp://nowhere"})
    config_response = plugin.responses[-1]
    with pytest.raises(EngineError) as failure:
        plugin.create(PHONE, "again", {**inputs, "e164": FIRST_415, "areaCode": None})
    plugin.delete(PHONE, "main", number_id, outs)

    assert NATIVE_KEY not in failure.value.details
    # CheckConfig hands the provider inputs back for the engine to keep: the key only
    # as a secret there (encrypted in state), and in no other answer.
    assert checked_config.failures[0][0] == "baseUrl"
    sent_back = rpc.deserialize_properties(config_response.inputs)
    assert rpc.is_rpc_secret(sent_back["apiKey"])
    others = [response for response in plugin.responses if response is not config_response]
    texts = [str(response) for response in others]
    texts += [response.SerializeToString().decode("latin-1") for response in others]
    assert len(others) >= 8
    assert not [text for text in texts if NATIVE_KEY in text]
    assert NATIVE_KEY not in plugin.stderr_text()
    assert all(NATIVE_KEY not in line for line in plugin.stdout_lines)
