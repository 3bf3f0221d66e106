"""Lost responses: the sandbox commits a write, then drops the connection unanswered.

Each write of the lifecycle (purchase, import, routing update, release, verification
submit and draft) loses its response once. The operation must complete, or fail with one
clear line that a rerun resolves, and the organization must end with exactly the declared
numbers: no second purchase, credits debited once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from pulumi_speko.api._retry import DEFAULT_MAX_RETRIES
from pulumi_speko.resources._numbers import LOOKUP_ATTEMPTS
from pulumi_speko.testing.engine import EngineError
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .support import (
    FIGURES,
    KYB,
    PHONE,
    SIP,
    VERIFICATION,
    Engine,
    Ledger,
    assert_clear_error,
    user_props,
)

FIRST_415 = "+14155550100"  # first number of area code 415 in the seeded pool
SIP_NUMBER = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}


def note_outcome(ledger: Ledger, declared: int) -> None:
    """Count lost/doubled/orphaned numbers of a test for the figures."""
    live = ledger.numbers()
    e164s = [n["e164"] for n in live]
    FIGURES.add("numbers_doubled", len(e164s) - len(set(e164s)))
    FIGURES.add("numbers_orphaned", max(0, len(live) - declared))
    FIGURES.add("numbers_lost", max(0, declared - len(live)))
    FIGURES.add("purchases_landed", len(ledger.purchases()))


@pytest.mark.parametrize(
    "selection", [{"e164": FIRST_415}, {"area_code": "415"}], ids=["exact", "area-code"]
)
def test_lost_purchase_response_buys_once(
    platform: RunningSandbox, engine: Engine, ledger: Ledger, selection: dict[str, str]
) -> None:
    engine.file_verification()
    platform.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)

    inputs = engine.checked(PHONE, "main", {**selection, "label": "main line"})
    number_id, outs = engine.create(PHONE, "main", inputs)

    posts = ledger.calls("POST", "/v1/phone-numbers")
    assert [(p.dropped, p.app_status) for p in posts] == [(True, 201)]  # sent once, never again
    assert [n["id"] for n in ledger.numbers()] == [number_id]
    assert outs["e164"] == FIRST_415 and outs["label"] == "main line"
    assert ledger.paid_purchases() == 1
    note_outcome(ledger, declared=1)


def test_lost_import_response_imports_once(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    platform.control.add_fault("POST", "/v1/phone-numbers/import", action="drop", times=1)
    inputs = engine.checked(SIP, "de", SIP_NUMBER)
    number_id, outs = engine.create(SIP, "de", inputs)

    posts = ledger.calls("POST", "/v1/phone-numbers/import")
    assert [(p.dropped, p.app_status) for p in posts] == [(True, 201)]
    assert [n["id"] for n in ledger.numbers()] == [number_id]
    assert outs["source"] == "sip_trunk"
    assert ledger.paid_purchases() == 0  # imports are free
    note_outcome(ledger, declared=1)


def test_lost_update_and_release_responses_complete(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    inputs = engine.checked(SIP, "de", SIP_NUMBER)
    number_id, outs = engine.create(SIP, "de", inputs)

    platform.control.add_fault("PATCH", "/v1/phone-numbers/*", action="drop", times=1)
    routed = engine.checked(
        SIP, "de", {**user_props(inputs), "direction": "both", "agent_id": "agent_sales"}
    )
    outs = engine.update(SIP, "de", number_id, outs, routed)
    assert (outs["direction"], outs["agent_id"]) == ("both", "agent_sales")
    live = ledger.numbers()
    assert [(n["id"], n["direction"], n["agentId"]) for n in live] == [
        (number_id, "both", "agent_sales")
    ]

    platform.control.add_fault("DELETE", "/v1/phone-numbers/*", action="drop", times=1)
    engine.delete(SIP, "de", number_id, outs)
    assert ledger.numbers() == []

    patches = ledger.calls("PATCH", "/v1/phone-numbers/*")
    assert [(p.dropped, p.app_status or p.status) for p in patches] == [(True, 200), (False, 200)]
    deletes = ledger.calls("DELETE", "/v1/phone-numbers/*")
    # the release landed with the lost answer; its retry finds the number gone: released
    assert [(d.dropped, d.app_status or d.status) for d in deletes] == [(True, 200), (False, 404)]
    note_outcome(ledger, declared=0)


def test_lost_verification_submit_and_draft_responses(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    platform.control.add_fault("PUT", "/v1/phone-numbers/kyb/draft", action="drop", times=1)
    draft = engine.checked(KYB, "kyb", {**VERIFICATION, "submit": False})
    kyb_id, outs = engine.create(KYB, "kyb", draft)
    assert outs["status"] == "draft"

    platform.control.add_fault("POST", "/v1/phone-numbers/kyb/submit", action="drop", times=1)
    submitted = engine.checked(KYB, "kyb", VERIFICATION)
    outs = engine.update(KYB, "kyb", kyb_id, outs, submitted)
    assert outs["status"] == "submitted"

    submits = ledger.calls("POST", "/v1/phone-numbers/kyb/submit")
    assert [(s.dropped, s.app_status) for s in submits] == [(True, 201)]  # filed once
    drafts = ledger.calls("PUT", "/v1/phone-numbers/kyb/draft")
    assert [(d.dropped, d.app_status or d.status) for d in drafts] == [(True, 200), (False, 200)]

    # the purchase gate sees the submission the lost answer belonged to
    inputs = engine.checked(PHONE, "main", {"e164": FIRST_415})
    number_id, _ = engine.create(PHONE, "main", inputs)
    assert [n["id"] for n in ledger.numbers()] == [number_id]


def test_lost_answer_of_a_refused_purchase_is_refused_again_and_debits_nothing(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    engine.file_verification()
    platform.control.set_credits(DEMO_ORG, "2.00")
    platform.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
    inputs = engine.checked(PHONE, "main", {"e164": FIRST_415})
    with pytest.raises(EngineError) as raised:
        engine.create(PHONE, "main", inputs)
    message = assert_clear_error(raised.value)
    assert "402 INSUFFICIENT_CREDITS" in message and "add prepaid credits" in message
    assert ledger.numbers() == []
    assert platform.control.get_credits(DEMO_ORG) == Decimal("2.00")
    assert ledger.purchases() == []

    platform.control.set_credits(DEMO_ORG, "10.00")  # the operator tops up and reruns
    number_id, _ = engine.create(PHONE, "main", inputs)
    assert [n["id"] for n in ledger.numbers()] == [number_id]
    assert platform.control.get_credits(DEMO_ORG) == Decimal("7.00")
    note_outcome(ledger, declared=1)


# How the lookups after a lost answer fail: a 503 storm that outlasts the client's retries
# on each of the provider's lookups (about 7 s of real backoff, so used once), or a 401 (a
# key revoked meanwhile: not retried).
LOOKUP_STORM: dict[str, Any] = {"status": 503, "times": LOOKUP_ATTEMPTS * (DEFAULT_MAX_RETRIES + 1)}
LOOKUP_REFUSED: dict[str, Any] = {"status": 401, "times": LOOKUP_ATTEMPTS}


class LostWrite(NamedTuple):
    """A write whose answer is lost, and how the lookups that would find it fail."""

    token: str
    props: dict[str, str]
    lookup_failure: dict[str, Any]


@pytest.mark.parametrize(
    "case",
    [
        LostWrite(PHONE, {"e164": FIRST_415}, LOOKUP_REFUSED),
        LostWrite(PHONE, {"area_code": "415"}, LOOKUP_STORM),
        LostWrite(SIP, SIP_NUMBER, LOOKUP_REFUSED),
    ],
    ids=["purchase", "purchase-by-area-code", "import"],
)
def test_lost_answer_then_failed_lookup_is_a_clear_error_that_a_rerun_resolves(
    platform: RunningSandbox, engine: Engine, ledger: Ledger, case: LostWrite
) -> None:
    """The write lands, its answer is lost, and the lookups that would find it fail too.

    The create fails with one clear line naming the number that may have been taken and
    how to adopt it. The operator checks, declares it with ``adopt_existing``, and the
    rerun adopts the number bought the first time: one number, debited once. (By area
    code, a plain rerun would buy a second number: the line is what prevents it.)
    """
    token, props, lookup_failure = case
    engine.file_verification()
    path = "/v1/phone-numbers" if token == PHONE else "/v1/phone-numbers/import"
    platform.control.add_fault("POST", path, action="drop", times=1)
    platform.control.add_fault("GET", "/v1/phone-numbers", action="respond", **lookup_failure)
    inputs = engine.checked(token, "n", props)
    with pytest.raises(EngineError) as raised:
        engine.create(token, "n", inputs)
    message = assert_clear_error(raised.value)
    [bought] = ledger.numbers()
    assert f"GET /v1/phone-numbers -> {lookup_failure['status']}" in message
    assert f'declare e164="{bought["e164"]}" with adopt_existing=True' in message

    declared = {k: v for k, v in props.items() if k != "area_code"}
    adopting = {**declared, "e164": bought["e164"], "adopt_existing": True}
    number_id, _ = engine.create(token, "n", engine.checked(token, "n", adopting))
    assert number_id == bought["id"]
    assert [n["id"] for n in ledger.numbers()] == [number_id]
    ledger.assert_landed_once(token)
    FIGURES.add("reruns")
    note_outcome(ledger, declared=1)


def test_lost_answer_then_failed_lookup_then_a_plain_rerun_of_an_exact_number_asks_to_adopt(
    platform: RunningSandbox, engine: Engine, ledger: Ledger
) -> None:
    """An operator who reruns without reading: for an exact E.164 the rerun is refused
    (409) with the same advice, and buys nothing."""
    platform.control.add_fault("POST", "/v1/phone-numbers/import", action="drop", times=1)
    platform.control.add_fault("GET", "/v1/phone-numbers", action="respond", **LOOKUP_REFUSED)
    inputs = engine.checked(SIP, "n", SIP_NUMBER)
    with pytest.raises(EngineError):
        engine.create(SIP, "n", inputs)
    [held] = ledger.numbers()
    with pytest.raises(EngineError) as rerun:
        engine.create(SIP, "n", inputs)
    hint = assert_clear_error(rerun.value)
    assert "409 CONFLICT" in hint and f"already holds {held['e164']} as {held['id']}" in hint
    assert "set adopt_existing=True" in hint
    assert len(ledger.imports()) == 1
    FIGURES.add("reruns")
