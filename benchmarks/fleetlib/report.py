"""The benchmark's printed report: the table, the sizes, the import times, the targets."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from fleetlib.imports import ImportTimes
from fleetlib.sizes import StateSize
from fleetlib.workloads import (
    CREATE,
    DELETE,
    OPERATIONS,
    REFRESH,
    UPDATE,
    WHAT_IS_TIMED,
    Measurement,
    TierRun,
)

PROVIDER: Final = "provider"
PLUGIN: Final = "plugin"
FLOOR: Final = "SDK floor"
BASELINE: Final = "bare client"
TIERS: Final = (PROVIDER, PLUGIN, FLOOR, BASELINE)
"""The table's tiers, in its order; every ratio is over the last one's wall time."""

REFRESH_MAX_REQUESTS: Final = 3
MAX_RATIO: Final = 1.25
RATIO_OPERATIONS: Final = (CREATE, UPDATE, DELETE)
PROVIDER_MAX_BYTES: Final = 1024
IMPORT_MAX_SECONDS: Final = 0.150

COLUMNS: Final = (
    ("operation", 11, "<"),
    ("tier", 12, "<"),
    ("wall s", 8, ">"),
    ("API requests", 13, ">"),
    ("req/resource", 13, ">"),
    ("ratio", 7, ">"),
    ("TCP conns", 10, ">"),
    ("calls timed", 0, "<"),
)


@dataclass(frozen=True)
class Row:
    """One line of the table: an operation of one tier, summarized over the runs."""

    operation: str
    tier: str
    seconds: float
    """Median wall time over the runs."""
    requests: int
    """Most API requests any run made."""
    per_resource: float
    connections: int | None
    """Most TCP connections any run opened (None where the OS does not tell)."""
    ratio: float | None
    """Median wall time over the bare client's, for the same operation."""
    routes: Counter[str]


@dataclass(frozen=True)
class Target:
    """One of the issue's targets, with the measured figure."""

    name: str
    figure: str
    met: bool


def summarize(runs: Mapping[str, Sequence[TierRun]], count: int) -> list[Row]:
    """The table's rows: per operation, each tier of :data:`TIERS` that ran and did it."""
    rows: list[Row] = []
    for operation in OPERATIONS:
        theirs = _measured(runs.get(BASELINE, ()), operation)
        baseline_seconds = statistics.median(m.seconds for m in theirs) if theirs else None
        for tier in TIERS:
            measured = _measured(runs.get(tier, ()), operation)
            if measured:
                rows.append(_row(operation, tier, measured, count, baseline_seconds))
    return rows


def _measured(runs: Sequence[TierRun], operation: str) -> list[Measurement]:
    return [run.measurements[operation] for run in runs if operation in run.measurements]


def _row(
    operation: str,
    tier: str,
    measured: list[Measurement],
    count: int,
    baseline_seconds: float | None,
) -> Row:
    seconds = statistics.median(m.seconds for m in measured)
    busiest = max(measured, key=lambda m: m.requests)
    opened = [m.connections for m in measured if m.connections is not None]
    return Row(
        operation=operation,
        tier=tier,
        seconds=seconds,
        requests=busiest.requests,
        per_resource=busiest.requests / count if count else 0.0,
        connections=max(opened) if opened else None,
        ratio=seconds / baseline_seconds if baseline_seconds else None,
        routes=busiest.routes,
    )


def render_table(rows: Sequence[Row]) -> str:
    """The rows as a fixed-width text table."""
    lines = [_line(name for name, _, _ in COLUMNS)]
    lines.append(_line("-" * max(width, len(name)) for name, width, _ in COLUMNS))
    previous = None
    for row in rows:
        provider_call, baseline_call = WHAT_IS_TIMED[row.operation]
        cells = (
            row.operation if row.operation != previous else "",
            row.tier,
            f"{row.seconds:.3f}",
            str(row.requests),
            f"{row.per_resource:.3f}",
            _ratio(row.ratio),
            "-" if row.connections is None else str(row.connections),
            f"{baseline_call if row.tier == BASELINE else provider_call}{_routes(row)}",
        )
        lines.append(_line(cells))
        previous = row.operation
    return "\n".join(lines)


def _line(cells: Iterable[str]) -> str:
    parts = [
        f"{cell:{align}{width}}" for cell, (_, width, align) in zip(cells, COLUMNS, strict=True)
    ]
    return "  ".join(parts).rstrip()


