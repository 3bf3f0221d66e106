"""``--prices live``: purchases without a recorded price are priced by the API's search,
here the local sandbox (seed: every pool number costs $1.00 upfront, $2.00 a month)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from previews import ReviewRun, fixture_path, load_fixture, write_preview
from pulumi_speko.api import Client
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

WRONG_KEY = "sk_test_wrong_key_for_review_0099"


def live(review: ReviewRun, sandbox: RunningSandbox, path: Path) -> tuple[int, dict[str, Any]]:
    status, out, err = review(
        path, "--prices", "live", "--base-url", sandbox.base_url, "--format", "json"
    )
    assert status == 0, err
    return status, json.loads(out)


@pytest.fixture
def demo_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", DEMO_API_KEY)


@pytest.mark.usefixtures("demo_key")
def test_capped_purchases_get_the_current_price_and_known_prices_stay(
    review: ReviewRun, sandbox: RunningSandbox
) -> None:
    _, document = live(review, sandbox, fixture_path("pr-preview.json"))
    changes = {change["name"]: change for change in document["changes"]}
    assert changes["sales-sf"]["purchase"]["price"] == {
        "basis": "live",
        "upfrontUsd": "1.00",
        "monthlyUsd": "2.00",
    }
    assert changes["marketing"]["purchase"]["price"]["basis"] == "live"
    assert changes["outbound-ny"]["purchase"]["price"]["basis"] == "known"
    summary = document["summary"]
    assert (summary["upfrontUsd"], summary["upfrontWorstUsd"]) == ("3.50", "3.50")
    assert summary["monthlyChangeUsd"] == "0.25"  # 2.25 + 2 + 2 bought, 3 x 2 released
    assert summary["prices"] == "live"
    searches = [e for e in sandbox.control.request_log() if e.path.endswith("/available")]
    assert len(searches) == 2  # one per area code (415, 212)


@pytest.mark.usefixtures("demo_key")
def test_an_exact_number_is_priced_only_when_the_pool_offers_it(
    review: ReviewRun, sandbox: RunningSandbox, tmp_path: Path
) -> None:
    with Client(DEMO_API_KEY, sandbox.base_url) as client:
        offered = client.search_available_phone_numbers(area_code="646", limit=1)[0].e164
    document = load_fixture("native-camelcase.json")
    create = document["steps"][1]["newState"]["inputs"]
    del create["areaCode"], create["maxUpfrontCostUsd"], create["maxMonthlyCostUsd"]
    create["e164"] = offered
    document["steps"] = document["steps"][1:]
    _, result = live(review, sandbox, write_preview(tmp_path, document))
    assert result["changes"][0]["purchase"]["price"]["basis"] == "live"

    create["e164"] = "+16465559999"  # beyond the seeded pool
    _, result = live(review, sandbox, write_preview(tmp_path, document))
    assert result["changes"][0]["purchase"]["price"]["basis"] == "unknown"
    assert result["summary"]["unpriced"] == 1


def test_without_a_key_live_prices_fail_in_one_line(
    review: ReviewRun, sandbox: RunningSandbox
) -> None:
    status, out, err = review(
        fixture_path("pr-preview.json"), "--prices", "live", "--base-url", sandbox.base_url
    )
    assert status == 1 and out == ""
    assert err.count("\n") == 1
    assert "--prices live: no Speko API key" in err and "or use --prices state" in err


def test_a_refused_key_fails_in_one_line_without_printing_it(
    review: ReviewRun, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", WRONG_KEY)
    status, out, err = review(
        fixture_path("pr-preview.json"), "--prices", "live", "--base-url", sandbox.base_url
    )
    assert status == 1 and out == ""
    assert err.count("\n") == 1
    assert "cannot search available numbers" in err and "the API key was refused" in err
    assert WRONG_KEY not in err and WRONG_KEY[-8:] not in err
