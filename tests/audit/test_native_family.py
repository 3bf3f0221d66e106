"""Stack exports holding native resources (``speko:index:*``, camelCase): ``audit``,
``drift`` and ``discover`` see them exactly as their dynamic twins, and ``discover``
writes the ``pulumi import --file`` file that imports numbers as native resources."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from live_export import (
    Command,
    Fleet,
    fleet_resources,
    managed,
    stack_export,
    write_export,
)
from native_export import nativize, to_dynamic_urns
from pulumi_speko.api import Client, PhoneNumberImport, PhoneNumberRecord, PhoneNumberUpdate
from pulumi_speko.audit.discover import discover, render_import_file
from pulumi_speko.audit.report import build_report, render_csv, render_json, render_markdown
from pulumi_speko.audit.stack_export import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SECRET,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
    load_stack_export,
    parse_stack_export,
)
from pulumi_speko.testing.sandbox import RunningSandbox

FIXTURES = Path(__file__).parent / "fixtures"
MIXED = FIXTURES / "mixed-families-stack.json"
DEV = FIXTURES / "dev-stack.json"
NATIVE_NAMES = {"kyb", "sales-line", "eu-support"}


# --- reading -----------------------------------------------------------------------------


def test_the_fixture_holds_both_families_in_their_own_spelling() -> None:
    raw = json.loads(MIXED.read_text())["deployment"]["resources"]
    types = {entry["urn"].rsplit("::", 1)[-1]: entry["type"] for entry in raw}
    assert types["sales-line"] == "speko:index:PhoneNumber"
    assert types["support-line"] == PHONE_NUMBER_TYPE
    sales = next(entry for entry in raw if entry["urn"].endswith("::sales-line"))
    assert {"areaCode", "sms10dlcProfileId", "setupStatus"} <= sales["outputs"].keys()
    assert "__provider" not in sales["outputs"]


def test_native_resources_read_as_their_dynamic_twins() -> None:
    mixed, dev = load_stack_export(MIXED), load_stack_export(DEV)
    found = [(r.type, r.name, r.id, r.protect, r.native) for r in mixed.speko_resources()]
    assert found == [
        (BUSINESS_VERIFICATION_TYPE, "kyb", "kyb_01HQ7ZK3P4V8N2M6X9C5B1R0TA", True, True),
        (PHONE_NUMBER_TYPE, "support-line", "pn_01HQ80B4W2E6R8T0Y2U4I6O8PA", True, False),
        (PHONE_NUMBER_TYPE, "sales-line", "pn_01HR2M9K7J5H3G1F9D7S5A3Q1W", False, True),
        (SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", "pn_01HS4T6Y8U0I2O4P6A8S0D2F4G", False, True),
        (
            SIP_TRUNK_PHONE_NUMBER_TYPE,
            "outbound-campaign",
            "pn_01HT9L7K5J3H1G9F7D5S3A1Z9X",
            False,
            False,
        ),
    ]
    twins = {r.name: r for r in dev.speko_resources()}
    for resource in mixed.speko_resources():
        twin = twins[resource.name]
        without_provider = {k: v for k, v in twin.outputs.items() if k != "__provider"}
        assert dict(resource.outputs) == (without_provider if resource.native else twin.outputs)
    kyb = next(r for r in mixed.speko_resources() if r.name == "kyb")
    assert kyb.inputs["business_profile"]["address"]["postal_code"] == "94107"
    sales = next(r for r in mixed.speko_resources() if r.name == "sales-line")
    assert sales.outputs["setup_status"]["issues"] == ["inboundReady"]  # values are not names
    assert "sms10dlc_profile_id" in sales.outputs


def test_the_native_providers_key_is_redacted_and_not_a_speko_resource() -> None:
    export = load_stack_export(MIXED)
    provider = next(r for r in export.resources if r.type == "pulumi:providers:speko")
    assert provider.inputs["apiKey"] is SECRET and not provider.is_speko
    assert "c3Bla29OYXRpdmU" not in repr(export)


@pytest.mark.parametrize("render", [render_json, render_markdown, render_csv])
def test_the_audit_report_of_a_mixed_stack_is_the_dynamic_stacks(
    render: Callable[..., str],
) -> None:
    report = build_report(load_stack_export(MIXED))
    assert report.numbers[1].urn.endswith("::speko:index:PhoneNumber::sales-line")
    assert to_dynamic_urns(render(report)) == render(build_report(load_stack_export(DEV)))


def test_an_all_native_export_gets_the_same_report() -> None:
    document = json.loads(DEV.read_text())
    native = parse_stack_export(nativize(document))
    assert all(r.native for r in native.speko_resources())
    expected = render_markdown(build_report(parse_stack_export(document)))
    assert to_dynamic_urns(render_markdown(build_report(native))) == expected


# --- drift and discover against the sandbox ---------------------------------------------


def _exports(fleet: Fleet, base_url: str, tmp_path: Path) -> tuple[Path, Path]:
    document = stack_export(fleet_resources(fleet), base_url)
    dynamic = write_export(tmp_path, document, "dynamic.json")
    return dynamic, write_export(tmp_path, nativize(document), "native.json")


def test_drift_of_native_resources_reads_like_the_dynamic_ones(
    fleet: Fleet, client: Client, sandbox: RunningSandbox, tmp_path: Path, command: Command
) -> None:
    dynamic, native = _exports(fleet, sandbox.base_url, tmp_path)
    status, out, err = command("drift", str(native))
    assert (status, err) == (0, "")
    assert "No drift: 3 numbers and 1 business verification match the live API." in out
    client.update_phone_number(fleet.support.id, PhoneNumberUpdate(agent_id="agent_sales"))
    native_run, dynamic_run = command("drift", str(native)), command("drift", str(dynamic))
    assert native_run[0] == 2
    assert '  agent_id: "agent_support" -> "agent_sales"' in native_run[1]
    assert (native_run[0], to_dynamic_urns(native_run[1])) == dynamic_run[:2]


def test_discover_skips_numbers_native_resources_manage(
    fleet: Fleet, client: Client, sandbox: RunningSandbox, tmp_path: Path, command: Command
) -> None:
    handmade = client.import_phone_number(
        PhoneNumberImport(e164="+13125550177", sip_connection_installation_id="sci_demo")
    )
    document = nativize(stack_export([managed("support-line", fleet.support)], sandbox.base_url))
    export = write_export(tmp_path, document)
    status, out, err = command("discover", str(export), "--format", "import-file")
    assert (status, err) == (0, "")
    entries = json.loads(out)["resources"]
    assert sorted(entries, key=lambda entry: entry["name"]) == [
        {"type": "speko:index:SipTrunkPhoneNumber", "name": "eu-support", "id": fleet.eu.id},
        {"type": "speko:index:PhoneNumber", "name": "sales", "id": fleet.sales.id},
        {"type": "speko:index:SipTrunkPhoneNumber", "name": "sip-13125550177", "id": handmade.id},
    ]


# --- the import file ---------------------------------------------------------------------


def _number(number_id: str, e164: str, source: str, **fields: Any) -> PhoneNumberRecord:
    return PhoneNumberRecord.model_validate(
        {
            "id": number_id,
            "e164": e164,
            "source": source,
            "direction": "outbound",
            "organization_id": "org_demo",
            "setup_status": {
                "status": "ready",
                "inbound_ready": True,
                "outbound_ready": True,
                "agent_ready": True,
                "forwarding_required": False,
                "sip_connection_ready": True,
                "issues": [],
            },
            "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
            **fields,
        }
    )


def test_the_import_file_has_pulumis_bulk_import_shape() -> None:
    export = load_stack_export(MIXED)
    live = [
        _number("pn_01HR2M9K7J5H3G1F9D7S5A3Q1W", "+16465550142", "managed"),  # sales-line
        _number("pn_new_managed", "+14155550111", "managed", label="Front desk"),
        _number("pn_new_sip", "+442071838799", "sip_trunk"),
        _number("pn_other_id", "+16465550142", "managed"),  # sales-line's E.164: claimed
    ]
    document = json.loads(render_import_file(discover(export, live)))
    assert list(document) == ["resources"]
    assert document["resources"] == [
        {"type": "speko:index:PhoneNumber", "name": "front-desk", "id": "pn_new_managed"},
        {"type": "speko:index:SipTrunkPhoneNumber", "name": "sip-442071838799", "id": "pn_new_sip"},
    ]
    for entry in document["resources"]:
        assert set(entry) == {"type", "name", "id"}
        assert all(isinstance(value, str) and value for value in entry.values())
