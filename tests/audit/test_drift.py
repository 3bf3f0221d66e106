"""``pulumi-speko drift``: a stack export against the live sandbox.

Each test buys a small fleet in the demo org, exports it as the provider records it,
changes something out of band (through the client or the sandbox's control API) and
reads what the command prints and returns.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from live_export import (
    EU_E164,
    WRONG_KEY,
    Command,
    Fleet,
    fleet_resources,
    refused_key_error,
    sip,
    speko_entries,
    stack_export,
    write_export,
)
from pulumi_speko.api import Client, PhoneNumberImport, PhoneNumberUpdate
from pulumi_speko.audit.api_options import NO_KEY_MESSAGE, credentials_of
from pulumi_speko.audit.drift import CLOCK_FIELDS, GONE, IN_SYNC, SOURCE_CHANGED, compare
from pulumi_speko.audit.stack_export import parse_stack_export
from pulumi_speko.cli import build_parser, main
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, RunningSandbox


@pytest.fixture
def drift(command: Command) -> Command:
    """Run ``drift`` with the demo key against the sandbox; (exit status, stdout, stderr)."""
    return functools.partial(command, "drift")


@pytest.fixture
def drift_after_support_edit(
    export_path: Path, fleet: Fleet, client: Client, drift: Command
) -> Callable[..., tuple[int, str]]:
    """Edit the support line through the API with these fields, then run ``drift`` on the
    export made before; (exit status, stdout)."""

    def run(**update: Any) -> tuple[int, str]:
        client.update_phone_number(fleet.support.id, PhoneNumberUpdate(**update))
        status, out, _ = drift(str(export_path))
        return status, out

    return run


def json_drift(drift: Command, path: Path) -> tuple[int, dict[str, Any]]:
    """Run the command with ``--format json``; (exit status, document)."""
    status, out, _ = drift(str(path), "--format", "json")
    return status, json.loads(out)


def section(out: str, resource: str) -> str:
    """The lines the text report prints for one resource (its block)."""
    blocks = out.split("\n\n")
    return next(block for block in blocks if f" {resource} " in block.splitlines()[0] + " ")


# --- no drift ----------------------------------------------------------------------------


def test_an_export_of_the_live_fleet_has_no_drift(
    export_path: Path, sandbox: RunningSandbox, drift: Command
) -> None:
    status, out, err = drift(str(export_path))
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        f"Drift of phones/dev (exported 2025-05-02T09:14:31.482917+02:00) against "
        f"{sandbox.base_url}",
        "No drift: 3 numbers and 1 business verification match the live API.",
    ]


def test_clock_fields_alone_are_not_drift(
    fleet: Fleet, sandbox: RunningSandbox, tmp_path: Path, drift: Command
) -> None:
    """The billing cycle moves next_charge_at and last_charged_at: listed, exit 0."""
    document = stack_export(fleet_resources(fleet), sandbox.base_url)
    outputs = speko_entries(document)["support-line"]["outputs"]
    live_next_charge = outputs["next_charge_at"]
    outputs["next_charge_at"] = "2025-01-01T00:00:00Z"
    outputs["updated_at"] = "2025-01-01T00:00:00Z"
    status, out, _ = drift(str(write_export(tmp_path, document)))
    assert status == 0
    assert "No drift: 3 numbers" in out
    informational = out.split("Not drift (moved by the platform's clock):\n", 1)[1]
    assert f'support-line: next_charge_at: "2025-01-01T00:00:00Z" -> "{live_next_charge}"' in (
        informational
    )
    assert "support-line: updated_at:" in informational
    assert {"updated_at", "next_charge_at"} <= CLOCK_FIELDS


def test_updated_at_that_moved_with_an_edit_is_part_of_that_drift(
    drift_after_support_edit: Callable[..., tuple[int, str]],
) -> None:
    """A dashboard edit moves updated_at: listed with the edit, not as the clock's."""
    status, out = drift_after_support_edit(label="Edited")
    assert status == 2
    block = section(out, "support-line")
    assert '  label: "Support (EN)" -> "Edited"  [routing]' in block
    assert "  updated_at: " in block and block.rstrip().endswith("[clock]")
    assert "support-line: updated_at" not in out


