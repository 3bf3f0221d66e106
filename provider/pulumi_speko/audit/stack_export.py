"""Reading a ``pulumi stack export`` file: the speko resources it holds, secrets redacted.

The file is ``{"version": N, "deployment": {...}}``. Deployment version 3 (every Pulumi
CLI since 2019) has ``manifest``, ``secrets_providers``, ``resources`` and
``pending_operations``; versions 1 and 2 are read too (they lack the newer fields), and
any other version is a :class:`StackExportError`.

Secret values (``{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
"ciphertext": "…"}``, or ``"plaintext"`` in an export made with ``--show-secrets``) are
replaced by :data:`SECRET` while parsing: nothing read from this module can print a
ciphertext or a decrypted value. Every speko resource's ``__provider`` is such a secret.

:func:`load_stack_export` is the entry point; :meth:`StackExport.speko_resources` gives
each speko resource with its type, name, URN, id, inputs, outputs and ``protect``.

Resources of the native plugin (``speko:index:*``, camelCase properties) are read
through :mod:`pulumi_speko.families`: they get the dynamic family's type token and
snake_case properties (``native`` says which family a resource came from), so
``audit``, ``drift`` and ``discover`` read both families alike.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Final

from pulumi_speko.audit.input_file import READ_PROBLEMS, read_input_text
from pulumi_speko.constants import (
    BUSINESS_VERIFICATION_TYPE,
    NUMBER_TYPES,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)
from pulumi_speko.constants import TYPE_TOKEN_PREFIX as SPEKO_TYPE_PREFIX
from pulumi_speko.families import dynamic_token, is_native, snake_properties

__all__ = [
    "BUSINESS_VERIFICATION_TYPE",
    "NUMBER_TYPES",
    "PHONE_NUMBER_TYPE",
    "SECRET",
    "SIP_TRUNK_PHONE_NUMBER_TYPE",
    "SPEKO_TYPE_PREFIX",
    "SUPPORTED_VERSIONS",
    "Marker",
    "PendingOperation",
    "PropertyValues",
    "SecretValue",
    "StackExport",
    "StackExportError",
    "StateResource",
    "load_stack_export",
    "parse_stack_export",
    "redact_secrets",
]

SUPPORTED_VERSIONS: Final = (1, 2, 3)

_SIG_KEY: Final = "4dabf18193072939515e22adb298388d"
_SECRET_SIG: Final = "1b47061264138c4ac30d75fd1eb44270"
_STACK_TYPE: Final = "pulumi:pulumi:Stack"
_READ_PROBLEMS: Final = {
    **READ_PROBLEMS,
    IsADirectoryError: "is a directory, not a stack export file",
    UnicodeDecodeError: "not UTF-8 text; pass a JSON stack export",
}


class StackExportError(Exception):
    """The file cannot be read as a stack export; the message is one line for operators."""


class Marker:
    """The type of a value that stands for one never shown: its ``str`` is ``text``, its
    ``repr`` the constant's ``name``."""

    name: ClassVar[str]
    text: ClassVar[str]

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.name


@dataclass(frozen=True, repr=False)
class SecretValue(Marker):
    """Stands for a secret value of the export; its content is never kept."""

    name = "SECRET"
    text = "[secret]"


SECRET: Final = SecretValue()
"""The value every secret of the export is replaced with."""


class PropertyValues:
    """A resource state's ``inputs`` and ``outputs``, read by :meth:`value`."""

    inputs: Mapping[str, Any]
    outputs: Mapping[str, Any]

    def value(self, key: str) -> Any:
        """An output, else the input of that name (``None`` when neither is set)."""
        output = self.outputs.get(key)
        return output if output is not None else self.inputs.get(key)


