"""The org's numbers no resource of a stack manages, and the Python that adopts them.

``pulumi import`` cannot serve dynamic providers, so the path that brings a number made
in the dashboard under code is a resource declared with ``adopt_existing=True``: its
create finds the number in the org and takes it over, changing nothing when the
declared routing is the live one. :func:`discover` finds the numbers
(:class:`Discovery`), :func:`render_python` writes the declarations, :func:`render_json`
the same facts for tools. For stacks on the native ``speko`` plugin, which
``pulumi import`` can serve, :func:`render_import_file` writes the bulk-import file
``pulumi import --file`` reads (the native type per source, the resource name, the id).

A number is *managed* when a speko number resource of the export has its id (entries
pending deletion and read-only ``.get`` references included: those numbers are
accounted for). A number whose E.164 a resource of the export still names under
another id, or a pending create names, is *claimed*: declaring a second resource for it
would fight the first, so its code is written commented out with what to do instead.

Resource names come from the label (``"Support (EN)"`` -> ``support-en``), else the
E.164 (``phone-14155550100``, ``sip-442071838750``); a name that several numbers would
share, or that the export already uses, gets the E.164 digits appended. The variable is
that name as a Python identifier.

:func:`confirm_export_organization` refuses a key of another organization than the
export's: its numbers would all look unmanaged, and adopting them would put another
organization's numbers under this stack.
"""

from __future__ import annotations

import json
import keyword
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_speko.api.models import INBOUND_DIRECTIONS, PhoneNumberRecord
from pulumi_speko.audit.discover_command import FORMATS
from pulumi_speko.audit.rendering import json_report, plural, render_as
from pulumi_speko.audit.stack_export import StackExport
from pulumi_speko.families import native_token
from pulumi_speko.organization import confirm_same_organization

__all__ = [
    "DISCOVER_SCHEMA_VERSION",
    "FORMATS",
    "Adoption",
    "Discovery",
    "adoption_inputs",
    "confirm_export_organization",
    "discover",
    "render",
    "render_import_file",
    "render_json",
    "render_python",
]

DISCOVER_SCHEMA_VERSION: Final = 1
"""Bumped when a key of the JSON output changes meaning or goes away."""

MAX_NAME_LENGTH: Final = 48
_RESERVED_VARIABLES: Final = frozenset({"pulumi", "PhoneNumber", "SipTrunkPhoneNumber"})
_CLASS_BY_SOURCE: Final = {"managed": "PhoneNumber", "sip_trunk": "SipTrunkPhoneNumber"}
_NAME_PREFIX_BY_SOURCE: Final = {"managed": "phone", "sip_trunk": "sip"}
_INDENT: Final = "    "
_FLAT_WIDTH: Final = 72  # a literal this long after its indent stays on one line


# --- model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """One unmanaged number and the resource that would adopt it."""

    number: PhoneNumberRecord
    resource_type: str  # PhoneNumber or SipTrunkPhoneNumber
    resource_name: str
    variable: str
    inputs: dict[str, Any]
    protect: bool
    claimed_by: str | None = None  # the export's resource that already names this E.164
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Discovery:
    """The org's numbers that the export (if any) does not manage."""

    stack: str | None
    project: str | None
    base_url: str
    organization_numbers: int
    adoptions: tuple[Adoption, ...] = field(default=())


# --- finding -----------------------------------------------------------------------------


