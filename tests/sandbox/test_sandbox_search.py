"""GET /v1/phone-numbers/available: the pool, its filters and the query validation."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from pulumi_speko.testing.sandbox import running_sandbox

from .support import POOL_NUMBER, assert_error, buy, import_number


def _search(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/phone-numbers/available", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_default_search_answers_ten_priced_us_numbers(demo: httpx.Client) -> None:
    found = _search(demo)
    assert len(found) == 10
    first = found[0]
    assert first == {
        "e164": POOL_NUMBER,
        "friendlyName": "+1 (415) 555-0100",
        "monthlyCostUsd": 2.0,
        "upfrontCostUsd": 1.0,
        "features": ["voice", "sms"],
        "region": {"state": "CA", "locality": "San Francisco", "rateCenter": "SAN FRANCISCO"},
    }
    assert all(n["e164"].startswith("+1") for n in found)


def test_seed_pool_has_sixty_numbers_over_three_area_codes(demo: httpx.Client) -> None:
    by_area = {code: _search(demo, areaCode=code, limit=50) for code in ("415", "212", "646")}
    assert {code: len(found) for code, found in by_area.items()} == {
        "415": 20,
        "212": 20,
        "646": 20,
    }
    for code, found in by_area.items():
        for number in found:
            assert number["e164"].startswith(f"+1{code}")
            digits = number["e164"][2:]
            expected = f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}"
            assert number["friendlyName"] == expected
    assert len({n["e164"] for found in by_area.values() for n in found}) == 60


def test_the_pool_is_deterministic(demo: httpx.Client) -> None:
    with (
        running_sandbox() as fresh,
        httpx.Client(base_url=fresh.base_url, headers=demo.headers) as fresh_client,
    ):
        assert _search(fresh_client, limit=50) == _search(demo, limit=50)


def test_pool_size_option_grows_the_pool() -> None:
    with (
        running_sandbox(pool_size=150) as big,
        httpx.Client(
            base_url=big.base_url, headers={"Authorization": "Bearer sk_test_demo"}
        ) as client,
    ):
        assert len(_search(client, areaCode="415", limit=50)) == 50
        assert len(_search(client, areaCode="646", limit=50)) == 50


def test_locality_filters_case_insensitively(demo: httpx.Client) -> None:
    new_york = _search(demo, locality="new york", limit=50)
    assert len(new_york) == 40
    assert {n["region"]["locality"] for n in new_york} == {"New York"}
    assert _search(demo, locality="Boston") == []
    assert len(_search(demo, areaCode="212", locality="New York", limit=50)) == 20


def test_limit_bounds_the_answer(demo: httpx.Client) -> None:
    assert len(_search(demo, limit=1)) == 1
    assert len(_search(demo, limit=50)) == 50


def test_search_leaves_out_held_numbers(verified: httpx.Client, other: httpx.Client) -> None:
    bought = buy(verified)
    imported = import_number(other, "+14155550101")
    found = {n["e164"] for n in _search(verified, areaCode="415", limit=50)}
    assert bought["e164"] not in found
    assert imported["e164"] not in found
    assert len(found) == 18


@pytest.mark.parametrize(
    ("name", "value"),
    [
        *[("areaCode", code) for code in ("41", "4155", "abc", "")],
        *[("limit", limit) for limit in (0, 51, "ten")],
        ("country", "US"),
    ],
)
def test_search_rejects_invalid_queries(demo: httpx.Client, name: str, value: Any) -> None:
    """The error names the parameter at fault."""
    response = demo.get("/v1/phone-numbers/available", params={name: value})
    body = assert_error(response, 400, "VALIDATION_ERROR", name)
    assert re.search("query", body["error"], re.IGNORECASE)
