"""``--fail-on`` gates and exit codes: 0, 3 when a gate trips, 1 on unreadable input."""

from __future__ import annotations

from pathlib import Path

import pytest
from previews import ReviewRun, fixture_path, load_fixture, write_preview


@pytest.mark.parametrize(
    ("gates", "fixture", "tripped"),
    [
        ("release", "pr-preview.json", 3),
        ("release", "replacement-steps.json", 0),  # same E.164: nothing released
        ("replace", "replacement-steps.json", 1),
        ("replace", "show-sames.json", 0),
        ("cost-over=10.50", "pr-preview.json", 0),
        ("cost-over=10", "pr-preview.json", 1),
        ("monthly-over=3.25", "pr-preview.json", 0),
        ("monthly-over=3", "pr-preview.json", 1),
        ("unrouted-inbound", "pr-preview.json", 0),
        ("release,replace,cost-over=0", "pr-preview.json", 5),
    ],
)
def test_each_gate_trips_exactly_when_it_should(
    review: ReviewRun, gates: str, fixture: str, tripped: int
) -> None:
    status, _, err = review(fixture_path(fixture), "--fail-on", gates)
    reasons = [line for line in err.splitlines() if "gate tripped" in line]
    assert len(reasons) == tripped
    assert status == (3 if tripped else 0)


def test_gate_reasons_name_the_resource_and_the_number(review: ReviewRun) -> None:
    _, out, err = review(fixture_path("pr-preview.json"), "--fail-on", "release,cost-over=10")
    prefix = "pulumi-speko review: gate tripped: "
    assert f"{prefix}release: main-line releases +14155550123 (protected)" in err
    assert "cost-over=10: upfront up to $10.50 is over $10.00" in err
    assert "**❌ 4 review gate(s) tripped:**" in out


def test_unrouted_inbound_trips_on_a_number_left_without_agent(
    review: ReviewRun, tmp_path: Path
) -> None:
    document = load_fixture("pr-preview.json")
    support = document["steps"][2]["newState"]["inputs"]
    del support["agent_id"], support["dispatch_metadata_template"]
    status, out, err = review(write_preview(tmp_path, document), "--fail-on", "unrouted-inbound")
    assert status == 3
    assert "support-en takes inbound calls with no agent and no dispatch template" in err
    assert "`both` → **no agent**" in out


def test_an_unpriced_purchase_trips_the_money_gates(review: ReviewRun, tmp_path: Path) -> None:
    document = load_fixture("pr-preview.json")
    sales = document["steps"][0]["newState"]["inputs"]
    del sales["max_upfront_cost_usd"], sales["max_monthly_cost_usd"]
    path = write_preview(tmp_path, document)
    status, out, err = review(path, "--fail-on", "cost-over=1000")
    assert status == 3
    assert "1 purchase(s) have no known price or cap" in err
    assert "**1 purchase(s) priced only at apply** (no cap set)" in out


@pytest.mark.parametrize(
    ("gates", "message"),
    [
        ("releases", "unknown gate 'releases'"),
        ("cost-over", "gate 'cost-over' must be written cost-over=USD"),
        ("release=3", "gate 'release=3' must be written release"),
        ("cost-over=ten", "'ten' is not an amount of dollars"),
        ("monthly-over=-1", "'-1' is not an amount of dollars"),
    ],
)
def test_a_bad_gate_is_a_usage_error(
    review: ReviewRun, capsys: pytest.CaptureFixture[str], gates: str, message: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        review(fixture_path("pr-preview.json"), "--fail-on", gates)
    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json at all", "not JSON (Expecting value at line 1, column 1)"),
        ('{"version": 3, "deployment": {}}', "not a preview"),
        ('{"steps": {"op": "create"}}', '"steps" is not a list'),
        ('{"steps": [{"op": "create"}]}', 'steps[0] has no "op" or "urn" string'),
        ('{"sequence": 1}\n[1, 2]\n', "line 2 is not an engine event"),
        ("\n\n", "empty input"),
    ],
)
def test_unreadable_input_is_one_line_naming_the_file_and_what_was_expected(
    review: ReviewRun, tmp_path: Path, content: str, expected: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content)
    status, out, err = review(path)
    assert status == 1 and out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"pulumi-speko review: error: {path}: ")
    assert expected in err
    assert "expected the output of `pulumi preview --json`" in err


def test_a_missing_file_is_exit_1(review: ReviewRun, tmp_path: Path) -> None:
    status, _, err = review(tmp_path / "nope.json")
    assert status == 1
    assert f"{tmp_path / 'nope.json'}: no such file" in err
