"""Running Python (and pytest) in a child process, as a user's shell would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from processes import run_command

SUBPROCESS_TIMEOUT_SECONDS = 300


def run_python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python ARGS`` in a child process of this interpreter, its output captured."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return run_command([sys.executable, *args], cwd, env, SUBPROCESS_TIMEOUT_SECONDS)
