"""``PhoneNumber``: a managed number bought from the platform's US pool.

Give an exact ``e164``, or an ``area_code`` (and ``locality``) and the provider buys the
first affordable match, moving to the next one when another buyer wins the race.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CreateResult

from pulumi_speko.api.errors import ConflictError
from pulumi_speko.api.models import (
    E164_PATTERN,
    AvailablePhoneNumber,
    AvailablePhoneNumberQuery,
    PhoneNumberCreate,
)
from pulumi_speko.api.models import (
    PhoneNumber as WirePhoneNumber,
)
from pulumi_speko.constants import PHONE_NUMBER_TYPE
from pulumi_speko.resources._declare import arg, get_options, resource_props
from pulumi_speko.resources._errors import SpekoProviderError, operator_errors
from pulumi_speko.resources._numbers import (
    PLACEHOLDERS,
    NumberProvider,
    NumberResource,
    differs,
    wire_payload,
)
from pulumi_speko.resources._props import contains_unknown, is_unknown, model_failures, type_failure

TYPE_TOKEN = PHONE_NUMBER_TYPE
# How many search results a purchase by area code considers, and how many it tries.
SEARCH_LIMIT = 20
PURCHASE_CANDIDATES = 5
SEARCH_ROUNDS = 3
ROUTING_DOCS = {
    "direction": "Which calls the number takes: `inbound`, `outbound` or `both`. Updates in place.",
    "agent_id": "The agent that answers the number. Updates in place; unset to unlink.",
    "label": "A label of at most 120 characters. Updates in place.",
    "dispatch_metadata_template": (
        "Metadata sent with each dispatched call (an object). Updates in place. Never put "
        "credentials here: it is stored in plain text."
    ),
}


@dataclass
class PhoneNumberArgs:
    """Inputs of a managed ``PhoneNumber``."""

    e164: pulumi.Input[str] | None = arg(
        "The number to buy, in E.164 (`+1…`). Exactly one of `e164` or `area_code`. "
        "Changing it replaces the resource.",
        replaces=True,
    )
    area_code: pulumi.Input[str] | None = arg(
        "Buy the first affordable available number in this US area code (three digits). "
        "Changing it to another area code replaces the resource.",
        replaces=True,
    )
    locality: pulumi.Input[str] | None = arg(
        "With `area_code`: only numbers of this locality. Changing it replaces the resource.",
        replaces=True,
    )
    direction: pulumi.Input[str] | None = arg(ROUTING_DOCS["direction"], default="outbound")
    agent_id: pulumi.Input[str] | None = arg(ROUTING_DOCS["agent_id"])
    label: pulumi.Input[str] | None = arg(ROUTING_DOCS["label"])
    dispatch_metadata_template: pulumi.Input[Mapping[str, Any]] | None = arg(
        ROUTING_DOCS["dispatch_metadata_template"]
    )
    adopt_existing: pulumi.Input[bool] | None = arg(
        "When the organization already holds `e164`, adopt it and converge its routing "
        "instead of failing. Read only at create.",
        default=False,
    )
    max_upfront_cost_usd: pulumi.Input[float] | None = arg(
        "Fail before buying when the upfront price is higher. Read only at create."
    )
    max_monthly_cost_usd: pulumi.Input[float] | None = arg(
        "Fail before buying when the monthly price is higher. Read only at create."
    )


INPUT_NAMES: tuple[str, ...] = tuple(PhoneNumberArgs.__dataclass_fields__)
COST_OUTPUTS = ("upfront_cost_usd", "monthly_cost_usd")
OUTPUT_NAMES: tuple[str, ...] = (
    *(name for name in WirePhoneNumber.model_fields if name != "id"),
    *COST_OUTPUTS,
)


def _selection_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    has_e164, has_area = props.get("e164") is not None, props.get("area_code") is not None
    if has_e164 and has_area:
        return [CheckFailure("area_code", "give either e164 or area_code, not both")]
    if not has_e164 and not has_area:
        return [CheckFailure("e164", "give the number to buy (e164) or an area_code to search")]
    if props.get("locality") is not None and not has_area:
        return [CheckFailure("locality", "locality narrows an area_code search; set area_code")]
    return []


def _search_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    payload = {
        name: props[name]
        for name in ("area_code", "locality")
        if props.get(name) is not None and not is_unknown(props[name])
    }
    return model_failures(AvailablePhoneNumberQuery, payload, model_level_property="area_code")


def _us_number_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    e164 = props.get("e164")
    well_formed = isinstance(e164, str) and re.fullmatch(E164_PATTERN, e164) is not None
    if well_formed and not str(e164).startswith("+1"):
        return [
            CheckFailure(
                "e164",
                f"{e164} is not a US number: managed numbers are bought in +1 only; bring "
                "other numbers in with SipTrunkPhoneNumber",
            )
        ]
    return []


def _cost_guard_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    failures: list[CheckFailure] = []
    for name in ("max_upfront_cost_usd", "max_monthly_cost_usd"):
        value = props.get(name)
        wrong_type = type_failure(name, value, (int, float), "a number of US dollars")
        if wrong_type:
            failures += wrong_type
        elif isinstance(value, (int, float)) and value < 0:
            failures.append(CheckFailure(name, "must not be negative"))
    return failures


class PhoneNumberProvider(NumberProvider):
    """Dynamic provider of managed numbers (module path kept stable: it is in state)."""

    kind: ClassVar[str] = "PhoneNumber"
    source: ClassVar[str] = "managed"
    input_names: ClassVar[tuple[str, ...]] = INPUT_NAMES
    program_only_inputs: ClassVar[tuple[str, ...]] = (
        "area_code",
        "locality",
        "adopt_existing",
        "max_upfront_cost_usd",
        "max_monthly_cost_usd",
    )
    carried_outputs: ClassVar[tuple[str, ...]] = COST_OUTPUTS

    def check_failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        """E.164 or area code, US only, routing rules of the wire model, cost guards."""
        failures = _selection_failures(news)
        failures += _us_number_failures(news)
        failures += _search_failures(news)
        failures += _cost_guard_failures(news)
        payload, placeheld = wire_payload(
            news, ("e164", "direction", "agent_id", "label", "dispatch_metadata_template")
        )
        payload.setdefault("e164", PLACEHOLDERS["e164"])  # area_code mode: the number comes later
        failures += model_failures(
            PhoneNumberCreate, payload, model_level_property="direction", skip=placeheld
        )
        return failures

    def replacements(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """A different number replaces; so does searching elsewhere than the number is."""
        if "e164" in news:
            return ["e164"] if differs(olds, news, "e164") else []
        replaces: list[str] = []
        old_e164 = olds.get("e164")
        area_code = news.get("area_code")
        in_area = isinstance(old_e164, str) and old_e164[2:5] == area_code
        if contains_unknown(area_code) or not in_area:
            replaces.append("area_code")
        if differs(olds, news, "locality"):
            replaces.append("locality")
        return replaces

    @operator_errors("create PhoneNumber")
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Adopt, or buy the given number, or buy the first affordable search match."""
        inputs = {k: v for k, v in props.items() if v is not None}
        e164 = inputs.get("e164")
        if isinstance(e164, str):
            return self._create_exact(e164, inputs)
        return self._create_from_search(inputs)

    def _create_exact(self, e164: str, inputs: dict[str, Any]) -> CreateResult:
        def buy() -> CreateResult:
            offer = self._offer_for(e164, inputs)
            number = self._buy(e164, inputs)
            return CreateResult(number.id, self.outputs(number, {**inputs, **_costs(offer)}))

        return self.create_or_adopt(e164, inputs, buy)

    def _offer_for(self, e164: str, inputs: Mapping[str, Any]) -> AvailablePhoneNumber | None:
        """The pool's price of ``e164`` (needed when a cost guard is set)."""
        offers = self.session().client.search_available_phone_numbers(area_code=e164[2:5], limit=50)
        offer = next((o for o in offers if o.e164 == e164), None)
        if offer is None and _has_guard(inputs):
            raise SpekoProviderError(
                f"create PhoneNumber: {e164} is not among the available numbers of area code "
                f"{e164[2:5]}, so its price cannot be checked against the cost limits"
            )
        if offer is not None:
            _enforce_guards(offer, inputs)
        return offer

    def _create_from_search(self, inputs: dict[str, Any]) -> CreateResult:
        """Buy the first affordable match; when other buyers take the candidates, search
        again (those they took are gone from the results) a bounded number of times."""
        tried: set[str] = set()
        for _ in range(SEARCH_ROUNDS):
            offers = self._affordable_offers(inputs, tried)
            for offer in offers[:PURCHASE_CANDIDATES]:
                tried.add(offer.e164)
                try:
                    number = self._buy(offer.e164, inputs)
                except ConflictError:
                    continue  # another buyer won this one: try the next
                return CreateResult(number.id, self.outputs(number, {**inputs, **_costs(offer)}))
        raise SpekoProviderError(
            f"create PhoneNumber: {len(tried)} matches in area code {inputs.get('area_code')} "
            "were bought by others while this purchase tried them; run pulumi up again"
        )

    def _affordable_offers(
        self, inputs: Mapping[str, Any], tried: set[str]
    ) -> list[AvailablePhoneNumber]:
        area_code, locality = inputs.get("area_code"), inputs.get("locality")
        offers = self.session().client.search_available_phone_numbers(
            area_code=area_code, locality=locality, limit=SEARCH_LIMIT
        )
        affordable = [o for o in offers if _within_guards(o, inputs) and o.e164 not in tried]
        if not affordable:
            where = f"area code {area_code}" + (f", {locality}" if locality else "")
            raise SpekoProviderError(
                f"create PhoneNumber: no available number in {where} within the cost limits "
                f"({len(offers)} found, none affordable"
                + (f", {len(tried)} taken by other buyers meanwhile)" if tried else ")")
            )
        return affordable

    def _buy(self, e164: str, inputs: Mapping[str, Any]) -> WirePhoneNumber:
        body = PhoneNumberCreate(
            e164=e164,
            direction=inputs.get("direction", "outbound"),
            agent_id=inputs.get("agent_id"),
            label=inputs.get("label"),
            dispatch_metadata_template=inputs.get("dispatch_metadata_template"),
        )
        client = self.session().client
        return self.create_once(e164, lambda: client.create_phone_number(body))


