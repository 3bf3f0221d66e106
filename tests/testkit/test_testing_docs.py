"""docs/testing.md shows the example test as it is, and links only to files that exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "testing.md"


def test_the_page_shows_the_complete_example_test_verbatim() -> None:
    example = (ROOT / "examples" / "testing" / "test_program.py").read_text()
    assert f"```python\n{example}```\n" in PAGE.read_text()


def test_every_relative_link_of_the_page_exists() -> None:
    targets = re.findall(r"\]\((?!https?:)([^)#]+)\)", PAGE.read_text())
    assert targets
    for target in targets:
        assert (PAGE.parent / target).exists(), target
