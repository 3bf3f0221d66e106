"""Where the committed schema and the Pulumi metaschema are, and how to load them.

The metaschema is ``../shared/reference/pulumi-package-metaschema.json`` next to the
repository when that copy exists (CI places ``shared/`` beside the clone), else the copy
vendored here. Its ``version`` pattern uses ``(?<name>...)`` groups, which Python's
``re`` spells ``(?P<name>...)``: they are translated, not dropped, so the pattern is
still enforced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from pulumi_speko.schema import generate_schema

REPO = Path(__file__).resolve().parents[2]
COMMITTED_SCHEMA = REPO / "schema.json"
SHARED_METASCHEMA = REPO.parent / "shared" / "reference" / "pulumi-package-metaschema.json"
VENDORED_METASCHEMA = Path(__file__).with_name("pulumi-package-metaschema.json")
_NAMED_GROUP = re.compile(r"\(\?<(?![=!])")


def metaschema_location() -> tuple[str, Path]:
    """Which metaschema the tests use (``shared`` or ``vendored``) and its path."""
    if SHARED_METASCHEMA.is_file():
        return "shared", SHARED_METASCHEMA
    return "vendored", VENDORED_METASCHEMA


def metaschema_validator(path: Path) -> Draft202012Validator:
    """A validator for the metaschema at ``path``, its regexes in Python's dialect."""
    metaschema = json.loads(_NAMED_GROUP.sub("(?P<", path.read_text(encoding="utf-8")))
    Draft202012Validator.check_schema(metaschema)
    return Draft202012Validator(metaschema)


@pytest.fixture(scope="session")
def committed() -> dict[str, Any]:
    """The committed ``schema.json``, parsed."""
    parsed: dict[str, Any] = json.loads(COMMITTED_SCHEMA.read_text(encoding="utf-8"))
    return parsed


@pytest.fixture(scope="session")
def schema() -> dict[str, Any]:
    """The schema the code generates now."""
    return generate_schema()
