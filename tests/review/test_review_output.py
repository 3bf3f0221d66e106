"""The markdown comment and the JSON: layout, length limit, escaping, no secret printed."""

from __future__ import annotations

import json
from pathlib import Path

from previews import ReviewRun, fixture_path, load_fixture, write_preview
from pulumi_speko.review.markdown import COMMENT_MARKER

PLANTED = "sk_live_PLANTED_secret_value_0042"


def test_the_comment_starts_with_the_marker_and_the_cost_headline(review: ReviewRun) -> None:
    status, out, _ = review(fixture_path("pr-preview.json"))
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == COMMENT_MARKER
    assert lines[1].startswith("### Speko review: 2 buy, 1 update, 1 replace, 2 release")
    assert "upfront **$1.50**, monthly **-$3.75**" in out
    assert "worst case with price caps: upfront **$10.50**, monthly **+$3.25**" in out


def test_releases_replaces_and_verification_are_flagged_above_the_table(
    review: ReviewRun,
) -> None:
    _, out, _ = review(fixture_path("pr-preview.json"))
    head = out.split("| | resource |")[0]
    assert "**⚠️ Irreversible:** `main-line` releases `+14155550123`" in head
    assert "It is **protected**" in head
    assert head.count("Irreversible") == 3  # two deletes and the replaced number
    assert (
        "**⚠️ Published number changes:** `marketing` `+14155550177` → _known after apply_" in head
    )
    assert "`area_code` `415` → `212`" in head
    assert "`kyb`: `approved` → `submitted` (resubmission: the review starts over)" in head


def test_the_table_has_one_row_per_number_with_routing_and_prices(review: ReviewRun) -> None:
    _, out, _ = review(fixture_path("pr-preview.json"))
    rows = [line for line in out.splitlines() if line.startswith("| ") and "`" in line]
    assert [row.split(" | ")[1] for row in rows] == [
        "`sales-sf`",
        "`outbound-ny`",
        "`support-en`",
        "`marketing`",
        "`main-line`",
        "`spring-promo`",
        "`london`",
    ]
    sales = rows[0]
    assert "new in area `415`" in sales and "≤ $5.00" in sales and "≤ $3.00" in sales
    support = rows[2]
    assert "`inbound` → agent `agent_support`" in support
    assert "`both` → agent `agent_support_v2`" in support
    assert "update 🔒" in support
    assert "agent _known after apply_" in rows[6]


def test_details_are_collapsible_sections_per_resource(review: ReviewRun) -> None:
    _, out, _ = review(fixture_path("pr-preview.json"))
    assert out.count("<details>") == out.count("</details>") == 8
    assert "- known after apply: `agent_id`" in out
    assert "- 1 secret value(s) hidden" in out


def test_the_length_limit_drops_details_never_the_headline_or_table(review: ReviewRun) -> None:
    _, full, _ = review(fixture_path("pr-preview.json"))
    head_and_table = full.split("<details>")[0]
    limit = len(head_and_table) + 1_200
    _, cut, _ = review(fixture_path("pr-preview.json"), "--max-length", str(limit))
    assert len(cut) <= limit < len(full)
    assert cut.startswith(head_and_table)
    kept = cut.count("<details>")
    assert 0 < kept < 8
    assert f"_{8 - kept} detail section(s) left out to keep this comment under {limit:,}" in cut
    assert cut.rstrip().endswith("</sub>")


def test_table_cells_escape_pipes_and_backticks(review: ReviewRun, tmp_path: Path) -> None:
    document = load_fixture("pr-preview.json")
    sales = document["steps"][0]["newState"]["inputs"]
    sales["label"] = "Sales | `West` <b>"
    _, out, _ = review(write_preview(tmp_path, document))
    row = next(line for line in out.splitlines() if line.startswith("| 🟢 | `sales-sf`"))
    assert row.count(" | ") == 7  # eight cells: the label's pipe did not add one
    assert "label `Sales \\| 'West' <b>`" in row


def test_no_secret_value_is_ever_printed(review: ReviewRun, tmp_path: Path) -> None:
    document = load_fixture("pr-preview.json")
    envelope = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        "plaintext": json.dumps(PLANTED),
        "ciphertext": PLANTED,
    }
    london = document["steps"][7]["newState"]
    london["inputs"]["dispatch_metadata_template"] = envelope
    london["outputs"]["dispatch_metadata_template"] = envelope
    document["config"]["speko:apiKey"] = PLANTED
    path = write_preview(tmp_path, document)
    for output_format in ("markdown", "json"):
        status, out, err = review(path, "--format", output_format, "--fail-on", "release")
        assert status == 3
        assert PLANTED not in out and PLANTED not in err
    _, out, _ = review(path, "--format", "json")
    assert json.loads(out)["summary"]["hiddenValues"] == 1


def test_a_preview_without_speko_changes_says_so(review: ReviewRun, tmp_path: Path) -> None:
    document = load_fixture("pr-preview.json")
    document["steps"] = [document["steps"][-1]]  # the AWS bucket only
    status, out, _ = review(write_preview(tmp_path, document))
    assert status == 0
    assert "### Speko review: no change to speko resources" in out
    assert "_No phone number changes._" in out
    assert "1 other resource(s) not reviewed" in out


def test_json_output_carries_summary_gates_and_changes(review: ReviewRun) -> None:
    status, out, _ = review(
        fixture_path("pr-preview.json"), "--format", "json", "--fail-on", "replace"
    )
    document = json.loads(out)
    assert status == 3
    assert document["version"] == 1 and document["form"] == "digest"
    assert document["gates"]["tripped"] == ["replace: marketing is replaced"]
    assert len(document["changes"]) == 8


def test_output_can_go_to_a_file(review: ReviewRun, tmp_path: Path) -> None:
    target = tmp_path / "comment.md"
    status, out, _ = review(fixture_path("pr-preview.json"), "--output", target)
    assert status == 0 and out == ""
    assert target.read_text().startswith(COMMENT_MARKER)
