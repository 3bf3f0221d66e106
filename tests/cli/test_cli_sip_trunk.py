"""examples/sip-trunk with the real pulumi CLI: every row imported, routed, removed."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from pulumi_speko.demo import LocalStack

from .conftest import EXAMPLES, provider_pickles, pulumi_ok, requires_pulumi, speko_resources

if TYPE_CHECKING:
    from pulumi_speko.testing.sandbox import RunningSandbox

pytestmark = [pytest.mark.cli, requires_pulumi]
NewStack = Callable[[str], LocalStack]


def routing_rows() -> list[dict[str, str]]:
    with (EXAMPLES / "sip-trunk" / "routing.csv").open(newline="") as table:
        return list(csv.DictReader(table))


def test_up_imports_every_row_with_its_routing_and_destroy_removes_them(
    new_stack: NewStack, sandbox: RunningSandbox, org: str, api_key: str
) -> None:
    stack = new_stack("sip-trunk")
    pulumi_ok(stack, "up", "--yes", "--skip-preview")

    held = {number["e164"]: number for number in sandbox.control.list_numbers(org)}
    rows = routing_rows()
    assert sorted(held) == sorted(row["e164"] for row in rows)
    for row in rows:
        number = held[row["e164"]]
        assert number["source"] == "sip_trunk"
        assert number["sipConnectionInstallationId"] == row["sip_installation"]
        assert number["direction"] == row["direction"]
        assert number["agentId"] == (row["agent"] or None)
        assert number["label"] == (row["label"] or None)
    assert sorted(stack.outputs()["numbers"]) == sorted(held)
    pulumi_ok(stack, "preview", "--expect-no-changes")
    assert all(api_key.encode() not in p for p in provider_pickles(speko_resources(stack)))

    pulumi_ok(stack, "destroy", "--yes")
    assert sandbox.control.list_numbers(org) == []


def test_a_bad_routing_table_fails_the_preview_with_its_line_and_column(
    new_stack: NewStack, sandbox: RunningSandbox, org: str
) -> None:
    stack = new_stack("sip-trunk")
    (stack.project_dir / "bad.csv").write_text(
        "e164,agent,direction,label,sip_installation\n"
        "+13125550142,agent_sales,inbound,ok,sci_demo\n"
        "+13125550143,agent_sales,sideways,bad,sci_demo\n"
    )
    pulumi_ok(stack, "config", "set", "routingTable", "bad.csv")
    done = stack.run("preview", capture=True, check=False)
    assert done.returncode != 0
    assert "line 3, column direction: 'sideways' is not one of" in done.stdout + done.stderr
    assert sandbox.control.list_numbers(org) == []