def test_a_secret_in_the_export_is_listed_as_not_compared(
    fleet: Fleet, sandbox: RunningSandbox, tmp_path: Path, drift: Command
) -> None:
    document = stack_export(fleet_resources(fleet), sandbox.base_url)
    entry = speko_entries(document)["eu-support"]
    entry["outputs"]["dispatch_metadata_template"] = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "ciphertext": "v1:Rt5Yu6Io7Pa8Sd9F:TemplateCipher==",
    }
    status, out, _ = drift(str(write_export(tmp_path, document)))
    assert status == 0
    assert "Not compared (secrets in the export):\n  eu-support: dispatch_metadata_template" in out
    assert "TemplateCipher" not in out


# --- drift -------------------------------------------------------------------------------


def test_a_label_edited_through_the_api_is_drift_naming_old_and_new(
    fleet: Fleet, drift_after_support_edit: Callable[..., tuple[int, str]]
) -> None:
    status, out = drift_after_support_edit(label="Support (EN) - old")
    assert status == 2
    assert "Drift: 1 of 4 (3 numbers and 1 business verification) differ" in out
    lines = section(out, "support-line").splitlines()
    assert lines[:2] == [
        f"PhoneNumber support-line {fleet.support.e164} {fleet.support.id}: changed",
        '  label: "Support (EN)" -> "Support (EN) - old"  [routing]',
    ]
    assert [line.split(":")[0] for line in lines[2:]] == ["  updated_at"]  # moved by the edit
    assert "sales-line" not in out.split("\n\nNot drift", 1)[0]


def test_routing_edits_show_nested_template_keys_and_setup_status(
    export_path: Path, fleet: Fleet, client: Client, drift: Command
) -> None:
    """Unlinking the agent changes setup_status too: both are printed, field by field."""
    client.update_phone_number(
        fleet.support.id,
        PhoneNumberUpdate(agent_id=None, dispatch_metadata_template={"team": "billing"}),
    )
    status, payload = json_drift(drift, export_path)
    assert status == 2
    support = next(r for r in payload["resources"] if r["name"] == "support-line")
    changes = {c["field"]: (c["state"], c["live"], c["category"]) for c in support["changes"]}
    assert changes["agent_id"] == ("agent_support", None, "routing")
    assert changes["dispatch_metadata_template.team"] == ("support", "billing", "routing")
    assert changes["dispatch_metadata_template.locale"] == ("en-US", None, "routing")
    assert changes["setup_status.agent_ready"] == (True, False, "status")


def test_a_number_released_out_of_band_is_reported_gone(
    export_path: Path, fleet: Fleet, client: Client, drift: Command
) -> None:
    client.release_phone_number(fleet.sales.id)
    status, out, _ = drift(str(export_path))
    assert status == 2
    assert section(out, "sales-line").splitlines() == [
        f"PhoneNumber sales-line {fleet.sales.e164} {fleet.sales.id}: "
        "gone from the API (released outside Pulumi)"
    ]
    assert "support-line" not in out


def test_a_number_released_and_imported_again_names_its_new_holder(
    export_path: Path, fleet: Fleet, client: Client, drift: Command
) -> None:
    """The managed number came back as a SIP-trunk number: its source changed."""
    client.release_phone_number(fleet.sales.id)
    again = client.import_phone_number(
        PhoneNumberImport(e164=fleet.sales.e164, sip_connection_installation_id="sci_demo")
    )
    status, payload = json_drift(drift, export_path)
    assert status == 2
    sales = next(r for r in payload["resources"] if r["name"] == "sales-line")
    assert sales["status"] == GONE
    assert sales["held_by"] == {"id": again.id, "source": "sip_trunk"}
    status, out, _ = drift(str(export_path))
    assert f"  {fleet.sales.e164} is now held as {again.id} (sip_trunk)" in out


