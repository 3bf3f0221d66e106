"""examples/sip-trunk under mocks: one imported number per row of its routing table."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime import rpc
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider

from .conftest import EXAMPLES
from .mocks import SIP_TRUNK_PHONE_NUMBER, ExampleRun, provider_pickle

ROUTING_CSV = EXAMPLES / "sip-trunk" / "routing.csv"
HEADER = "e164,agent,direction,label,sip_installation\n"
LEAKED_KEY = "sk_live_sip_trunk_must_not_leak_0123456789"


def routing_rows() -> list[dict[str, str]]:
    """The example's routing table, read independently of the program."""
    with ROUTING_CSV.open(newline="") as table:
        return list(csv.DictReader(table))


def by_e164(run: ExampleRun) -> dict[str, dict[str, Any]]:
    numbers = run.mocks.of_type(SIP_TRUNK_PHONE_NUMBER).values()
    return {number.inputs["e164"]: number.inputs for number in numbers}


def test_the_routing_table_has_numbers_outside_the_us() -> None:
    e164s = [row["e164"] for row in routing_rows()]
    assert any(not e164.startswith("+1") for e164 in e164s)
    assert len(e164s) >= 4


def test_declares_one_sip_trunk_number_per_row(sip_trunk: ExampleRun) -> None:
    sip_trunk.run()
    assert {res.typ for res in sip_trunk.mocks.resources.values()} == {SIP_TRUNK_PHONE_NUMBER}
    assert sorted(by_e164(sip_trunk)) == sorted(row["e164"] for row in routing_rows())


def test_each_number_is_routed_as_its_row_says(sip_trunk: ExampleRun) -> None:
    sip_trunk.run()
    declared = by_e164(sip_trunk)
    for row in routing_rows():
        inputs = declared[row["e164"]]
        assert inputs["sip_connection_installation_id"] == row["sip_installation"]
        assert inputs["direction"] == row["direction"]
        assert inputs.get("agent_id") == (row["agent"] or None)
        assert inputs.get("label") == (row["label"] or None)
        assert "sip_trunk_id" not in inputs


def test_resource_names_are_stable_per_number(sip_trunk: ExampleRun) -> None:
    """Names come from the E.164, so reordering the table replaces nothing."""
    sip_trunk.run()
    for name, resource in sip_trunk.mocks.resources.items():
        assert name == "sip-" + resource.inputs["e164"].lstrip("+")


def test_declared_inputs_pass_the_providers_checks(sip_trunk: ExampleRun) -> None:
    sip_trunk.run()
    provider = SipTrunkPhoneNumberProvider()
    for e164, inputs in by_e164(sip_trunk).items():
        news = {**inputs, "__provider": rpc.unwrap_rpc_secret(inputs["__provider"])}
        failures = provider.check({}, news).failures or []
        assert [(f.property, f.reason) for f in failures] == [], e164


def test_stack_outputs_list_each_number_with_its_routing(sip_trunk: ExampleRun) -> None:
    outputs = sip_trunk.run()
    expected = {
        row["e164"]: {
            "id": f"sip-{row['e164'].lstrip('+')}-id",
            "agent_id": row["agent"] or None,
            "direction": row["direction"],
            "setup_status": "ready",  # inbound rows have an agent: the table says so
        }
        for row in routing_rows()
    }
    assert outputs == {"numbers": expected}


def test_pickled_providers_hold_no_api_key(
    sip_trunk: ExampleRun, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", LEAKED_KEY)
    sip_trunk.run({"speko:apiKey": LEAKED_KEY})
    assert sip_trunk.mocks.resources
    for name, resource in sip_trunk.mocks.resources.items():
        pickled = provider_pickle(resource.inputs)
        assert LEAKED_KEY.encode() not in pickled, name
        assert b"pulumi_speko.resources.sip_trunk_phone_number" in pickled, name


def run_with_table(sip_trunk: ExampleRun, table: Path, text: str) -> None:
    """Write ``text`` to ``table`` and run the program with it as its routing table."""
    table.write_text(text)
    sip_trunk.run({"routingTable": str(table)})


def test_another_routing_table_can_be_chosen_in_stack_config(
    sip_trunk: ExampleRun, tmp_path: Path
) -> None:
    staging = HEADER + "+4930901820,agent_support,inbound,Berlin,sci_demo\n"
    run_with_table(sip_trunk, tmp_path / "routing.staging.csv", staging)
    assert list(by_e164(sip_trunk)) == ["+4930901820"]


# Rows under the right header, each with what the error must say.
BAD_ROWS = {
    "bad direction": (
        "+13125550142,agent_sales,inbound,ok,sci_demo\n"
        "+13125550143,agent_sales,sideways,bad,sci_demo\n",
        ["line 3, column direction: 'sideways' is not one of inbound, outbound, both"],
    ),
    "bad e164": (
        "13125550142,agent_sales,inbound,no plus,sci_demo\n",
        ["line 2, column e164: '13125550142' is not an E.164 number"],
    ),
    "inbound without agent": (
        "+13125550142,,inbound,nobody answers,sci_demo\n",
        ["line 2, column agent: direction inbound takes calls, so it needs an agent"],
    ),
    "label too long": (
        f"+13125550142,agent_sales,inbound,{'x' * 121},sci_demo\n",
        ["line 2, column label: 121 characters, at most 120"],
    ),
    "no sip installation": (
        "+13125550142,agent_sales,inbound,ok,\n",
        ["line 2, column sip_installation:"],
    ),
    "duplicate number": (
        "+13125550142,agent_sales,inbound,a,sci_demo\n+13125550142,agent_support,both,b,sci_demo\n",
        ["line 3, column e164: +13125550142 is already routed on line 2"],
    ),
    "wrong field count": (
        "+13125550142,agent_sales,inbound,a,sci_demo,extra\n+13125550143,agent_sales\n",
        ["line 2: expected 5 fields", "line 3: expected 5 fields"],
    ),
    "two problems reported at once": (
        "+13125550142,agent_sales,upward,a,sci_demo\n+1312,agent_sales,inbound,b,sci_demo\n",
        ["line 2, column direction:", "line 3, column e164:", "2 problem(s)"],
    ),
    "empty table": ("", ["the table has no numbers"]),
}


ROW = "+13125550142,agent_sales,inbound,a,sci_demo\n"
BAD_TABLES = {
    **{case: (HEADER + rows, messages) for case, (rows, messages) in BAD_ROWS.items()},
    "misspelt column": (
        "e164,agnet,direction,label,sip_installation\n" + ROW,
        ["line 1: missing column 'agent'", "line 1: unknown column 'agnet'"],
    ),
    "missing column": (
        "e164,agent,direction,label\n" + ROW,
        ["line 1: missing column 'sip_installation'"],
    ),
}


@pytest.mark.parametrize("text, messages", BAD_TABLES.values(), ids=list(BAD_TABLES))
def test_a_bad_routing_table_fails_with_line_and_column(
    sip_trunk: ExampleRun, tmp_path: Path, text: str, messages: list[str]
) -> None:
    with pytest.raises(ValueError) as raised:
        run_with_table(sip_trunk, tmp_path / "routing.csv", text)
    assert str(raised.value).startswith("routing.csv: ")
    for message in messages:
        assert message in str(raised.value)
    assert sip_trunk.mocks.resources == {}  # nothing declared from a bad table


def test_a_missing_routing_table_is_named(sip_trunk: ExampleRun, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=re.escape("no-such.csv")):
        sip_trunk.run({"routingTable": str(tmp_path / "no-such.csv")})
