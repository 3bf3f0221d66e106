"""Helpers over the preview fixtures (see conftest.py for what each fixture holds)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"

ReviewRun = Callable[..., tuple[int, str, str]]


def fixture_path(name: str) -> Path:
    """A fixture file by name."""
    return FIXTURES / name


def load_fixture(name: str) -> dict[str, Any]:
    """A digest fixture as data (to derive variants in a test)."""
    document: dict[str, Any] = json.loads(fixture_path(name).read_text())
    return document


def write_preview(tmp_path: Path, document: dict[str, Any]) -> Path:
    """A digest written to a file."""
    path = tmp_path / "preview.json"
    path.write_text(json.dumps(document))
    return path
