"""What the review computes from each preview form, checked through ``--format json``."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from previews import fixture_path, load_fixture, write_preview

ReviewJson = Callable[..., tuple[int, dict[str, Any]]]
KNOWN_AFTER_APPLY = {"knownAfterApply": True}


def by_name(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {change["name"]: change for change in document["changes"]}


def test_a_purchase_by_area_code_is_priced_by_its_caps(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    sales = by_name(document)["sales-sf"]
    assert sales["op"] == "create" and sales["number"] == KNOWN_AFTER_APPLY
    assert sales["purchase"]["areaCode"] == "415"
    assert sales["purchase"]["price"] == {
        "basis": "cap",
        "upfrontUsd": "5.00",
        "monthlyUsd": "3.00",
    }
    assert sales["routingBefore"] is None
    assert sales["routingAfter"]["agentId"] == "agent_sales"


def test_a_purchase_by_e164_uses_the_price_its_state_records(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    outbound = by_name(document)["outbound-ny"]
    assert outbound["number"] == "+12125550142"
    assert outbound["purchase"]["price"] == {
        "basis": "known",
        "upfrontUsd": "1.50",
        "monthlyUsd": "2.25",
    }


def test_the_cost_headline_sums_known_prices_caps_and_released_monthly_costs(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    summary = document["summary"]
    # known: outbound-ny 1.50 / 2.25; caps: sales-sf 5 / 3 and marketing 4 / 4;
    # three numbers released at 2.00 a month each.
    assert summary["upfrontUsd"] == "1.50"
    assert summary["upfrontWorstUsd"] == "10.50"
    assert summary["monthlyChangeUsd"] == "-3.75"
    assert summary["monthlyWorstUsd"] == "3.25"
    assert (summary["purchases"], summary["capped"], summary["unpriced"]) == (3, 2, 0)


def test_a_routing_update_is_computed_from_inputs_without_diff_reasons(
    review_json: ReviewJson,
) -> None:
    step = next(s for s in load_fixture("pr-preview.json")["steps"] if s["op"] == "update")
    assert "diffReasons" not in step and step["detailedDiff"] is None
    _, document = review_json(fixture_path("pr-preview.json"))
    support = by_name(document)["support-en"]
    assert support["op"] == "update" and support["number"] == "+14155550100"
    assert {p["path"]: (p["old"], p["new"]) for p in support["properties"]} == {
        "direction": ("inbound", "both"),
        "agent_id": ("agent_support", "agent_support_v2"),
        "label": ("Support (EN)", "Support (EN, 24/7)"),
    }
    assert support["routingBefore"]["agentId"] == "agent_support"
    assert support["routingAfter"]["direction"] == "both"
    assert support["release"] is None and support["purchase"] is None


def test_a_replace_by_area_code_loses_the_old_number_and_says_why(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    marketing = by_name(document)["marketing"]
    assert marketing["replacement"]["oldE164"] == "+14155550177"
    assert marketing["replacement"]["newE164"] == KNOWN_AFTER_APPLY
    assert marketing["replacement"]["reasons"] == [
        {"path": "area_code", "old": "415", "new": "212"}
    ]
    assert marketing["losesNumber"] is True
    assert marketing["release"]["e164"] == "+14155550177"
    # the new state copies the old number's outputs: that is not the new price
    assert marketing["purchase"]["price"]["basis"] == "cap"


def test_deletes_release_protected_and_unprotected_numbers(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    changes = by_name(document)
    main_line, promo = changes["main-line"], changes["spring-promo"]
    assert main_line["release"] == {
        "e164": "+14155550123",
        "protected": True,
        "managed": True,
        "monthlySavedUsd": "2.00",
    }
    assert promo["release"]["protected"] is False and promo["protected"] is False
    assert main_line["properties"] == [] and main_line["routingAfter"] is None


def test_a_verification_change_is_a_resubmission(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    kyb = by_name(document)["kyb"]
    assert kyb["verification"] == {
        "statusBefore": "approved",
        "statusAfter": "submitted",
        "resubmission": True,
        "removedFromStack": False,
    }
    assert [p["path"] for p in kyb["properties"]] == [
        "business_profile.address.street",
        "business_profile.address.postal_code",
    ]


def test_an_unknown_agent_id_is_known_after_apply_and_counts_as_routed(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    london = by_name(document)["london"]
    assert london["unknowns"] == ["agent_id"]
    assert london["routingAfter"]["agentId"] == KNOWN_AFTER_APPLY
    assert london["purchase"]["charged"] is False  # a SIP-trunk import costs nothing


def test_secrets_are_counted_and_provider_blobs_are_not(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    london = by_name(document)["london"]
    assert london["hiddenValues"] == 1
    assert london["routingAfter"]["dispatchMetadataTemplate"] == "[secret]"
    assert document["summary"]["hiddenValues"] == 1


def test_resources_of_other_packages_are_counted_not_reviewed(review_json: ReviewJson) -> None:
    _, document = review_json(fixture_path("pr-preview.json"))
    assert "recordings" not in by_name(document)
    assert document["summary"]["otherResources"] == 1
    assert document["summary"]["changes"] == 8


def test_show_sames_counts_unchanged_and_compares_only_what_is_known(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("show-sames.json"))
    assert document["summary"]["unchanged"] == 2
    assert document["summary"]["otherResources"] == 0  # the stack and provider are same
    (chicago,) = document["changes"]
    # the secret template is the same secret on both sides: not reported as a change
    assert chicago["properties"] == [
        {"path": "label", "old": "Chicago", "new": "Chicago (overflow)"}
    ]
    assert chicago["hiddenValues"] == 1


def test_two_secrets_are_a_change_only_when_the_engine_names_the_key(
    review_json: ReviewJson, tmp_path: Path
) -> None:
    document = load_fixture("show-sames.json")
    update = document["steps"][-1]
    update["diffReasons"] = ["dispatch_metadata_template"]
    _, result = review_json(write_preview(tmp_path, document))
    paths = [p["path"] for p in result["changes"][0]["properties"]]
    assert paths == ["dispatch_metadata_template", "label"]
    assert result["changes"][0]["properties"][0]["new"] == "[secret]"


def test_replacement_steps_are_one_replace_that_keeps_the_number(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("replacement-steps.json"))
    (change,) = document["changes"]
    assert change["op"] == "replace"
    assert change["replacement"]["oldE164"] == change["replacement"]["newE164"] == "+13125550199"
    assert change["losesNumber"] is False and change["release"] is None
    assert change["replacement"]["reasons"][0]["path"] == "sip_connection_installation_id"


def test_native_camelcase_resources_are_normalised_to_snake_case(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("native-camelcase.json"))
    changes = by_name(document)
    sales = changes["sales-native"]
    assert sales["native"] is True and sales["kind"] == "PhoneNumber"
    assert sales["number"] == "+14155550155"  # e164 stays e164 (not e_164)
    # a dispatch template's own keys are the user's data: kept as written
    assert [p["path"] for p in sales["properties"]] == [
        "agent_id",
        "dispatch_metadata_template.crmQueue",
    ]
    support = changes["support-native"]
    assert support["purchase"]["price"] == {
        "basis": "cap",
        "upfrontUsd": "2.50",
        "monthlyUsd": "3.00",
    }


def test_the_event_stream_gives_the_same_changes_as_the_digest(
    review_json: ReviewJson,
) -> None:
    _, document = review_json(fixture_path("up-events.jsonl"))
    assert document["form"] == "events"
    changes = by_name(document)
    assert [(c["name"], c["op"]) for c in document["changes"]] == [
        ("sales-sf", "create"),
        ("support-en", "update"),
        ("spring-promo", "delete"),
    ]
    _, digest = review_json(fixture_path("pr-preview.json"))
    for name in changes:
        assert changes[name] == by_name(digest)[name]
    assert document["summary"]["otherResources"] == 1


def test_standard_input_is_read(review_json: ReviewJson, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(fixture_path("up-events.jsonl").read_text()))
    status, document = review_json("-")
    assert status == 0 and len(document["changes"]) == 3
