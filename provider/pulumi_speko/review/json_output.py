"""The review as JSON (``--format json``) for other tools.

Shape (``version`` 1)::

    {"version": 1, "form": "digest", "summary": {...}, "gates": {"tripped": [...]},
     "changes": [{"name", "urn", "kind", "op", "native", "e164", "protected",
                  "properties": [{"path", "old", "new"}], "routingBefore", "routingAfter",
                  "purchase", "release", "replacement", "verification", "unknowns",
                  "hiddenValues"}]}

Money is a string of dollars (``"1.00"``) or null; a secret is ``"[secret]"`` and a
value known only after apply is ``{"knownAfterApply": true}``.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any, Final

from pulumi_speko.audit.stack_export import SecretValue
from pulumi_speko.families import camel_name
from pulumi_speko.review.model import CostSummary, ResourceChange, Review
from pulumi_speko.review.preview import UNKNOWN

__all__ = ["JSON_VERSION", "render_json"]

JSON_VERSION: Final = 1


def render_json(review: Review, gate_reasons: list[str]) -> str:
    """The review as an indented JSON document."""
    document = {
        "version": JSON_VERSION,
        "form": review.form,
        "summary": {
            **_cost(review.cost),
            "changes": len(review.changes),
            "unchanged": review.unchanged,
            "otherResources": review.other_resources,
            "hiddenValues": review.hidden_values,
            "prices": review.price_source,
        },
        "gates": {"tripped": gate_reasons},
        "changes": [_change(change) for change in review.changes],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cost(cost: CostSummary) -> dict[str, Any]:
    return {
        "upfrontUsd": _plain(cost.upfront_usd),
        "upfrontWorstUsd": _plain(cost.upfront_worst_usd),
        "monthlyChangeUsd": _plain(cost.monthly_change_usd),
        "monthlyWorstUsd": _plain(cost.monthly_worst_usd),
        "purchases": cost.purchases,
        "capped": cost.capped,
        "unpriced": cost.unpriced,
    }


def _change(change: ResourceChange) -> dict[str, Any]:
    fields = {
        camel_name(field.name): _plain(getattr(change, field.name))
        for field in dataclasses.fields(change)
    }
    fields["losesNumber"] = change.loses_number
    return fields


def _plain(value: Any) -> Any:
    """A model value as JSON data; secrets stay ``"[secret]"``."""
    if value is UNKNOWN:
        return {"knownAfterApply": True}
    if isinstance(value, SecretValue):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            camel_name(field.name): _plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    if isinstance(value, dict):
        return {key: _plain(child) for key, child in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(child) for child in value]
    return value

