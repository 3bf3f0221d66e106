"""The fleet's lifecycle, driven through the provider host and with the bare client.

Four tiers do the same work against the same sandbox: the real provider and the SDK's
floor (:mod:`fleetlib.thin_provider`, one bare client call per operation) each in the
SDK's provider host, the ``speko`` provider plugin (:class:`PluginTier`), and the bare
client on its own. They import N SIP-trunk numbers,
read them all, change the routing of each, release them all. Each operation is timed
on the wall clock with ``threads`` concurrent callers (the engine calls the provider host
from four threads) and its API requests are counted from the sandbox's request log.

The host tiers start one provider host per Pulumi command (``up``, ``refresh``,
``preview``, ``up``, ``destroy``), as the engine does. Starting the host and loading the
provider (``Configure`` and one ``Check``, which calls no API) is outside the timed
window and reported on its own: it is a per-command cost, not a per-resource one.
"""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

from pulumi.dynamic import ResourceProvider
from pulumi_speko.api import Client, PhoneNumberImport, PhoneNumberUpdate
from pulumi_speko.constants import (
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    ENV_API_KEY,
    ENV_BASE_URL,
    PROVIDER_KEY,
)
from pulumi_speko.families import camel_name, native_token
from pulumi_speko.resources.sip_trunk_phone_number import (
    TYPE_TOKEN,
    SipTrunkPhoneNumberProvider,
)
from pulumi_speko.runner.engine import CREATE, DELETE, UPDATE
from pulumi_speko.sandbox.seed import SEED_SIP_INSTALLATIONS
from pulumi_speko.testing import DEMO_API_KEY, DEMO_ORG, SandboxControl
from pulumi_speko.testing.engine import EngineHost, serialize_provider
from pulumi_speko.testing.plugin import PluginHost

from fleetlib import connections
from fleetlib.drivers import DRIVERS, Bag, Checked, Driver, Pending
from fleetlib.sandbox_process import SandboxEndpoint
from fleetlib.thin_provider import HOST_PYTHONPATH, ThinSipTrunkProvider

T = TypeVar("T")
ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")

SIP_INSTALLATION: Final = SEED_SIP_INSTALLATIONS[0]  # seeded in every sandbox organization
SIP_PROVIDER_NAME: Final = "Fleet SIP"

# CREATE, UPDATE and DELETE are the engine's step kinds, as `pulumi-speko run` names them.
REFRESH: Final = "refresh"
DIFF: Final = "no-op diff"
OPERATIONS: Final = (CREATE, REFRESH, DIFF, UPDATE, DELETE)
"""The table's rows, in lifecycle order."""

WHAT_IS_TIMED: Final[dict[str, tuple[str, str]]] = {
    CREATE: ("Create", "import_phone_number"),
    REFRESH: ("Read", "get_phone_number"),
    DIFF: ("Check, Diff", "-"),
    UPDATE: ("Update", "update_phone_number"),
    DELETE: ("Delete", "release_phone_number"),
}
"""Per row: the provider-host calls timed, and the bare client's method of the baseline."""

_ID_SEGMENT = re.compile(r"^(/v1/phone-numbers)/(?!available$|import$|kyb$)[^/]+$")
_ID_PLACEHOLDER = r"\1/{id}"


@dataclass(frozen=True)
class Fleet:
    """N SIP-trunk numbers and the concurrency to drive them with."""

    count: int
    threads: int

    def names(self) -> list[str]:
        """The resource names."""
        return [f"n{i:05d}" for i in range(self.count)]

    def e164(self, index: int) -> str:
        """A distinct E.164 per resource (Berlin numbers; imports take any country)."""
        return f"+49301{index:07d}"

    def label(self, index: int, version: int) -> str:
        """The routing label of version 1 (create) or 2 (update)."""
        return f"fleet {index} v{version}"


@dataclass(frozen=True)
class Measurement:
    """One operation over the whole fleet: wall time and the API requests it caused."""

    operation: str
    seconds: float
    requests: int
    routes: Counter[str] = field(default_factory=Counter)
    connections: int | None = None
    """TCP connections opened to the sandbox (None where the OS does not tell)."""


@dataclass
class TierRun:
    """What one tier measured in one pass over the lifecycle."""

    measurements: dict[str, Measurement] = field(default_factory=dict)
    host_starts: list[float] = field(default_factory=list)
    """Seconds to launch each provider host and load the provider (provider tier only)."""
    sample_inputs: dict[str, Any] = field(default_factory=dict)
    """Checked inputs of one resource as the engine stores them (provider tier only)."""
    sample_outputs: dict[str, Any] = field(default_factory=dict)
    """Outputs of that resource after create, ``__provider`` included."""


