"""The local state file of ``pulumi-speko run``: what each resource was, as JSON.

One file per stack: for every resource the runner manages, its URN, type, name, id,
checked inputs (``__provider`` included, which holds no credential) and outputs, in the
order they were created; plus the last stack outputs. Stack config, and so the API key,
is never written. The file is rewritten whole after each step, so an interrupted run
keeps what it had done.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

__all__ = ["STATE_VERSION", "LocalState", "ResourceState", "StateFileError"]

STATE_VERSION: Final = 1


class StateFileError(Exception):
    """The state file cannot be read or written (one line: which file, what to do)."""


@dataclass
class ResourceState:
    """One resource as the last run left it."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]

    @property
    def type_name(self) -> str:
        """The short type name (``PhoneNumber``) of a token such as ``...:speko:PhoneNumber``."""
        return self.type.rsplit(":", 1)[-1]


@dataclass
class LocalState:
    """Every resource of one stack, in creation order, and its stack outputs."""

    path: Path
    project: str
    stack: str
    resources: list[ResourceState] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, project: str, stack: str) -> LocalState:
        """The state in ``path``, or an empty state when the file does not exist yet."""
        if not path.exists():
            return cls(path, project, stack)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            resources = [ResourceState(**entry) for entry in document["resources"]]
            outputs = dict(document.get("outputs") or {})
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise StateFileError(
                f"cannot read the state file {path} ({error}); move it away to start afresh "
                "(the numbers it recorded stay on the platform)"
            ) from None
        return cls(path, project, stack, resources, outputs)

    def find(self, urn: str) -> ResourceState | None:
        """The resource with this URN, if the state holds it."""
        return next((r for r in self.resources if r.urn == urn), None)

    def put(self, resource: ResourceState) -> None:
        """Record ``resource``, in place of the entry with its URN if there is one."""
        for index, known in enumerate(self.resources):
            if known.urn == resource.urn:
                self.resources[index] = resource
                return
        self.resources.append(resource)

    def remove(self, urn: str) -> None:
        """Forget the resource with this URN."""
        self.resources = [r for r in self.resources if r.urn != urn]

    def save(self) -> None:
        """Write the file atomically (a temporary file renamed over it)."""
        document = {
            "version": STATE_VERSION,
            "project": self.project,
            "stack": self.stack,
            "resources": [asdict(r) for r in self.resources],
            "outputs": self.outputs,
        }
        text = json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".state-")
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.replace(temporary, self.path)
        except OSError as error:
            raise StateFileError(f"cannot write the state file {self.path}: {error}") from None
