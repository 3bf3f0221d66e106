"""``run_program`` and ``pulumi-speko run``: a program of the test's own, against the
sandbox, through the SDK's provider host, with state in a local file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import write_program
from pulumi_speko.cli import main
from pulumi_speko.runner import RunError, RunResult, default_state_file, run_program
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, RunningSandbox

FRONT_DESK = "+442071838750"


def config_of(sandbox: RunningSandbox, **settings: str) -> dict[str, str]:
    """The stack config: the sandbox's URL and key, plus ``phones:<key>`` settings."""
    config = {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": sandbox.base_url}
    config.update({f"phones:{key}": value for key, value in settings.items()})
    return config


def kinds(result: RunResult) -> list[tuple[str, str]]:
    return [(step.kind, step.name) for step in result.steps]


def live_numbers(sandbox: RunningSandbox) -> dict[str, dict[str, Any]]:
    return {n["e164"]: n for n in sandbox.control.list_numbers(DEMO_ORG)}


def test_preview_up_preview_refresh_destroy_keep_state_in_a_local_file(
    program_dir: Path, sandbox: RunningSandbox
) -> None:
    config = config_of(sandbox)
    planned = run_program(program_dir, "preview", config=config)
    assert kinds(planned) == [("create", "front-desk")] and planned.has_changes
    assert live_numbers(sandbox) == {}  # preview changes nothing
    assert not default_state_file(program_dir).exists()

    applied = run_program(program_dir, "up", config=config)
    [created] = applied.steps
    assert applied.outputs == {"front-desk": FRONT_DESK}
    assert live_numbers(sandbox)[FRONT_DESK]["id"] == created.id
    state_text = default_state_file(program_dir).read_text()
    [entry] = json.loads(state_text)["resources"]
    assert (entry["id"], entry["outputs"]["label"]) == (created.id, "Front desk")
    assert DEMO_API_KEY not in state_text

    again = run_program(program_dir, "preview", config=config)
    assert kinds(again) == [("same", "front-desk")] and not again.has_changes

    refreshed = run_program(program_dir, "refresh", config=config)
    assert kinds(refreshed) == [("read", "front-desk")] and refreshed.steps[0].changed == ()

    destroyed = run_program(program_dir, "destroy", config=config)
    assert kinds(destroyed) == [("delete", "front-desk")]
    assert live_numbers(sandbox) == {}
    assert json.loads(default_state_file(program_dir).read_text())["resources"] == []


def test_a_changed_input_is_previewed_then_updated_in_place(
    program_dir: Path, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    run_program(program_dir, "up", config=config_of(sandbox), state_file=state)
    before = live_numbers(sandbox)[FRONT_DESK]
    relabelled = config_of(sandbox, label="Reception")
    planned = run_program(program_dir, "preview", config=relabelled, state_file=state)
    assert [(s.kind, s.changed) for s in planned.steps] == [("update", ("label",))]
    assert live_numbers(sandbox)[FRONT_DESK]["label"] == "Front desk"
    run_program(program_dir, "up", config=relabelled, state_file=state)
    after = live_numbers(sandbox)[FRONT_DESK]
    assert (after["id"], after["label"]) == (before["id"], "Reception")


def test_a_property_the_api_cannot_change_replaces_deleting_first(
    program_dir: Path, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    [created] = run_program(program_dir, "up", config=config_of(sandbox), state_file=state).steps
    moved = config_of(sandbox, provider="Telnyx")
    [planned] = run_program(program_dir, "preview", config=moved, state_file=state).steps
    assert (planned.kind, planned.changed) == ("replace", ("sip_provider_name",))
    [replaced] = run_program(program_dir, "up", config=moved, state_file=state).steps
    live = live_numbers(sandbox)[FRONT_DESK]  # the same E.164: the old row went first
    assert replaced.id == live["id"] != created.id
    assert live["sipProviderName"] == "Telnyx"


def test_a_resource_dropped_from_the_program_is_deleted_by_up(
    program_dir: Path, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    both = config_of(sandbox, numbers="front-desk,back-office")
    run_program(program_dir, "up", config=both, state_file=state)
    assert len(live_numbers(sandbox)) == 2
    result = run_program(program_dir, "up", config=config_of(sandbox), state_file=state)
    assert sorted(kinds(result)) == [("delete", "back-office"), ("same", "front-desk")]
    assert list(live_numbers(sandbox)) == [FRONT_DESK]


def test_refresh_records_an_out_of_band_edit_and_a_release(
    program_dir: Path, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    both = config_of(sandbox, numbers="front-desk,back-office")
    steps = run_program(program_dir, "up", config=both, state_file=state).steps
    ids = {step.name: step.id for step in steps}
    sandbox.control.suspend_number(ids["front-desk"])
    with _client(sandbox) as client:
        client.release_phone_number(ids["back-office"])
    refreshed = run_program(program_dir, "refresh", config=both, state_file=state)
    by_name = {step.name: step for step in refreshed.steps}
    assert (by_name["front-desk"].kind, by_name["back-office"].kind) == ("read", "gone")
    assert "suspended_at" in by_name["front-desk"].changed
    names = [r["name"] for r in json.loads(state.read_text())["resources"]]
    assert names == ["front-desk"]


def test_a_check_failure_stops_the_run_with_one_line_before_any_call(
    program_dir: Path, sandbox: RunningSandbox
) -> None:
    with pytest.raises(RunError) as raised:
        run_program(program_dir, "up", config=config_of(sandbox, direction="sideways"))
    message = str(raised.value)
    assert message.startswith("check SipTrunkPhoneNumber front-desk: direction")
    assert "\n" not in message and DEMO_API_KEY not in message
    assert [e for e in sandbox.control.request_log() if e.method != "GET"] == []


def test_a_provider_error_is_one_line_naming_the_step(
    tmp_path: Path, sandbox: RunningSandbox
) -> None:
    source = (
        "from pulumi_speko import SipTrunkPhoneNumber\n"
        'SipTrunkPhoneNumber("n", e164="+442071838752", sip_connection_installation_id='
        '"sci_missing", direction="outbound")\n'
    )
    program = write_program(tmp_path / "bad", source)
    with pytest.raises(RunError) as raised:
        run_program(program, "up", config=config_of(sandbox))
    message = str(raised.value)
    assert message.startswith("create SipTrunkPhoneNumber n: ") and "\n" not in message


def test_the_command_keeps_its_sandbox_data_beside_the_state_between_runs(
    program_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(program_dir), "preview", "up", "--sandbox"]) == 0
    first = capsys.readouterr().out
    assert "a local rehearsal of phones/dev (not the Pulumi CLI)" in first
    assert "+  create   SipTrunkPhoneNumber front-desk pn_" in first
    assert "preview would: 1 create" in first and "up did: 1 create" in first

    # A new process, a new sandbox on another port: the same numbers, so nothing to do.
    assert main(["run", str(program_dir), "preview", "--sandbox"]) == 0
    assert "preview would: 1 same" in capsys.readouterr().out
    assert main(["run", str(program_dir), "destroy", "--sandbox"]) == 0
    assert "destroy did: 1 delete" in capsys.readouterr().out
    state_dir = program_dir / ".pulumi-speko-run"
    assert sorted(p.name for p in state_dir.iterdir()) == ["dev-sandbox.db", "dev-sandbox.json"]


def test_the_command_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SPEKO_API_KEY", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG", raising=False)
    program = write_program(tmp_path / "p")
    assert main(["run", str(tmp_path / "nowhere"), "--sandbox"]) == 1
    assert capsys.readouterr().err.startswith("pulumi-speko run: error: ")
    assert main(["run", str(program), "preview"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pulumi-speko run: error: no Speko API key: set SPEKO_API_KEY")
    assert err.count("\n") == 1
    assert main(["run", str(program), "--sandbox", "--config", "novalue"]) == 1
    assert "expected KEY=VALUE" in capsys.readouterr().err


def _client(sandbox: RunningSandbox) -> Any:
    from pulumi_speko.api import Client

    return Client(DEMO_API_KEY, sandbox.base_url)


def test_a_read_only_reference_is_read_and_never_kept_in_state(
    program_dir: Path, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    [created] = run_program(program_dir, "up", config=config_of(sandbox)).steps
    source = (
        "import pulumi\n"
        "from pulumi_speko import SipTrunkPhoneNumber\n"
        'ref = SipTrunkPhoneNumber.get("desk", pulumi.Config().require("id"))\n'
        'pulumi.export("label", ref.label)\n'
    )
    reader = write_program(tmp_path / "reader", source, name="phones")
    state = tmp_path / "reader.json"
    result = run_program(reader, "up", config=config_of(sandbox, id=created.id), state_file=state)
    assert kinds(result) == [("read", "desk")] and result.outputs == {"label": "Front desk"}
    assert json.loads(state.read_text())["resources"] == []
