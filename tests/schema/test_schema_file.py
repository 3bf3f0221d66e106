"""The committed ``schema.json`` is what the code generates, and the command keeps it so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pulumi_speko.cli import main
from pulumi_speko.schema import render_schema

from .conftest import COMMITTED_SCHEMA

REGENERATE = "pulumi-speko schema --output schema.json"


def test_committed_schema_is_what_the_code_generates() -> None:
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8")
    if committed != render_schema():
        pytest.fail(f"schema.json is out of date with the code: run `{REGENERATE}` and commit it")


def test_rendering_is_stable_sorted_and_indented() -> None:
    text = render_schema()
    assert text == render_schema()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_schema_command_prints_the_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == render_schema()


def test_output_writes_the_schema(tmp_path: Path) -> None:
    target = tmp_path / "schema.json"
    assert main(["schema", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render_schema()


def test_check_accepts_the_committed_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check", str(COMMITTED_SCHEMA)]) == 0
    assert capsys.readouterr().err == ""


def test_check_rejects_a_stale_file_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text(render_schema().replace('"version": ', '"version": "9.9.9", "x": ', 1))
    assert main(["schema", "--check", str(stale)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "differs from the schema the code generates" in lines[0]
    assert f"pulumi-speko schema --output {stale}" in lines[0]


def test_check_rejects_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.json"
    assert main(["schema", "--check", str(missing)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert str(missing) in line and "--output" in line


def test_output_and_check_exclude_each_other(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["schema", "--output", str(tmp_path / "a"), "--check", str(tmp_path / "b")])
    assert exit_info.value.code == 2
