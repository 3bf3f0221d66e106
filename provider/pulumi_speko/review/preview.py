"""Reading what ``pulumi preview --json`` and ``pulumi up --json`` print.

Two forms are read:

- the **preview digest** (``pulumi preview --json``): one JSON object with ``config``,
  ``steps``, ``diagnostics``, ``duration`` and ``changeSummary``; each step has ``op``,
  ``urn``, ``provider``, ``oldState`` / ``newState`` (resource states with ``type``,
  ``inputs``, ``outputs``, ``id``, ``protect``), ``diffReasons``, ``replaceReasons``
  and ``detailedDiff`` (``{path: {"kind": …}}`` or null);
- the **engine-event stream** (``pulumi up --json``, or ``pulumi preview --json`` with
  ``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=1``): one event per line; the steps are the
  ``resourcePreEvent.metadata`` objects (``op``, ``urn``, ``type``, ``old`` / ``new``,
  ``keys``, ``diffs``, ``detailedDiff`` with ``diffKind``).

Values come out normalised: the engine's ``"[secret]"`` (and a stack export's secret
envelope) become :data:`~pulumi_speko.audit.stack_export.SECRET`, its unknown marker
becomes :data:`UNKNOWN`, and the native plugin's resources (``speko:index:*``,
camelCase) get the dynamic family's type token and snake_case names through
:mod:`pulumi_speko.families`, so everything after this module sees one family.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from pulumi_speko.audit.input_file import read_input_text
from pulumi_speko.audit.stack_export import (
    SECRET,
    SPEKO_TYPE_PREFIX,
    Marker,
    PropertyValues,
    redact_secrets,
)
from pulumi_speko.families import (
    NATIVE_TYPE_PREFIX,
    dynamic_token,
    is_native,
    snake_path,
    snake_properties,
)

__all__ = [
    "NATIVE_TYPE_PREFIX",
    "SECRET_TEXT",
    "UNKNOWN",
    "UNKNOWN_TEXT",
    "Preview",
    "PreviewError",
    "ResourceState",
    "Step",
    "load_preview",
    "parse_preview_text",
]

UNKNOWN_TEXT: Final = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine prints a value that is known only after apply."""
SECRET_TEXT: Final = "[secret]"
"""How the engine prints a secret value."""
_EXPECTED: Final = (
    'expected the output of `pulumi preview --json` (a JSON object with "steps") or of '
    "`pulumi up --json` (one engine event per line)"
)


class PreviewError(Exception):
    """The input cannot be read as a preview; the message is one line for operators."""


class _Unknown(Marker):
    """The type of :data:`UNKNOWN`."""

    name = "UNKNOWN"
    text = "known after apply"


UNKNOWN: Final = _Unknown()
"""Stands for a value the engine will know only after apply."""


@dataclass(frozen=True)
class ResourceState(PropertyValues):
    """A resource's state as a step shows it (values normalised); :meth:`value` reads it."""

    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None
    protect: bool = False


@dataclass(frozen=True)
class Step:
    """One step the engine plans, with the family-neutral type token."""

    op: str
    urn: str
    type: str
    native: bool = False
    old: ResourceState | None = None
    new: ResourceState | None = None
    diff_keys: tuple[str, ...] = ()
    replace_keys: tuple[str, ...] = ()

    @property
    def is_speko(self) -> bool:
        """Whether the resource is one of this package's (either family)."""
        return self.type.startswith(SPEKO_TYPE_PREFIX)


@dataclass(frozen=True)
class Preview:
    """The steps of a preview, in the order the engine printed them."""

    form: str  # "digest" or "events"
    steps: tuple[Step, ...] = ()


def load_preview(path: str | Path) -> Preview:
    """Read a preview file (``"-"`` reads standard input); :class:`PreviewError` names
    the file and what was expected when it is not one."""
    text = read_input_text(path, PreviewError, suffix=f"; {_EXPECTED}")
    try:
        return parse_preview_text(text)
    except PreviewError as error:
        raise PreviewError(f"{path}: {error}") from None


