"""``PhoneNumber``: a managed number bought from the platform's US pool.

Give an exact ``e164``, or an ``area_code`` (and ``locality``) and the provider buys the
first affordable match, moving to the next one when another buyer wins the race.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult

from pulumi_speko.api.errors import ConflictError, PermissionDeniedError, SpekoError
from pulumi_speko.api.models import (
    E164_PATTERN,
    SEARCH_LIMIT_MAX,
    AvailablePhoneNumber,
    AvailablePhoneNumberQuery,
    PhoneNumberCreate,
    PhoneNumberRecord,
)
from pulumi_speko.constants import PHONE_NUMBER_TYPE
from pulumi_speko.resources._declare import arg, get_options, resource_props
from pulumi_speko.resources._errors import SpekoProviderError, describe, operator_errors, warn
from pulumi_speko.resources._numbers import (
    PLACEHOLDERS,
    NumberProvider,
    NumberResource,
    RoutingArgs,
    differs,
    wire_payload,
)
from pulumi_speko.resources._props import (
    contains_unknown,
    is_unknown,
    model_failures,
    type_failure,
    user_props,
)
from pulumi_speko.resources.business_verification import verification_hint

TYPE_TOKEN = PHONE_NUMBER_TYPE
CREATE_ACTION = "create PhoneNumber"
# How many search results a purchase by area code considers, and how many it tries.
SEARCH_LIMIT = 20
PURCHASE_CANDIDATES = 5
SEARCH_ROUNDS = 3


@dataclass
class _ManagedNumberChoice:
    """The first inputs of a managed ``PhoneNumber``: which number to buy."""

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
        "With `area_code`: only numbers of this locality (compared without case). Setting "
        "or changing it replaces the resource only when the current number is in another "
        "locality (its `region`); when that is not recorded, the number is kept with a "
        "warning. Removing it never replaces.",
        replaces=True,
    )


@dataclass
class PhoneNumberArgs(RoutingArgs, _ManagedNumberChoice):
    """Inputs of a managed ``PhoneNumber``: the number to buy, its routing, then these."""

    adopt_existing: pulumi.Input[bool] | None = arg(
        "When the organization already holds `e164`, adopt it and converge its routing "
        "instead of failing. Read only at create.",
        default=False,
    )
    max_upfront_cost_usd: pulumi.Input[float] | None = arg(
        "Fail before buying when the upfront price is higher. With `e164`, the number must "
        "then be priced by a search of its area code (at most 50 results): a number past "
        "them cannot be priced and is refused. Read only at create."
    )
    max_monthly_cost_usd: pulumi.Input[float] | None = arg(
        "Fail before buying when the monthly price is higher (with `e164`: as "
        "`max_upfront_cost_usd`). Read only at create."
    )


INPUT_NAMES: tuple[str, ...] = tuple(PhoneNumberArgs.__dataclass_fields__)
# What the search said of the number when the provider bought it.
OFFER_OUTPUTS = ("upfront_cost_usd", "monthly_cost_usd", "region")
OUTPUT_NAMES: tuple[str, ...] = (
    *(name for name in PhoneNumberRecord.model_fields if name != "id"),
    *OFFER_OUTPUTS,
)
# The cost limits, each with the price it caps.
COST_LIMITS = (("upfront", "max_upfront_cost_usd"), ("monthly", "max_monthly_cost_usd"))


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
    carried_outputs: ClassVar[tuple[str, ...]] = OFFER_OUTPUTS

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
        """A different number replaces; so does a search the current number does not match."""
        if "e164" in news:
            return ["e164"] if differs(olds, news, "e164") else []
        replaces: list[str] = []
        old_e164 = olds.get("e164")
        area_code = news.get("area_code")
        in_area = isinstance(old_e164, str) and old_e164[2:5] == area_code
        if contains_unknown(area_code) or not in_area:
            replaces.append("area_code")
        if not self._in_locality(olds, news):
            replaces.append("locality")
        return replaces

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """As for every number; a new ``locality`` that keeps the number is still a change,
        so the engine records it (an update without an API call)."""
        result = super().diff(id_, olds, news)
        if not result.changes and differs(user_props(olds), user_props(news), "locality"):
            return DiffResult(changes=True, replaces=[], stables=[], delete_before_replace=False)
        return result

    def _in_locality(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> bool:
        """Whether the current number matches the new ``locality`` (no locality: any)."""
        locality = news.get("locality")
        if locality is None:
            return True
        if contains_unknown(locality):
            return False
        bought_in = (olds.get("region") or {}).get("locality")
        if bought_in is not None:
            return str(bought_in).casefold() == str(locality).casefold()
        if differs(olds, news, "locality"):  # never destroy a live number on a guess
            warn(
                f"PhoneNumber {olds.get('e164')}: the locality it was bought in is not "
                f"recorded (it was adopted, bought by e164 or by an older provider), so "
                f"locality={locality!r} is not checked against it and the number is kept; "
                "to buy one in that locality instead, run pulumi up --replace with this "
                "resource's URN"
            )
        return True

    @operator_errors(CREATE_ACTION)
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Adopt, or buy the given number, or buy the first affordable search match."""
        inputs = {k: v for k, v in props.items() if v is not None}
        e164 = inputs.get("e164")
        try:
            if isinstance(e164, str):
                return self._create_exact(e164, inputs)
            return self._create_from_search(inputs)
        except PermissionDeniedError as error:
            if error.code != "VERIFICATION_REQUIRED":
                raise
            hint = self._verification_hint()
            raise SpekoProviderError(describe(CREATE_ACTION, error, hint)) from None

    def _verification_hint(self) -> str | None:
        """The hint for the live verification status (None: the generic one)."""
        try:
            return verification_hint(self.session().client.get_business_verification())
        except SpekoError:
            return None

    def _create_exact(self, e164: str, inputs: dict[str, Any]) -> CreateResult:
        def buy() -> CreateResult:
            offer = self._priced_offer(e164, inputs) if _limits_set(inputs) else None
            number = self._buy(e164, inputs)
            outs = self.outputs(number, {**inputs, **_offer_outputs(offer)})
            return CreateResult(number.id, outs)

        return self.create_or_adopt(e164, inputs, buy)

    def _priced_offer(self, e164: str, inputs: Mapping[str, Any]) -> AvailablePhoneNumber:
        """The pool's offer of ``e164``, within the cost limits, or a clear refusal.

        The API cannot look one number up: its area code is searched with the largest
        page. A number missing from a page that is not full is not for sale; one missing
        from a full page cannot be priced.
        """
        area_code = e164[2:5]
        offers = self.session().client.search_available_phone_numbers(
            area_code=area_code, limit=SEARCH_LIMIT_MAX
        )
        offer = next((o for o in offers if o.e164 == e164), None)
        if offer is None and len(offers) < SEARCH_LIMIT_MAX:
            raise SpekoProviderError(
                f"create PhoneNumber: {e164} is not available for purchase (the search of area "
                f"code {area_code} lists every available number, and not this one: it is held "
                "or not sold); nothing was bought; choose another e164, or buy by area_code"
            )
        if offer is None:
            raise SpekoProviderError(
                f"create PhoneNumber: cannot price {e164} against {_limit_names(inputs)}: area "
                f"code {area_code} has more available numbers than one search returns "
                f"({SEARCH_LIMIT_MAX}) and the API cannot look up one number's price; nothing "
                "was bought; remove the cost limits to buy it at the platform's price, or buy "
                "by area_code with them"
            )
        if not _within_limits(offer, inputs):
            raise SpekoProviderError(
                f"create PhoneNumber: {e164} costs "
                f"{_against_limits(offer.upfront_cost_usd, offer.monthly_cost_usd, inputs)}; "
                "nothing was bought; raise the limits or choose another number"
            )
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
                outs = self.outputs(number, {**inputs, **_offer_outputs(offer)})
                return CreateResult(number.id, outs)
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
        untried = [o for o in offers if o.e164 not in tried]
        affordable = [o for o in untried if _within_limits(o, inputs)]
        if not affordable:
            where = f"area code {area_code}" + (f", locality {locality}" if locality else "")
            raise SpekoProviderError(_no_offer_message(where, untried, len(tried), inputs))
        return affordable

    def _buy(self, e164: str, inputs: Mapping[str, Any]) -> PhoneNumberRecord:
        body = PhoneNumberCreate(
            e164=e164,
            direction=inputs.get("direction", "outbound"),
            agent_id=inputs.get("agent_id"),
            label=inputs.get("label"),
            dispatch_metadata_template=inputs.get("dispatch_metadata_template"),
        )
        client = self.session().client
        return self.create_once(e164, lambda: client.create_phone_number(body))


