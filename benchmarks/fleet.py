"""Fleet benchmark: N SIP-trunk numbers through the provider host, against the bare client.

``make bench`` runs this. For a fleet of ``--count`` numbers it times, and counts the
API requests of (from the sandbox's request log), each operation of a stack's life as
the Pulumi engine drives the SDK's provider host (``python -m pulumi.dynamic``) over
gRPC from ``--threads`` threads: create, refresh, a no-op diff, an update of every
number's routing, delete. The same work is done with the bare ``pulumi_speko.api.Client``
from as many threads as the baseline (refresh: one GET per number, what a naive provider
does), and by the SDK floor: the thinnest dynamic provider (``fleetlib.thin_provider``,
one bare client call per operation) in the same host, which shows what the host costs
any dynamic provider and so what part of the provider's time is its own. The plugin tier
does the same through the ``speko`` provider plugin (``pulumi-resource-speko``, type
``speko:index:SipTrunkPhoneNumber``, camelCase properties), as a program in another
language would. It prints the
table, the size of the serialized provider and of one resource's state, the import time
of ``pulumi_speko`` over ``pulumi``, and the issue's targets.

Then, unless ``--no-rate-limited``, the rate-limited scenarios (``fleetlib.rate_limited``):
SIP-trunk numbers created, updated and deleted through the provider host from 8
concurrent engine calls while the sandbox limits the key (60 numbers at 5 requests/s,
burst 5; 24 at 1 request/s, burst 2), per phase: operations, failed, 429 answers, wall
time against N / rate. They take about two and a half minutes.

The sandbox runs in its own process (``pulumi-speko sandbox``) on loopback, so it does
not share a GIL with the client being measured. Everything it starts, it stops.

Run ``python benchmarks/fleet.py --help`` for the options.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Final

from fleetlib import report
from fleetlib.floor import grpc_round_trip
from fleetlib.imports import ImportTimes, measure_imports
from fleetlib.rate_limited import (
    SCENARIOS,
    evaluate_targets,
    render_phases,
    run_rate_limited_fleet,
)
from fleetlib.sandbox_process import SandboxEndpoint, sandbox_process
from fleetlib.sizes import provider_sizes, state_size
from fleetlib.workloads import (
    BaselineTier,
    Fleet,
    PluginTier,
    ProviderTier,
    TierRun,
    ensure_no_numbers,
    floor_tier,
)

DEFAULT_COUNT: Final = 200
DEFAULT_THREADS: Final = 4  # the provider host serves the engine from four threads
DEFAULT_REPEAT: Final = 3
DEFAULT_IMPORT_RUNS: Final = 7
LATENCY_PATH_PATTERN: Final = "/v1/*"


@dataclass
class FleetResult:
    """Every run of every tier (``report.TIERS``) for one fleet size and thread count."""

    fleet: Fleet
    runs: dict[str, list[TierRun]] = field(
        default_factory=lambda: {tier: [] for tier in report.TIERS}
    )

    @property
    def provider_runs(self) -> list[TierRun]:
        """The real provider's runs."""
        return self.runs[report.PROVIDER]

    def rows(self) -> list[report.Row]:
        """The table's rows."""
        return report.summarize(self.runs, self.fleet.count)

    def host_start_median(self) -> float:
        """Median seconds to start a provider host and load the provider."""
        return statistics.median(s for run in self.provider_runs for s in run.host_starts)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="benchmarks/fleet.py", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--count", type=_positive, default=DEFAULT_COUNT, help="numbers (200)")
    parser.add_argument(
        "--threads", type=_positive, default=DEFAULT_THREADS, help="concurrent callers (4)"
    )
    parser.add_argument(
        "--one-thread",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the fleet from a single thread (default: yes)",
    )
    parser.add_argument(
        "--repeat", type=_positive, default=DEFAULT_REPEAT, help="runs per tier; medians (3)"
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="latency the sandbox adds to every API request, as a network would (0)",
    )
    parser.add_argument(
        "--driver",
        choices=("wire", "harness"),
        default="wire",
        help="wire: requests encoded before the clock starts, as the Go engine does its "
        "own encoding; harness: through EngineHost's methods (default: wire)",
    )
    parser.add_argument(
        "--in-process-sandbox",
        action="store_true",
        help="serve the sandbox from this process instead of a separate one",
    )
    parser.add_argument(
        "--import-runs",
        type=int,
        default=DEFAULT_IMPORT_RUNS,
        help="fresh processes for the import time, 0 to skip (7)",
    )
    parser.add_argument(
        "--rate-limited",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run the rate-limited scenarios, about 150 s (default: yes)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


@contextmanager
def sandbox(in_process: bool) -> Iterator[SandboxEndpoint]:
    """A fresh sandbox, served from a child process unless ``in_process``."""
    if not in_process:
        with sandbox_process() as endpoint:
            yield endpoint
        return
    from pulumi_speko.testing import running_sandbox

    with running_sandbox() as running:
        yield SandboxEndpoint(running.base_url, running.control)


def run_fleet(
    endpoint: SandboxEndpoint, fleet: Fleet, *, repeat: int, latency_ms: float, driver: str
) -> FleetResult:
    """Every tier ``repeat`` times, rotating which goes first, on a reset sandbox."""
    result = FleetResult(fleet)
    for attempt in range(repeat):
        shift = attempt % len(report.TIERS)
        for tier in report.TIERS[shift:] + report.TIERS[:shift]:
            _progress(f"{fleet.threads} thread(s), run {attempt + 1}/{repeat}: {tier}")
            _reset(endpoint, latency_ms)
            result.runs[tier].append(_run_tier(tier, endpoint, fleet, driver))
            ensure_no_numbers(endpoint.control)
    return result


def _run_tier(tier: str, endpoint: SandboxEndpoint, fleet: Fleet, driver: str) -> TierRun:
    if tier == report.PROVIDER:
        return ProviderTier(endpoint, fleet, driver).run()
    if tier == report.PLUGIN:
        return PluginTier(endpoint, fleet, driver).run()
    if tier == report.FLOOR:
        return floor_tier(endpoint, fleet, driver).run()
    return BaselineTier(endpoint, fleet).run()


def _reset(endpoint: SandboxEndpoint, latency_ms: float) -> None:
    endpoint.control.reset()
    if latency_ms > 0:
        endpoint.control.add_fault(
            "*", LATENCY_PATH_PATTERN, action="latency", latency_seconds=latency_ms / 1000
        )


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def describe(args: argparse.Namespace, fleet_threads: Sequence[int]) -> str:
    """What ran where: the header of the report."""
    where = "in this process" if args.in_process_sandbox else "in its own process"
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    threads = ", ".join(map(str, fleet_threads))
    return "\n".join(
        [
            f"Fleet benchmark: {args.count} SIP-trunk numbers; threads {threads}; "
            f"median of {args.repeat} runs per tier; driver {args.driver}",
            f"sandbox {where} on loopback, added API latency {args.latency_ms:g} ms",
            f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}, load average {load}",
        ]
    )


