"""From a preview's steps to the review's change model.

Changes are computed from the old and new inputs themselves: a Python dynamic
provider's diff carries no property list, so the engine's ``diffReasons`` and
``detailedDiff`` are often empty, and they are used only to notice a change between two
values that are both secret.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any, Final

from pulumi_speko.audit.stack_export import (
    BUSINESS_VERIFICATION_TYPE,
    NUMBER_TYPES,
    PHONE_NUMBER_TYPE,
    SecretValue,
    urn_name,
)
from pulumi_speko.constants import PROVIDER_KEY
from pulumi_speko.review.model import (
    PRICE_CAP,
    PRICE_UNKNOWN,
    CostSummary,
    Price,
    PropertyChange,
    Purchase,
    Release,
    Replacement,
    ResourceChange,
    Review,
    Routing,
    VerificationChange,
    is_hidden,
)
from pulumi_speko.review.preview import UNKNOWN, Preview, ResourceState, Step
from pulumi_speko.review.pricing import (
    PriceLookup,
    PurchaseQuery,
    cap_price,
    money,
    state_price,
)

__all__ = ["REPLACE_OPS", "UNCHANGED_OPS", "build_review"]

ROUTING_FIELDS: Final = ("direction", "agent_id", "dispatch_metadata_template", "label")
DEFAULT_DIRECTION: Final = "outbound"
# The steps of one replacement (one "replace" step unless --show-replacement-steps).
REPLACE_OPS: Final = frozenset(
    {"replace", "create-replacement", "delete-replaced", "import-replacement", "discard-replaced"}
)
# Steps that change nothing on the platform.
UNCHANGED_OPS: Final = frozenset({"same", "read", "refresh", "remove-pending-replace"})
_DELETE_OPS: Final = frozenset({"delete", "discard"})
# Inputs that only steer a create: a change to them alone changes nothing live.
_PROGRAM_ONLY: Final = frozenset({"adopt_existing", "max_upfront_cost_usd", "max_monthly_cost_usd"})


def build_review(
    preview: Preview, price_lookup: PriceLookup | None = None, price_source: str = "state"
) -> Review:
    """The review of every speko resource of ``preview``; others are only counted."""
    changes: list[ResourceChange] = []
    unchanged = 0
    others: set[str] = set()
    for urn, steps in _steps_by_urn(preview.steps).items():
        if not steps[0].is_speko:
            if any(step.op not in UNCHANGED_OPS for step in steps):
                others.add(urn)
            continue
        step = _merged(steps)
        if step.op in UNCHANGED_OPS:
            unchanged += 1
            continue
        changes.append(_resource_change(step, price_lookup))
    return Review(
        form=preview.form,
        changes=tuple(changes),
        cost=_cost_summary(changes),
        unchanged=unchanged,
        other_resources=len(others),
        hidden_values=sum(change.hidden_values for change in changes),
        price_source=price_source,
    )


def _steps_by_urn(steps: Iterable[Step]) -> dict[str, list[Step]]:
    grouped: dict[str, list[Step]] = {}
    for step in steps:
        grouped.setdefault(step.urn, []).append(step)
    return grouped


def _merged(steps: list[Step]) -> Step:
    """One step per resource: the sub-steps of a replacement become one ``replace``."""
    if len(steps) == 1 or not any(step.op in REPLACE_OPS for step in steps):
        return steps[0]
    # The "replace" step itself holds both states; the sub-steps may hold one each.
    ordered = sorted(steps, key=lambda step: step.op != "replace")
    old = next((step.old for step in ordered if step.old is not None), None)
    new = next((step.new for step in ordered if step.new is not None), None)
    first = steps[0]
    return Step(
        op="replace",
        urn=first.urn,
        type=first.type,
        native=first.native,
        old=old,
        new=new,
        diff_keys=tuple(dict.fromkeys(k for step in steps for k in step.diff_keys)),
        replace_keys=tuple(dict.fromkeys(k for step in steps for k in step.replace_keys)),
    )


def _resource_change(step: Step, price_lookup: PriceLookup | None) -> ResourceChange:
    old_inputs = _user_inputs(step.old) if step.op != "create" else {}
    new_inputs = _user_inputs(step.new) if step.op not in _DELETE_OPS else {}
    properties = (
        ()
        if step.op in _DELETE_OPS
        else tuple(_property_changes(old_inputs, new_inputs, step.diff_keys))
    )
    change = ResourceChange(
        urn=step.urn,
        name=urn_name(step.urn),
        kind=step.type.rsplit(":", 1)[-1],
        op=step.op,
        native=step.native,
        properties=properties,
        unknowns=tuple(p.path for p in properties if p.new is UNKNOWN),
        hidden_values=_hidden_count(step),
        protected=step.old is not None and step.old.protect,
    )
    if step.type in NUMBER_TYPES:
        return _number_change(change, step, properties, price_lookup)
    if step.type == BUSINESS_VERIFICATION_TYPE:
        return _with(change, verification=_verification_change(step))
    return change


def _with(change: ResourceChange, **fields: Any) -> ResourceChange:
    return dataclasses.replace(change, **fields)


# --- numbers ------------------------------------------------------------------------------


def _number_change(
    change: ResourceChange,
    step: Step,
    properties: tuple[PropertyChange, ...],
    price_lookup: PriceLookup | None,
) -> ResourceChange:
    creates = step.op in ("create", "replace") and step.new is not None
    replacement = _replacement(step, properties) if step.op == "replace" else None
    release = None
    if step.op == "delete" or (replacement is not None and replacement.number_changes):
        release = _release(step)
    return _with(
        change,
        routing_before=_routing(step.old, outputs_first=True),
        routing_after=None if step.op in _DELETE_OPS else _routing(step.new, outputs_first=False),
        purchase=_purchase(step, price_lookup) if creates else None,
        release=release if step.op != "discard" else None,
        replacement=replacement,
        number=_number(step, replacement),
    )


def _number(step: Step, replacement: Replacement | None) -> Any:
    """The E.164 the change is about: the new one when it is chosen, else the old one."""
    if replacement is not None:
        return replacement.new_e164
    new_e164 = step.new.inputs.get("e164") if step.new is not None else None
    if new_e164 is not None:
        return new_e164
    if step.old is not None:
        return step.old.value("e164")
    return UNKNOWN


def _routing(state: ResourceState | None, *, outputs_first: bool) -> Routing | None:
    if state is None:
        return None
    read = state.value if outputs_first else state.inputs.get
    direction = read("direction")
    return Routing(
        direction=DEFAULT_DIRECTION if direction is None else direction,
        agent_id=read("agent_id"),
        dispatch_metadata_template=read("dispatch_metadata_template"),
        label=read("label"),
    )


def _purchase(step: Step, price_lookup: PriceLookup | None) -> Purchase:
    assert step.new is not None
    inputs = step.new.inputs
    e164 = inputs.get("e164")
    if step.type != PHONE_NUMBER_TYPE:
        return Purchase(e164, None, None, Price(PRICE_UNKNOWN), charged=False)
    query = PurchaseQuery(
        e164=_known_text(e164),
        area_code=_known_text(inputs.get("area_code")),
        locality=_known_text(inputs.get("locality")),
        max_upfront_usd=money(inputs.get("max_upfront_cost_usd")),
        max_monthly_usd=money(inputs.get("max_monthly_cost_usd")),
    )
    price = _new_state_price(step)
    if price is None and price_lookup is not None:
        price = price_lookup(query)
    if price is None:
        price = cap_price(query)
    return Purchase(
        e164=e164 if e164 is not None else UNKNOWN,
        area_code=inputs.get("area_code"),
        locality=inputs.get("locality"),
        price=price,
    )


def _new_state_price(step: Step) -> Price | None:
    assert step.new is not None
    outputs = step.new.outputs
    # A replace's new state may carry the old number's outputs: not this purchase's price.
    if step.old is not None and outputs.get("e164") == step.old.value("e164"):
        return None
    return state_price(outputs)


def _known_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _release(step: Step) -> Release:
    assert step.old is not None
    return Release(
        e164=step.old.value("e164"),
        protected=step.old.protect,
        managed=step.type == PHONE_NUMBER_TYPE,
        monthly_saved_usd=money(step.old.outputs.get("monthly_cost_usd")),
    )


def _replacement(step: Step, properties: tuple[PropertyChange, ...]) -> Replacement:
    old_e164 = step.old.value("e164") if step.old is not None else None
    new_e164 = step.new.inputs.get("e164") if step.new is not None else None
    if new_e164 is None:
        new_e164 = UNKNOWN  # bought by area code: known after apply
    reasons = tuple(
        p for p in properties if p.path.split(".")[0] not in (*ROUTING_FIELDS, *_PROGRAM_ONLY)
    )
    return Replacement(old_e164, new_e164, reasons, step.replace_keys)


# --- business verification -----------------------------------------------------------------


def _verification_change(step: Step) -> VerificationChange:
    before = step.old.value("status") if step.old is not None else None
    if step.op in _DELETE_OPS:
        return VerificationChange(before, before, resubmission=False, removed_from_stack=True)
    assert step.new is not None
    submit = step.new.inputs.get("submit", True)
    after: Any = UNKNOWN if submit is UNKNOWN else ("submitted" if submit is not False else "draft")
    return VerificationChange(
        before, after, resubmission=step.op != "create" and after == "submitted"
    )


# --- properties -----------------------------------------------------------------------------


def _user_inputs(state: ResourceState | None) -> dict[str, Any]:
    if state is None:
        return {}
    return {key: value for key, value in state.inputs.items() if key != PROVIDER_KEY}


def _leaves(value: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, child in value.items():
        path = f"{prefix}{key}"
        if isinstance(child, Mapping) and child:
            yield from _leaves(child, f"{path}.")
        else:
            yield path, child


def _property_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], engine_keys: tuple[str, ...]
) -> Iterator[PropertyChange]:
    old_leaves, new_leaves = dict(_leaves(old)), dict(_leaves(new))
    for path in dict.fromkeys([*old_leaves, *new_leaves]):
        before, after = old_leaves.get(path), new_leaves.get(path)
        if _both_secret(before, after):
            if _named_by_engine(path, engine_keys):
                yield PropertyChange(path, before, after)
        elif after is UNKNOWN or not _same(before, after):
            yield PropertyChange(path, before, after)


def _both_secret(before: Any, after: Any) -> bool:
    return isinstance(before, SecretValue) and isinstance(after, SecretValue)


def _named_by_engine(path: str, engine_keys: tuple[str, ...]) -> bool:
    return any(path == key or path.startswith(f"{key}.") for key in engine_keys)


def _same(before: Any, after: Any) -> bool:
    if is_hidden(before) or is_hidden(after):
        return before is after
    if isinstance(before, bool) or isinstance(after, bool):
        return before is after
    if isinstance(before, (int, float)) and isinstance(after, (int, float)):
        return Decimal(str(before)) == Decimal(str(after))
    return bool(before == after)


def _hidden_count(step: Step) -> int:
    """How many property values of the step are secret (``__provider`` aside)."""
    paths: set[str] = set()
    for state in (step.old, step.new):
        if state is None:
            continue
        for bag in (state.inputs, state.outputs):
            user = {key: value for key, value in bag.items() if key != PROVIDER_KEY}
            paths.update(path for path, value in _leaves(user) if isinstance(value, SecretValue))
    return len(paths)


# --- money ---------------------------------------------------------------------------------


def _cost_summary(changes: Iterable[ResourceChange]) -> CostSummary:
    upfront = upfront_worst = monthly = monthly_worst = Decimal(0)
    purchases = capped = unpriced = 0
    for change in changes:
        if change.purchase is not None and change.purchase.charged:
            price = change.purchase.price
            purchases += 1
            capped += price.basis == PRICE_CAP
            unpriced += price.basis == PRICE_UNKNOWN or None in (
                price.upfront_usd,
                price.monthly_usd,
            )
            exact = price.basis not in (PRICE_CAP, PRICE_UNKNOWN)
            upfront += (price.upfront_usd or 0) if exact else 0
            monthly += (price.monthly_usd or 0) if exact else 0
            upfront_worst += price.upfront_usd or 0
            monthly_worst += price.monthly_usd or 0
        if change.release is not None and change.release.monthly_saved_usd is not None:
            monthly -= change.release.monthly_saved_usd
            monthly_worst -= change.release.monthly_saved_usd
    return CostSummary(upfront, upfront_worst, monthly, monthly_worst, purchases, capped, unpriced)
