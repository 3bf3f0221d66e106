"""Statements of README.md, docs/ and the packaging metadata that must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pulumi_speko.constants import DIRECTIONS, SOURCES
from pulumi_speko.sandbox.model import derive_setup_status

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
README = (ROOT / "README.md").read_text()
BARE_NUMBER = {
    "agent_id": None,
    "has_template": False,
    "installation_exists": False,
    "suspended": False,
}
"""A number with nothing set up: no agent, no template, no SIP installation, not suspended."""


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_of_a_page_names_a_file_of_the_repository(page: Path) -> None:
    text = page.read_text()
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if "://" not in target:
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)}: {target}"


def test_readme_is_the_front_door_not_the_manual() -> None:
    assert len(README.encode()) <= 12 * 1024


def test_the_audit_sample_issues_are_those_the_sandbox_derives() -> None:
    commands = (ROOT / "docs" / "commands.md").read_text()
    sample = commands[commands.index("## Speko audit:") :]
    issues = set(re.findall(r"action_required: ([\w, ]+) \|", sample))
    names = {name.strip() for listed in issues for name in listed.split(",")}
    derivable = {
        issue
        for source in SOURCES
        for direction in DIRECTIONS
        for issue in derive_setup_status(source=source, direction=direction, **BARE_NUMBER).issues
    }
    assert names and names <= derivable, names - derivable


def test_license_is_the_spdx_string_and_the_file_is_apache_2() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == "Apache-2.0"
    assert "setuptools>=77" in project["build-system"]["requires"]  # PEP 639 strings
    license_text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in license_text and "Version 2.0, January 2004" in license_text
    assert "END OF TERMS AND CONDITIONS" in license_text


def test_sip_trunk_id_is_marked_deprecated() -> None:
    assert "`sip_trunk_id` — deprecated" in (ROOT / "docs" / "resources.md").read_text()
    assert "Deprecated:" in (ROOT / "schema.json").read_text()
