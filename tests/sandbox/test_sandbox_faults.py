"""Fault rules over loopback: respond, latency, drop-after-commit, times, probability."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .support import POOL_NUMBER, UK_NUMBER, assert_error, import_number

IMPORT_BODY = {"e164": UK_NUMBER, "sipConnectionInstallationId": "sci_demo"}


def test_respond_answers_the_status_code_and_retry_after_without_running(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    fault_id = sandbox.control.add_fault(
        "POST", "/v1/phone-numbers/import", action="respond", status=429, retry_after=2, times=1
    )
    response = demo.post("/v1/phone-numbers/import", json=IMPORT_BODY)
    assert_error(response, 429, "RATE_LIMITED")
    assert response.headers["Retry-After"] == "2"
    assert sandbox.control.list_numbers(DEMO_ORG) == []
    [entry] = sandbox.control.request_log()
    assert (entry.status, entry.fault_id, entry.org_id) == (429, fault_id, DEMO_ORG)
    assert demo.post("/v1/phone-numbers/import", json=IMPORT_BODY).status_code == 201


def test_respond_codes_default_by_status_or_are_given(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_fault("GET", "/v1/phone-numbers", action="respond", status=503, times=1)
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=500, code="DB_DOWN", times=1
    )
    assert_error(demo.get("/v1/phone-numbers"), 503, "INTERNAL")
    assert_error(demo.get("/v1/phone-numbers"), 500, "DB_DOWN")
    assert demo.get("/v1/phone-numbers").status_code == 200


def test_times_fires_on_the_next_n_matching_calls_only(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_fault("GET", "/v1/phone-numbers", action="respond", status=502, times=2)
    statuses = [demo.get("/v1/phone-numbers").status_code for _ in range(4)]
    assert statuses == [502, 502, 200, 200]
    [rule] = sandbox.control.faults()
    assert (rule["fired"], rule["remaining"]) == (2, 0)


def test_rules_match_method_and_pattern(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    number = import_number(demo)
    sandbox.control.add_fault("DELETE", "/v1/phone-numbers/*", action="respond", status=500)
    sandbox.control.add_fault("*", "^/v1/phone-numbers/pn_[a-f0-9]+$", action="respond", status=418)
    sandbox.control.add_fault("*", "/v1/phone-numbers/kyb*", action="respond", status=504)
    assert demo.get("/v1/phone-numbers").status_code == 200
    assert demo.get("/v1/phone-numbers/available").status_code == 200
    assert demo.get(f"/v1/phone-numbers/{number['id']}").status_code == 418
    assert demo.delete(f"/v1/phone-numbers/{number['id']}").status_code == 500
    assert demo.put("/v1/phone-numbers/kyb/draft", json={}).status_code == 504


def _pattern(demo: httpx.Client, calls: int) -> list[int]:
    return [demo.get("/v1/phone-numbers").status_code for _ in range(calls)]


def test_probability_is_seeded_and_repeatable(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    sandbox.control.set_fault_seed(7)
    rule = sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=503, probability=0.5
    )
    first = _pattern(demo, 30)
    assert 5 <= first.count(503) <= 25
    sandbox.control.remove_fault(rule)
    sandbox.control.set_fault_seed(7)
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=503, probability=0.5
    )
    assert _pattern(demo, 30) == first


@pytest.mark.parametrize(("probability", "faulted"), [(0.0, 0), (1.0, 10)])
def test_probability_bounds(
    demo: httpx.Client, sandbox: RunningSandbox, probability: float, faulted: int
) -> None:
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=503, probability=probability
    )
    assert _pattern(demo, 10).count(503) == faulted


def test_probability_with_times_stops_after_n_firings(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_fault(
        "GET", "/v1/phone-numbers", action="respond", status=503, probability=1.0, times=3
    )
    assert _pattern(demo, 5) == [503, 503, 503, 200, 200]


def test_latency_delays_then_serves_normally(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    sandbox.control.add_fault(
        "POST", "/v1/phone-numbers/import", action="latency", latency_seconds=0.3, times=1
    )
    started = time.perf_counter()
    response = demo.post("/v1/phone-numbers/import", json=IMPORT_BODY)
    elapsed = time.perf_counter() - started
    assert response.status_code == 201
    assert elapsed >= 0.3
    started = time.perf_counter()
    assert demo.get("/v1/phone-numbers").status_code == 200
    assert time.perf_counter() - started < 0.3
    assert sandbox.control.request_log()[0].duration_ms >= 300


def test_drop_commits_the_write_then_closes_without_answering(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    fault_id = sandbox.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    landed = sandbox.control.list_numbers(DEMO_ORG)
    assert [n["e164"] for n in landed] == [POOL_NUMBER]
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("97.00")
    entry = sandbox.control.request_log()[-1]
    assert (entry.status, entry.dropped, entry.app_status, entry.fault_id) == (
        0,
        True,
        201,
        fault_id,
    )
    retry = verified.post("/v1/phone-numbers", json={"e164": POOL_NUMBER})
    assert_error(retry, 409, "CONFLICT")
    assert verified.get("/v1/phone-numbers").json() == landed


def test_control_api_and_openapi_are_never_faulted_nor_logged(
    anonymous: httpx.Client, demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_fault("*", "*", action="respond", status=500)
    assert anonymous.get("/openapi.json").status_code == 200
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("100.00")
    assert demo.get("/v1/phone-numbers").status_code == 500
    log = sandbox.control.request_log()
    assert [(e.method, e.path) for e in log] == [("GET", "/v1/phone-numbers")]


def test_clearing_faults_and_the_log(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    sandbox.control.add_fault("GET", "*", action="respond", status=500)
    demo.get("/v1/phone-numbers")
    sandbox.control.clear_faults()
    sandbox.control.clear_request_log()
    assert sandbox.control.faults() == []
    assert demo.get("/v1/phone-numbers").status_code == 200
    assert len(sandbox.control.request_log()) == 1


@pytest.mark.parametrize(
    "body",
    [
        {"pathPattern": "*", "action": "latency"},
        {"pathPattern": "^(", "action": "respond"},
        {"pathPattern": "*", "action": "explode"},
        {"pathPattern": "*", "action": "respond", "probability": 2},
        {"pathPattern": "*", "action": "respond", "times": 0},
        {"pathPattern": "*", "action": "respond", "surprise": True},
    ],
)
def test_invalid_fault_rules_are_refused(sandbox: RunningSandbox, body: dict[str, object]) -> None:
    response = httpx.post(
        f"{sandbox.base_url}/_sandbox/faults",
        json=body,
        headers={"Authorization": f"Bearer {sandbox.admin_token}"},
    )
    assert_error(response, 400, "VALIDATION_ERROR")
    assert sandbox.control.faults() == []


def test_removing_an_unknown_fault_is_not_found(sandbox: RunningSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError) as refused:
        sandbox.control.remove_fault("flt_nope")
    assert refused.value.response.status_code == 404