def test_a_resource_of_the_wrong_kind_is_a_source_change(
    fleet: Fleet, sandbox: RunningSandbox, tmp_path: Path, drift: Command
) -> None:
    """State that holds the SIP-trunk number as a managed PhoneNumber."""
    document = stack_export([sip("eu-as-managed", fleet.eu)], sandbox.base_url)
    entry = speko_entries(document)["eu-as-managed"]
    for key in ("type", "urn"):
        entry[key] = entry[key].replace("SipTrunkPhoneNumber", "PhoneNumber")
    status, out, _ = drift(str(write_export(tmp_path, document)))
    assert status == 2
    assert f"PhoneNumber eu-as-managed {EU_E164} {fleet.eu.id}: now a sip_trunk number" in out
    report = compare(parse_stack_export(document), [fleet.eu])
    assert [r.status for r in report.resources] == [SOURCE_CHANGED]


def test_a_rejected_verification_is_reported(
    export_path: Path, sandbox: RunningSandbox, drift: Command
) -> None:
    sandbox.control.reject_verification(DEMO_ORG, "EIN does not match the legal name")
    status, out, _ = drift(str(export_path))
    assert status == 2
    lines = section(out, "kyb").splitlines()
    assert lines[0].startswith("BusinessVerification kyb ") and lines[0].endswith(": changed")
    assert '  status: "submitted" -> "rejected"  [status]' in lines
    assert '  rejection_reason: null -> "EIN does not match the legal name"  [status]' in lines


def test_json_lists_every_resource_with_its_status(
    export_path: Path, fleet: Fleet, client: Client, drift: Command
) -> None:
    client.release_phone_number(fleet.eu.id)
    status, payload = json_drift(drift, export_path)
    assert status == 2
    assert payload["drift"] is True
    assert payload["summary"] == {
        "numbers": 3,
        "business_verifications": 1,
        "drifted": 1,
        "in_sync": 3,
        "changed": 0,
        "gone": 1,
        "source_changed": 0,
    }
    statuses = {r["name"]: (r["status"], r["drifted"]) for r in payload["resources"]}
    assert statuses == {
        "kyb": (IN_SYNC, False),
        "support-line": (IN_SYNC, False),
        "sales-line": (IN_SYNC, False),
        "eu-support": (GONE, True),
    }


def test_external_references_and_other_packages_are_not_compared(
    fleet: Fleet, sandbox: RunningSandbox, tmp_path: Path, drift: Command
) -> None:
    """A `.get` reference belongs to another stack: its number going away is not ours."""
    document = stack_export([sip("eu-support", fleet.eu)], sandbox.base_url)
    speko_entries(document)["eu-support"]["external"] = True
    status, out, _ = drift(str(write_export(tmp_path, document)))
    assert status == 0
    assert "No drift: 0 numbers match the live API." in out


# --- errors ------------------------------------------------------------------------------


def test_a_wrong_key_exits_1_with_one_line_that_never_shows_the_key(
    export_path: Path, sandbox: RunningSandbox
) -> None:
    err = refused_key_error(
        sandbox.base_url, "drift", str(export_path), SPEKO_BASE_URL=sandbox.base_url
    )
    assert "the API key was refused" in err
    assert WRONG_KEY[8:] not in err