def route_of(method: str, path: str) -> str:
    """``METHOD path`` with a number id replaced by ``{id}``, to group log entries."""
    return f"{method} {_ID_SEGMENT.sub(_ID_PLACEHOLDER, path)}"


class Meter:
    """Times operations and counts what each cost the sandbox: API requests from its
    request log, TCP connections from the kernel's socket tables."""

    def __init__(self, endpoint: SandboxEndpoint) -> None:
        self.endpoint = endpoint
        self.control = endpoint.control
        self.port = urlsplit(endpoint.base_url).port or 80

    @contextmanager
    def measure(self, operation: str, sink: dict[str, Measurement]) -> Iterator[None]:
        """Time the block; record its requests and new connections in ``sink``."""
        self.control.clear_request_log()
        ports_before = self._ports()
        began = time.perf_counter()
        yield
        seconds = time.perf_counter() - began
        ports_after = self._ports()
        entries = self.control.request_log()
        routes = Counter(route_of(entry.method, entry.path) for entry in entries)
        opened = (
            None if ports_after is None or ports_before is None else len(ports_after - ports_before)
        )
        sink[operation] = Measurement(operation, seconds, len(entries), routes, opened)

    def _ports(self) -> set[int] | None:
        return connections.client_ports(self.port) if connections.available() else None


def fan_out(
    pool: ThreadPoolExecutor, work: Callable[[ItemT], ResultT], items: Iterable[ItemT]
) -> list[ResultT]:
    """``work`` over ``items`` on the pool's threads, results in order; errors propagate."""
    return list(pool.map(work, items))


# ---------------------------------------------------------------------- provider tier


@dataclass
class Managed:
    """One resource as the engine's state holds it between commands."""

    index: int
    checked: Checked
    id: str
    outputs: Bag


