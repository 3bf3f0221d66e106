"""Randomized lifecycles over 20+ numbers with about one API call in five faulted.

The default run (part of ``make test``) makes a few hundred resource operations from a
fixed seed; ``make soak`` runs at least 2,000 (``SPEKO_SOAK_OPERATIONS``, seed
``SPEKO_SOAK_SEED``). Both end with declared = live, nothing lost, doubled or orphaned,
and credits debited exactly once per purchase that landed.
"""

from __future__ import annotations

import os

import pytest
from pulumi_speko.resources._numbers import LOOKUP_ATTEMPTS
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .lifecycle import INITIAL_CREDITS, Lifecycle, run_lifecycle
from .stack import Declared
from .support import (
    EVIDENCE,
    KYB,
    PHONE,
    PURCHASE_PRICE,
    VERIFICATION,
    HostPool,
    purchases,
    scan_evidence,
)

DEFAULT_SEED = 6
DEFAULT_OPERATIONS = 150
SOAK_OPERATIONS = int(os.environ.get("SPEKO_SOAK_OPERATIONS", "2000"))
SOAK_SEED = int(os.environ.get("SPEKO_SOAK_SEED", "2000"))


def test_randomized_lifecycle_with_faults_loses_doubles_and_orphans_nothing(
    platform: RunningSandbox, host_pool: HostPool
) -> None:
    lifecycle, outcome, _ = run_lifecycle(
        platform, host_pool, DEFAULT_SEED, DEFAULT_OPERATIONS, edits_per_command=(2, 6)
    )
    assert lifecycle.total_ops() >= DEFAULT_OPERATIONS
    assert len(lifecycle.program) > 20
    assert 0.12 <= outcome.faulted_requests / outcome.api_requests <= 0.28
    for kind in ("create", "update", "replace", "delete", "refresh", "dashboard-delete"):
        assert lifecycle.ops[kind] > 0, kind


@pytest.mark.soak
def test_soak_randomized_lifecycles(platform: RunningSandbox, host_pool: HostPool) -> None:
    lifecycle, outcome, elapsed = run_lifecycle(
        platform, host_pool, SOAK_SEED, SOAK_OPERATIONS, edits_per_command=(2, 8)
    )
    assert lifecycle.total_ops() >= SOAK_OPERATIONS
    EVIDENCE.add("request log", [entry.__dict__ for entry in platform.control.request_log()])
    assert scan_evidence() == []  # no API key in anything the soak produced
    print(
        f"\nsoak: {lifecycle.total_ops()} operations {dict(lifecycle.ops)}, "
        f"{outcome.api_requests} API calls ({outcome.faulted_requests} faulted), "
        f"lost {outcome.lost}, doubled {outcome.doubled}, orphaned {outcome.orphaned}, "
        f"{elapsed:.0f} s"
    )


def test_the_operator_follows_the_advice_of_an_unknown_purchase_outcome(
    platform: RunningSandbox, host_pool: HostPool
) -> None:
    """The rerun rule the randomized runs rely on, forced once: a purchase by area code
    lands, its answer is lost and both lookups fail; the operator sees the number in the
    organization, declares it with ``adopt_existing`` and reruns: one number, one debit."""
    lifecycle = Lifecycle(platform, host_pool, seed=1, faults=False)
    engine = lifecycle.command()
    try:
        lifecycle.program["kyb"] = Declared(KYB, dict(VERIFICATION))
        lifecycle.up(engine, "kyb")
        platform.control.add_fault("POST", "/v1/phone-numbers", action="drop", times=1)
        platform.control.add_fault(
            "GET", "/v1/phone-numbers", action="respond", status=401, times=LOOKUP_ATTEMPTS
        )
        lifecycle.program["n"] = Declared(PHONE, {"area_code": "646"})
        lifecycle.up(engine, "n")
    finally:
        lifecycle.close()
        lifecycle.dashboard.close()
    [live] = platform.control.list_numbers(DEMO_ORG)
    assert lifecycle.program["n"].props == {"e164": live["e164"], "adopt_existing": True}
    assert lifecycle.stack.state["n"].id == live["id"]
    assert len(lifecycle.operator.errors) == 1
    log = platform.control.request_log()
    assert len(purchases(log)) == 1
    assert platform.control.get_credits(DEMO_ORG) == INITIAL_CREDITS - PURCHASE_PRICE
