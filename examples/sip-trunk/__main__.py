"""SIP trunk: import the numbers of your own trunk and route each one to an AI agent.

The routing table is a CSV file (`routing.csv`, or the file named by the stack config
`routingTable`) with one row per number:

    e164,agent,direction,label,sip_installation

Imports are free and need no business verification; numbers outside the US come in this
way. The table is validated before anything is declared, so a typo fails the program
with its line and column instead of reaching the platform.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pulumi
from pulumi_speko import SipTrunkPhoneNumber

COLUMNS = ("e164", "agent", "direction", "label", "sip_installation")
DIRECTIONS = ("inbound", "outbound", "both")
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
MAX_LABEL_LENGTH = 120


@dataclass(frozen=True)
class Route:
    """One row of the routing table: a number and who answers it."""

    line: int
    e164: str
    agent: str | None
    direction: str
    label: str | None
    sip_installation: str


class RoutingTableError(ValueError):
    """The routing table has problems; the message lists each with its line and column."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        listed = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{path.name}: {len(problems)} problem(s) in the routing table:\n{listed}")


def _row_problems(line: int, row: dict[str, str]) -> list[str]:
    """What is wrong with one row, each as 'line N, column C: ...'."""
    problems = []

    def problem(column: str, message: str) -> None:
        problems.append(f"line {line}, column {column}: {message}")

    if not E164.match(row["e164"]):
        problem("e164", f"{row['e164']!r} is not an E.164 number (+ and 8 to 15 digits)")
    if row["direction"] not in DIRECTIONS:
        problem("direction", f"{row['direction']!r} is not one of {', '.join(DIRECTIONS)}")
    elif row["direction"] != "outbound" and not row["agent"]:
        problem("agent", f"direction {row['direction']} takes calls, so it needs an agent")
    if len(row["label"]) > MAX_LABEL_LENGTH:
        problem("label", f"{len(row['label'])} characters, at most {MAX_LABEL_LENGTH}")
    if not row["sip_installation"]:
        problem("sip_installation", "give the SIP connection installation carrying the number")
    return problems


def _header_problems(header: tuple[str, ...]) -> list[str]:
    missing = [column for column in COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    problems = [f"line 1: missing column {column!r}" for column in missing]
    problems += [f"line 1: unknown column {column!r}" for column in unknown]
    if not problems and len(header) != len(COLUMNS):
        problems.append("line 1: a column is named twice")
    return problems


def _route(line: int, cells: dict[str, str]) -> Route:
    return Route(
        line=line,
        e164=cells["e164"],
        agent=cells["agent"] or None,
        direction=cells["direction"],
        label=cells["label"] or None,
        sip_installation=cells["sip_installation"],
    )


def read_routing_table(path: Path) -> list[Route]:
    """Every route of the CSV at ``path``; raises RoutingTableError listing all problems."""
    if not path.is_file():
        raise RoutingTableError(path, [f"no such file: {path}"])
    with path.open(newline="", encoding="utf-8-sig") as table:
        reader = csv.DictReader(table)
        problems = _header_problems(tuple(reader.fieldnames or ()))
        if problems:
            raise RoutingTableError(path, problems)
        routes: list[Route] = []
        for row in reader:
            if None in row or None in row.values():
                problems.append(f"line {reader.line_num}: expected {len(COLUMNS)} fields")
                continue
            cells = {column: row[column].strip() for column in COLUMNS}
            row_problems = _row_problems(reader.line_num, cells)
            row_problems += _duplicate_problems(reader.line_num, cells["e164"], routes)
            problems += row_problems
            if not row_problems:
                routes.append(_route(reader.line_num, cells))
    if problems:
        raise RoutingTableError(path, problems)
    if not routes:
        raise RoutingTableError(path, ["the table has no numbers"])
    return routes


def _duplicate_problems(line: int, e164: str, routes: list[Route]) -> list[str]:
    earlier = next((route for route in routes if route.e164 == e164), None)
    if earlier is None:
        return []
    return [f"line {line}, column e164: {e164} is already routed on line {earlier.line}"]


table_path = Path(__file__).parent / (pulumi.Config().get("routingTable") or "routing.csv")
numbers = {
    route.e164: SipTrunkPhoneNumber(
        f"sip-{route.e164.lstrip('+')}",
        e164=route.e164,
        sip_connection_installation_id=route.sip_installation,
        direction=route.direction,
        agent_id=route.agent,
        label=route.label,
    )
    for route in read_routing_table(table_path)
}

pulumi.export(
    "numbers",
    {
        e164: {
            "id": number.id,
            "agent_id": number.agent_id,
            "direction": number.direction,
            "setup_status": number.setup_status.apply(lambda status: status["status"]),
        }
        for e164, number in numbers.items()
    },
)
