"""A tiny dynamic provider whose resources are JSON files, to test the engine harness.

Each resource is ``<store>/<id>.json`` holding its inputs, where ``<store>`` is the
directory named by the ``DUMMY_STORE_DIR`` environment variable of the host process.
``configure`` records the config it received in ``<store>/config.json``. Inputs:
``name`` (required; changing it replaces), ``size`` (non-negative number), anything
else is stored as is; ``fail`` makes create/update raise with that message,
``exclusive`` makes a replacement delete first.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Any, Final

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

TYPE_TOKEN: Final = "pulumi-python:dynamic/dummy:Thing"
STORE_ENV: Final = "DUMMY_STORE_DIR"
PROVIDER_KEY: Final = "__provider"
CONFIG_KEYS: Final = ("dummy:token", "dummy:region")

IMPORT_ROOT: Final = Path(__file__).resolve().parents[__name__.count(".")]
"""The sys.path entry this module is imported from: the host must import it the same way."""


def store() -> Path:
    """The directory holding the resources, from the host's environment."""
    return Path(os.environ[STORE_ENV])


def record_path(id_: str) -> Path:
    """Where resource ``id_`` lives."""
    return store() / f"{id_}.json"


def unknown_paths(value: Any, path: str = "") -> list[str]:
    """Paths (``a.b``, ``a[1]``) of the ``Unknown`` values inside ``value``."""
    if isinstance(value, Unknown):
        return [path]
    if isinstance(value, dict):
        items = [(f"{path}.{k}" if path else str(k), v) for k, v in value.items()]
    elif isinstance(value, list):
        items = [(f"{path}[{i}]", v) for i, v in enumerate(value)]
    else:
        return []
    return sorted(p for sub, v in items for p in unknown_paths(v, sub))


def _inputs(props: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def _is_non_negative(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0


def _outputs(inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs plus the Python type each one arrived as (numbers arrive as floats)."""
    return {**inputs, "types": {k: type(v).__name__ for k, v in inputs.items()}}


class DummyProvider(ResourceProvider):
    """Stores each resource as a JSON file; keeps no state on the instance."""

    def configure(self, req: ConfigureRequest) -> None:
        """Record the config received, to show what reaches a provider."""
        seen = {key: req.config.get(key) for key in CONFIG_KEYS}
        (store() / "config.json").write_text(json.dumps(seen))

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Require ``name``; ``size`` must be a non-negative number unless still unknown."""
        failures = []
        if "name" not in news:
            failures.append(CheckFailure("name", "name is required"))
        size = news.get("size")
        if size is not None and not isinstance(size, Unknown) and not _is_non_negative(size):
            failures.append(CheckFailure("size", "size must be a non-negative number"))
        inputs = dict(news)
        unknowns = unknown_paths(_inputs(news))
        if unknowns:
            inputs["unknown_paths"] = unknowns
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare inputs; a new ``name`` replaces, deleting first when ``exclusive``."""
        keys = (set(_inputs(news)) | set(_inputs(olds))) - {"types"}
        changed = sorted(k for k in keys if olds.get(k) != news.get(k))
        replaces = ["name"] if "name" in changed else []
        return DiffResult(
            changes=bool(changed),
            replaces=replaces,
            delete_before_replace=bool(replaces) and news.get("exclusive") is True,
        )

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Write the resource file; raise ``props["fail"]`` if given."""
        inputs = _inputs(props)
        if inputs.get("fail"):
            raise RuntimeError(inputs["fail"])
        id_ = uuid.uuid4().hex
        record_path(id_).write_text(json.dumps(inputs))
        print(f"dummy created {id_} {inputs.get('name')}")
        return CreateResult(id_, _outputs(inputs))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Return the file's live content, or tell the engine the resource is gone."""
        path = record_path(id_)
        if not path.exists():
            return ReadResult(None, {})
        live = json.loads(path.read_text())
        return ReadResult(id_, _outputs(live), inputs=live)

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Rewrite the resource file; raise ``news["fail"]`` if given."""
        inputs = _inputs(news)
        if inputs.get("fail"):
            raise RuntimeError(inputs["fail"])
        record_path(id_).write_text(json.dumps(inputs))
        return UpdateResult(_outputs(inputs))

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        """Remove the file; a missing one is already deleted."""
        record_path(id_).unlink(missing_ok=True)
