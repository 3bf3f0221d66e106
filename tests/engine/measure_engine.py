"""Print how long the provider host takes to start and what one engine call costs.

Run: ``.venv/bin/python tests/engine/measure_engine.py`` (not a test: no timing is asserted).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import dummy_provider as dummy  # importable: a script's own directory leads sys.path
from pulumi_speko.testing.engine import EngineHost, serialize_provider

STARTS = 5
CALLS = 500
THREADS = 8


def measure_start(store: str) -> float:
    """Seconds from launching the host to a gRPC channel ready for calls."""
    began = time.perf_counter()
    with EngineHost(cwd=dummy.IMPORT_ROOT, env={dummy.STORE_ENV: store}):
        return time.perf_counter() - began


def main() -> None:
    """Measure and print start-up time, sequential and concurrent per-call overhead."""
    store = tempfile.mkdtemp(prefix="dummy-store-")
    starts = [measure_start(store) for _ in range(STARTS)]
    print(f"host start-up: median {statistics.median(starts) * 1000:.0f} ms over {STARTS} starts")

    news = {"__provider": serialize_provider(dummy.DummyProvider()), "name": "noop", "size": 1}
    with EngineHost(cwd=dummy.IMPORT_ROOT, env={dummy.STORE_ENV: store}) as host:
        host.configure({})
        host.check(dummy.TYPE_TOKEN, "noop", {}, news)  # first call unpickles and configures

        began = time.perf_counter()
        for _ in range(CALLS):
            host.check(dummy.TYPE_TOKEN, "noop", {}, news)
        sequential = (time.perf_counter() - began) / CALLS
        print(f"no-op Check, sequential: {sequential * 1e6:.0f} us per call over {CALLS} calls")

        began = time.perf_counter()
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(lambda _: host.check(dummy.TYPE_TOKEN, "noop", {}, news), range(CALLS)))
        concurrent = (time.perf_counter() - began) / CALLS
        print(f"no-op Check, {THREADS} threads: {concurrent * 1e6:.0f} us per call (wall)")


if __name__ == "__main__":
    main()
