"""The ``pulumi-speko`` dispatcher: every subcommand listed, help cheap to build."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pulumi_speko.cli import SUBCOMMANDS, main


def test_no_command_prints_help_listing_every_subcommand(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 2
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("pulumi-speko ")


def test_building_the_parser_imports_no_heavy_module() -> None:
    probe = (
        "import sys; from pulumi_speko.cli import build_parser; build_parser(); "
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'httpx', 'pydantic', 'pulumi') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