def _has_guard(inputs: Mapping[str, Any]) -> bool:
    return any(
        inputs.get(name) is not None for name in ("max_upfront_cost_usd", "max_monthly_cost_usd")
    )


def _within_guards(offer: AvailablePhoneNumber, inputs: Mapping[str, Any]) -> bool:
    upfront, monthly = inputs.get("max_upfront_cost_usd"), inputs.get("max_monthly_cost_usd")
    return (upfront is None or offer.upfront_cost_usd <= upfront) and (
        monthly is None or offer.monthly_cost_usd <= monthly
    )


def _enforce_guards(offer: AvailablePhoneNumber, inputs: Mapping[str, Any]) -> None:
    if not _within_guards(offer, inputs):
        raise SpekoProviderError(
            f"create PhoneNumber: {offer.e164} costs {offer.upfront_cost_usd:.2f} USD upfront "
            f"and {offer.monthly_cost_usd:.2f} USD a month, above max_upfront_cost_usd="
            f"{inputs.get('max_upfront_cost_usd')} / max_monthly_cost_usd="
            f"{inputs.get('max_monthly_cost_usd')}; nothing was bought"
        )


def _costs(offer: AvailablePhoneNumber | None) -> dict[str, float]:
    if offer is None:
        return {}
    return {"upfront_cost_usd": offer.upfront_cost_usd, "monthly_cost_usd": offer.monthly_cost_usd}


