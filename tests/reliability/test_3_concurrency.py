"""Concurrency: one host serving four engine threads, and two hosts racing for one number.

The engine calls a provider host from a pool of four threads, and two stacks (two hosts,
two ``pulumi up``) may go for the same E.164 at once. Small random latency on every API
call shuffles the interleavings.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from pulumi_speko.testing.engine import EngineError
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG, RunningSandbox

from .support import (
    FIGURES,
    OTHER_RELIABILITY_KEY,
    PHONE,
    PROVIDER_ERROR_PREFIX,
    SIP,
    Engine,
    Ledger,
    assert_clear_error,
    user_props,
)

THREADS = 4
AREA_FLEET = 24
CREDITS = Decimal("1000.00")


def declarations() -> dict[str, tuple[str, dict[str, Any]]]:
    """50 numbers: 20 bought by exact E.164 (in two area codes), 30 imported."""
    declared: dict[str, tuple[str, dict[str, Any]]] = {}
    for i in range(20):
        e164 = f"+1{'212' if i % 2 else '646'}555{300 + i:04d}"
        declared[f"exact{i}"] = (PHONE, {"e164": e164, "label": f"exact {i}"})
    for i in range(30):
        installation = {"sip_connection_installation_id": "sci_demo", "label": f"sip {i}"}
        declared[f"sip{i}"] = (SIP, {"e164": f"+4930{200000 + i}", **installation})
    return declared


def buy_by_area_code_from_four_threads(
    platform: RunningSandbox, engine: Engine, count: int
) -> list[Any]:
    """``count`` numbers of one area code created at once; (id, outs) or the EngineError.

    Each purchase takes 0.1 s to land (a latency fault on the POST, searches stay quick),
    so the four threads keep finding the same first matches and three of them lose."""
    platform.control.set_credits(DEMO_ORG, CREDITS)
    engine.file_verification()
    platform.control.add_fault("POST", "/v1/phone-numbers", action="latency", latency_seconds=0.1)

    def create(index: int) -> Any:
        name = f"area{index}"
        inputs = engine.checked(PHONE, name, {"area_code": "415"})
        try:
            return engine.create(PHONE, name, inputs)
        except EngineError as error:
            return error

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(create, range(count)))


def test_fifty_numbers_through_one_host_from_four_threads(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    control = platform.control
    control.set_credits(DEMO_ORG, CREDITS)
    engine.file_verification()
    control.set_fault_seed(3)
    control.add_fault("*", "/v1/*", action="latency", latency_seconds=0.02, probability=0.3)
    declared = declarations()

    def create(name: str) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
        token, props = declared[name]
        inputs = engine.checked(token, name, props)
        id_, outs = engine.create(token, name, inputs)
        return name, id_, outs, inputs

    with ThreadPoolExecutor(THREADS) as pool:
        created = {name: (id_, outs, ins) for name, id_, outs, ins in pool.map(create, declared)}

    ids = [id_ for id_, _, _ in created.values()]
    e164s = [outs["e164"] for _, outs, _ in created.values()]
    assert len(set(ids)) == len(ids) == 50 and len(set(e164s)) == 50
    live = {n["id"]: n for n in ledger.numbers()}
    assert set(live) == set(ids)
    for name, (id_, outs, _) in created.items():
        _, props = declared[name]
        assert live[id_]["e164"] == outs["e164"] == props["e164"]
        assert live[id_]["label"] == props["label"]
    assert len(ledger.purchases()) == 20 and len(ledger.imports()) == 30
    assert ledger.paid_purchases(credits=CREDITS) == 20
    FIGURES.add("purchases_landed", 20)

    def update(name: str) -> tuple[str, dict[str, Any]]:
        id_, outs, inputs = created[name]
        token, _ = declared[name]
        news = engine.checked(
            token, name, {**user_props(inputs), "direction": "both", "agent_id": "agent_support"}
        )
        assert engine.diff(token, name, id_, outs, news).replaces == []
        return name, engine.update(token, name, id_, outs, news)

    with ThreadPoolExecutor(THREADS) as pool:
        updated = dict(pool.map(update, declared))
    live = {n["id"]: n for n in ledger.numbers()}
    assert len(live) == 50
    assert all((n["direction"], n["agentId"]) == ("both", "agent_support") for n in live.values())
    assert all(outs["agent_id"] == "agent_support" for outs in updated.values())

    def delete(name: str) -> None:
        id_, _, _ = created[name]
        engine.delete(declared[name][0], name, id_, updated[name])

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(delete, declared))
    assert ledger.numbers() == []
    assert len(ledger.purchases()) == 20  # nothing bought twice, nor after


def test_area_code_purchases_from_four_threads_never_double_and_reruns_complete_them(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    """24 numbers of one area code at once: the threads race for the same first matches.
    A create that loses the races of three searches fails clearly; rerunning it
    completes the fleet."""
    results = buy_by_area_code_from_four_threads(platform, engine, AREA_FLEET)
    failed = [i for i, r in enumerate(results) if isinstance(r, EngineError)]
    for index in failed:
        message = assert_clear_error_or_exhausted(results[index])
        assert (
            "were bought by others while this purchase tried them; run pulumi up again" in message
        )
        name = f"area{index}"
        results[index] = engine.create(
            PHONE, name, engine.checked(PHONE, name, {"area_code": "415"})
        )
        FIGURES.add("reruns")
    ids = [id_ for id_, _ in results]
    assert len(set(ids)) == AREA_FLEET
    assert {n["id"] for n in ledger.numbers()} == set(ids)
    assert len(ledger.purchases()) == AREA_FLEET
    assert ledger.paid_purchases(credits=CREDITS) == AREA_FLEET
    FIGURES.add("purchases_landed", AREA_FLEET)
    lost_races = [e for e in ledger.calls("POST", "/v1/phone-numbers") if e.status == 409]
    FIGURES.notes.append(
        f"concurrency: {AREA_FLEET} area-code purchases from 4 threads lost {len(lost_races)} "
        f"races; {len(failed)} creates ran out of candidates and needed a rerun"
    )


def test_an_area_code_purchase_that_loses_five_races_searches_again(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    """Deterministic form of the race above: the first five purchases answer 409, as when
    other buyers took the five numbers the search returned."""
    engine.file_verification()
    platform.control.add_fault(
        "POST", "/v1/phone-numbers", action="respond", status=409, code="CONFLICT", times=5
    )
    inputs = engine.checked(PHONE, "n", {"area_code": "415"})
    number_id, outs = engine.create(PHONE, "n", inputs)
    assert outs["e164"].startswith("+1415")
    assert [n["id"] for n in platform.control.list_numbers(DEMO_ORG)] == [number_id]


def assert_clear_error_or_exhausted(error: EngineError) -> str:
    """The provider's one line, for failures that name no HTTP status."""
    line = error.last_line
    assert line.startswith(PROVIDER_ERROR_PREFIX), error.details
    return line.removeprefix(PROVIDER_ERROR_PREFIX)