def discover(
    export: StackExport | None, live_numbers: Sequence[PhoneNumberRecord], *, base_url: str = ""
) -> Discovery:
    """The numbers of ``live_numbers`` no resource of ``export`` manages (all without one)."""
    managed_ids, claims, taken = _accounted_for(export)
    unmanaged = sorted((n for n in live_numbers if n.id not in managed_ids), key=lambda n: n.e164)
    names = _resource_names(unmanaged, taken)
    variables = _variables(names[n.id] for n in unmanaged)
    adoptions = tuple(
        Adoption(
            number=number,
            resource_type=_CLASS_BY_SOURCE[number.source],
            resource_name=names[number.id],
            variable=variable,
            inputs=adoption_inputs(number),
            protect=number.source == "managed",
            claimed_by=claims.get(number.e164),
            warnings=_warnings(number),
        )
        for number, variable in zip(unmanaged, variables, strict=True)
    )
    return Discovery(
        stack=export.stack if export else None,
        project=export.project if export else None,
        base_url=base_url,
        organization_numbers=len(live_numbers),
        adoptions=adoptions,
    )


def confirm_export_organization(export: StackExport | None, key_organization: str | None) -> None:
    """Raise :class:`~pulumi_speko.credentials.WrongOrganizationError` when the key is
    known to belong to another organization than a number resource of ``export`` was
    recorded under. An unknown organization passes: the key then lists no number."""
    if export is None:
        return
    for resource in export.speko_resources(include_pending_delete=True):
        recorded = resource.value("organization_id")
        if resource.is_number and isinstance(recorded, str):
            what = f"{resource.type_name} {resource.name} ({resource.id}) in the stack export"
            confirm_same_organization(recorded, key_organization, what)


def _accounted_for(export: StackExport | None) -> tuple[set[str], dict[str, str], set[str]]:
    """(ids the export manages, E.164 -> the resource naming it, resource names in use)."""
    if export is None:
        return set(), {}, set()
    numbers = export.speko_resources(include_pending_delete=True)
    pending = [op.resource for op in export.speko_pending_operations()]
    managed_ids = {r.id for r in numbers if r.is_number and r.id}
    claims = {
        e164: f"{r.type_name} {r.name}"
        for r in [*numbers, *pending]
        if r.is_number and isinstance(e164 := r.value("e164"), str)
    }
    taken = {r.name for r in [*numbers, *pending]}
    return managed_ids, claims, taken


def adoption_inputs(number: PhoneNumberRecord) -> dict[str, Any]:
    """The inputs that adopt ``number`` as it is: identity, SIP trunk, routing.

    Unset routing fields are left out (an omitted field and a null one diff the same).
    Only one SIP identifier is given, the installation when both are set, because the
    resource refuses both (the platform ignores the trunk id then).
    """
    inputs: dict[str, Any] = {"e164": number.e164}
    if number.source == "sip_trunk":
        if number.sip_connection_installation_id is not None:
            inputs["sip_connection_installation_id"] = number.sip_connection_installation_id
        elif number.sip_trunk_id is not None:
            inputs["sip_trunk_id"] = number.sip_trunk_id
        if number.sip_provider_name is not None:
            inputs["sip_provider_name"] = number.sip_provider_name
    inputs["direction"] = number.direction
    for name in ("agent_id", "label", "dispatch_metadata_template"):
        value = getattr(number, name)
        if value is not None:
            inputs[name] = value
    inputs["adopt_existing"] = True
    return inputs


def _warnings(number: PhoneNumberRecord) -> tuple[str, ...]:
    warnings: list[str] = []
    unrouted = number.agent_id is None and number.dispatch_metadata_template is None
    if number.direction in INBOUND_DIRECTIONS and unrouted:
        warnings.append(
            f"takes {number.direction} calls with no agent_id nor dispatch_metadata_template: "
            "set one before `pulumi up` (the resource's check refuses it)"
        )
    both_sip_ids = number.sip_connection_installation_id is not None and number.sip_trunk_id
    if number.source == "sip_trunk" and both_sip_ids:
        warnings.append(
            f"also has sip_trunk_id {number.sip_trunk_id!r}, which the resource cannot declare "
            "next to sip_connection_installation_id: a later diff will want to replace it"
        )
    return tuple(warnings)


# --- names -------------------------------------------------------------------------------