@dataclass(frozen=True)
class StateResource(PropertyValues):
    """One resource entry of the deployment, with secrets replaced by :data:`SECRET`."""

    urn: str
    type: str
    id: str | None = None
    custom: bool = False
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    parent: str | None = None
    provider: str | None = None
    delete: bool = False
    pending_replacement: bool = False
    external: bool = False
    created: str | None = None
    modified: str | None = None
    native: bool = False
    """Whether the state holds it under a native token (``speko:index:*``)."""

    @property
    def name(self) -> str:
        """The resource name: the last component of the URN."""
        return urn_name(self.urn)

    @property
    def type_name(self) -> str:
        """The type's last component: ``PhoneNumber`` for a speko phone number."""
        return self.type.rsplit(":", 1)[-1]

    @property
    def is_speko(self) -> bool:
        """Whether the resource is one of this package's (by its type token)."""
        return self.type.startswith(SPEKO_TYPE_PREFIX)

    @property
    def is_number(self) -> bool:
        """Whether it is a PhoneNumber or a SipTrunkPhoneNumber."""
        return self.type in NUMBER_TYPES

    @property
    def is_verification(self) -> bool:
        """Whether it is a BusinessVerification."""
        return self.type == BUSINESS_VERIFICATION_TYPE

    @property
    def type_source(self) -> str:
        """The source a number of its type holds: ``managed`` for a PhoneNumber, else
        ``sip_trunk``."""
        return "managed" if self.type == PHONE_NUMBER_TYPE else "sip_trunk"


@dataclass(frozen=True)
class PendingOperation:
    """An operation the engine started and never recorded the end of."""

    type: str
    resource: StateResource


@dataclass(frozen=True)
class StackExport:
    """A parsed ``pulumi stack export`` document."""

    version: int
    resources: tuple[StateResource, ...] = ()
    pending_operations: tuple[PendingOperation, ...] = ()
    manifest_time: str | None = None
    pulumi_version: str | None = None
    secrets_provider: str | None = None

    @property
    def stack(self) -> str | None:
        """The stack name, from the stack resource's URN (``None`` for an empty export)."""
        root = self._root()
        return urn_stack(root.urn) if root else None

    @property
    def project(self) -> str | None:
        """The project name, from the stack resource's URN."""
        root = self._root()
        return urn_project(root.urn) if root else None

    def _root(self) -> StateResource | None:
        return next((r for r in self.resources if r.type == _STACK_TYPE), None)

    def speko_resources(self, include_pending_delete: bool = False) -> list[StateResource]:
        """The speko resources, in state order.

        Entries marked ``delete`` (old copies left by an interrupted replacement) are
        left out unless ``include_pending_delete``.
        """
        return [
            r for r in self.resources if r.is_speko and (include_pending_delete or not r.delete)
        ]

    def speko_pending_operations(self) -> list[PendingOperation]:
        """The pending operations on speko resources."""
        return [op for op in self.pending_operations if op.resource.is_speko]

    def find(self, urn: str) -> StateResource | None:
        """The resource with that URN, if any."""
        return next((r for r in self.resources if r.urn == urn), None)


def _urn_parts(urn: str) -> list[str]:
    # urn:pulumi:<stack>::<project>::<qualified type>::<name>; a name may contain "::".
    return urn.split("::", 3)


def urn_name(urn: str) -> str:
    """The name component of a URN (the whole string when it is not a URN)."""
    parts = _urn_parts(urn)
    return parts[3] if len(parts) == 4 else urn


def urn_stack(urn: str) -> str | None:
    """The stack component of a URN."""
    head = _urn_parts(urn)[0]
    return head.split(":", 2)[2] if head.startswith("urn:pulumi:") else None


def urn_project(urn: str) -> str | None:
    """The project component of a URN."""
    parts = _urn_parts(urn)
    return parts[1] if len(parts) == 4 else None


# --- parsing -----------------------------------------------------------------------------


def add_stack_export_argument(parser: argparse.ArgumentParser, *, optional: str = "") -> None:
    """Declare the ``STACK_EXPORT.json`` positional of the commands that read one;
    ``optional`` explains what the command does without it (and makes it optional)."""
    help_text = "the output of `pulumi stack export` ('-' reads standard input)"
    parser.add_argument(
        "stack_export",
        metavar="STACK_EXPORT.json",
        nargs="?" if optional else None,
        help=f"{help_text}; {optional}" if optional else help_text,
    )


