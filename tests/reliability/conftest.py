"""Fixtures of the reliability suite, and the "Reliability figures" block it prints.

- ``reliability_server`` (session): a sandbox of its own, with a larger pool and the
  suite's distinctive API keys (:data:`support.RELIABILITY_KEY` for the demo org,
  :data:`support.OTHER_RELIABILITY_KEY` for the other one).
- ``platform`` (function): that sandbox reset to the seed, no faults, empty request log,
  fault RNG seeded with 0. At teardown the faults that fired and the request log go into
  the figures and the evidence of the secrets scan.
- ``host_pool`` (session): provider hosts of that sandbox, started ahead of need.
- ``engines`` (function): starts provider hosts (``python -m pulumi.dynamic``) configured
  like the engine does; each is stopped at teardown (in the background), and what it
  printed kept. ``engine`` is one of them, with the demo org's key.
- ``ledger`` (function): what the sandbox holds and recorded (:class:`support.Ledger`).

The secrets scan (``test_6_secrets.py``) is moved to the end of the run, so it scans what
every other test left behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pulumi_speko.sandbox.model import system_clock
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG, RunningSandbox, running_sandbox

from .support import (
    FIGURES,
    OTHER_RELIABILITY_KEY,
    POOL_SIZE,
    RELIABILITY_KEY,
    Engine,
    HostPool,
    Ledger,
    close_later,
    record_fired_faults,
    record_request_log,
    wait_closed,
)

SECRETS_MODULE = "test_6_secrets.py"


@pytest.fixture(scope="session")
def reliability_server() -> Iterator[RunningSandbox]:
    """The suite's own sandbox, keyed with the suite's distinctive keys."""
    keys = [(DEMO_ORG, RELIABILITY_KEY), (OTHER_ORG, OTHER_RELIABILITY_KEY)]
    with running_sandbox(pool_size=POOL_SIZE, api_keys=keys) as running:
        yield running
        wait_closed()


@pytest.fixture(scope="session")
def host_pool(reliability_server: RunningSandbox) -> Iterator[HostPool]:
    """Provider hosts of the suite's sandbox, started ahead of need."""
    pool = HostPool(reliability_server.base_url)
    yield pool
    pool.close()


@pytest.fixture
def platform(reliability_server: RunningSandbox) -> Iterator[RunningSandbox]:
    """The suite's sandbox at its seed, with no faults and an empty request log."""
    control = reliability_server.control
    reliability_server.store.now = system_clock
    control.reset()
    control.clear_faults()
    control.clear_request_log()
    control.set_fault_seed(0)
    yield reliability_server
    record_fired_faults(control.faults())
    record_request_log(control.request_log())
    control.clear_faults()


@pytest.fixture
def engines(platform: RunningSandbox, host_pool: HostPool) -> Iterator[Callable[..., Engine]]:
    """Start provider hosts (``start(api_key=..., name=...)``); all stop at teardown."""
    started: list[Engine] = []

    def start(api_key: str = RELIABILITY_KEY, name: str = "host") -> Engine:
        engine = host_pool.take(api_key, name)
        started.append(engine)
        return engine

    yield start
    for engine in started:
        close_later(engine)


@pytest.fixture
def engine(engines: Callable[..., Engine]) -> Engine:
    """One provider host of the demo org."""
    return engines()


@pytest.fixture
def ledger(platform: RunningSandbox) -> Ledger:
    """What the suite's sandbox holds and recorded."""
    return Ledger(platform.control)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the secrets scan after everything else, so it scans all of it."""
    scan = [item for item in items if item.path.name == SECRETS_MODULE]
    if scan:
        rest = [item for item in items if item.path.name != SECRETS_MODULE]
        items[:] = rest + scan


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the figures of this run (whatever ``-s`` says), for the README."""
    if not FIGURES.touched():
        return
    terminalreporter.write_sep("=", "Reliability figures")
    for line in FIGURES.lines():
        terminalreporter.write_line(line)