def test_no_key_exits_1_saying_how_this_command_gets_a_key(
    export_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["drift", str(export_path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"pulumi-speko drift: error: {NO_KEY_MESSAGE}\n"
    assert "SPEKO_API_KEY" in NO_KEY_MESSAGE and "--api-key-env NAME" in NO_KEY_MESSAGE
    assert "cannot read the stack's config" in NO_KEY_MESSAGE
    assert "pulumi config set --secret" not in NO_KEY_MESSAGE


def test_the_key_can_come_from_a_variable_named_by_api_key_env(
    export_path: Path, monkeypatch: pytest.MonkeyPatch, drift: Command
) -> None:
    monkeypatch.setenv("CI_SPEKO_KEY", DEMO_API_KEY)
    path = str(export_path)
    status, out, _ = drift(path, "--api-key-env", "CI_SPEKO_KEY", api_key=WRONG_KEY)
    assert status == 0 and "No drift" in out
    status, _, err = drift(path, "--api-key-env", "UNSET_SPEKO_KEY", api_key=WRONG_KEY)
    assert status == 1
    assert err.startswith("pulumi-speko drift: error: --api-key-env UNSET_SPEKO_KEY: the ")
    assert err.count("\n") == 1 and WRONG_KEY not in err


def test_organization_id_flag_and_base_url_reach_the_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SPEKO_ORGANIZATION_ID", "org_from_env")
    parser = build_parser()
    args = parser.parse_args(
        ["drift", "x.json", "--organization-id", "org_demo", "--base-url", "http://127.0.0.1:1"]
    )
    credentials = credentials_of(args)
    assert (credentials.organization_id, credentials.base_url) == (
        "org_demo",
        "http://127.0.0.1:1",
    )
    default = credentials_of(parser.parse_args(["drift", "x.json"]))
    assert default.organization_id == "org_from_env"


def test_help_documents_the_exit_statuses_and_the_key_flags(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["drift", "--help"])
    help_text = capsys.readouterr().out
    assert "  0  in sync" in help_text and "  2  drift" in help_text and "  1  error" in help_text
    assert "--api-key-env NAME" in help_text and "--organization-id ID" in help_text


def test_a_bad_timeout_exits_1_with_one_line(
    export_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, drift: Command
) -> None:
    monkeypatch.setenv("SPEKO_TIMEOUT", "soon")
    sandbox.control.clear_request_log()
    status, _, err = drift(str(export_path))
    assert status == 1
    assert err.startswith("pulumi-speko drift: error: speko:timeout / SPEKO_TIMEOUT: must be")
    assert err.count("\n") == 1 and DEMO_API_KEY not in err
    assert sandbox.control.request_log() == []


def test_an_unreadable_export_exits_1_before_any_call(
    tmp_path: Path, sandbox: RunningSandbox, drift: Command
) -> None:
    missing = tmp_path / "nope.json"
    status, out, err = drift(str(missing))
    assert (status, out) == (1, "")
    assert err == f"pulumi-speko drift: error: {missing}: no such file\n"
    assert sandbox.control.request_log() == []


def test_credentials_come_from_pulumi_config_like_a_program_gets_them(
    export_path: Path,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": sandbox.base_url, "phones:x": "1"}
    monkeypatch.setenv("PULUMI_CONFIG", json.dumps(config))
    monkeypatch.setenv("SPEKO_API_KEY", WRONG_KEY)  # stack config wins, as in the provider
    assert main(["drift", str(export_path)]) == 0
    assert "No drift" in capsys.readouterr().out
    assert {entry.org_id for entry in sandbox.control.request_log()} == {DEMO_ORG}


def test_a_malformed_pulumi_config_is_one_line_without_its_content(
    export_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PULUMI_CONFIG", f'["{WRONG_KEY}"]')
    assert main(["drift", str(export_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pulumi-speko drift: error: PULUMI_CONFIG is set but is not a JSON")
    assert err.count("\n") == 1 and WRONG_KEY not in err


def test_base_url_flag_wins_over_the_environment(
    export_path: Path,
    sandbox: RunningSandbox,
    monkeypatch: pytest.MonkeyPatch,
    drift: Command,
) -> None:
    monkeypatch.setenv("SPEKO_BASE_URL", "http://127.0.0.1:9")  # discard port: would refuse
    status, out, _ = drift(str(export_path))
    assert status == 0
    assert f"against {sandbox.base_url}\n" in out
