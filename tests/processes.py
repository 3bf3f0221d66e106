"""Running a command in a child process, as a user's shell would (imported as
``processes``: the suite's conftest puts ``tests/`` on ``sys.path``)."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_command(
    command: Sequence[str], cwd: Path, env: Mapping[str, str] | None, timeout: float
) -> subprocess.CompletedProcess[str]:
    """``command`` in a child process, its output captured as text, whatever its exit code;
    ``env`` ``None`` passes this process's environment."""
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