class ProviderTier:
    """The fleet through the SDK's provider host (``python -m pulumi.dynamic``).

    ``provider`` is the real :class:`SipTrunkPhoneNumberProvider` unless given (the
    floor tier gives the thin one); ``host_pythonpath`` is prepended to the host's
    ``PYTHONPATH`` so that it can import a provider that is not installed.
    """

    type_token: str = TYPE_TOKEN
    """The resource type the engine names in every request."""

    def __init__(
        self,
        endpoint: SandboxEndpoint,
        fleet: Fleet,
        driver: str = "wire",
        *,
        provider: ResourceProvider | None = None,
        host_pythonpath: str | None = None,
    ) -> None:
        self.base_url = endpoint.base_url
        self.meter = Meter(endpoint)
        self.fleet = fleet
        self.make_driver = DRIVERS[driver]
        self.provider = serialize_provider(provider or SipTrunkPhoneNumberProvider())
        self.host_env = _pythonpath_env(host_pythonpath)
        self.names = fleet.names()

    def program_inputs(self, index: int, version: int) -> Bag:
        """What the program passes for resource ``index``, ``__provider`` included."""
        return {
            "e164": self.fleet.e164(index),
            "sip_connection_installation_id": SIP_INSTALLATION,
            "sip_provider_name": SIP_PROVIDER_NAME,
            "label": self.fleet.label(index, version),
            PROVIDER_KEY: self.provider,
        }

    def run(self) -> TierRun:
        """Create, refresh, diff, update and delete the fleet, one host per command."""
        run = TierRun()
        fleet = self._up(run)
        self._refresh(run, fleet)
        self._preview(run, fleet)
        self._update(run, fleet)
        self._destroy(run, fleet)
        return run

    def _up(self, run: TierRun) -> list[Managed]:
        """``pulumi up`` of a new stack: Check each resource, then Create (timed)."""
        with self._command(run) as driver:
            checked = self._check_all(driver, version=1, olds=None)
            created = self._timed(
                run, CREATE, [driver.create(self.names[i], c) for i, c in enumerate(checked)]
            )
        fleet = [
            Managed(i, c, id_, outs)
            for i, (c, (id_, outs)) in enumerate(zip(checked, created, strict=True))
        ]
        run.sample_inputs, run.sample_outputs = fleet[0].checked.inputs, fleet[0].outputs
        return fleet

    def _refresh(self, run: TierRun, fleet: list[Managed]) -> None:
        """``pulumi refresh``: Read every resource from one host (timed)."""
        with self._command(run) as driver:
            reads = self._timed(
                run,
                REFRESH,
                [
                    driver.read(self.names[m.index], m.id, m.outputs, m.checked.inputs)
                    for m in fleet
                ],
            )
        _expect([id_ for id_, _ in reads] == [m.id for m in fleet], "refresh lost a resource")

    def _preview(self, run: TierRun, fleet: list[Managed]) -> None:
        """``pulumi preview`` with nothing changed: Check then Diff each resource (timed)."""
        with self._command(run) as driver:
            answers = self._timed(run, DIFF, [self._check_then_diff(driver, m) for m in fleet])
        same = all(c.inputs == m.checked.inputs for m, (c, _) in zip(fleet, answers, strict=True))
        _expect(same and not any(changes for _, changes in answers), "a no-op preview changed")

    def _update(self, run: TierRun, fleet: list[Managed]) -> None:
        """``pulumi up`` with every label changed: Check, then Update (timed)."""
        with self._command(run) as driver:
            olds = [m.checked.inputs for m in fleet]
            changed = self._check_all(driver, version=2, olds=olds)
            pendings = [
                driver.update(self.names[m.index], m.id, m.outputs, new, m.checked.inputs)
                for m, new in zip(fleet, changed, strict=True)
            ]
            updated = self._timed(run, UPDATE, pendings)
        for managed, new, outputs in zip(fleet, changed, updated, strict=True):
            managed.checked, managed.outputs = new, outputs
        labels = [m.outputs.get("label") for m in fleet]
        _expect(labels == [self.fleet.label(m.index, 2) for m in fleet], "update lost a label")

    def _destroy(self, run: TierRun, fleet: list[Managed]) -> None:
        """``pulumi destroy``: Delete every resource (timed)."""
        with self._command(run) as driver:
            pendings = [
                driver.delete(self.names[m.index], m.id, m.outputs, m.checked.inputs) for m in fleet
            ]
            self._timed(run, DELETE, pendings)

    @contextmanager
    def _command(self, run: TierRun) -> Iterator[Driver]:
        """A fresh provider host, configured, its provider loaded: one Pulumi command."""
        began = time.perf_counter()
        with self._configured_host() as host:
            # The first call unpickles the provider, which imports its module: a cost of
            # each command, paid before any resource's work, so kept out of the rows.
            host.check(self.type_token, "warm-up", {}, self.program_inputs(0, 1))
            run.host_starts.append(time.perf_counter() - began)
            driver = self.make_driver(host, self.type_token)
            try:
                yield driver
            finally:
                driver.close()

    @contextmanager
    def _configured_host(self) -> Iterator[EngineHost]:
        """The SDK's provider host, started and configured with the demo key."""
        with EngineHost(env=self.host_env) as host:
            host.configure(
                {CONFIG_API_KEY: DEMO_API_KEY, CONFIG_BASE_URL: self.base_url},
                secret_keys=[CONFIG_API_KEY],
            )
            yield host

    def _timed(self, run: TierRun, operation: str, pendings: list[Pending[T]]) -> list[T]:
        """Make every call from the pool's threads, timed and counted; decode afterwards."""
        with self._pool() as pool, self.meter.measure(operation, run.measurements):
            answers = fan_out(pool, _make_call, pendings)
        return [pending.decode(answer) for pending, answer in zip(pendings, answers, strict=True)]

    def _pool(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=self.fleet.threads, thread_name_prefix="engine")

    def _check_all(
        self, driver: Driver, *, version: int, olds: Sequence[Bag] | None
    ) -> list[Checked]:
        pendings = [
            driver.check(name, olds[i] if olds else {}, self.program_inputs(i, version))
            for i, name in enumerate(self.names)
        ]
        with self._pool() as pool:
            answers = fan_out(pool, _make_call, pendings)
        checked = [
            pending.decode(answer) for pending, answer in zip(pendings, answers, strict=True)
        ]
        failures = [failure for result in checked for failure in result.failures]
        _expect(not failures, f"check failed: {failures[:3]}")
        return checked

    def _check_then_diff(self, driver: Driver, managed: Managed) -> Pending[tuple[Checked, bool]]:
        """Check, then Diff with what Check answers. For unchanged inputs that is what
        the first Check answered (verified after the clock stops), so both requests are
        built before it starts."""
        name, checked = self.names[managed.index], managed.checked
        check = driver.check(name, checked.inputs, self.program_inputs(managed.index, 1))
        diff = driver.diff(name, managed.id, managed.outputs, checked, checked.inputs)
        return Pending(
            lambda: (check.call(), diff.call()),
            lambda answers: (check.decode(answers[0]), diff.decode(answers[1])),
        )


