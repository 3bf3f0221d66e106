"""The review's change model: what a preview does to each speko resource, in plain data.

Values inside the model are plain JSON values, :data:`~pulumi_speko.audit.stack_export.SECRET`
(never the secret itself) or :data:`~pulumi_speko.review.preview.UNKNOWN`. Money is
``Decimal`` in US dollars.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from pulumi_speko.audit.stack_export import SecretValue
from pulumi_speko.review.preview import UNKNOWN

__all__ = [
    "PRICE_CAP",
    "PRICE_KNOWN",
    "PRICE_LIVE",
    "PRICE_UNKNOWN",
    "CostSummary",
    "Price",
    "PropertyChange",
    "Purchase",
    "Release",
    "Replacement",
    "ResourceChange",
    "Review",
    "Routing",
    "VerificationChange",
    "is_hidden",
]

PRICE_KNOWN: Final = "known"  # from the resource's state
PRICE_LIVE: Final = "live"  # from the API's search, now
PRICE_CAP: Final = "cap"  # an upper bound: the max_*_cost_usd inputs
PRICE_UNKNOWN: Final = "unknown"  # known only after apply


def is_hidden(value: Any) -> bool:
    """Whether a value is a secret or unknown (never shown, never compared)."""
    return value is UNKNOWN or isinstance(value, SecretValue)


@dataclass(frozen=True)
class Routing:
    """Who answers a number: direction, agent or dispatch template, label."""

    direction: Any = None
    agent_id: Any = None
    dispatch_metadata_template: Any = None
    label: Any = None

    @property
    def unrouted_inbound(self) -> bool:
        """Takes inbound calls with neither an agent nor a template (unknowns count as set)."""
        # Imported here: the models bring pydantic, which `pulumi-speko --help` must not load.
        from pulumi_speko.api.models import INBOUND_DIRECTIONS

        return (
            isinstance(self.direction, str)
            and self.direction in INBOUND_DIRECTIONS
            and self.agent_id is None
            and self.dispatch_metadata_template is None
        )


@dataclass(frozen=True)
class PropertyChange:
    """One property path whose value changes (``None`` stands for absent)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Price:
    """What a purchase costs and where that figure comes from (one of ``PRICE_*``)."""

    basis: str
    upfront_usd: Decimal | None = None
    monthly_usd: Decimal | None = None


@dataclass(frozen=True)
class Purchase:
    """A number bought (managed) or imported (SIP trunk, not charged)."""

    e164: Any
    area_code: Any
    locality: Any
    price: Price
    charged: bool = True


@dataclass(frozen=True)
class Release:
    """A number given up: irreversible for a managed number (it returns to the pool)."""

    e164: Any
    protected: bool
    managed: bool
    monthly_saved_usd: Decimal | None = None


@dataclass(frozen=True)
class Replacement:
    """A replace: the published number may change."""

    old_e164: Any
    new_e164: Any
    reasons: tuple[PropertyChange, ...]
    reason_keys: tuple[str, ...] = ()

    @property
    def number_changes(self) -> bool:
        """Whether callers will have to dial another number (unknown counts as yes)."""
        return self.new_e164 is UNKNOWN or self.new_e164 != self.old_e164


@dataclass(frozen=True)
class VerificationChange:
    """A business-verification filing: its status before and after."""

    status_before: Any
    status_after: Any
    resubmission: bool
    removed_from_stack: bool = False


@dataclass(frozen=True)
class ResourceChange:
    """Everything the review says about one speko resource."""

    urn: str
    name: str
    kind: str
    op: str
    native: bool = False
    properties: tuple[PropertyChange, ...] = ()
    routing_before: Routing | None = None
    routing_after: Routing | None = None
    purchase: Purchase | None = None
    release: Release | None = None
    replacement: Replacement | None = None
    verification: VerificationChange | None = None
    unknowns: tuple[str, ...] = ()
    hidden_values: int = 0
    protected: bool = False
    number: Any = None  # the E.164 (numbers only): the new one when chosen, else the old one

    @property
    def loses_number(self) -> bool:
        """A release, or a replace after which the old E.164 is gone."""
        if self.release is not None:
            return True
        return self.replacement is not None and self.replacement.number_changes


@dataclass(frozen=True)
class CostSummary:
    """The money headline: known figures, and the worst case where prices are caps."""

    upfront_usd: Decimal = Decimal(0)
    upfront_worst_usd: Decimal = Decimal(0)
    monthly_change_usd: Decimal = Decimal(0)
    monthly_worst_usd: Decimal = Decimal(0)
    purchases: int = 0
    capped: int = 0
    unpriced: int = 0

    @property
    def has_caps(self) -> bool:
        """Whether some price is only an upper bound."""
        return self.capped > 0


@dataclass(frozen=True)
class Review:
    """The whole review of one preview."""

    form: str
    changes: tuple[ResourceChange, ...]
    cost: CostSummary
    unchanged: int = 0
    other_resources: int = 0
    hidden_values: int = 0
    price_source: str = "state"

    @property
    def numbers(self) -> tuple[ResourceChange, ...]:
        """The changes of phone numbers (both resources)."""
        return tuple(c for c in self.changes if c.kind != "BusinessVerification")
