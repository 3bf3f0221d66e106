"""A stack as the Pulumi engine keeps it, and an operator who reruns what failed.

:class:`Stack` holds what the engine would keep in state for each resource (id, outputs,
inputs) and performs the engine's steps through an :class:`~.support.Engine`: ``up`` of
one resource (check, diff, then create / update / replace, create-before-delete unless
the provider asks for delete-before-replace), ``destroy`` and ``refresh``. A replaced
resource whose old copy could not be deleted stays pending, and the next step deletes
it first, as the engine does.

:class:`Operator` runs a step and, when it fails, checks that the failure is one clear
line and reruns it, following the hint the line gives (declare the number that may have
been taken with ``adopt_existing`` once the organization is seen to hold it, set
``adopt_existing``, run ``pulumi refresh``), as a person at the terminal would.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pulumi_speko.testing.engine import EngineError

from .support import FIGURES, KYB, PHONE, SIP, Engine, assert_clear_error, user_props

T = TypeVar("T")
# "... check whether the organization holds +1...: if it does, declare e164="+1..." with
# adopt_existing=True": a create whose outcome is unknown.
_DECLARE_TO_ADOPT = re.compile(r'declare e164="(\+[0-9]+)" with adopt_existing=True')


@dataclass
class Declared:
    """A resource as the program declares it."""

    token: str
    props: dict[str, Any]


@dataclass
class Held:
    """A resource as the engine keeps it in state."""

    token: str
    id: str
    outputs: dict[str, Any]
    inputs: dict[str, Any]


@dataclass
class Stack:
    """The state of one stack, changed only by the engine's steps."""

    state: dict[str, Held] = field(default_factory=dict)
    pending_deletes: list[tuple[str, Held]] = field(default_factory=list)
    obtained: dict[str, set[str]] = field(default_factory=lambda: {PHONE: set(), SIP: set()})
    """Every distinct number id a successful create returned, per resource type."""
    gone_on_refresh: list[tuple[str, str]] = field(default_factory=list)
    """(name, id) of resources a refresh found gone."""

    def flush_pending(self, engine: Engine) -> None:
        """Delete the old copies of replaced resources (the engine does it first)."""
        while self.pending_deletes:
            name, held = self.pending_deletes[0]
            engine.delete(held.token, name, held.id, held.outputs)
            self.pending_deletes.pop(0)

    def up(self, engine: Engine, name: str, declared: Declared) -> str:
        """Bring one resource to its declaration; returns what was done."""
        self.flush_pending(engine)
        held = self.state.get(name)
        olds = user_props(held.inputs) if held else {}
        inputs = engine.checked(declared.token, name, declared.props, olds)
        if held is None:
            self._create(engine, name, declared.token, inputs)
            return "create"
        diff = engine.diff(
            declared.token, name, held.id, held.outputs, inputs, old_inputs=held.inputs
        )
        if not diff.changes:
            held.inputs = inputs
            return "same"
        if diff.replaces:
            if diff.delete_before_replace:
                engine.delete(held.token, name, held.id, held.outputs)
                del self.state[name]
                self._create(engine, name, declared.token, inputs)
            else:
                self._create(engine, name, declared.token, inputs)
                self.pending_deletes.append((name, held))
                self.flush_pending(engine)
            return "replace"
        outs = engine.update(
            declared.token, name, held.id, held.outputs, inputs, old_inputs=held.inputs
        )
        self.state[name] = Held(declared.token, held.id, outs, inputs)
        return "update"

    def _create(self, engine: Engine, name: str, token: str, inputs: dict[str, Any]) -> None:
        id_, outs = engine.create(token, name, inputs)
        self.state[name] = Held(token, id_, outs, inputs)
        if token in self.obtained:
            self.obtained[token].add(id_)

    def destroy(self, engine: Engine, name: str) -> None:
        """Delete a resource the program no longer declares."""
        self.flush_pending(engine)
        held = self.state[name]
        engine.delete(held.token, name, held.id, held.outputs)
        del self.state[name]

    def refresh(self, engine: Engine, name: str) -> str:
        """Read one resource; one the platform no longer has leaves the state."""
        held = self.state[name]
        result = engine.read(held.token, name, held.id, held.outputs, held.inputs)
        if result.id == "":
            del self.state[name]
            self.gone_on_refresh.append((name, held.id))
            return "gone"
        self.state[name] = Held(held.token, result.id, result.properties, result.inputs)
        return "read"

    def number_ids(self) -> list[str]:
        """The platform ids of every number in state (KYB excluded)."""
        return [held.id for held in self.state.values() if held.token != KYB]


class Operator:
    """Runs engine steps; on a failure, checks it is clear and reruns, like a person would."""

    def __init__(
        self,
        stack: Stack,
        program: dict[str, Declared],
        *,
        max_reruns: int = 10,
        holds: Callable[[str], bool] = lambda e164: False,
    ) -> None:
        self.stack = stack
        self.program = program
        self.max_reruns = max_reruns
        self.holds = holds
        """Whether the organization holds an E.164 (what the operator checks when told to)."""
        self.errors: list[str] = []

    def run(self, engine: Engine, name: str, step: Callable[[Engine], T]) -> T:
        """Run ``step`` until it succeeds, rerunning after each clear failure."""
        for _ in range(self.max_reruns):
            try:
                return step(engine)
            except EngineError as error:
                message = assert_clear_error(error)
                self.errors.append(message)
                FIGURES.add("reruns")
                self.follow_hint(engine, name, message)
        raise AssertionError(f"{name}: still failing after {self.max_reruns} reruns: {self.errors}")

    def follow_hint(self, engine: Engine, name: str, message: str) -> None:
        """Do what the error line tells the operator to do."""
        may_have_landed = _DECLARE_TO_ADOPT.search(message)
        if may_have_landed and name in self.program and self.holds(may_have_landed[1]):
            props = self.program[name].props
            for key in ("area_code", "locality"):
                props.pop(key, None)
            props.update(e164=may_have_landed[1], adopt_existing=True)
        elif "set adopt_existing=True" in message and name in self.program:
            self.program[name].props["adopt_existing"] = True
        elif "run `pulumi refresh`" in message and name in self.stack.state:
            self.run(engine, name, lambda e: self.stack.refresh(e, name))

    def up(self, engine: Engine, name: str) -> str:
        """``pulumi up`` of one resource, rerun until it succeeds."""
        return self.run(engine, name, lambda e: self.stack.up(e, name, self.program[name]))

    def destroy(self, engine: Engine, name: str) -> None:
        """Delete one resource removed from the program, rerun until it succeeds."""
        self.run(engine, name, lambda e: self.stack.destroy(e, name))

    def refresh(self, engine: Engine, name: str) -> str:
        """``pulumi refresh`` of one resource, rerun until it succeeds."""
        return self.run(engine, name, lambda e: self.stack.refresh(e, name))
