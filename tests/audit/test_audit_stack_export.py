"""Parsing stack exports: speko resources found by type, secrets redacted, bad files refused."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pulumi_speko.audit.stack_export import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SECRET,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
    StackExportError,
    load_stack_export,
    parse_stack_export,
)
from pulumi_speko.policy import rules


def test_speko_resources_are_found_by_type_and_others_ignored(dev_export_path: Path) -> None:
    export = load_stack_export(dev_export_path)
    assert (export.version, export.project, export.stack) == (3, "phones", "dev")
    assert export.pulumi_version == "v3.172.0"
    assert len(export.resources) == 9  # stack, two providers, a bucket, five speko resources
    found = [(r.type, r.name, r.id, r.protect) for r in export.speko_resources()]
    assert found == [
        (BUSINESS_VERIFICATION_TYPE, "kyb", "kyb_01HQ7ZK3P4V8N2M6X9C5B1R0TA", True),
        (PHONE_NUMBER_TYPE, "support-line", "pn_01HQ80B4W2E6R8T0Y2U4I6O8PA", True),
        (PHONE_NUMBER_TYPE, "sales-line", "pn_01HR2M9K7J5H3G1F9D7S5A3Q1W", False),
        (SIP_TRUNK_PHONE_NUMBER_TYPE, "eu-support", "pn_01HS4T6Y8U0I2O4P6A8S0D2F4G", False),
        (SIP_TRUNK_PHONE_NUMBER_TYPE, "outbound-campaign", "pn_01HT9L7K5J3H1G9F7D5S3A1Z9X", False),
    ]


def test_inputs_and_outputs_keep_their_values(dev_export_path: Path) -> None:
    sales = next(
        r for r in load_stack_export(dev_export_path).speko_resources() if r.name == "sales-line"
    )
    assert sales.inputs["area_code"] == "646" and "e164" not in sales.inputs
    assert sales.outputs["e164"] == "+16465550142"
    assert sales.value("e164") == "+16465550142"  # output first, then input
    assert sales.outputs["setup_status"]["issues"] == ["inboundReady"]
    assert sales.provider is not None and sales.provider.startswith(
        "urn:pulumi:dev::phones::pulumi:providers:pulumi-python::default::"
    )


def test_secrets_are_redacted_while_parsing(
    dev_export_path: Path, dev_ciphertexts: list[str]
) -> None:
    export = load_stack_export(dev_export_path)
    for resource in export.speko_resources():
        assert resource.inputs["__provider"] is SECRET
        assert resource.outputs["__provider"] is SECRET
    eu = next(r for r in export.speko_resources() if r.name == "eu-support")
    assert eu.outputs["dispatch_metadata_template"] is SECRET
    dumped = repr(export)
    assert all(text not in dumped for text in dev_ciphertexts)


def test_pending_operations_are_read_and_speko_ones_singled_out(dev_export_path: Path) -> None:
    export = load_stack_export(dev_export_path)
    assert [(op.type, op.resource.name) for op in export.pending_operations] == [
        ("creating", "backup-line"),
        ("updating", "recordings"),
    ]
    [pending] = export.speko_pending_operations()
    assert pending.resource.type == PHONE_NUMBER_TYPE
    assert pending.resource.id is None
    assert pending.resource.inputs["__provider"] is SECRET


def test_a_version_1_export_is_read(legacy_export_path: Path) -> None:
    export = load_stack_export(legacy_export_path)
    assert (export.version, export.stack) == (1, "legacy")
    [front_desk] = export.speko_resources()
    assert (front_desk.name, front_desk.value("e164")) == ("front-desk", "+4930901820")
    assert export.pending_operations == ()


def test_an_empty_stack_has_no_resources() -> None:
    export = parse_stack_export({"version": 3, "deployment": {"manifest": {"version": "v3.172.0"}}})
    assert export.resources == () and export.stack is None and export.speko_resources() == []


def test_leftovers_of_an_interrupted_replacement_are_optional() -> None:
    urn = f"urn:pulumi:dev::phones::{PHONE_NUMBER_TYPE}::support-line"
    document = {
        "version": 3,
        "deployment": {
            "resources": [
                {"urn": urn, "type": PHONE_NUMBER_TYPE, "id": "pn_old", "delete": True},
                {"urn": urn, "type": PHONE_NUMBER_TYPE, "id": "pn_new"},
            ]
        },
    }
    export = parse_stack_export(document)
    assert [r.id for r in export.speko_resources()] == ["pn_new"]
    assert [r.id for r in export.speko_resources(include_pending_delete=True)] == [
        "pn_old",
        "pn_new",
    ]


def test_a_name_containing_the_urn_separator_is_kept_whole() -> None:
    urn = f"urn:pulumi:dev::phones::{PHONE_NUMBER_TYPE}::lines::support"
    export = parse_stack_export(
        {"version": 3, "deployment": {"resources": [{"urn": urn, "type": PHONE_NUMBER_TYPE}]}}
    )
    assert export.resources[0].name == "lines::support"


def test_type_tokens_match_the_policy_rules() -> None:
    assert (PHONE_NUMBER_TYPE, SIP_TRUNK_PHONE_NUMBER_TYPE, BUSINESS_VERIFICATION_TYPE) == (
        rules.PHONE_NUMBER_TYPE,
        rules.SIP_TRUNK_PHONE_NUMBER_TYPE,
        rules.BUSINESS_VERIFICATION_TYPE,
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ([], "not a stack export"),
        ({"version": 3}, "not a stack export"),
        (
            {"version": 4, "deployment": {}},
            "unsupported deployment version 4: this tool reads versions 1 to 3",
        ),
        ({"deployment": {}}, "unsupported deployment version None"),
        ({"version": 3, "deployment": []}, '"deployment" is not an object'),
        ({"version": 3, "deployment": {"resources": {}}}, '"resources" is not a list'),
        (
            {"version": 3, "deployment": {"resources": [{"type": "x"}]}},
            'resources[0] has no "urn" or "type"',
        ),
        (
            {"version": 3, "deployment": {"pending_operations": [{"type": "creating"}]}},
            "pending_operations[0].resource is not an object",
        ),
    ],
)
def test_documents_that_are_not_exports_are_refused(document: Any, expected: str) -> None:
    with pytest.raises(StackExportError, match=None) as raised:
        parse_stack_export(document)
    assert expected in str(raised.value)


def test_unreadable_files_are_refused_with_one_line(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.json"
    truncated.write_text(json.dumps({"version": 3, "deployment": {"resources": []}})[:-7])
    cases = {
        tmp_path / "missing.json": "no such file",
        tmp_path: "is a directory",
        truncated: "not JSON (",
    }
    for path, expected in cases.items():
        with pytest.raises(StackExportError) as raised:
            load_stack_export(path)
        message = str(raised.value)
        assert message.startswith(f"{path}: ") and expected in message
        assert "\n" not in message


def test_the_report_reads_outputs_the_resources_declare() -> None:
    from pulumi_speko.resources import business_verification, phone_number, sip_trunk_phone_number

    read_by_report = {
        "e164",
        "source",
        "direction",
        "agent_id",
        "label",
        "dispatch_metadata_template",
        "setup_status",
        "created_at",
        "last_charged_at",
        "next_charge_at",
    }
    assert read_by_report <= set(sip_trunk_phone_number.OUTPUT_NAMES)
    assert read_by_report | {"monthly_cost_usd"} <= set(phone_number.OUTPUT_NAMES)
    assert {"status", "submitted_at", "rejection_reason"} <= set(business_verification.OUTPUT_NAMES)
    assert {"business_profile", "submit"} <= set(business_verification.INPUT_NAMES)
