"""The steps of ``pulumi-speko run``: each resource through the SDK's provider host.

:class:`LocalEngine` does what the Pulumi engine does with a dynamic resource, minus
what only the CLI adds (parallelism, ``protect``, ``ignore_changes``, aliases, secret
encryption): ``Check`` the program's inputs against the previous ones, ``Diff`` them
against the outputs in :class:`~pulumi_speko.runner.state.LocalState`, then ``Create``,
``Update`` or replace (deleting first when the provider asks), ``Read`` on refresh and
``Delete`` on destroy, all over gRPC to ``python -m pulumi.dynamic``
(:class:`~pulumi_speko.testing.engine.EngineHost`). In preview it stops after ``Diff``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

from pulumi_speko.constants import PROVIDER_KEY
from pulumi_speko.runner.state import LocalState, ResourceState

if TYPE_CHECKING:
    from pulumi_speko.testing.engine import EngineHost

__all__ = ["PROVIDER_KEY", "LocalEngine", "RunError", "Step", "StepListener"]

# Step kinds, as `pulumi preview` names them.
CREATE: Final = "create"
UPDATE: Final = "update"
REPLACE: Final = "replace"
SAME: Final = "same"
DELETE: Final = "delete"
READ: Final = "read"  # a read-only reference (`PhoneNumber.get`), or a refresh
GONE: Final = "gone"  # refresh found the resource deleted outside the stack
CHANGING_STEPS: Final = frozenset({CREATE, UPDATE, REPLACE, DELETE, GONE})


class RunError(Exception):
    """A step failed; the message is one line naming the step, resource and cause."""


@dataclass(frozen=True)
class Step:
    """One thing the run did (or, in preview, would do) to one resource.

    ``outputs`` are the resource's outputs after the step (before it for a delete);
    ``changed`` lists the properties a diff or refresh found different.
    """

    kind: str
    type_name: str
    name: str
    id: str
    outputs: dict[str, Any] = field(repr=False)
    changed: tuple[str, ...] = ()


StepListener = Callable[[Step], None]


@dataclass
class LocalEngine:
    """Applies a program's registrations to ``state`` through ``host``."""

    host: EngineHost
    state: LocalState
    preview: bool = False
    on_step: StepListener | None = None
    steps: list[Step] = field(default_factory=list)
    registered: set[str] = field(default_factory=set)

    # -- the program's registrations -------------------------------------------------

    def register(
        self, type_token: str, name: str, inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """Check, diff and (unless previewing) apply one resource; its id and outputs."""
        if PROVIDER_KEY not in inputs:
            raise RunError(
                f"{type_token} {name}: not a dynamic-provider resource; pulumi-speko run "
                "drives only those (use the Pulumi CLI for other packages)"
            )
        urn = self.host.urn(type_token, name)
        self.registered.add(urn)
        old = self.state.find(urn)
        checked = self._check(type_token, name, old, inputs)
        if old is None:
            return self._create(type_token, name, checked)
        with _step("diff", type_token, name):
            diff = self.host.diff(
                type_token, name, old.id, old.outputs, checked, old_inputs=old.inputs
            )
        changed = diff.changes if diff.changes is not None else checked != old.inputs
        if not changed:
            if not self.preview:  # the engine keeps the new inputs of an unchanged resource
                self.state.put(replace(old, inputs=checked))
                self._save()
            self._record(Step(SAME, old.type_name, name, old.id, old.outputs))
            return old.id, old.outputs
        if diff.replaces:
            return self._replace(old, checked, tuple(diff.replaces), diff.delete_before_replace)
        return self._update(old, checked)

    def read_reference(
        self, type_token: str, name: str, resource_id: str, inputs: Mapping[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        """A read-only reference (``Resource.get``): read, never recorded in state."""
        with _step("read", type_token, name):
            result = self.host.read(type_token, name, resource_id, inputs, inputs)
        if not result.id:
            raise RunError(f"read {_short(type_token)} {name}: {resource_id} does not exist")
        self._record(Step(READ, _short(type_token), name, result.id, result.properties))
        return result.id, result.properties

    def delete_unregistered(self) -> None:
        """Delete what the state holds but the program no longer declares (newest first)."""
        for old in reversed(list(self.state.resources)):
            if old.urn not in self.registered:
                self._delete(old)

    # -- the operations without a program ----------------------------------------------

    def refresh(self) -> None:
        """Read every resource of the state and record what the platform holds now."""
        for old in list(self.state.resources):
            with _step("refresh", old.type, old.name):
                result = self.host.read(old.type, old.name, old.id, old.outputs, old.inputs)
            if not result.id:
                self.state.remove(old.urn)
                self._save()
                self._record(Step(GONE, old.type_name, old.name, old.id, old.outputs))
                continue
            changed = _changed_keys(old.outputs, result.properties)
            self.state.put(
                ResourceState(
                    old.urn, old.type, old.name, result.id, result.inputs, result.properties
                )
            )
            self._save()
            self._record(Step(READ, old.type_name, old.name, result.id, result.properties, changed))

    def destroy(self) -> None:
        """Delete every resource of the state, newest first."""
        for old in reversed(list(self.state.resources)):
            self._delete(old)

    # -- steps -----------------------------------------------------------------------

    def _check(
        self, type_token: str, name: str, old: ResourceState | None, inputs: Mapping[str, Any]
    ) -> dict[str, Any]:
        olds = old.inputs if old is not None else {}
        with _step("check", type_token, name):
            checked = self.host.check(type_token, name, olds, inputs)
        if checked.failures:
            reasons = "; ".join(f"{prop}: {reason}" for prop, reason in checked.failures)
            raise RunError(f"check {_short(type_token)} {name}: {reasons}")
        return checked.inputs

    def _create(
        self, type_token: str, name: str, checked: dict[str, Any]
    ) -> tuple[str, dict[str, Any]]:
        if self.preview:
            self._record(Step(CREATE, _short(type_token), name, "", checked))
            return "", checked  # the engine shows inputs as outputs in preview
        with _step("create", type_token, name):
            new_id, outputs = self.host.create(type_token, name, checked)
        urn = self.host.urn(type_token, name)
        self.state.put(ResourceState(urn, type_token, name, new_id, checked, outputs))
        self._save()
        self._record(Step(CREATE, _short(type_token), name, new_id, outputs))
        return new_id, outputs

    def _update(self, old: ResourceState, checked: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        changed = _changed_keys(old.inputs, checked)
        if self.preview:
            planned = {**old.outputs, **checked}
            self._record(Step(UPDATE, old.type_name, old.name, old.id, planned, changed))
            return old.id, planned
        with _step("update", old.type, old.name):
            outputs = self.host.update(
                old.type, old.name, old.id, old.outputs, checked, old_inputs=old.inputs
            )
        self.state.put(ResourceState(old.urn, old.type, old.name, old.id, checked, outputs))
        self._save()
        self._record(Step(UPDATE, old.type_name, old.name, old.id, outputs, changed))
        return old.id, outputs

    def _replace(
        self,
        old: ResourceState,
        checked: dict[str, Any],
        replaces: tuple[str, ...],
        delete_first: bool,
    ) -> tuple[str, dict[str, Any]]:
        if self.preview:
            self._record(Step(REPLACE, old.type_name, old.name, "", checked, replaces))
            return "", checked
        if delete_first:  # the provider asked: the platform holds one live row per E.164
            self._delete_live(old)
        with _step("create", old.type, old.name):
            new_id, outputs = self.host.create(old.type, old.name, checked)
        self.state.put(ResourceState(old.urn, old.type, old.name, new_id, checked, outputs))
        self._save()
        if not delete_first:
            with _step("delete", old.type, old.name):
                self.host.delete(old.type, old.name, old.id, old.outputs, old_inputs=old.inputs)
        self._record(Step(REPLACE, old.type_name, old.name, new_id, outputs, replaces))
        return new_id, outputs

    def _delete(self, old: ResourceState) -> None:
        if not self.preview:
            self._delete_live(old)
        self._record(Step(DELETE, old.type_name, old.name, old.id, old.outputs))

    def _delete_live(self, old: ResourceState) -> None:
        with _step("delete", old.type, old.name):
            self.host.delete(old.type, old.name, old.id, old.outputs, old_inputs=old.inputs)
        self.state.remove(old.urn)
        self._save()

    # -- plumbing --------------------------------------------------------------------

    def _record(self, step: Step) -> None:
        self.steps.append(step)
        if self.on_step is not None:
            self.on_step(step)

    def _save(self) -> None:
        if not self.preview:
            self.state.save()


@contextmanager
def _step(verb: str, type_token: str, name: str) -> Iterator[None]:
    """Turn a provider's failure inside the block into a one-line :class:`RunError`."""
    from pulumi_speko.testing.engine import EngineError  # grpc: only once a host runs

    try:
        yield
    except EngineError as error:
        raise RunError(f"{verb} {_short(type_token)} {name}: {error.last_line}") from None


def _short(type_token: str) -> str:
    return type_token.rsplit(":", 1)[-1]


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    keys = (set(old) | set(new)) - {PROVIDER_KEY}
    return tuple(sorted(k for k in keys if old.get(k) != new.get(k)))
