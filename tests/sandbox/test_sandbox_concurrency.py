"""Many requests at once over loopback: no number is sold twice, money and pool agree."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import TypeVar

import httpx
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG, RunningSandbox

from .support import POOL_NUMBER, submit_body

PARALLEL = 32
T = TypeVar("T")


def _all_at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run ``call(i)`` for i < count on ``count`` threads released together."""
    barrier = threading.Barrier(count)

    def lined_up(index: int) -> T:
        barrier.wait(timeout=10)
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lined_up, range(count)))


def _available(client: httpx.Client) -> set[str]:
    found: set[str] = set()
    for code in ("415", "212", "646"):
        response = client.get("/v1/phone-numbers/available", params={"areaCode": code, "limit": 50})
        found |= {n["e164"] for n in response.json()}
    return found


def test_parallel_purchases_of_one_number_sell_it_once(
    verified: httpx.Client, other: httpx.Client, sandbox: RunningSandbox
) -> None:
    other.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    clients = [verified, other]

    def purchase(index: int) -> int:
        client = clients[index % 2]
        return client.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}).status_code

    statuses = Counter(_all_at_once(PARALLEL, purchase))
    assert statuses == {201: 1, 409: PARALLEL - 1}
    holders = sandbox.control.list_numbers(DEMO_ORG) + sandbox.control.list_numbers(OTHER_ORG)
    assert [n["e164"] for n in holders] == [POOL_NUMBER]
    spent = (Decimal("100.00") - sandbox.control.get_credits(DEMO_ORG)) + (
        Decimal("100.00") - sandbox.control.get_credits(OTHER_ORG)
    )
    assert spent == Decimal("3.00")


def test_parallel_purchases_keep_credits_and_pool_consistent(
    verified: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.set_credits(DEMO_ORG, "60.00")  # pays for 20 of the 40 attempts
    wanted = sorted(_available(verified))[:40]

    def purchase(index: int) -> int:
        return verified.post("/v1/phone-numbers", json={"e164": wanted[index]}).status_code

    statuses = Counter(_all_at_once(40, purchase))
    assert statuses == {201: 20, 402: 20}
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("0.00")
    owned = {n["e164"] for n in verified.get("/v1/phone-numbers").json()}
    assert len(owned) == 20
    assert owned.isdisjoint(_available(verified))
    assert len(owned) + len(_available(verified)) == 60


def test_parallel_imports_updates_and_releases_leave_a_clean_state(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    def lifecycle(index: int) -> tuple[int, int, int]:
        created = demo.post(
            "/v1/phone-numbers/import",
            json={"e164": f"+4420712345{index:02d}", "sipConnectionInstallationId": "sci_demo"},
        )
        number_id = created.json()["id"]
        patched = demo.patch(f"/v1/phone-numbers/{number_id}", json={"label": f"line {index}"})
        released = demo.delete(f"/v1/phone-numbers/{number_id}")
        return created.status_code, patched.status_code, released.status_code

    results = _all_at_once(PARALLEL, lifecycle)
    assert set(results) == {(201, 200, 200)}
    assert sandbox.control.list_numbers(DEMO_ORG) == []
    # exact: each call is logged before its answer ends, so none of an earlier test's
    # calls can land after the reset, and every one of these is in
    methods = Counter(entry.method for entry in sandbox.control.request_log())
    assert methods == {"POST": PARALLEL, "PATCH": PARALLEL, "DELETE": PARALLEL}