def parse_preview_text(text: str) -> Preview:
    """Parse either form from its text."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        return _parse_event_lines(text)
    if isinstance(document, dict) and _is_event(document):
        return Preview("events", tuple(_event_steps([document])))
    if isinstance(document, dict) and _is_digest(document):
        return Preview("digest", tuple(_digest_steps(document)))
    raise PreviewError(f"not a preview; {_EXPECTED}")


def _is_digest(document: Mapping[str, Any]) -> bool:
    return bool({"steps", "changeSummary", "config", "duration"} & document.keys())


def _is_event(document: Mapping[str, Any]) -> bool:
    return "sequence" in document or any(key.endswith("Event") for key in document)


def _parse_event_lines(text: str) -> Preview:
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            raise PreviewError(
                f"not JSON ({error.msg} at line {number}, column {error.colno}); {_EXPECTED}"
            ) from None
        if not isinstance(event, dict) or not _is_event(event):
            raise PreviewError(f"line {number} is not an engine event; {_EXPECTED}")
        events.append(event)
    if not events:
        raise PreviewError(f"empty input; {_EXPECTED}")
    return Preview("events", tuple(_event_steps(events)))


def _digest_steps(document: Mapping[str, Any]) -> Iterable[Step]:
    steps = document.get("steps") or []
    if not isinstance(steps, list):
        raise PreviewError(f'"steps" is not a list; {_EXPECTED}')
    for index, entry in enumerate(steps):
        if not isinstance(entry, dict):
            raise PreviewError(f"steps[{index}] is not an object; {_EXPECTED}")
        yield _step(
            entry,
            old=entry.get("oldState"),
            new=entry.get("newState"),
            diff_keys=_strings(entry.get("diffReasons")),
            replace_keys=_strings(entry.get("replaceReasons")),
            where=f"steps[{index}]",
        )


def _event_steps(events: Iterable[Mapping[str, Any]]) -> Iterable[Step]:
    # `pulumi up` may report one step twice (planning, then executing): keep the first.
    seen: set[tuple[str, str]] = set()
    for event in events:
        pre = event.get("resourcePreEvent")
        metadata = pre.get("metadata") if isinstance(pre, dict) else None
        if not isinstance(metadata, dict):
            continue
        step = _step(
            metadata,
            old=metadata.get("old"),
            new=metadata.get("new"),
            diff_keys=_strings(metadata.get("diffs")),
            replace_keys=_strings(metadata.get("keys")),
            where="resourcePreEvent.metadata",
        )
        if (step.urn, step.op) not in seen:
            seen.add((step.urn, step.op))
            yield step


def _step(
    entry: Mapping[str, Any],
    *,
    old: Any,
    new: Any,
    diff_keys: tuple[str, ...],
    replace_keys: tuple[str, ...],
    where: str,
) -> Step:
    op, urn = entry.get("op"), entry.get("urn")
    if not isinstance(op, str) or not isinstance(urn, str):
        raise PreviewError(f'{where} has no "op" or "urn" string; {_EXPECTED}')
    type_token = _type_of(entry, old, new, urn)
    native = is_native(type_token)
    detailed = entry.get("detailedDiff")
    detailed_keys = tuple(detailed) if isinstance(detailed, dict) else ()
    keys = tuple(dict.fromkeys(diff_keys + detailed_keys))
    return Step(
        op=op,
        urn=urn,
        type=dynamic_token(type_token),
        native=native,
        old=_state(old, native),
        new=_state(new, native),
        diff_keys=tuple(snake_path(key) for key in keys) if native else keys,
        replace_keys=tuple(snake_path(key) for key in replace_keys) if native else replace_keys,
    )


def _type_of(entry: Mapping[str, Any], old: Any, new: Any, urn: str) -> str:
    for candidate in (entry.get("type"), _get(new, "type"), _get(old, "type")):
        if isinstance(candidate, str) and candidate:
            return candidate
    # urn:pulumi:<stack>::<project>::<parent$>type::<name>
    parts = urn.split("::")
    return parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else ""


def _get(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, dict) else None


def _state(value: Any, native: bool) -> ResourceState | None:
    if not isinstance(value, dict):
        return None
    resource_id = value.get("id")
    return ResourceState(
        inputs=_properties(value.get("inputs"), native),
        outputs=_properties(value.get("outputs"), native),
        id=resource_id if isinstance(resource_id, str) and resource_id else None,
        protect=value.get("protect") is True,
    )


def _properties(value: Any, native: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {}
    bag = redact_secrets(value)
    normalised = _markers(snake_properties(bag) if native else bag)
    assert isinstance(normalised, dict)
    return normalised


def _markers(value: Any) -> Any:
    """The engine's printed markers as :data:`SECRET` and :data:`UNKNOWN`."""
    if value == SECRET_TEXT:
        return SECRET
    if value == UNKNOWN_TEXT:
        return UNKNOWN
    if isinstance(value, dict):
        return {key: _markers(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_markers(child) for child in value]
    return value


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))
