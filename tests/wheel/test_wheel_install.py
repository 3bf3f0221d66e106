"""A fresh non-editable install: build the wheel, install it with the ``sandbox`` extra
into a new virtualenv, then run the demo and ``pulumi-speko run`` on a program of the
test's own, from a directory outside the checkout.

Slow (3.6 minutes on this 2-CPU machine, 2.6 of them building the virtualenv; pip
may use its cache), so it is marked ``wheel`` and left out of the default suite; run it with
``pytest -m wheel tests/wheel``. ``tests/runner`` covers the same code in-process.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from processes import run_command

REPO = Path(__file__).resolve().parents[2]
STEP_TIMEOUT_SECONDS = 600.0
PROGRAM = """\
import pulumi
from pulumi_speko import SipTrunkPhoneNumber

number = SipTrunkPhoneNumber(
    "front-desk",
    e164="+442071838750",
    sip_connection_installation_id="sci_demo",
    direction="inbound",
    agent_id="agent_support",
)
pulumi.export("e164", number.e164)
"""

pytestmark = pytest.mark.wheel


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = run_command(command, cwd, env, STEP_TIMEOUT_SECONDS)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def venv_bin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv holding the wheel of this checkout and its sandbox extra."""
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)], root
    )
    [wheel] = dist.glob("pulumi_speko-*.whl")
    _run([sys.executable, "-m", "venv", str(root / "venv")], root)
    bin_dir = root / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "-q", f"{wheel}[sandbox]"], root)
    return bin_dir


def _clean_env(bin_dir: Path) -> dict[str, str]:
    """No SPEKO_* settings, no PYTHONPATH to the checkout, no pulumi CLI on PATH."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SPEKO_") and key not in ("PYTHONPATH", "PULUMI_CONFIG")
    }
    env["PATH"] = os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"])
    return env


def test_the_package_comes_from_the_wheel_not_the_checkout(venv_bin: Path, tmp_path: Path) -> None:
    where = _run(
        [str(venv_bin / "python"), "-c", "import pulumi_speko; print(pulumi_speko.__file__)"],
        tmp_path,
        _clean_env(venv_bin),
    )
    assert "site-packages" in where and str(REPO) not in where


def test_the_demo_runs_from_the_wheel(venv_bin: Path, tmp_path: Path) -> None:
    out = _run(
        [str(venv_bin / "python"), "-m", "pulumi_speko.demo", "--no-cli"],
        tmp_path,
        _clean_env(venv_bin),
    )
    assert "create  PhoneNumber sales-line: bought +1415" in out
    assert "delete  PhoneNumber sales-line: released +1415" in out


def test_pulumi_speko_run_drives_an_own_program_from_the_wheel(
    venv_bin: Path, tmp_path: Path
) -> None:
    program = tmp_path / "front-desk"
    program.mkdir()
    (program / "__main__.py").write_text(PROGRAM)
    (program / "Pulumi.yaml").write_text("name: front-desk\nruntime: python\n")
    command = [str(venv_bin / "pulumi-speko"), "run", str(program)]
    env = _clean_env(venv_bin)
    out = _run([*command, "preview", "up", "--sandbox"], tmp_path, env)
    assert "preview would: 1 create" in out and "up did: 1 create" in out
    assert 'e164: "+442071838750"' in out
    out = _run([*command, "preview", "destroy", "--sandbox"], tmp_path, env)
    assert "preview would: 1 same" in out and "destroy did: 1 delete" in out
