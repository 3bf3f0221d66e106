"""What ``import pulumi_speko`` costs a Pulumi program, measured in fresh interpreters.

Each run is a new ``python`` process that imports ``pulumi`` (every program does), then
``pulumi_speko``, then the three resource classes, timing each step with
``perf_counter``; the medians over the runs are reported. Interpreter start-up is not
part of any figure.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass
from typing import Final

_PROBE: Final = """
import json, time
t0 = time.perf_counter()
import pulumi
t1 = time.perf_counter()
import pulumi_speko
t2 = time.perf_counter()
from pulumi_speko import BusinessVerification, PhoneNumber, SipTrunkPhoneNumber
t3 = time.perf_counter()
print(json.dumps([t1 - t0, t2 - t1, t3 - t2]))
"""
PROBE_TIMEOUT_SECONDS: Final = 60.0


@dataclass(frozen=True)
class ImportTimes:
    """Median seconds of each import step over ``runs`` fresh processes."""

    runs: int
    pulumi: float
    """``import pulumi``."""
    package: float
    """``import pulumi_speko``, after ``pulumi``."""
    resources: float
    """Importing the three resource classes, after ``pulumi_speko``."""

    @property
    def package_with_resources(self) -> float:
        """``import pulumi_speko`` and the resource classes, after ``pulumi``."""
        return self.package + self.resources


def measure_imports(runs: int, python: str = sys.executable) -> ImportTimes:
    """Time the imports in ``runs`` fresh interpreters; medians of each step."""
    samples = [_probe(python) for _ in range(runs)]
    pulumi, package, resources = (statistics.median(step) for step in zip(*samples, strict=True))
    return ImportTimes(runs, pulumi, package, resources)


def _probe(python: str) -> tuple[float, float, float]:
    done = subprocess.run(
        [python, "-c", _PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=PROBE_TIMEOUT_SECONDS,
    )
    pulumi, package, resources = json.loads(done.stdout.strip().splitlines()[-1])
    return float(pulumi), float(package), float(resources)
