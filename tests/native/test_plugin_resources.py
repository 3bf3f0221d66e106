"""Resource lifecycles through the plugin, call by call as the engine makes them."""

from __future__ import annotations

from pulumi.runtime import rpc
from pulumi_speko.testing.engine import UNKNOWN, EngineError
from pulumi_speko.testing.plugin import PluginHost, detailed_kinds
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .conftest import FIRST_415, KYB, PHONE, SIP, VERIFICATION, checked, file_verification


def test_check_passes_unknowns_and_fills_defaults(plugin: PluginHost) -> None:
    result = plugin.check(PHONE, "main", {}, {"areaCode": "415", "agentId": UNKNOWN})
    assert result.failures == []
    assert result.inputs == {
        "areaCode": "415",
        "agentId": UNKNOWN,
        "direction": "outbound",
        "adoptExisting": False,
    }


def test_check_names_camel_case_properties_once_each(plugin: PluginHost) -> None:
    result = plugin.check(
        PHONE, "main", {}, {"e164": FIRST_415, "areaCode": "4", "maxUpfrontCostUsd": -1.0}
    )
    by_property = dict(result.failures)
    assert len(by_property) == len(result.failures)
    assert set(by_property) == {"areaCode", "maxUpfrontCostUsd"}
    assert "areaCode" in by_property["areaCode"] and "area_code" not in by_property["areaCode"]
    bad_address = {**VERIFICATION["businessProfile"]["address"], "postalCode": 94105.0}
    profile = {**VERIFICATION["businessProfile"], "address": bad_address}
    nested = plugin.check(KYB, "kyb", {}, {**VERIFICATION, "businessProfile": profile})
    assert [p for p, _ in nested.failures] == ["businessProfile.address.postalCode"]


def test_phone_number_lifecycle(plugin: PluginHost, platform: RunningSandbox) -> None:
    file_verification(plugin)
    inputs = checked(plugin, PHONE, "main", {"areaCode": "415", "label": "Sales"})

    preview_id, preview = plugin.create(PHONE, "main", inputs, preview=True)
    assert preview_id == "" and preview["setupStatus"] == UNKNOWN
    assert preview["label"] == "Sales"
    assert platform.control.list_numbers(DEMO_ORG) == []  # preview bought nothing

    number_id, outs = plugin.create(PHONE, "main", inputs)
    assert outs["e164"] == FIRST_415 and outs["areaCode"] == "415"
    assert outs["setupStatus"]["inboundReady"] is False
    assert [n["id"] for n in platform.control.list_numbers(DEMO_ORG)] == [number_id]

    routed = checked(
        plugin,
        PHONE,
        "main",
        {"areaCode": "415", "label": "Support", "direction": "both", "agentId": "agent_support"},
    )
    diff = plugin.diff(PHONE, "main", number_id, outs, routed)
    assert diff.changes is True and diff.replaces == []
    assert detailed_kinds(diff) == {"direction": "UPDATE", "agentId": "ADD", "label": "UPDATE"}
    outs = plugin.update(PHONE, "main", number_id, outs, routed)
    assert outs["agentId"] == "agent_support" and outs["label"] == "Support"

    in_preview = {**routed, "label": UNKNOWN}  # e.g. computed from another resource
    pending = plugin.diff(PHONE, "main", number_id, outs, in_preview)
    assert pending.changes is True and detailed_kinds(pending) == {"label": "UPDATE"}

    moved = checked(plugin, PHONE, "main", {"areaCode": "212"})
    replace = plugin.diff(PHONE, "main", number_id, outs, moved)
    assert replace.replaces == ["areaCode"] and replace.delete_before_replace is False
    assert detailed_kinds(replace)["areaCode"] == "UPDATE_REPLACE"

    refreshed = plugin.read(PHONE, "main", number_id, outs, routed)
    assert refreshed.id == number_id and refreshed.properties["label"] == "Support"
    assert refreshed.inputs["agentId"] == "agent_support"

    plugin.delete(PHONE, "main", number_id, outs)
    assert platform.control.list_numbers(DEMO_ORG) == []
    gone = plugin.read(PHONE, "main", number_id, outs, routed)
    assert gone.id == ""


