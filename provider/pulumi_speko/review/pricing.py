"""What a purchase costs: the state's price, the API's current price, or the caps.

Order of preference: the ``upfront_cost_usd`` / ``monthly_cost_usd`` a state already
holds (known), then the API's search when ``--prices live`` asked for it, then the
``max_*_cost_usd`` inputs as an upper bound, else "unknown until apply".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from pulumi_speko.review.model import PRICE_CAP, PRICE_KNOWN, PRICE_LIVE, PRICE_UNKNOWN, Price

if TYPE_CHECKING:
    from pulumi_speko.api import Client

__all__ = [
    "LivePrices",
    "PriceLookup",
    "PurchaseQuery",
    "cap_price",
    "money",
    "state_price",
]

# How many search results a live lookup reads: the API's maximum, so an exact E.164 is
# found when the pool offers it.
LIVE_SEARCH_LIMIT: Final = 50


def money(value: Any) -> Decimal | None:
    """A JSON number as dollars (``None`` for anything else, booleans included)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return Decimal(str(value))


@dataclass(frozen=True)
class PurchaseQuery:
    """What a purchase asks for: an exact number, or an area code (and locality)."""

    e164: str | None
    area_code: str | None
    locality: str | None
    max_upfront_usd: Decimal | None
    max_monthly_usd: Decimal | None


PriceLookup = Callable[[PurchaseQuery], Price | None]
"""Finds the current price of a purchase, or ``None`` when it cannot."""


def state_price(outputs: Mapping[str, Any]) -> Price | None:
    """The price a state records, when both figures are there."""
    upfront = money(outputs.get("upfront_cost_usd"))
    monthly = money(outputs.get("monthly_cost_usd"))
    if upfront is None or monthly is None:
        return None
    return Price(PRICE_KNOWN, upfront, monthly)


def cap_price(query: PurchaseQuery) -> Price:
    """The caps as an upper bound, or an unknown price when there is none."""
    if query.max_upfront_usd is None and query.max_monthly_usd is None:
        return Price(PRICE_UNKNOWN)
    return Price(PRICE_CAP, query.max_upfront_usd, query.max_monthly_usd)


class LivePrices:
    """Prices from the API's search (``GET /v1/phone-numbers/available``), cached per
    area code and locality for one review."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._searches: dict[tuple[str, str | None], list[Any]] = {}

    def __call__(self, query: PurchaseQuery) -> Price | None:
        """The price the provider would pay now: the exact number's, or the first
        offer within the caps of the area code (the provider buys that one)."""
        area_code = query.area_code or _us_area_code(query.e164)
        if area_code is None:
            return None
        offers = self._search(area_code, query.locality)
        if query.e164 is not None:
            offers = [offer for offer in offers if offer.e164 == query.e164]
        for offer in offers:
            upfront, monthly = money(offer.upfront_cost_usd), money(offer.monthly_cost_usd)
            if _within(upfront, query.max_upfront_usd) and _within(monthly, query.max_monthly_usd):
                return Price(PRICE_LIVE, upfront, monthly)
        return None

    def _search(self, area_code: str, locality: str | None) -> list[Any]:
        key = (area_code, locality)
        if key not in self._searches:
            self._searches[key] = list(
                self._client.search_available_phone_numbers(
                    area_code=area_code, locality=locality, limit=LIVE_SEARCH_LIMIT
                )
            )
        return self._searches[key]


def _within(price: Decimal | None, cap: Decimal | None) -> bool:
    return cap is None or (price is not None and price <= cap)


def _us_area_code(e164: str | None) -> str | None:
    if e164 is None or not e164.startswith("+1") or len(e164) < 5:
        return None
    digits = e164[2:5]
    return digits if digits.isdigit() else None