def _routes(row: Row) -> str:
    if not row.routes:
        return ""
    shown = ", ".join(f"{n} x {route}" for route, n in sorted(row.routes.items()))
    return f": {shown}"


def render_added_cost(rows: Sequence[Row], count: int) -> str:
    """Per API write, the wall time each host tier adds per resource over the bare client,
    and the provider's time over the SDK floor's (what the provider's own code costs)."""
    by_key = {(row.operation, row.tier): row for row in rows}
    added, over_floor = [], []
    for operation in RATIO_OPERATIONS:
        theirs = by_key[(operation, BASELINE)]
        tiers = [tier for tier in (FLOOR, PROVIDER, PLUGIN) if (operation, tier) in by_key]
        cells = [
            f"{tier} {(by_key[(operation, tier)].seconds - theirs.seconds) / count * 1000:+.2f} ms"
            for tier in tiers
        ]
        added.append(f"{operation}: {', '.join(cells)}")
        if (operation, FLOOR) in by_key:
            floor = by_key[(operation, FLOOR)]
            over_floor.append(
                f"{operation} {by_key[(operation, PROVIDER)].seconds / floor.seconds:.2f}x"
            )
    lines = ["wall time added per resource over the bare client: " + "; ".join(added)]
    if over_floor:
        lines.append("provider over the SDK floor (its own code): " + ", ".join(over_floor))
    return "\n".join(lines)


def render_sizes(provider_bytes: dict[str, int], state: StateSize | None) -> str:
    """The serialized providers and the state of one SIP-trunk number."""
    lines = ["serialized __provider (dill, base64), per provider class:"]
    lines += [f"  {name}: {size} bytes" for name, size in provider_bytes.items()]
    if state is not None:
        lines += [
            "state per SipTrunkPhoneNumber (inputs + outputs, compact JSON):",
            f"  __provider in plain text:        {state.plain} bytes",
            f"  __provider as secret ciphertext: {state.with_secret_provider} bytes "
            f"({state.provider_share} of them the two __provider envelopes)",
        ]
    return "\n".join(lines)


def render_imports(times: ImportTimes) -> str:
    """Import times of ``pulumi`` and what ``pulumi_speko`` adds over it."""
    return "\n".join(
        [
            f"import time, median of {times.runs} fresh processes:",
            f"  import pulumi:                                   {_ms(times.pulumi)}",
            f"  import pulumi_speko (after pulumi):               {_ms(times.package)}",
            f"  + from pulumi_speko import the three resources:  {_ms(times.resources)}",
            f"  pulumi_speko with its resources over pulumi:     "
            f"{_ms(times.package_with_resources)}",
        ]
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def evaluate_targets(
    rows: Sequence[Row],
    provider_bytes: dict[str, int],
    imports: ImportTimes | None,
    count: int,
) -> list[Target]:
    """The issue's targets against the figures of this run."""
    by_key = {(row.operation, row.tier): row for row in rows}
    refresh = by_key[(REFRESH, PROVIDER)]
    targets = [
        Target(
            f"refresh of {count} numbers in one provider process: "
            f"<= {REFRESH_MAX_REQUESTS} API requests",
            f"{refresh.requests} requests",
            refresh.requests <= REFRESH_MAX_REQUESTS,
        )
    ]
    for operation in RATIO_OPERATIONS:
        ratio = by_key[(operation, PROVIDER)].ratio
        floor = by_key.get((operation, FLOOR))
        floor_figure = "" if floor is None else f" (SDK floor alone: {_ratio(floor.ratio)})"
        targets.append(
            Target(
                f"{operation} within {MAX_RATIO}x the bare client's wall time",
                _ratio(ratio) + floor_figure,
                ratio is not None and ratio <= MAX_RATIO,
            )
        )
    largest = max(provider_bytes.values())
    targets.append(
        Target(
            f"serialized __provider <= {PROVIDER_MAX_BYTES} bytes",
            f"{largest} bytes (largest)",
            largest <= PROVIDER_MAX_BYTES,
        )
    )
    if imports is not None:
        targets.append(
            Target(
                f"import pulumi_speko adds <= {IMPORT_MAX_SECONDS * 1000:.0f} ms "
                "over import pulumi",
                _ms(imports.package).strip(),
                imports.package <= IMPORT_MAX_SECONDS,
            )
        )
    return targets


def _ratio(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}x"


def render_targets(targets: Sequence[Target]) -> str:
    """One line per target: met or MISSED, and the figure."""
    return "\n".join(f"  [{'met' if t.met else 'MISSED'}] {t.name}: {t.figure}" for t in targets)
