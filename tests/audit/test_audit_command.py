"""``pulumi-speko audit``: arguments, output, exit status."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_speko.audit import command


def run_audit(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="pulumi-speko audit")
    command.add_arguments(parser)
    return command.run(parser.parse_args(argv))


def test_markdown_is_the_default(dev_export_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_audit(str(dev_export_path)) == 0
    out = capsys.readouterr().out
    assert out.startswith("## Speko audit: `phones` / `dev`\n")
    assert "### Findings (5)" in out


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_output_goes_to_a_file_when_asked(
    dev_export_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], output_format: str
) -> None:
    target = tmp_path / f"audit.{output_format}"
    assert run_audit(str(dev_export_path), "--format", output_format, "--output", str(target)) == 0
    assert capsys.readouterr().out == ""
    text = target.read_text()
    if output_format == "json":
        assert len(json.loads(text)["numbers"]) == 4
    else:
        assert text.splitlines()[0].startswith("name,type,urn,id,e164,")
        assert len(text.splitlines()) == 5


def test_an_unwritable_output_is_one_line_and_exit_1(
    dev_export_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-dir" / "audit.md"
    assert run_audit(str(dev_export_path), "--output", str(target)) == 1
    err = capsys.readouterr().err
    assert err.startswith("pulumi-speko audit: error: cannot write ") and err.count("\n") == 1


def test_an_unknown_format_is_refused_by_the_parser(dev_export_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        run_audit(str(dev_export_path), "--format", "xml")
    assert raised.value.code == 2


def test_a_malformed_file_exits_1_with_one_clear_line(tmp_path: Path) -> None:
    broken = tmp_path / "export.json"
    broken.write_text('{"version": 3, "deployment": {"resources": [')
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_speko.cli", "audit", str(broken)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"pulumi-speko audit: error: {broken}: not JSON (Expecting value at line 1, column 45); "
        "pass the output of `pulumi stack export`\n"
    )


def test_a_newer_deployment_version_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    newer = tmp_path / "export.json"
    newer.write_text(json.dumps({"version": 4, "deployment": {}}))
    assert run_audit(str(newer)) == 1
    err = capsys.readouterr().err
    assert err == (
        f"pulumi-speko audit: error: {newer}: unsupported deployment version 4: "
        "this tool reads versions 1 to 3\n"
    )


def test_standard_input_is_read_for_a_dash(
    dev_export_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", open(dev_export_path, encoding="utf-8"))  # noqa: SIM115
    assert run_audit("-", "--format", "csv") == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
