"""The sandbox served by its own process (``pulumi-speko sandbox``), as a context manager.

A sandbox in the benchmark's own process would share its GIL with the client being
measured; a separate process is what a real API is to the provider.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

from pulumi_speko.testing import DEFAULT_ADMIN_TOKEN, SandboxControl

START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 15.0
_BANNER = "listening on "


@dataclass
class SandboxEndpoint:
    """Where a sandbox listens and a client of its control API."""

    base_url: str
    control: SandboxControl


@contextmanager
def sandbox_process(admin_token: str = DEFAULT_ADMIN_TOKEN) -> Iterator[SandboxEndpoint]:
    """Serve a fresh sandbox from a child process on a free loopback port until the block ends."""
    command = [
        sys.executable,
        "-m",
        "pulumi_speko.cli",
        "sandbox",
        "--port",
        "0",
        "--admin-token",
        admin_token,
        "--log-level",
        "error",
    ]
    proc = subprocess.Popen(
        command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        assert proc.stdout is not None
        base_url = _await_url(proc, proc.stdout)
        control = SandboxControl(base_url, admin_token)
        try:
            yield SandboxEndpoint(base_url, control)
        finally:
            control.close()
    finally:
        _stop(proc)


def _await_url(proc: subprocess.Popen[bytes], stdout: IO[bytes]) -> str:
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_drain, args=(stdout, lines), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    seen: list[str] = []
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError(f"the sandbox printed no URL in {START_TIMEOUT_SECONDS}s") from None
        if line is None:
            output = "\n".join(seen)
            raise RuntimeError(f"the sandbox exited ({proc.wait()}) before listening:\n{output}")
        seen.append(line)
        if _BANNER in line:
            return line.split(_BANNER, 1)[1].strip()


def _drain(stream: IO[bytes], lines: queue.Queue[str | None]) -> None:
    # Keeps reading after start-up so that the child never blocks on a full pipe.
    for raw in iter(stream.readline, b""):
        lines.put(raw.decode("utf-8", "replace").rstrip())
    lines.put(None)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGINT (the command then exits 0), SIGKILL if it outlives the timeout."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
