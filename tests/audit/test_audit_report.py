"""The audit report of the realistic export, in each format."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pulumi_speko.audit.report import (
    AuditReport,
    build_report,
    render_csv,
    render_json,
    render_markdown,
)
from pulumi_speko.audit.stack_export import load_stack_export, parse_stack_export

NUMBER_NAMES = ["support-line", "sales-line", "eu-support", "outbound-campaign"]
EXPECTED_FINDINGS = [
    ("inbound-not-routed", "sales-line"),
    ("unprotected-managed-number", "sales-line"),
    ("setup-needs-action", "sales-line"),
    ("setup-needs-action", "eu-support"),
    ("pending-operation", "backup-line"),
]


@pytest.fixture
def report(dev_export_path: Path) -> AuditReport:
    return build_report(load_stack_export(dev_export_path))


def test_the_report_holds_every_number_and_nothing_else(report: AuditReport) -> None:
    assert [n.name for n in report.numbers] == NUMBER_NAMES
    support, sales, eu, campaign = report.numbers
    assert (support.e164, support.source, support.direction, support.agent_id) == (
        "+14155550123",
        "managed",
        "both",
        "agt_support_en",
    )
    assert (support.setup_status, support.protected, support.monthly_cost_usd) == (
        "ready",
        True,
        1.15,
    )
    assert (sales.e164, sales.agent_id, sales.routed) == ("+16465550142", None, False)
    assert sales.setup_issues == ("inboundReady",)
    assert (eu.source, eu.routed, eu.last_charged_at) == ("sip_trunk", True, None)
    assert (campaign.label, campaign.created_at) == (None, "2025-04-02T15:55:03.771Z")


def test_verification_totals_and_findings(report: AuditReport) -> None:
    [kyb] = report.verifications
    assert (kyb.name, kyb.status, kyb.submit, kyb.legal_name) == (
        "kyb",
        "submitted",
        True,
        "Acme Voice LLC",
    )
    assert report.totals.numbers == 4
    assert report.totals.by_source == {"managed": 2, "sip_trunk": 2}
    assert report.totals.managed_monthly_cost_usd == 2.30
    assert [(f.code, f.resource) for f in report.findings] == EXPECTED_FINDINGS


def test_markdown_is_a_review_table_then_findings(
    report: AuditReport, dev_ciphertexts: list[str]
) -> None:
    text = render_markdown(report)
    lines = text.splitlines()
    assert lines[0] == "## Speko audit: `phones` / `dev`"
    header = (
        "| Name | E.164 | Source | Direction | Agent | Label | Setup | Created | Last charged "
        "| Protected |"
    )
    start = lines.index(header)
    assert lines[start + 1] == "|---|---|---|---|---|---|---|---|---|---|"
    rows = lines[start + 2 : start + 2 + len(NUMBER_NAMES)]
    assert rows == [
        "| `support-line` | +14155550123 | managed | both | agt_support_en | Support (EN) | ready"
        " | 2025-03-01 | 2025-05-01 | yes |",
        "| `sales-line` | +16465550142 | managed | inbound | — | Sales NYC | action_required:"
        " inboundReady | 2025-03-12 | 2025-04-12 | **no** |",
        "| `eu-support` | +442071838750 | sip_trunk | inbound | agt_support_eu | EU support |"
        " action_required: sipConnectionReady | 2025-03-04 | — | no |",
        "| `outbound-campaign` | +13125550177 | sip_trunk | outbound | — | — | ready | 2025-04-02"
        " | — | no |",
    ]
    assert (
        "**Business verification:** `kyb` submitted (Acme Voice LLC, submitted 2025-02-27)."
        in lines
    )
    assert "**Totals:** 4 numbers (2 managed, 2 sip_trunk); managed monthly cost $2.30." in lines
    findings_at = lines.index("### Findings (5)")
    bullets = [line for line in lines[findings_at:] if line.startswith("- ")]
    assert [b.split("**")[1] for b in bullets] == [code for code, _ in EXPECTED_FINDINGS]
    assert "PhoneNumber 'backup-line' has a pending 'creating' operation" in bullets[-1]
    assert "recordings" not in text  # the AWS bucket and its pending update
    assert all(secret not in text for secret in dev_ciphertexts)


def test_markdown_cells_cannot_break_the_table() -> None:
    outputs: dict[str, object] = {"e164": "+13125550177", "label": "A | B\nC"}
    text = render_markdown(_export_of(("SipTrunkPhoneNumber", "odd", outputs)))
    [row] = [line for line in text.splitlines() if line.startswith("| `odd`")]
    assert "A \\| B C" in row and row.count(" | ") == 9


def test_csv_has_one_row_per_number(report: AuditReport, dev_ciphertexts: list[str]) -> None:
    text = render_csv(report)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in rows] == NUMBER_NAMES
    sales = rows[1]
    assert sales["type"] == "PhoneNumber" and sales["id"] == "pn_01HR2M9K7J5H3G1F9D7S5A3Q1W"
    assert sales["setup_issues"] == "inboundReady"
    assert (sales["agent_id"], sales["protected"], sales["monthly_cost_usd"]) == (
        "",
        "false",
        "1.15",
    )
    assert rows[0]["protected"] == "true" and rows[2]["last_charged_at"] == ""
    assert all(secret not in text for secret in dev_ciphertexts)


def test_json_holds_everything_with_stable_keys(
    report: AuditReport, dev_ciphertexts: list[str]
) -> None:
    text = render_json(report)
    document = json.loads(text)
    assert sorted(document) == [
        "export_time",
        "export_version",
        "findings",
        "numbers",
        "project",
        "pulumi_version",
        "schema_version",
        "stack",
        "totals",
        "verifications",
    ]
    assert document["schema_version"] == 1 and document["stack"] == "dev"
    assert [n["name"] for n in document["numbers"]] == NUMBER_NAMES
    assert document["numbers"][1]["setup_issues"] == ["inboundReady"]
    assert document["totals"] == {
        "by_source": {"managed": 2, "sip_trunk": 2},
        "managed_monthly_cost_usd": 2.3,
        "managed_without_cost": 0,
        "numbers": 4,
    }
    assert [(f["code"], f["resource"]) for f in document["findings"]] == EXPECTED_FINDINGS
    assert document["verifications"][0]["status"] == "submitted"
    assert text == json.dumps(document, indent=2, sort_keys=True) + "\n"  # keys sorted, stable
    assert all(secret not in text for secret in dev_ciphertexts)


def test_a_secret_value_shows_as_secret_never_as_its_ciphertext() -> None:
    secret = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": '"agt_x"',
    }
    outputs = {"e164": "+13125550177", "direction": "inbound", "agent_id": secret}
    report = _export_of(("SipTrunkPhoneNumber", "hidden", outputs))
    assert report.numbers[0].agent_id == "[secret]" and report.numbers[0].routed
    for text in (render_markdown(report), render_csv(report), render_json(report)):
        assert "[secret]" in text and "agt_x" not in text


def test_a_stack_without_speko_resources_says_so(legacy_export_path: Path) -> None:
    document = {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": "urn:pulumi:dev::phones::pulumi:pulumi:Stack::phones-dev",
                    "type": "pulumi:pulumi:Stack",
                }
            ]
        },
    }
    text = render_markdown(build_report(parse_stack_export(document)))
    assert "No speko phone numbers in this stack." in text
    assert "**Business verification:** none declared in this stack." in text
    assert "### Findings (0)\n\nNone.\n" in text
    assert "**Totals:** 0 numbers (0 managed, 0 sip_trunk); managed monthly cost $0.00." in text


def test_a_version_1_export_is_reported(legacy_export_path: Path) -> None:
    report = build_report(load_stack_export(legacy_export_path))
    assert [(n.name, n.setup_status) for n in report.numbers] == [("front-desk", "suspended")]
    assert [f.code for f in report.findings] == ["setup-needs-action"]
    assert "(deployment v1)" in render_markdown(report)


def test_read_only_references_are_left_out() -> None:
    type_token = "pulumi-python:dynamic/speko:PhoneNumber"
    document = {
        "version": 3,
        "deployment": {
            "resources": [
                {
                    "urn": f"urn:pulumi:dev::phones::{type_token}::{name}",
                    "type": type_token,
                    "external": external,
                    "outputs": {"e164": e164, "source": "managed", "monthly_cost_usd": 1.15},
                }
                for name, e164, external in [
                    ("owned", "+14155550123", False),
                    ("looked-up", "+14155550124", True),
                ]
            ]
        },
    }
    report = build_report(parse_stack_export(document))
    assert [n.name for n in report.numbers] == ["owned"]
    assert report.totals.managed_monthly_cost_usd == 1.15
    assert [f.resource for f in report.findings] == ["owned"]  # unprotected, the only one


def _export_of(*resources: tuple[str, str, dict[str, object]]) -> AuditReport:
    """The report of an export holding ``(type name, resource name, outputs)`` entries."""
    entries = []
    for type_name, name, outputs in resources:
        type_token = f"pulumi-python:dynamic/speko:{type_name}"
        entries.append(
            {
                "urn": f"urn:pulumi:dev::phones::{type_token}::{name}",
                "type": type_token,
                "id": f"id_{name}",
                "outputs": outputs,
            }
        )
    return build_report(parse_stack_export({"version": 3, "deployment": {"resources": entries}}))


@pytest.mark.parametrize(
    ("status", "reason", "expected"),
    [
        ("rejected", "EIN does not match", "is rejected (EIN does not match)"),
        ("revoked", None, "is revoked:"),
    ],
)
def test_a_rejected_or_revoked_verification_is_a_finding(
    status: str, reason: str | None, expected: str
) -> None:
    report = _export_of(
        ("BusinessVerification", "kyb", {"status": status, "rejection_reason": reason})
    )
    [finding] = report.findings
    assert (finding.code, finding.resource) == ("verification-blocks-purchases", "kyb")
    assert expected in finding.message and "purchase" in finding.message
    assert "### Findings (1)" in render_markdown(report)


@pytest.mark.parametrize("status", ["draft", "submitted", "approved"])
def test_a_verification_that_allows_purchases_is_no_finding(status: str) -> None:
    report = _export_of(("BusinessVerification", "kyb", {"status": status}))
    assert report.findings == ()


def test_a_number_routed_only_by_its_dispatch_template_shows_the_template() -> None:
    template = {"queue": "sales", "locale": "en-US"}
    report = _export_of(
        (
            "PhoneNumber",
            "templated",
            {
                "e164": "+14155550100",
                "direction": "inbound",
                "dispatch_metadata_template": template,
            },
        ),
    )
    [row] = [line for line in render_markdown(report).splitlines() if "`templated`" in line]
    cells = [cell.strip() for cell in row.split(" | ")]
    assert cells[4] == 'dispatch template {"locale":"en-US","queue":"sales"}'
    assert "inbound-not-routed" not in [f.code for f in report.findings]


def test_json_and_csv_give_the_template_and_the_sip_fields(report: AuditReport) -> None:
    document = json.loads(render_json(report))
    support, _sales, eu, _campaign = document["numbers"]
    assert support["dispatch_metadata_template"] == {"locale": "en-US", "team": "support"}
    assert eu["dispatch_metadata_template"] == "[secret]"
    assert (eu["sip_connection_installation_id"], eu["sip_provider_name"]) == (
        "sci_7FhK2mQ9",
        "Twilio Elastic SIP",
    )
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert rows[0]["dispatch_metadata_template"] == '{"locale":"en-US","team":"support"}'
    assert rows[2]["sip_provider_name"] == "Twilio Elastic SIP"