def _resource_names(numbers: Sequence[PhoneNumberRecord], taken: Iterable[str]) -> dict[str, str]:
    """A unique resource name per number id."""
    bases = {number.id: _base_name(number) for number in numbers}
    shared = Counter(bases.values())
    used = set(taken)
    names: dict[str, str] = {}
    for number in numbers:
        name = bases[number.id]
        if shared[name] > 1 or name in used:
            name = f"{name}-{_digits(number)}"
        candidate, counter = name, 2
        while candidate in used:
            candidate, counter = f"{name}-{counter}", counter + 1
        used.add(candidate)
        names[number.id] = candidate
    return names


def _base_name(number: PhoneNumberRecord) -> str:
    slug = _slug(number.label or "")
    return slug or f"{_NAME_PREFIX_BY_SOURCE[number.source]}-{_digits(number)}"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_NAME_LENGTH].rstrip("-")


def _digits(number: PhoneNumberRecord) -> str:
    return number.e164.lstrip("+")


def _variables(names: Iterable[str]) -> list[str]:
    """A distinct Python identifier per resource name."""
    used: set[str] = set()
    variables: list[str] = []
    for name in names:
        variable = name.replace("-", "_")
        if variable[0].isdigit():
            variable = f"number_{variable}"
        if keyword.iskeyword(variable) or variable in _RESERVED_VARIABLES:
            variable = f"{variable}_number"
        candidate, counter = variable, 2
        while candidate in used:
            candidate, counter = f"{variable}_{counter}", counter + 1
        used.add(candidate)
        variables.append(candidate)
    return variables


# --- rendering ---------------------------------------------------------------------------


def render_json(discovery: Discovery) -> str:
    """The unmanaged numbers, each with the resource that would adopt it."""
    return json_report(
        DISCOVER_SCHEMA_VERSION,
        discovery,
        organization_numbers=discovery.organization_numbers,
        unmanaged=[_adoption_json(adoption) for adoption in discovery.adoptions],
    )


def _adoption_json(adoption: Adoption) -> dict[str, Any]:
    live = adoption.number.model_dump(mode="json", by_alias=False)
    return {
        **{name: live[name] for name in ("id", "e164", "source", "setup_status", "created_at")},
        "resource_type": adoption.resource_type,
        "resource_name": adoption.resource_name,
        "variable": adoption.variable,
        "inputs": adoption.inputs,
        "protect": adoption.protect,
        "claimed_by": adoption.claimed_by,
        "warnings": list(adoption.warnings),
    }


def render_import_file(discovery: Discovery) -> str:
    """The bulk-import file of ``pulumi import --file`` for the native ``speko`` plugin:
    ``{"resources": [{"type", "name", "id"}, ...]}``, one entry per unmanaged number
    (``speko:index:PhoneNumber`` for a managed one, ``speko:index:SipTrunkPhoneNumber``
    for a SIP-trunk one). A claimed number is left out: importing it would give the
    E.164 a second resource beside the one the stack already has."""
    resources = [
        {"type": native_token(a.resource_type), "name": a.resource_name, "id": a.number.id}
        for a in discovery.adoptions
        if a.claimed_by is None
    ]
    return json.dumps({"resources": resources}, indent=2) + "\n"


def render_python(discovery: Discovery) -> str:
    """Python declaring one resource per unmanaged number, ready to paste in a program."""
    lines = _header(discovery)
    active = [a for a in discovery.adoptions if a.claimed_by is None]
    if discovery.adoptions:
        lines += ["", *_imports(active)]
    for adoption in discovery.adoptions:
        lines += ["", *_declaration(adoption)]
    return "\n".join(lines) + "\n"