def _limits_set(inputs: Mapping[str, Any]) -> bool:
    return any(inputs.get(limit) is not None for _, limit in COST_LIMITS)


def _limit_names(inputs: Mapping[str, Any]) -> str:
    return " and ".join(limit for _, limit in COST_LIMITS if inputs.get(limit) is not None)


def _within_limits(offer: AvailablePhoneNumber, inputs: Mapping[str, Any]) -> bool:
    upfront, monthly = inputs.get("max_upfront_cost_usd"), inputs.get("max_monthly_cost_usd")
    return (upfront is None or offer.upfront_cost_usd <= upfront) and (
        monthly is None or offer.monthly_cost_usd <= monthly
    )


def _against_limits(
    upfront: float, monthly: float, inputs: Mapping[str, Any], qualifier: str = ""
) -> str:
    """Each price whose limit is set, next to its limit: ``upfront 1.00 USD
    (max_upfront_cost_usd 0.50)``, each price prefixed with ``qualifier``."""
    prices = {"upfront": upfront, "monthly": monthly}
    return ", ".join(
        f"{qualifier}{price} {prices[price]:.2f} USD ({limit} {float(inputs[limit]):.2f})"
        for price, limit in COST_LIMITS
        if inputs.get(limit) is not None
    )


def _no_offer_message(
    where: str, untried: list[AvailablePhoneNumber], taken: int, inputs: Mapping[str, Any]
) -> str:
    """Why a search purchase found nothing to buy: nothing for sale, others bought the
    matches, or the limits are below every price (the cheapest against each limit)."""
    head = f"create PhoneNumber: no available number in {where}"
    if untried and _limits_set(inputs):
        cheapest = _against_limits(
            min(o.upfront_cost_usd for o in untried),
            min(o.monthly_cost_usd for o in untried),
            inputs,
            qualifier="cheapest ",
        )
        return (
            f"{head} within the cost limits: of {len(untried)} found, {cheapest}; "
            "nothing was bought; raise the limits or search elsewhere"
        )
    if taken:
        return (
            f"{head}: the {taken} matches tried were bought by others meanwhile; run pulumi "
            "up again"
        )
    return (
        f"{head}: the search found none; nothing was bought; try another area_code"
        + (" or locality" if "locality" in where else "")
        + " (get_available_phone_numbers lists what is for sale)"
    )


