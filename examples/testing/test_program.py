"""Tests of the clinic's program (``__main__.py`` here), with the ``speko`` pytest plugin.

No conftest.py is needed: installing ``pulumi-speko[sandbox]`` registers the plugin, and
the ``speko_sandbox`` fixture gives each test a local sandbox reset to its seed. Its
``run`` runs the program through the real providers, as ``pulumi-speko run`` does.
Run them with ``pytest examples/testing``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pulumi_speko.testing import SpekoSandbox

PROGRAM = Path(__file__).parent
SUPPORT_NUMBER = "+442071838750"
PURCHASE = ("POST", "/v1/phone-numbers")


def live_numbers(speko_sandbox: SpekoSandbox) -> dict[str, dict[str, Any]]:
    """The organization's numbers in the sandbox, by E.164 (API JSON, camelCase)."""
    numbers = speko_sandbox.control.list_numbers(speko_sandbox.org_id)
    return {number["e164"]: number for number in numbers}


def test_up_routes_both_lines_and_destroy_releases_them(speko_sandbox: SpekoSandbox) -> None:
    outputs = speko_sandbox.run(PROGRAM, "up").outputs

    numbers = live_numbers(speko_sandbox)
    booking = numbers[outputs["booking_number"]]
    support = numbers[outputs["support_number"]]
    assert (booking["source"], booking["direction"], booking["agentId"]) == (
        "managed",
        "inbound",
        "agent_sales",
    )
    assert (support["source"], support["direction"], support["agentId"]) == (
        "sip_trunk",
        "both",
        "agent_support",
    )
    assert support["e164"] == SUPPORT_NUMBER and support["label"] == "Support"
    assert speko_sandbox.api_key not in speko_sandbox.state_file(PROGRAM).read_text()

    speko_sandbox.run(PROGRAM, "destroy")
    assert live_numbers(speko_sandbox) == {}


def test_a_new_label_updates_the_line_in_place_and_buys_nothing(
    speko_sandbox: SpekoSandbox,
) -> None:
    speko_sandbox.run(PROGRAM, "up")
    credits = speko_sandbox.control.get_credits(speko_sandbox.org_id)

    relabel = {"supportLabel": "Patient support"}
    planned = speko_sandbox.run(PROGRAM, "preview", config=relabel)
    changes = [(step.kind, step.name) for step in planned.steps if step.kind != "same"]
    assert changes == [("update", "support-line")]

    speko_sandbox.run(PROGRAM, "up", config=relabel)
    assert live_numbers(speko_sandbox)[SUPPORT_NUMBER]["label"] == "Patient support"
    assert speko_sandbox.control.get_credits(speko_sandbox.org_id) == credits


def test_a_rate_limited_purchase_is_retried_and_buys_one_number(
    speko_sandbox: SpekoSandbox,
) -> None:
    speko_sandbox.control.add_fault(
        *PURCHASE, action="respond", status=429, code="RATE_LIMITED", retry_after=0, times=1
    )

    speko_sandbox.run(PROGRAM, "up")

    log = speko_sandbox.control.request_log()
    assert [entry.status for entry in log if (entry.method, entry.path) == PURCHASE] == [429, 201]
    managed = [n for n in live_numbers(speko_sandbox).values() if n["source"] == "managed"]
    assert len(managed) == 1


def test_a_purchase_whose_answer_is_lost_is_adopted_not_bought_twice(
    speko_sandbox: SpekoSandbox,
) -> None:
    credits = speko_sandbox.control.get_credits(speko_sandbox.org_id)
    speko_sandbox.control.add_fault(*PURCHASE, action="drop", times=1)

    speko_sandbox.run(PROGRAM, "up")

    log = speko_sandbox.control.request_log()
    assert [entry.dropped for entry in log if (entry.method, entry.path) == PURCHASE] == [True]
    managed = [n for n in live_numbers(speko_sandbox).values() if n["source"] == "managed"]
    assert len(managed) == 1
    price_of_one = credits - speko_sandbox.control.get_credits(speko_sandbox.org_id)
    assert price_of_one == 3  # 1.00 USD upfront and the first month at 2.00 USD