def race(engines: list[Engine], token: str, props: list[dict[str, Any]]) -> list[Any]:
    """Create one resource per host at the same moment; each result is (id, outs) or the
    EngineError."""
    barrier = threading.Barrier(len(engines))

    def create(index: int) -> Any:
        engine = engines[index]
        inputs = engine.checked(token, f"racer{index}", props[index])
        barrier.wait()
        try:
            return engine.create(token, f"racer{index}", inputs)
        except EngineError as error:
            return error

    with ThreadPoolExecutor(len(engines)) as pool:
        return list(pool.map(create, range(len(engines))))


@pytest.fixture
def racing_hosts(platform: RunningSandbox, engines: Callable[..., Engine]) -> list[Engine]:
    """Two hosts (two stacks of the demo org), verification filed, purchases held 0.2 s so
    both are in flight at once."""
    hosts = [engines(name="stack A"), engines(name="stack B")]
    hosts[0].file_verification()
    for path in ("/v1/phone-numbers", "/v1/phone-numbers/import"):
        platform.control.add_fault("POST", path, action="latency", latency_seconds=0.2)
    return hosts


@pytest.mark.parametrize(
    ("token", "props"),
    [
        (PHONE, {"e164": "+16465550200"}),
        (SIP, {"e164": "+4930777777", "sip_connection_installation_id": "sci_demo"}),
    ],
    ids=["buy", "import"],
)
def test_two_hosts_racing_for_one_number_one_owns_it_the_other_fails_clearly(
    ledger: Ledger, racing_hosts: list[Engine], token: str, props: dict[str, Any]
) -> None:
    results = race(racing_hosts, token, [props, props])
    winners = [r for r in results if not isinstance(r, EngineError)]
    losers = [r for r in results if isinstance(r, EngineError)]
    assert len(winners) == 1 and len(losers) == 1
    [(number_id, _)] = winners
    message = assert_clear_error(losers[0])
    assert "409 CONFLICT" in message
    assert f"already holds {props['e164']} as {number_id}; set adopt_existing=True" in message
    assert [n["id"] for n in ledger.numbers()] == [number_id]
    ledger.assert_landed_once(token)