class PhoneNumber(NumberResource, module="speko", name="PhoneNumber"):
    """A managed phone number bought from the platform (type token
    ``pulumi-python:dynamic/speko:PhoneNumber``).

    Routing (``direction``, ``agent_id``, ``label``, ``dispatch_metadata_template``)
    updates in place; ``e164``, ``area_code`` and ``locality`` replace. Destroying the
    resource releases the number for good: protect numbers you cannot lose.
    """

    area_code: pulumi.Output[str | None]
    locality: pulumi.Output[str | None]
    max_upfront_cost_usd: pulumi.Output[float | None]
    max_monthly_cost_usd: pulumi.Output[float | None]
    upfront_cost_usd: pulumi.Output[float | None]
    monthly_cost_usd: pulumi.Output[float | None]

    def __init__(
        self,
        resource_name: str,
        args: PhoneNumberArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declare a managed number from ``args`` and/or keyword arguments
        (the fields of :class:`PhoneNumberArgs`)."""
        props = resource_props("PhoneNumber", args, PhoneNumberArgs, kwargs, OUTPUT_NAMES)
        super().__init__(PhoneNumberProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> PhoneNumber:
        """A read-only reference to an existing managed number, by its platform id."""
        return PhoneNumber(resource_name, opts=get_options(id, opts))