def _make_call(pending: Pending[Any]) -> Any:
    return pending.call()


class PluginTier(ProviderTier):
    """The fleet through the ``speko`` provider plugin (``pulumi-resource-speko``), as
    the engine drives it for a program in any language: the native type token, camelCase
    properties, no ``__provider`` (the plugin is the provider)."""

    type_token = native_token(TYPE_TOKEN)

    def program_inputs(self, index: int, version: int) -> Bag:
        """The provider tier's inputs, camelCase and without ``__provider``."""
        inputs = super().program_inputs(index, version)
        return {camel_name(key): value for key, value in inputs.items() if key != PROVIDER_KEY}

    @contextmanager
    def _configured_host(self) -> Iterator[EngineHost]:
        """The plugin, started and configured with the demo key (provider inputs)."""
        # Empty SPEKO_* variables: the plugin must use what Configure sends, nothing else.
        with PluginHost(env={ENV_API_KEY: "", ENV_BASE_URL: ""}) as host:
            host.configure(
                {"apiKey": DEMO_API_KEY, "baseUrl": self.base_url}, secret_keys=["apiKey"]
            )
            yield host


def floor_tier(endpoint: SandboxEndpoint, fleet: Fleet, driver: str = "wire") -> ProviderTier:
    """The SDK's floor: :class:`ThinSipTrunkProvider` in the same host as the provider."""
    return ProviderTier(
        endpoint, fleet, driver, provider=ThinSipTrunkProvider(), host_pythonpath=HOST_PYTHONPATH
    )


def _pythonpath_env(folder: str | None) -> dict[str, str]:
    if folder is None:
        return {}
    inherited = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": os.pathsep.join([folder, inherited] if inherited else [folder])}


# ---------------------------------------------------------------------- baseline tier


class BaselineTier:
    """The same work with the bare :class:`pulumi_speko.api.Client`, as a naive provider
    would do it: one request per resource for every operation, refresh included."""

    def __init__(self, endpoint: SandboxEndpoint, fleet: Fleet) -> None:
        self.base_url = endpoint.base_url
        self.meter = Meter(endpoint)
        self.fleet = fleet

    def run(self) -> TierRun:
        """Import, GET, PATCH and DELETE every number; a fresh client per operation."""
        run = TierRun()
        indexes = range(self.fleet.count)
        with self._client(CREATE, run) as (client, pool):
            ids = fan_out(pool, lambda i: client.import_phone_number(self._import(i)).id, indexes)
        with self._client(REFRESH, run) as (client, pool):
            numbers = fan_out(pool, client.get_phone_number, ids)
        _expect([n.id for n in numbers] == ids, "a GET returned another number")
        with self._client(UPDATE, run) as (client, pool):
            fan_out(
                pool,
                lambda i: client.update_phone_number(
                    ids[i], PhoneNumberUpdate(label=self.fleet.label(i, 2))
                ),
                indexes,
            )
        with self._client(DELETE, run) as (client, pool):
            fan_out(pool, client.release_phone_number, ids)
        return run

    def _import(self, index: int) -> PhoneNumberImport:
        return PhoneNumberImport(
            e164=self.fleet.e164(index),
            sip_connection_installation_id=SIP_INSTALLATION,
            sip_provider_name=SIP_PROVIDER_NAME,
            label=self.fleet.label(index, 1),
        )

    @contextmanager
    def _client(self, operation: str, run: TierRun) -> Iterator[tuple[Client, ThreadPoolExecutor]]:
        # A fresh client per operation, as each Pulumi command has a fresh provider host;
        # its connection pool is built on its first request, inside the timed window.
        pool = ThreadPoolExecutor(max_workers=self.fleet.threads, thread_name_prefix="bare")
        with (
            pool,
            Client(DEMO_API_KEY, self.base_url) as client,
            self.meter.measure(operation, run.measurements),
        ):
            yield client, pool


def ensure_no_numbers(control: SandboxControl) -> None:
    """Fail when the demo organization still holds numbers (a tier did not clean up)."""
    left = control.list_numbers(DEMO_ORG)
    _expect(not left, f"{len(left)} numbers left in {DEMO_ORG}")


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(f"fleet benchmark: {message}")
