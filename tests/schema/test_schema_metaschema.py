"""``schema.json`` is a valid Pulumi package schema.

The test id says which metaschema was used: ``[shared]`` (the reference next to the
repository) or ``[vendored]`` (the copy in this directory).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    SHARED_METASCHEMA,
    VENDORED_METASCHEMA,
    metaschema_location,
    metaschema_validator,
)

SOURCE, METASCHEMA = metaschema_location()


@pytest.mark.parametrize("metaschema", [METASCHEMA], ids=[SOURCE])
def test_committed_schema_satisfies_the_pulumi_metaschema(
    metaschema: Path, committed: dict[str, Any]
) -> None:
    assert metaschema.is_file(), f"no metaschema at {metaschema}"
    errors = sorted(metaschema_validator(metaschema).iter_errors(committed), key=str)
    details = "; ".join(f"{error.json_path}: {error.message[:200]}" for error in errors[:5])
    assert not errors, f"schema.json fails the {SOURCE} metaschema {metaschema}: {details}"


def test_metaschema_rejects_what_pulumi_would_reject(committed: dict[str, Any]) -> None:
    broken = copy.deepcopy(committed)
    broken["version"] = "1.2"  # not semver: the translated named-group pattern must catch it
    broken["config"]["variables"]["apiKey"]["secret"] = "yes"
    broken["resources"]["speko::9PhoneNumber"] = {}
    broken["surprise"] = True
    paths = {error.json_path for error in metaschema_validator(METASCHEMA).iter_errors(broken)}
    assert {"$.version", "$.config.variables.apiKey.secret", "$.resources", "$"} <= paths


def test_vendored_metaschema_is_a_copy_of_the_shared_reference() -> None:
    if not SHARED_METASCHEMA.is_file():
        pytest.skip(f"no shared reference at {SHARED_METASCHEMA} to compare the vendored copy")
    assert VENDORED_METASCHEMA.read_bytes() == SHARED_METASCHEMA.read_bytes(), (
        f"copy {SHARED_METASCHEMA} over {VENDORED_METASCHEMA}"
    )
