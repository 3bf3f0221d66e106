"""CI gates: ``--fail-on release,replace,unrouted-inbound,cost-over=USD,monthly-over=USD``.

A gate that trips means "a human must look": the command exits 3 with the reasons. Hard
rules belong in the policy pack. Money gates compare the worst case (caps count at
their full value), and a purchase whose price is unknown trips ``cost-over`` and
``monthly-over``, since nothing shows it stays under the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pulumi_speko.review.model import CostSummary, Review

__all__ = ["GATE_NAMES", "Gate", "GateError", "evaluate_gates", "parse_gates"]


class GateError(ValueError):
    """A ``--fail-on`` value that is not a gate; the message is one line."""


@dataclass(frozen=True)
class Gate:
    """One gate, with its dollar limit for the money gates."""

    name: str
    limit_usd: Decimal | None = None

    def __str__(self) -> str:
        return self.name if self.limit_usd is None else f"{self.name}={self.limit_usd}"


def _releases(review: Review) -> list[str]:
    return [
        f"{c.name} releases {c.release.e164}" + (" (protected)" if c.release.protected else "")
        for c in review.changes
        if c.release is not None
    ]


def _replacements(review: Review) -> list[str]:
    return [f"{c.name} is replaced" for c in review.changes if c.replacement is not None]


def _unrouted_inbound(review: Review) -> list[str]:
    return [
        f"{c.name} takes inbound calls with no agent and no dispatch template"
        for c in review.numbers
        if c.routing_after is not None and c.routing_after.unrouted_inbound
    ]


_PLAIN_GATES: Final[dict[str, Callable[[Review], list[str]]]] = {
    "release": _releases,
    "replace": _replacements,
    "unrouted-inbound": _unrouted_inbound,
}
"""The gates without an amount, and the reasons each finds in a review."""

_MONEY_GATES: Final[dict[str, tuple[str, Callable[[CostSummary], Decimal]]]] = {
    "cost-over": ("upfront", lambda cost: cost.upfront_worst_usd),
    "monthly-over": ("monthly change", lambda cost: cost.monthly_worst_usd),
}
"""The gates with a dollar limit: what they call the sum, and its worst case."""

GATE_NAMES: Final = (*_PLAIN_GATES, *_MONEY_GATES)


def parse_gates(text: str) -> tuple[Gate, ...]:
    """``release,cost-over=10`` as gates; :class:`GateError` names a bad one."""
    return tuple(_parse_gate(item.strip()) for item in text.split(",") if item.strip())


def _parse_gate(item: str) -> Gate:
    name, equals, amount = item.partition("=")
    if name not in GATE_NAMES:
        raise GateError(f"unknown gate {name!r}: choose from {', '.join(GATE_NAMES)}")
    if (name in _MONEY_GATES) != bool(equals):
        form = f"{name}=USD" if name in _MONEY_GATES else name
        raise GateError(f"gate {item!r} must be written {form}")
    if not equals:
        return Gate(name)
    try:
        limit = Decimal(amount)
    except InvalidOperation:
        limit = Decimal("NaN")
    if not limit.is_finite() or limit < 0:
        raise GateError(f"gate {item!r}: {amount!r} is not an amount of dollars (e.g. {name}=25)")
    return Gate(name, limit)


def evaluate_gates(review: Review, gates: tuple[Gate, ...]) -> list[str]:
    """The reasons each gate trips (empty when none does)."""
    reasons: list[str] = []
    for gate in gates:
        reasons.extend(f"{gate}: {reason}" for reason in _trips(review, gate))
    return reasons


def _trips(review: Review, gate: Gate) -> list[str]:
    if gate.name in _PLAIN_GATES:
        return _PLAIN_GATES[gate.name](review)
    assert gate.limit_usd is not None
    return _money_trips(review, gate.name, gate.limit_usd)


def _money_trips(review: Review, name: str, limit: Decimal) -> list[str]:
    cost = review.cost
    what, worst_of = _MONEY_GATES[name]
    worst = worst_of(cost)
    reasons = []
    if worst > limit:
        reasons.append(f"{what} up to ${worst:.2f} is over ${limit:.2f}")
    if cost.unpriced:
        reasons.append(f"{cost.unpriced} purchase(s) have no known price or cap")
    return reasons