def _header(discovery: Discovery) -> list[str]:
    total, count = discovery.organization_numbers, len(discovery.adoptions)
    lines = [f"# Generated by `pulumi-speko discover` from {discovery.base_url}."]
    if discovery.stack is None:
        lines.append(f"# The organization's {plural(total, 'number')} (no stack export given).")
    else:
        stack = f"{discovery.project}/{discovery.stack}"
        verb = "is" if count == 1 else "are"
        lines.append(
            f"# Of the organization's {plural(total, 'number')}, {count} {verb} not managed by "
            f"{stack}."
        )
    if count == 0:
        lines.append("# Nothing to adopt.")
    else:
        lines += [
            "# Add these declarations to the program, check that `pulumi preview` only creates",
            "# them (adopting changes nothing on a number whose routing is declared as it is),",
            "# then run `pulumi up`. Managed numbers are protected: releasing one is final.",
        ]
    return [_comment_safe(line) for line in lines]


def _imports(active: Sequence[Adoption]) -> list[str]:
    classes = sorted({a.resource_type for a in active}) or ["PhoneNumber"]
    lines = ["import pulumi"] if any(a.protect for a in active) else []
    return [*lines, f"from pulumi_speko import {', '.join(classes)}"]


def _declaration(adoption: Adoption) -> list[str]:
    number = adoption.number
    setup = number.setup_status.status
    if number.setup_status.issues:
        setup += f" ({', '.join(number.setup_status.issues)})"
    comments = [f"# {number.id}: {number.e164}, {number.source}, setup {setup}"]
    comments += [f"# WARNING: {warning}" for warning in adoption.warnings]
    code = [
        f"{adoption.variable} = {adoption.resource_type}(",
        f"{_INDENT}{_literal(adoption.resource_name)},",
        *(
            f"{_INDENT}{name}={_literal(value, _INDENT)},"
            for name, value in adoption.inputs.items()
        ),
    ]
    if adoption.protect:
        code.append(f"{_INDENT}opts=pulumi.ResourceOptions(protect=True),")
    code.append(")")
    if adoption.claimed_by is not None:
        comments.append(
            f"# NOT DECLARED: the export's {adoption.claimed_by} already names {number.e164} "
            "(under another id, or in a pending create). Set adopt_existing=True on that "
            "resource and run `pulumi refresh` then `pulumi up` instead of adding this one:"
        )
        code = [f"# {line}" for line in "\n".join(code).split("\n")]
    return [*(_comment_safe(line) for line in comments), *code]


def _comment_safe(line: str) -> str:
    """A comment line with line breaks and other control characters made spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in line)


def _literal(value: Any, indent: str = "") -> str:
    """A Python literal of a JSON value; objects and lists too long for one line span
    several, like black writes them."""
    flat = _flat_literal(value)
    if len(indent) + len(flat) <= _FLAT_WIDTH or not isinstance(value, (Mapping, list, tuple)):
        return flat
    inner = indent + _INDENT
    if isinstance(value, Mapping):
        items = [f"{_string_literal(str(k))}: {_literal(v, inner)}" for k, v in value.items()]
        return "{\n" + "".join(f"{inner}{item},\n" for item in items) + indent + "}"
    items = [_literal(v, inner) for v in value]
    return "[\n" + "".join(f"{inner}{item},\n" for item in items) + indent + "]"


def _flat_literal(value: Any) -> str:
    if isinstance(value, str):
        return _string_literal(value)
    if isinstance(value, Mapping):
        items = (f"{_string_literal(str(k))}: {_flat_literal(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flat_literal(v) for v in value) + "]"
    return repr(value)  # None, bool, int, float: their repr is their literal


def _string_literal(text: str) -> str:
    """``repr`` (always exact), in double quotes when that needs no escaping."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        return f'"{literal[1:-1]}"'
    return literal


_RENDERERS: Final[dict[str, Callable[[Discovery], str]]] = {  # in the order of FORMATS
    "python": render_python,
    "json": render_json,
    "import-file": render_import_file,
}


def render(discovery: Discovery, output_format: str) -> str:
    """The discovery as ``python``, ``json`` or ``import-file`` (see :data:`FORMATS`)."""
    return render_as(_RENDERERS, discovery, output_format)
