"""``make demo`` (``python -m pulumi_speko.demo``), run as a user runs it.

Without the CLI the demo must still exit 0, say what is missing and how to install it,
and buy, show and release a real number in the sandbox; with the CLI it deploys and
destroys the quickstart with ``pulumi up`` / ``pulumi destroy``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_speko.demo import INSTALL_URL
from pulumi_speko.testing.sandbox import DEMO_API_KEY

from .conftest import PULUMI, requires_pulumi

DEMO_TIMEOUT_SECONDS = 900.0


def run_demo(path: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SPEKO_")}
    env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "pulumi_speko.demo", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT_SECONDS,
        check=False,
    )


def test_without_the_cli_it_says_how_to_install_it_and_still_runs_the_quickstart(
    tmp_path: Path,
) -> None:
    done = run_demo(str(tmp_path))  # a PATH with no pulumi on it
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "The Pulumi CLI (`pulumi`) is not on PATH" in out
    assert INSTALL_URL in out
    assert "create  PhoneNumber sales-line: bought +1415" in out
    assert "inbound -> agent_sales; setup status ready" in out
    assert "verification_status: submitted" in out
    assert "The sandbox holds 1 number(s) of org_demo" in out
    assert "delete  PhoneNumber sales-line: released +1415" in out
    assert out.rstrip().splitlines()[-3] == "The sandbox holds no numbers of org_demo."
    assert "configured speko:apiKey (secret)" in out
    assert DEMO_API_KEY not in out + done.stderr


@pytest.mark.cli
@requires_pulumi
def test_with_the_cli_it_runs_pulumi_up_and_destroy() -> None:
    assert PULUMI is not None
    path = os.pathsep.join([str(Path(PULUMI).parent), os.environ.get("PATH", "")])
    done = run_demo(path)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "not on PATH" not in out
    assert "$ pulumi up --yes" in out
    assert "phone_number: +1415" in out
    assert "The sandbox holds 1 number(s) of org_demo" in out
    assert "$ pulumi destroy --yes" in out
    assert "The sandbox holds no numbers of org_demo." in out
    assert DEMO_API_KEY not in out + done.stderr


def test_the_quickstart_the_package_ships_is_the_example() -> None:
    """The demo runs the packaged quickstart (so it works from a wheel); its program is a
    link to the example's, so the two cannot drift (the wheel gets a copy of the target)."""
    from pulumi_speko.demo import QUICKSTART_DIR

    example = Path(__file__).resolve().parents[2] / "examples" / "quickstart"
    shipped_program = QUICKSTART_DIR / "__main__.py"
    assert shipped_program.is_symlink()
    assert shipped_program.resolve() == (example / "__main__.py").resolve()
    shipped_name = (QUICKSTART_DIR / "Pulumi.yaml").read_text().splitlines()[0]
    assert shipped_name == (example / "Pulumi.yaml").read_text().splitlines()[0]