def load_stack_export(path: str | Path) -> StackExport:
    """Read and parse a stack export file (``"-"`` reads standard input).

    Raises :class:`StackExportError` with a one-line message when the file cannot be
    read, is not JSON, or is not a stack export this module understands.
    """
    text = read_input_text(path, StackExportError, problems=_READ_PROBLEMS)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise StackExportError(
            f"{path}: not JSON ({error.msg} at line {error.lineno}, column {error.colno}); "
            "pass the output of `pulumi stack export`"
        ) from None
    try:
        return parse_stack_export(document)
    except StackExportError as error:
        raise StackExportError(f"{path}: {error}") from None


def parse_stack_export(document: Any) -> StackExport:
    """Parse an already-decoded stack export document (see :func:`load_stack_export`)."""
    if not isinstance(document, dict) or "deployment" not in document:
        raise StackExportError(
            'not a stack export: expected {"version": 3, "deployment": {...}} '
            "as written by `pulumi stack export`"
        )
    version = document.get("version")
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        raise StackExportError(
            f"unsupported deployment version {version!r}: this tool reads versions 1 to 3"
        )
    deployment = document["deployment"]
    if not isinstance(deployment, dict):
        raise StackExportError('"deployment" is not an object')
    manifest = _object(deployment.get("manifest"), '"deployment.manifest"')
    secrets_providers = _object(deployment.get("secrets_providers"), '"secrets_providers"')
    return StackExport(
        version=int(version),
        resources=tuple(
            _parse_resource(entry, f"resources[{index}]")
            for index, entry in enumerate(_list(deployment.get("resources"), '"resources"'))
        ),
        pending_operations=tuple(
            _parse_operation(entry, f"pending_operations[{index}]")
            for index, entry in enumerate(
                _list(deployment.get("pending_operations"), '"pending_operations"')
            )
        ),
        manifest_time=_optional_str(manifest.get("time")),
        pulumi_version=_optional_str(manifest.get("version")),
        secrets_provider=_optional_str(secrets_providers.get("type")),
    )


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StackExportError(f"{where} is not an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise StackExportError(f"{where} is not a list")
    return value


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _parse_resource(entry: Any, where: str) -> StateResource:
    if not isinstance(entry, dict):
        raise StackExportError(f"{where} is not an object")
    urn, type_token = entry.get("urn"), entry.get("type")
    if not isinstance(urn, str) or not isinstance(type_token, str):
        raise StackExportError(f'{where} has no "urn" or "type" string')
    resource_id = entry.get("id")
    native = is_native(type_token)
    return StateResource(
        urn=urn,
        type=dynamic_token(type_token),
        id=resource_id if isinstance(resource_id, str) and resource_id else None,
        custom=entry.get("custom") is True,
        inputs=_properties(_object(entry.get("inputs"), f"{where}.inputs"), native),
        outputs=_properties(_object(entry.get("outputs"), f"{where}.outputs"), native),
        protect=entry.get("protect") is True,
        parent=_optional_str(entry.get("parent")),
        provider=_optional_str(entry.get("provider")),
        delete=entry.get("delete") is True,
        pending_replacement=entry.get("pendingReplacement") is True,
        external=entry.get("external") is True,
        created=_optional_str(entry.get("created")),
        modified=_optional_str(entry.get("modified")),
        native=native,
    )


def _properties(bag: dict[str, Any], native: bool) -> dict[str, Any]:
    """A property bag with secrets redacted, in snake_case when it is a native one."""
    redacted: dict[str, Any] = redact_secrets(bag)
    return snake_properties(redacted) if native else redacted


def _parse_operation(entry: Any, where: str) -> PendingOperation:
    if not isinstance(entry, dict):
        raise StackExportError(f"{where} is not an object")
    operation_type = entry.get("type")
    return PendingOperation(
        type=operation_type if isinstance(operation_type, str) else "unknown",
        resource=_parse_resource(entry.get("resource"), f"{where}.resource"),
    )


def redact_secrets(value: Any) -> Any:
    """A copy of a property value with each secret replaced by :data:`SECRET`."""
    if isinstance(value, dict):
        if value.get(_SIG_KEY) == _SECRET_SIG:
            return SECRET
        return {key: redact_secrets(child) for key, child in value.items()}
    if isinstance(value, list):
        return [redact_secrets(child) for child in value]
    return value