def _offer_outputs(offer: AvailablePhoneNumber | None) -> dict[str, Any]:
    if offer is None:
        return {}
    return {
        "upfront_cost_usd": offer.upfront_cost_usd,
        "monthly_cost_usd": offer.monthly_cost_usd,
        "region": offer.region.model_dump(mode="json", by_alias=False),
    }


class PhoneNumber(NumberResource, module="speko", name="PhoneNumber"):
    """A managed phone number bought from the platform (type token
    ``pulumi-python:dynamic/speko:PhoneNumber``).

    Routing (``direction``, ``agent_id``, ``label``, ``dispatch_metadata_template``)
    updates in place; ``e164`` replaces, and so do ``area_code`` and ``locality`` when
    the current number does not match them. Destroying the resource releases the number
    for good: protect numbers you cannot lose.
    """

    area_code: pulumi.Output[str | None]
    locality: pulumi.Output[str | None]
    max_upfront_cost_usd: pulumi.Output[float | None]
    max_monthly_cost_usd: pulumi.Output[float | None]
    upfront_cost_usd: pulumi.Output[float | None]
    monthly_cost_usd: pulumi.Output[float | None]
    region: pulumi.Output[dict[str, Any] | None]

    @overload
    def __init__(
        self,
        resource_name: str,
        args: PhoneNumberArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        *,
        e164: pulumi.Input[str] | None = None,
        area_code: pulumi.Input[str] | None = None,
        locality: pulumi.Input[str] | None = None,
        direction: pulumi.Input[str] | None = None,
        agent_id: pulumi.Input[str] | None = None,
        label: pulumi.Input[str] | None = None,
        dispatch_metadata_template: pulumi.Input[Mapping[str, Any]] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        max_upfront_cost_usd: pulumi.Input[float] | None = None,
        max_monthly_cost_usd: pulumi.Input[float] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: PhoneNumberArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declare a managed number from ``args`` or keyword arguments (the fields of
        :class:`PhoneNumberArgs`; at run time both may be given, keywords win)."""
        props = resource_props("PhoneNumber", args, PhoneNumberArgs, kwargs, OUTPUT_NAMES)
        super().__init__(PhoneNumberProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> PhoneNumber:
        """A read-only reference to an existing managed number, by its platform id."""
        return PhoneNumber(resource_name, opts=get_options(id, opts))
