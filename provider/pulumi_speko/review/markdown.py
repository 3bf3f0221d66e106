"""The review as a GitHub / GitLab pull-request comment.

Headline first (cost, releases, replaced numbers, verification, tripped gates), then one
table row per number, then the details of each resource in a collapsible section. The
comment stays under ``limit`` characters by leaving out whole detail sections (never the
headline or the table) and saying how many were left out. Secrets print as
``[secret]`` and are counted; nothing else of them is known here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, Final

from pulumi_speko.review.model import (
    PRICE_CAP,
    PRICE_LIVE,
    PRICE_UNKNOWN,
    CostSummary,
    Price,
    ResourceChange,
    Review,
    Routing,
)
from pulumi_speko.review.preview import UNKNOWN

__all__ = ["COMMENT_MARKER", "DEFAULT_LIMIT", "render_markdown"]

COMMENT_MARKER: Final = "<!-- pulumi-speko review -->"
"""First line of every comment: CI finds its earlier comment by it and updates it."""
DEFAULT_LIMIT: Final = 60_000
_NONE: Final = "-"
_ACTIONS: Final = {
    ("PhoneNumber", "create"): "buy",
    ("PhoneNumber", "delete"): "release",
    ("SipTrunkPhoneNumber", "create"): "import",
    ("SipTrunkPhoneNumber", "delete"): "remove",
    ("BusinessVerification", "create"): "file",
    ("BusinessVerification", "update"): "resubmit",
}
_ICONS: Final = {"buy": "🟢", "import": "🟢", "update": "🟡", "replace": "🟠"}


def render_markdown(review: Review, gate_reasons: list[str], limit: int = DEFAULT_LIMIT) -> str:
    """The whole comment, under ``limit`` characters unless the headline and table alone
    are longer."""
    head = "\n".join([COMMENT_MARKER, *_headline(review, gate_reasons), "", *_table(review)])
    footer = _footer(review)
    details = [_details(change) for change in review.changes]
    kept: list[str] = []
    budget = limit - len(head) - len(footer) - len(_left_out_note(len(details), limit)) - 4
    for section in details:
        if len(section) + 1 > budget:
            break
        kept.append(section)
        budget -= len(section) + 1
    parts = [head, ""]
    if kept:
        parts += ["\n".join(kept), ""]
    if len(kept) < len(details):
        parts += [_left_out_note(len(details) - len(kept), limit), ""]
    return "\n".join([*parts, footer]) + "\n"


def _left_out_note(count: int, limit: int) -> str:
    return (
        f"_{count} detail section(s) left out to keep this comment under {limit:,} characters; "
        "`pulumi-speko review --format json` prints everything._"
    )


# --- headline --------------------------------------------------------------------------------


def _headline(review: Review, gate_reasons: list[str]) -> list[str]:
    lines = [f"### Speko review: {_summary(review)}", "", _cost_line(review.cost)]
    lines += [_release_line(c) for c in review.changes if c.release is not None]
    lines += [_replace_line(c) for c in review.changes if c.replacement is not None]
    lines += [_verification_line(c) for c in review.changes if c.verification is not None]
    if gate_reasons:
        lines += ["", f"**❌ {len(gate_reasons)} review gate(s) tripped:**"]
        lines += [f"- {_text(reason)}" for reason in gate_reasons]
    return lines


def _summary(review: Review) -> str:
    if not review.changes:
        return "no change to speko resources"
    counts: dict[str, int] = {}
    for change in review.changes:
        action = _action(change)
        counts[action] = counts.get(action, 0) + 1
    return ", ".join(f"{count} {action}" for action, count in counts.items())


def _cost_line(cost: CostSummary) -> str:
    if not cost.purchases and not cost.monthly_change_usd:
        return "**Cost:** nothing bought; upfront **$0.00**, monthly **+$0.00**."
    line = (
        f"**Cost:** upfront **{_usd(cost.upfront_usd)}**, monthly "
        f"**{_signed(cost.monthly_change_usd)}**"
    )
    if cost.has_caps:
        line += (
            f"; worst case with price caps: upfront **{_usd(cost.upfront_worst_usd)}**, "
            f"monthly **{_signed(cost.monthly_worst_usd)}**"
        )
    if cost.unpriced:
        line += f"; **{cost.unpriced} purchase(s) priced only at apply** (no cap set)"
    return line + "."


def _release_line(change: ResourceChange) -> str:
    release = change.release
    assert release is not None
    what = (
        "the number returns to the pool: anyone may buy it, and callers who dial it "
        "reach a stranger"
        if release.managed
        else "the number leaves the platform (your SIP trunk keeps it); calls to it stop "
        "reaching your agents"
    )
    protected = (
        " It is **protected**: the engine refuses until `protect` is removed."
        if release.protected
        else ""
    )
    number = _value(release.e164)
    return f"\n> **⚠️ Irreversible:** `{_name(change)}` releases {number}: {what}.{protected}"


def _replace_line(change: ResourceChange) -> str:
    replacement = change.replacement
    assert replacement is not None
    why = (
        ", ".join(f"`{p.path}` {_value(p.old)} → {_value(p.new)}" for p in replacement.reasons)
        or ", ".join(f"`{key}`" for key in replacement.reason_keys)
        or "reason not given"
    )
    if not replacement.number_changes:
        return (
            f"\n> **Replace:** `{_name(change)}` keeps {_value(replacement.old_e164)} but is "
            f"deleted first, so calls fail until it is back ({why})."
        )
    return (
        f"\n> **⚠️ Published number changes:** `{_name(change)}` "
        f"{_value(replacement.old_e164)} → {_value(replacement.new_e164)} ({why})."
    )


def _verification_line(change: ResourceChange) -> str:
    verification = change.verification
    assert verification is not None
    if verification.removed_from_stack:
        return (
            f"\n> **Business verification** `{_name(change)}` leaves the stack; the platform "
            "keeps the submission."
        )
    before = _value(verification.status_before) if verification.status_before else "none"
    after = _value(verification.status_after)
    line = f"\n> **Business verification** `{_name(change)}`: {before} → {after}"
    if verification.resubmission:
        line += " (resubmission: the review starts over)"
    return line + "."


# --- table -----------------------------------------------------------------------------------


def _table(review: Review) -> list[str]:
    numbers = review.numbers
    if not numbers:
        return ["_No phone number changes._"]
    lines = [
        "| | resource | number | change | routing before | routing after | upfront | monthly |",
        "|---|---|---|---|---|---|---|---|",
    ]
    return lines + [_row(change) for change in numbers]


def _row(change: ResourceChange) -> str:
    action = _action(change)
    icon = "🔴" if change.loses_number else _ICONS.get(action, "⚪")
    purchase = change.purchase
    price = purchase.price if purchase is not None and purchase.charged else None
    cells = [
        icon,
        f"`{_name(change)}`",
        _number_cell(change),
        action + (" 🔒" if change.protected else ""),
        _routing_cell(change.routing_before),
        _routing_cell(change.routing_after),
        _price_cell(price, "upfront"),
        _monthly_cell(change, price),
    ]
    return "| " + " | ".join(cells) + " |"


def _number_cell(change: ResourceChange) -> str:
    purchase = change.purchase
    if purchase is not None and purchase.e164 is UNKNOWN and purchase.area_code is not None:
        return f"new in area {_value(purchase.area_code)}"
    return _value(change.number) if change.number is not None else _NONE


def _routing_cell(routing: Routing | None) -> str:
    if routing is None:
        return _NONE
    if routing.agent_id is not None:
        target = f"agent {_value(routing.agent_id)}"
    elif routing.dispatch_metadata_template is not None:
        target = "dispatch template"
    else:
        target = "**no agent**" if routing.unrouted_inbound else "no agent"
    label = f", label {_value(routing.label)}" if routing.label is not None else ""
    return f"{_value(routing.direction)} → {target}{label}"


def _price_cell(price: Price | None, which: str) -> str:
    if price is None:
        return _NONE
    if price.basis == PRICE_UNKNOWN:
        return "at apply"
    amount = price.upfront_usd if which == "upfront" else price.monthly_usd
    if amount is None:
        return "at apply"
    prefix = "≤ " if price.basis == PRICE_CAP else ""
    suffix = " (live)" if price.basis == PRICE_LIVE else ""
    return f"{prefix}{_usd(amount)}{suffix}"


def _monthly_cell(change: ResourceChange, price: Price | None) -> str:
    saved = change.release.monthly_saved_usd if change.release is not None else None
    if saved is None:
        return _price_cell(price, "monthly")
    if price is None:
        return _signed(-saved)
    return f"{_price_cell(price, 'monthly')}, -{_usd(saved)}"


# --- details ---------------------------------------------------------------------------------


def _details(change: ResourceChange) -> str:
    lines = [
        f"<details><summary><code>{_html(change.name)}</code>: {_action(change)} "
        f"({change.kind}{', native' if change.native else ''})</summary>",
        "",
        f"URN: `{_code(change.urn)}`",
        "",
    ]
    if change.properties:
        lines += [f"- `{p.path}`: {_value(p.old)} → {_value(p.new)}" for p in change.properties]
    else:
        lines.append("- no input changes")
    if change.purchase is not None and change.purchase.charged:
        lines.append(f"- price: {_price_note(change.purchase.price)}")
    if change.unknowns:
        lines.append(f"- known after apply: {', '.join(f'`{p}`' for p in change.unknowns)}")
    if change.hidden_values:
        lines.append(f"- {change.hidden_values} secret value(s) hidden")
    return "\n".join([*lines, "", "</details>"])


def _price_note(price: Price) -> str:
    if price.basis == PRICE_UNKNOWN:
        return "unknown until apply (no max_upfront_cost_usd / max_monthly_cost_usd cap)"
    figures = f"upfront {_usd_or(price.upfront_usd)}, monthly {_usd_or(price.monthly_usd)}"
    notes = {
        PRICE_CAP: "at most (the max_*_cost_usd caps; the real price is known at apply)",
        PRICE_LIVE: "from the API's search now (may change before apply)",
    }
    return f"{figures}, {notes.get(price.basis, 'recorded in the state')}"


# --- footer and value formatting ---------------------------------------------------------------


def _footer(review: Review) -> str:
    parts = [
        f"{review.hidden_values} secret value(s) hidden (never printed)",
        f"{review.unchanged} speko resource(s) unchanged",
        f"{review.other_resources} other resource(s) not reviewed",
        f"prices: {review.price_source}",
    ]
    return "<sub>pulumi-speko review · " + " · ".join(parts) + "</sub>"


def _action(change: ResourceChange) -> str:
    return _ACTIONS.get((change.kind, change.op), change.op)


def _name(change: ResourceChange) -> str:
    return _code(change.name)


def _value(value: Any) -> str:
    if value is UNKNOWN:
        return "_known after apply_"
    if value is None:
        return "(none)"
    if isinstance(value, (dict, list)):
        return f"`{_code(json.dumps(value, default=str, sort_keys=True))}`"
    return f"`{_code(str(value))}`"


def _code(text: str) -> str:
    """Text for inside a code span of a table cell."""
    return " ".join(text.replace("`", "'").replace("|", "\\|").split())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(text: str) -> str:
    return _html(text).replace("|", "\\|")


def _usd(amount: Decimal) -> str:
    return f"${amount:,.2f}"


def _usd_or(amount: Decimal | None) -> str:
    return _usd(amount) if amount is not None else "unknown"


def _signed(amount: Decimal) -> str:
    return f"-{_usd(-amount)}" if amount < 0 else f"+{_usd(amount)}"