def print_fleet(result: FleetResult) -> None:
    """One table, with the provider host's start-up."""
    print()
    print(f"{result.fleet.count} numbers from {result.fleet.threads} thread(s):")
    print(report.render_table(result.rows()))
    print(report.render_added_cost(result.rows(), result.fleet.count))
    print(
        "provider host start-up per command (launch, Configure, load the provider; "
        f"not in the rows): median {result.host_start_median() * 1000:.0f} ms"
    )


@dataclass(frozen=True)
class Outcome:
    """Everything a benchmark run measured; ``results[0]`` is the ``--threads`` one."""

    results: list[FleetResult]
    targets: list[report.Target]


def run(args: argparse.Namespace) -> Outcome:
    """Run the benchmark and print its report as it goes."""
    thread_counts = [args.threads] + ([1] if args.one_thread and args.threads != 1 else [])
    print(describe(args, thread_counts), flush=True)
    results: list[FleetResult] = []
    with sandbox(args.in_process_sandbox) as endpoint:
        for threads in thread_counts:
            fleet = Fleet(args.count, threads)
            result = run_fleet(
                endpoint, fleet, repeat=args.repeat, latency_ms=args.latency_ms, driver=args.driver
            )
            print_fleet(result)
            results.append(result)
        targets = print_summary(args, results[0])
        if args.rate_limited:
            targets += run_rate_limited(endpoint, args.driver)
    return Outcome(results, targets)


def run_rate_limited(endpoint: SandboxEndpoint, driver: str) -> list[report.Target]:
    """Run and print the rate-limited scenarios; return their targets."""
    targets: list[report.Target] = []
    for scenario in SCENARIOS:
        _progress(f"rate-limited: {scenario.describe()}")
        phases = run_rate_limited_fleet(endpoint, scenario.fleet, scenario.limit, driver)
        print()
        print(render_phases(scenario.limit, scenario.fleet, phases))
        targets += evaluate_targets(scenario, phases)
    print("targets (rate-limited):")
    print(report.render_targets(targets), flush=True)
    return targets


def print_summary(args: argparse.Namespace, main_result: FleetResult) -> list[report.Target]:
    """Print the sizes, the import times and the targets; return the targets."""
    sizes = provider_sizes()
    sample = main_result.provider_runs[0]
    floor = grpc_round_trip()
    print(
        f"engine-protocol floor: a gRPC round trip to the host doing no work (GetPluginInfo, "
        f"one thread): {floor * 1000:.2f} ms"
    )
    print()
    print(report.render_sizes(sizes, state_size(sample.sample_inputs, sample.sample_outputs)))
    imports: ImportTimes | None = None
    if args.import_runs > 0:
        _progress(f"import time: {args.import_runs} fresh processes")
        imports = measure_imports(args.import_runs)
        print(report.render_imports(imports))
    targets = report.evaluate_targets(main_result.rows(), sizes, imports, args.count)
    print(f"targets ({main_result.fleet.threads} threads):")
    print(report.render_targets(targets), flush=True)
    return targets


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; exit 1 only with ``--strict`` and a missed target."""
    args = parse_args(argv)
    outcome = run(args)
    return 1 if args.strict and not all(target.met for target in outcome.targets) else 0


if __name__ == "__main__":
    sys.exit(main())
