"""A seeded generator of Pulumi lifecycles over 20+ numbers, with about one call in five faulted.

The generator plays three parts:

- the program: declares numbers (managed by exact E.164 or by area code, SIP-trunk by
  installation or by trunk id) and a BusinessVerification, changes their routing,
  changes what identifies them (a replacement), removes them;
- the operator: runs ``pulumi up`` / ``pulumi up --refresh`` (each command a fresh
  provider host, as the engine starts one per command) and reruns a step that failed
  with a clear error, following its hint;
- the dashboard: edits and releases numbers out of band, through the API client.

Meanwhile the sandbox faults about one API call in five (429 with Retry-After, 502, 503,
a dropped connection after the write committed, a latency spike), from a seeded RNG.

:meth:`Lifecycle.converge` ends with a refresh and ``up`` until nothing changes, then
:meth:`Lifecycle.verify` checks: declared = live, no duplicates, no orphans, nothing
lost, and credits debited exactly once per purchase that landed.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from itertools import count
from typing import Any

from pulumi_speko.api import Client, PhoneNumberUpdate, SpekoError
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .stack import Declared, Operator, Stack
from .support import (
    AGENTS,
    EVIDENCE,
    FIGURES,
    KYB,
    PHONE,
    POOL_SIZE,
    PURCHASE_PRICE,
    RELIABILITY_KEY,
    SIP,
    VERIFICATION,
    Engine,
    HostPool,
    close_later,
    imports,
    purchases,
    record_fired_faults,
)

# About one API call in five: 1 - (0.95 * 0.955 * 0.955 * 0.96 * 0.96) = 0.20
FAULT_MIX: tuple[dict[str, Any], ...] = (
    {"action": "respond", "status": 429, "retry_after": 0.05, "probability": 0.05},
    {"action": "respond", "status": 502, "probability": 0.045},
    {"action": "respond", "status": 503, "probability": 0.045},
    {"action": "drop", "probability": 0.04},
    {"action": "latency", "latency_seconds": 0.05, "probability": 0.04},
)
AREAS = {"415": "San Francisco", "212": "New York", "646": "New York"}
INSTALLATIONS = ("sci_demo", "sci_extra")
INITIAL_CREDITS = Decimal("100000.00")
MIN_NUMBERS, START_NUMBERS, MAX_NUMBERS = 20, 24, 30
LINES_PER_AREA = POOL_SIZE // len(AREAS)
EXACT_LINES = range(100 + LINES_PER_AREA // 2, 100 + LINES_PER_AREA)  # area searches buy low
USAGES = ("200 calls a day", "2,000 calls a day", "seasonal peaks")


@dataclass
class Outcome:
    """What :meth:`Lifecycle.verify` found."""

    lost: int
    doubled: int
    orphaned: int
    purchases: int
    api_requests: int
    faulted_requests: int


class Lifecycle:
    """One stack driven by a seeded random program, operator and dashboard."""

    def __init__(
        self,
        platform: RunningSandbox,
        hosts: HostPool,
        seed: int,
        *,
        edits_per_command: tuple[int, int] = (1, 4),
        faults: bool = True,
    ) -> None:
        self.platform = platform
        self.control = platform.control
        self.rng = random.Random(seed)
        self.seed = seed
        self.edits_per_command = edits_per_command
        self.program: dict[str, Declared] = {}
        self.stack = Stack()
        self.operator = Operator(self.stack, self.program, holds=self.org_holds)
        self.ops: Counter[str] = Counter()
        self.oob_deleted: set[str] = set()
        self.oob_failures: list[str] = []
        self.names = count(1)
        self.sip_lines = count(100_000)
        self.trunks = count(1)
        self.hosts = hosts
        self.engine: Engine | None = None
        self.commands = 0
        self.dashboard = Client(RELIABILITY_KEY, platform.base_url)
        self.control.set_credits(DEMO_ORG, INITIAL_CREDITS)
        self.control.add_sip_installation(DEMO_ORG, "sci_extra")
        self.control.set_fault_seed(seed)
        if faults:
            self.start_faults()

    # ------------------------------------------------------------------ plumbing

    def start_faults(self) -> None:
        """About one call in five of the real API faulted, from the seeded RNG."""
        for rule in FAULT_MIX:
            self.control.add_fault("*", "/v1/*", **rule)

    def stop_faults(self) -> None:
        """No more faults (their firings go to the figures)."""
        record_fired_faults(self.control.faults())
        self.control.clear_faults()

    def command(self) -> Engine:
        """A new ``pulumi`` command: a fresh provider host, as the engine starts one.

        The host comes from the pool (started ahead), the previous one is stopped in the
        background (each takes about 0.3 s)."""
        if self.engine is not None:
            close_later(self.engine)
        self.engine = self.hosts.take(name=f"command {self.commands}")
        self.commands += 1
        return self.engine

    def close(self) -> None:
        """Stop the current host."""
        if self.engine is not None:
            close_later(self.engine)
            self.engine = None

    def count(self, kind: str) -> None:
        self.ops[kind] += 1
        FIGURES.count("lifecycle_ops", kind)

    def total_ops(self) -> int:
        """Resource operations of the run (the final convergence passes not included)."""
        return sum(n for kind, n in self.ops.items() if not kind.startswith("final "))

    # ------------------------------------------------------------------ the program

    def routing(self) -> dict[str, Any]:
        """Valid routing: inbound calls always have an agent or a dispatch template."""
        rng = self.rng
        direction = rng.choice(("outbound", "outbound", "inbound", "both"))
        routing: dict[str, Any] = {"direction": direction}
        agent = rng.choice((None, *AGENTS))
        template = rng.choice((None, {"team": "support"}, {"queue": rng.randint(1, 9)}))
        if direction != "outbound" and agent is None and template is None:
            agent = rng.choice(AGENTS)
        label = rng.choice((None, f"line {rng.randint(1, 999)}", "Zürich ☎ desk", "x" * 120, ""))
        for key, value in (("agent_id", agent), ("dispatch_metadata_template", template)):
            if value is not None:
                routing[key] = value
        if label is not None:
            routing["label"] = label
        return routing

    def free_exact_e164(self) -> str:
        """A pool number nobody holds nor declares, from the part area searches never reach."""
        taken = {str(d.props.get("e164")) for d in self.program.values()}
        taken |= {str(n["e164"]) for n in self.control.list_numbers(DEMO_ORG)}
        while True:
            area = self.rng.choice(tuple(AREAS))
            e164 = f"+1{area}555{self.rng.choice(EXACT_LINES):04d}"
            if e164 not in taken:
                return e164

    def new_sip_e164(self) -> str:
        return f"+4930{next(self.sip_lines)}"

    def new_declaration(self) -> Declared:
        kind = self.rng.choice(("exact", "area", "sip-installation", "sip-trunk"))
        props = self.routing()
        if kind == "exact":
            return Declared(PHONE, {"e164": self.free_exact_e164(), **props})
        if kind == "area":
            area = self.rng.choice(tuple(AREAS))
            props["area_code"] = area
            if self.rng.random() < 0.3:
                props["locality"] = AREAS[area]
            return Declared(PHONE, props)
        props["e164"] = self.new_sip_e164()
        if kind == "sip-installation":
            props["sip_connection_installation_id"] = self.rng.choice(INSTALLATIONS)
        else:
            props["sip_trunk_id"] = f"trunk_{next(self.trunks)}"
        if self.rng.random() < 0.5:
            props["sip_provider_name"] = self.rng.choice(("Twilio", "Telnyx", "Vonage"))
        return Declared(SIP, props)

    def new_identity(self, declared: Declared) -> None:
        """Change what identifies a number, so that the engine replaces it."""
        props, rng = declared.props, self.rng
        if declared.token == PHONE and "e164" in props:
            props["e164"] = self.free_exact_e164()
        elif declared.token == PHONE:
            props.pop("locality", None)
            props["area_code"] = rng.choice([a for a in AREAS if a != props["area_code"]])
        elif rng.random() < 0.4:
            props["e164"] = self.new_sip_e164()  # another number: create before delete
        elif "sip_connection_installation_id" in props and rng.random() < 0.5:
            current = props["sip_connection_installation_id"]
            props["sip_connection_installation_id"] = next(i for i in INSTALLATIONS if i != current)
        else:  # same number on the platform: delete before replace
            names = [
                n for n in ("Twilio", "Telnyx", "Vonage") if n != props.get("sip_provider_name")
            ]
            props["sip_provider_name"] = rng.choice(names)

    def org_holds(self, e164: str) -> bool:
        """What the operator sees in the dashboard: does the organization hold ``e164``?"""
        return any(n["e164"] == e164 for n in self.control.list_numbers(DEMO_ORG))

    def numbers(self) -> list[str]:
        return sorted(name for name, d in self.program.items() if d.token != KYB)

    # ------------------------------------------------------------------ steps

    def up(self, engine: Engine, name: str) -> None:
        done = self.operator.up(engine, name)
        if done != "same":
            self.count(done)

    def declare(self, engine: Engine) -> None:
        name = f"n{next(self.names)}"
        self.program[name] = self.new_declaration()
        self.up(engine, name)

    def edit(self, engine: Engine) -> None:
        """One change to the program, applied by ``pulumi up``."""
        numbers = self.numbers()
        weights = {
            "declare": 3.0 if len(numbers) < MAX_NUMBERS else 0.0,
            "remove": 2.5 if len(numbers) > MIN_NUMBERS else 0.0,
            "reroute": 4.0,
            "replace": 2.5,
            "resubmit": 0.3,
        }
        step = self.rng.choices(list(weights), list(weights.values()))[0]
        if step == "declare":
            self.declare(engine)
        elif step == "remove":
            self.remove(engine, numbers)
        elif step == "reroute":
            self.reroute(engine, numbers)
        elif step == "replace":
            self.replace(engine, numbers)
        else:
            self.resubmit(engine)

    def remove(self, engine: Engine, numbers: list[str]) -> None:
        name = self.rng.choice(numbers)
        del self.program[name]
        if name in self.stack.state:
            self.operator.destroy(engine, name)
            self.count("delete")

    def reroute(self, engine: Engine, numbers: list[str]) -> None:
        name = self.rng.choice(numbers)
        props = self.program[name].props
        for key in ("direction", "agent_id", "dispatch_metadata_template", "label"):
            props.pop(key, None)
        props.update(self.routing())
        self.up(engine, name)

    def replace(self, engine: Engine, numbers: list[str]) -> None:
        name = self.rng.choice(numbers)
        self.new_identity(self.program[name])
        self.up(engine, name)

    def resubmit(self, engine: Engine) -> None:
        profile = dict(self.program["kyb"].props["business_profile"])
        profile["expected_usage"] = self.rng.choice(
            [u for u in USAGES if u != profile["expected_usage"]]
        )
        self.program["kyb"].props["business_profile"] = profile
        self.up(engine, "kyb")

    def refresh_and_up(self, engine: Engine, final: bool = False) -> list[str]:
        """``pulumi up --refresh``: read everything, then bring everything back; returns
        the names that needed a change. The ``final`` passes are counted apart."""
        prefix = "final " if final else ""
        for name in sorted(self.stack.state):
            self.operator.refresh(engine, name)
            self.count(f"{prefix}refresh")
        changed = []
        for name in sorted(self.program):
            done = self.operator.up(engine, name)
            if done != "same":
                self.count(f"{prefix}{done}")
                changed.append(name)
        return changed

    def dashboard_edit(self) -> None:
        """Someone edits or releases a number in the dashboard (the API, faults and all)."""
        ids = self.stack.number_ids()
        if not ids:
            return
        number_id = self.rng.choice(sorted(ids))
        try:
            if self.rng.random() < 0.35:
                self.oob_deleted.add(number_id)
                self.count("dashboard-delete")
                self.dashboard.release_phone_number(number_id)
            else:
                self.count("dashboard-edit")
                update = PhoneNumberUpdate(
                    label=f"edited in the dashboard {self.rng.randint(1, 99)}"
                )
                self.dashboard.update_phone_number(number_id, update)
        except SpekoError as error:  # the dashboard's own call failed: nothing else to do
            self.oob_failures.append(str(error))
            EVIDENCE.add("client error", str(error))

    # ------------------------------------------------------------------ the run

    def start(self) -> None:
        """The first ``pulumi up``: the verification and the first numbers."""
        engine = self.command()
        self.program["kyb"] = Declared(KYB, {**VERIFICATION})
        self.up(engine, "kyb")
        for _ in range(START_NUMBERS):
            self.declare(engine)

    def run(self, operations: int) -> None:
        """Commands until ``operations`` resource operations have been made."""
        self.start()
        while self.total_ops() < operations:
            engine = self.command()
            kind = self.rng.choices(("up", "refresh", "dashboard"), (6, 0.5, 1.5))[0]
            if kind == "up":
                for _ in range(self.rng.randint(*self.edits_per_command)):
                    self.edit(engine)
            elif kind == "refresh":
                self.refresh_and_up(engine)
            else:
                for _ in range(self.rng.randint(1, 3)):
                    self.dashboard_edit()

    def converge(self, passes: int = 5) -> None:
        """Refresh and ``up`` until nothing changes (faults still on); then, faults off,
        one more refresh must find nothing to change."""
        for _ in range(passes):
            changed = self.refresh_and_up(self.command(), final=True)
            if not changed and not self.stack.pending_deletes:
                break
        self.stop_faults()
        assert self.refresh_and_up(self.command(), final=True) == [], "did not converge"
        self.close()

    def verify(self) -> Outcome:
        """The invariants; returns the figures they were computed from."""
        live = self.control.list_numbers(DEMO_ORG)
        log = self.control.request_log()
        live_ids = {str(n["id"]) for n in live}
        held_ids = self.stack.number_ids()
        lost = [
            (name, id_) for name, id_ in self.stack.gone_on_refresh if id_ not in self.oob_deleted
        ] + [id_ for id_ in held_ids if id_ not in live_ids]
        landed_purchases, landed_imports = len(purchases(log)), len(imports(log))
        doubled = (
            (len(held_ids) - len(set(held_ids)))
            + (landed_purchases - len(self.stack.obtained[PHONE]))
            + (landed_imports - len(self.stack.obtained[SIP]))
        )
        orphaned = sorted(live_ids - set(held_ids))
        outcome = Outcome(
            lost=len(lost),
            doubled=doubled,
            orphaned=len(orphaned),
            purchases=landed_purchases,
            api_requests=len(log),
            faulted_requests=sum(1 for entry in log if entry.fault_id is not None),
        )
        FIGURES.add("numbers_lost", outcome.lost)
        FIGURES.add("numbers_doubled", outcome.doubled)
        FIGURES.add("numbers_orphaned", outcome.orphaned)
        FIGURES.add("purchases_landed", landed_purchases)

        assert lost == [], f"numbers lost: {lost}"
        assert orphaned == [], f"live numbers no resource declares: {orphaned}"
        assert doubled == 0, (
            f"doubled: {landed_purchases} purchases landed for "
            f"{len(self.stack.obtained[PHONE])} numbers obtained, {landed_imports} imports "
            f"for {len(self.stack.obtained[SIP])}"
        )
        e164s = [n["e164"] for n in live]
        assert len(e164s) == len(set(e164s))
        assert set(self.stack.state) == set(self.program)
        by_id = {str(n["id"]): n for n in live}
        for name in self.numbers():
            self.assert_matches(name, by_id[self.stack.state[name].id])
        expected = INITIAL_CREDITS - PURCHASE_PRICE * landed_purchases
        assert self.control.get_credits(DEMO_ORG) == expected
        return outcome

    def assert_matches(self, name: str, live: dict[str, Any]) -> None:
        """The live number is what the program declares."""
        declared = self.program[name]
        props = declared.props
        assert live["source"] == ("managed" if declared.token == PHONE else "sip_trunk"), name
        if "e164" in props:
            assert live["e164"] == props["e164"], name
        if "area_code" in props:
            assert live["e164"][2:5] == props["area_code"], name
        wanted = {
            "direction": props.get("direction", "outbound"),
            "agentId": props.get("agent_id"),
            "label": props.get("label"),
            "dispatchMetadataTemplate": props.get("dispatch_metadata_template"),
        }
        if declared.token == SIP:
            wanted["sipConnectionInstallationId"] = props.get("sip_connection_installation_id")
            wanted["sipTrunkId"] = props.get("sip_trunk_id")
            wanted["sipProviderName"] = props.get("sip_provider_name")
        assert {key: live[key] for key in wanted} == wanted, name


def run_lifecycle(
    platform: RunningSandbox,
    hosts: HostPool,
    seed: int,
    operations: int,
    *,
    edits_per_command: tuple[int, int] = (1, 4),
) -> tuple[Lifecycle, Outcome, float]:
    """Run, converge and verify one lifecycle; returns it, its outcome and its duration."""
    started = time.monotonic()
    lifecycle = Lifecycle(platform, hosts, seed, edits_per_command=edits_per_command)
    try:
        lifecycle.run(operations)
        lifecycle.converge()
        outcome = lifecycle.verify()
    finally:
        lifecycle.close()
        lifecycle.dashboard.close()
    elapsed = time.monotonic() - started
    share = outcome.faulted_requests / max(outcome.api_requests, 1)
    errors = Counter(_error_kind(message) for message in lifecycle.operator.errors)
    FIGURES.notes.append(
        f"randomized lifecycle seed {seed}: {lifecycle.total_ops()} operations in "
        f"{lifecycle.commands} commands, {outcome.api_requests} API calls of which "
        f"{outcome.faulted_requests} faulted ({share:.0%}), {len(lifecycle.operator.errors)} "
        f"clear errors rerun, {elapsed:.0f} s"
    )
    for kind, n in sorted(errors.items()):
        FIGURES.notes.append(f"  rerun after: {n} x {kind}")
    return lifecycle, outcome, elapsed


def _error_kind(message: str) -> str:
    """What was attempted and what came back, without ids: ``update ...: PATCH -> 503``."""
    action = message.split(":", 1)[0]
    found = re.search(r"(GET|POST|PUT|PATCH|DELETE) (\S+) -> (\d{3} [A-Z_]+|[a-z ]+)", message)
    if found is None:
        return action
    path = re.sub(r"/pn_[0-9a-f]+", "/{id}", found.group(2))
    return f"{action}: {found.group(1)} {path} -> {found.group(3).strip()}"