def test_two_hosts_racing_with_adopt_existing_both_manage_the_one_number_bought_once(
    ledger: Ledger, racing_hosts: list[Engine]
) -> None:
    """With ``adopt_existing=True`` the loser adopts what the winner bought: both stacks
    then manage the same number (that is what adopting means), and it is bought once."""
    props = {"e164": "+16465550201", "adopt_existing": True, "label": "shared"}
    results = race(racing_hosts, PHONE, [props, props])
    assert not any(isinstance(r, EngineError) for r in results), results
    [(first_id, _), (second_id, _)] = results
    assert first_id == second_id
    assert [n["id"] for n in ledger.numbers()] == [first_id]
    assert len(ledger.purchases()) == 1
    assert ledger.paid_purchases() == 1


def test_two_hosts_buying_by_area_code_at_once_get_two_different_numbers(
    ledger: Ledger, racing_hosts: list[Engine]
) -> None:
    results = race(racing_hosts, PHONE, [{"area_code": "212"}, {"area_code": "212"}])
    assert not any(isinstance(r, EngineError) for r in results), results
    ids = {id_ for id_, _ in results}
    e164s = {outs["e164"] for _, outs in results}
    assert len(ids) == len(e164s) == 2
    assert {n["id"] for n in ledger.numbers()} == ids
    assert ledger.paid_purchases() == 2


def test_two_organizations_racing_for_one_number_one_owns_it(
    platform: RunningSandbox, engines: Callable[..., Engine], ledger: Ledger
) -> None:
    hosts = [engines(name="demo org"), engines(OTHER_RELIABILITY_KEY, name="other org")]
    for engine in hosts:
        engine.file_verification()
    platform.control.add_fault("POST", "/v1/phone-numbers", action="latency", latency_seconds=0.2)
    props = {"e164": "+14155550300", "adopt_existing": True}  # adopting never crosses orgs
    results = race(hosts, PHONE, [props, props])
    winners = [r for r in results if not isinstance(r, EngineError)]
    losers = [r for r in results if isinstance(r, EngineError)]
    assert len(winners) == 1 and len(losers) == 1
    message = assert_clear_error(losers[0])
    assert "409 CONFLICT" in message and "another organization holds +14155550300" in message
    owners = [
        org
        for org in (DEMO_ORG, OTHER_ORG)
        for n in ledger.numbers(org)
        if n["e164"] == "+14155550300"
    ]
    assert len(owners) == 1
    paid = [ledger.paid_purchases(org) for org in (DEMO_ORG, OTHER_ORG)]
    assert sorted(paid) == [0, 1]