def test_import_round_trips_to_no_change(plugin: PluginHost, platform: RunningSandbox) -> None:
    file_verification(plugin)
    declared = {"e164": FIRST_415, "direction": "inbound", "agentId": "agent_sales"}
    number_id, _ = plugin.create(PHONE, "bought", checked(plugin, PHONE, "bought", declared))

    imported = plugin.read(PHONE, "main", number_id, {}, {})
    assert imported.id == number_id
    assert imported.raw.HasField("inputs")
    assert imported.inputs == {**declared}  # keyed by the schema's input names
    assert imported.properties["organizationId"] == DEMO_ORG

    again = plugin.check(PHONE, "main", imported.inputs, imported.inputs)
    assert again.failures == []
    program = checked(plugin, PHONE, "main", declared)
    diff = plugin.diff(PHONE, "main", number_id, imported.properties, program)
    assert diff.changes is False and detailed_kinds(diff) == {}


def test_import_without_an_id_is_an_error(plugin: PluginHost) -> None:
    try:
        plugin.read(PHONE, "main", "", {}, {})
    except EngineError as error:
        assert "no id given" in error.details and "\n" not in error.details
    else:
        raise AssertionError("a Read with neither id nor properties must fail")


def test_sip_trunk_number_replaces_delete_first_when_the_number_stays(
    plugin: PluginHost,
) -> None:
    declared = {"e164": "+442071838750", "sipConnectionInstallationId": "sci_demo"}
    inputs = checked(plugin, SIP, "uk", declared)
    number_id, outs = plugin.create(SIP, "uk", inputs)
    assert outs["source"] == "sip_trunk" and outs["sipConnectionInstallationId"] == "sci_demo"
    other_trunk = checked(plugin, SIP, "uk", {**declared, "sipConnectionInstallationId": "sci_2"})
    diff = plugin.diff(SIP, "uk", number_id, outs, other_trunk)
    assert diff.replaces == ["sipConnectionInstallationId"]
    assert diff.delete_before_replace is True
    plugin.delete(SIP, "uk", number_id, outs)


def test_business_verification_lifecycle(plugin: PluginHost) -> None:
    inputs = checked(plugin, KYB, "kyb", VERIFICATION)
    submission_id, outs = plugin.create(KYB, "kyb", inputs)
    assert outs["status"] == "submitted"
    assert outs["businessProfile"]["address"]["postalCode"] == "94105"
    renamed = {**VERIFICATION, "businessProfile": {**VERIFICATION["businessProfile"]}}
    renamed["businessProfile"]["displayName"] = "Acme Voice"
    news = checked(plugin, KYB, "kyb", renamed)
    diff = plugin.diff(KYB, "kyb", submission_id, outs, news)
    assert detailed_kinds(diff) == {"businessProfile": "UPDATE"}
    outs = plugin.update(KYB, "kyb", submission_id, outs, news)
    assert outs["businessProfile"]["displayName"] == "Acme Voice"
    imported = plugin.read(KYB, "kyb", submission_id, {}, {})
    assert plugin.check(KYB, "kyb", imported.inputs, imported.inputs).failures == []


def test_a_secret_input_stays_secret_in_the_outputs(plugin: PluginHost) -> None:
    file_verification(plugin)
    inputs = checked(plugin, PHONE, "main", {"e164": FIRST_415})
    secret_label = {**inputs, "label": rpc.wrap_rpc_secret("VIP line")}
    plugin.create(PHONE, "main", secret_label)
    outputs = plugin.raw_outputs()
    assert rpc.is_rpc_secret(outputs["label"])
    assert rpc.unwrap_rpc_secret(outputs["label"]) == "VIP line"
    assert not rpc.is_rpc_secret(outputs["e164"])
