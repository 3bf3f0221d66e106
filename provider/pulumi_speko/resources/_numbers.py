"""What the two number resources share: routing, diff, read, update, delete, adoption.

A number's routing (``direction``, ``agent_id``, ``label``,
``dispatch_metadata_template``) updates in place with one PATCH. Everything that names
the number itself replaces it. ``create`` differs per resource and lives in its module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pulumi
import pulumi.dynamic
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    DiffResult,
    ReadResult,
    UpdateResult,
)

from pulumi_speko.api.errors import (
    ConflictError,
    NotFoundError,
    SpekoError,
)
from pulumi_speko.api.models import INBOUND_DIRECTIONS, PhoneNumberRecord, PhoneNumberUpdate
from pulumi_speko.resources._declare import arg
from pulumi_speko.resources._errors import SpekoProviderError, operator_errors
from pulumi_speko.resources._props import (
    PROVIDER_KEY,
    contains_unknown,
    first_per_property,
    number_outputs,
    same_value,
    type_failure,
    unknown_property_failures,
    user_props,
)
from pulumi_speko.resources._reconcile import LOOKUP_ATTEMPTS as LOOKUP_ATTEMPTS
from pulumi_speko.resources._reconcile import POST_ATTEMPTS, post_once
from pulumi_speko.resources._session import ConfiguredProvider

DEFAULT_DIRECTION = "outbound"


@dataclass
class RoutingArgs:
    """The routing inputs of both number resources; each updates in place.

    A number resource's Args lists it as its first base and the fields that come
    before routing as its last base: a dataclass's fields start with those of its last
    base, so ``e164`` stays the first field (``PhoneNumberArgs("+1…")`` keeps working).
    """

    direction: pulumi.Input[str] | None = arg(
        "Which calls the number takes: `inbound`, `outbound` or `both`. Updates in place.",
        default=DEFAULT_DIRECTION,
    )
    agent_id: pulumi.Input[str] | None = arg(
        "The agent that answers the number. Updates in place; unset to unlink."
    )
    label: pulumi.Input[str] | None = arg("A label of at most 120 characters. Updates in place.")
    dispatch_metadata_template: pulumi.Input[Mapping[str, Any]] | None = arg(
        "Metadata sent with each dispatched call (an object). Updates in place. Never put "
        "credentials here: it is stored in plain text."
    )


ROUTING_FIELDS: tuple[str, ...] = tuple(RoutingArgs.__dataclass_fields__)
CREATE_ATTEMPTS = POST_ATTEMPTS  # the one reconcile rule's counts, under their old names
# The resource type that manages each PhoneNumber.source, and how messages name it.
RESOURCE_OF_SOURCE = {"managed": "PhoneNumber", "sip_trunk": "SipTrunkPhoneNumber"}
SOURCE_WORDS = {"managed": "managed number", "sip_trunk": "SIP-trunk number"}

# Placeholders standing in for unknown values while validating with the wire models:
# each satisfies its own field's rules and the cross-field rules.
PLACEHOLDERS: dict[str, Any] = {
    "e164": "+12025550100",
    "direction": DEFAULT_DIRECTION,
    "agent_id": "unknown",
    "label": "",
    "dispatch_metadata_template": {},
    "sip_connection_installation_id": "unknown",
    "sip_trunk_id": "unknown",
    "sip_provider_name": "unknown",
}


def wire_payload(
    props: Mapping[str, Any], names: tuple[str, ...]
) -> tuple[dict[str, Any], set[str]]:
    """The known values of ``names``, unknowns replaced by placeholders (also returned)."""
    payload: dict[str, Any] = {}
    placeheld: set[str] = set()
    for name in names:
        value = props.get(name)
        if value is None:
            continue
        if contains_unknown(value):
            payload[name] = PLACEHOLDERS[name]
            placeheld.add(name)
        else:
            payload[name] = value
    return payload, placeheld


def adopt_existing_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    """``adopt_existing`` must be a boolean."""
    return type_failure("adopt_existing", props.get("adopt_existing"), bool, "a boolean")


def inbound_route_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    """Inbound calls need an agent or a dispatch template (checked even when other
    fields are invalid, which would stop the wire model's own cross-field rule)."""
    direction = props.get("direction", DEFAULT_DIRECTION)
    routed = (
        props.get("agent_id") is not None or props.get("dispatch_metadata_template") is not None
    )
    if isinstance(direction, str) and direction in INBOUND_DIRECTIONS and not routed:
        return [
            CheckFailure(
                "direction",
                f"direction {direction!r} takes inbound calls and needs agent_id or "
                "dispatch_metadata_template",
            )
        ]
    return []


def differs(olds: Mapping[str, Any], news: Mapping[str, Any], name: str) -> bool:
    """Whether a property changes (an unknown new value counts as a change)."""
    new_value = news.get(name)
    return contains_unknown(new_value) or not same_value(olds.get(name), new_value)


def routing_update(olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
    """The routing fields that change, with ``None`` for those to clear."""
    return {name: news.get(name) for name in ROUTING_FIELDS if differs(olds, news, name)}


class NumberProvider(ConfiguredProvider):
    """Base of the number providers. Holds no state that reaches the pickle."""

    kind: ClassVar[str]  # resource name, for messages
    source: ClassVar[str]  # the PhoneNumber.source this resource manages
    input_names: ClassVar[tuple[str, ...]]
    # inputs that exist only in the program (echoed into outputs so diff can see them)
    program_only_inputs: ClassVar[tuple[str, ...]] = ("adopt_existing",)
    carried_outputs: ClassVar[tuple[str, ...]] = ()

    # ------------------------------------------------------------------ check / diff

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every rule of the contract before any API call."""
        failures = unknown_property_failures(news, self.input_names)
        failures += adopt_existing_failures(news)
        failures += inbound_route_failures(news)
        failures += self.check_failures(news)
        inputs = user_props(news)
        inputs.setdefault("direction", DEFAULT_DIRECTION)
        inputs.setdefault("adopt_existing", False)
        inputs[PROVIDER_KEY] = news.get(PROVIDER_KEY)
        return CheckResult(inputs, first_per_property(failures))

    def check_failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        """Resource-specific rules."""
        raise NotImplementedError

    def replacements(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """Properties whose change the API cannot apply in place."""
        raise NotImplementedError

    def changed_properties(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The properties that change: those that replace, then the routing updates."""
        old_props, new_props = user_props(olds), user_props(news)
        new_props.setdefault("direction", DEFAULT_DIRECTION)
        replaces = self.replacements(old_props, new_props)
        return [*replaces, *(name for name in routing_update(old_props, new_props))]

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Routing updates in place; identity replaces (deleting first if the E.164 stays)."""
        old_props, new_props = user_props(olds), user_props(news)
        new_props.setdefault("direction", DEFAULT_DIRECTION)
        replaces = self.replacements(old_props, new_props)
        changes = bool(self.changed_properties(olds, news))
        keeps_e164 = "e164" in new_props and not differs(old_props, new_props, "e164")
        return DiffResult(
            changes=changes,
            replaces=replaces,
            stables=[],
            delete_before_replace=bool(replaces) and keeps_e164,
        )

    # ------------------------------------------------------------------ read / update / delete

    def outputs(self, number: PhoneNumberRecord, props: Mapping[str, Any]) -> dict[str, Any]:
        """Live fields plus the program-only inputs and carried outputs of ``props``."""
        outs = number_outputs(number)
        for name in (*self.program_only_inputs, *self.carried_outputs):
            if props.get(name) is not None:
                outs[name] = props[name]
        return outs

    def implied_inputs(self, number: PhoneNumberRecord, props: Mapping[str, Any]) -> dict[str, Any]:
        """The inputs that would produce what is live (so refresh shows dashboard edits)."""
        live = number_outputs(number)
        inputs = {name: live.get(name) for name in self.input_names if live.get(name) is not None}
        for name in self.program_only_inputs:
            if props.get(name) is not None:
                inputs[name] = props[name]
        return inputs

    @operator_errors("read phone number")
    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Live values from the (short-lived) list, else a GET; gone means gone."""
        old = user_props(props)
        number = self.lookup(id_)
        if number is None:
            self.confirm_gone(f"{self.kind} {id_}", props)
            return ReadResult(None, {})
        self.ensure_source(number)
        return ReadResult(id_, self.outputs(number, old), self.implied_inputs(number, old))

    def lookup(self, id_: str) -> PhoneNumberRecord | None:
        """The number with this id, or None when the platform no longer has it."""
        session = self.session()
        cached = session.directory.snapshot().get(id_)
        if cached is not None:
            return cached
        try:  # not in a list that may be seconds old: ask for it directly
            return session.client.get_phone_number(id_)
        except NotFoundError:
            return None

    def ensure_source(self, number: PhoneNumberRecord) -> None:
        """Refuse to manage a number of the other kind."""
        if number.source != self.source:
            raise SpekoProviderError(
                f"{self.kind} {number.e164} ({number.id}) is a {number.source} number on the "
                f"platform; manage it with {RESOURCE_OF_SOURCE[number.source]}"
            )

    @operator_errors("update phone number routing")
    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """One PATCH with only the routing fields that change (None clears)."""
        old_props, new_props = user_props(olds), user_props(news)
        new_props.setdefault("direction", DEFAULT_DIRECTION)
        changes = routing_update(old_props, new_props)
        carried = {**new_props, **{k: old_props[k] for k in self.carried_outputs if k in old_props}}
        if not changes:
            return UpdateResult({**old_props, **carried})
        number = self.patch(id_, changes)
        return UpdateResult(self.outputs(number, carried))

    def patch(self, id_: str, changes: Mapping[str, Any]) -> PhoneNumberRecord:
        """PATCH the routing and forget the cached list."""
        session = self.session()
        try:
            return session.client.update_phone_number(id_, PhoneNumberUpdate(**changes))
        finally:
            session.directory.invalidate()

    @operator_errors("release phone number")
    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Release the number; one already gone counts as released, but only when the key
        is known to be the organization's that held it (a wrong key or base URL answers 404
        too, and must not empty the stack)."""
        session = self.session()
        if isinstance(props.get("organization_id"), str):
            # Learned while the number is still listed (once per process), so a 404 after
            # a lost answer to this very release can still be proven ours.
            session.key_organization()
        try:
            session.client.release_phone_number(id_)
        except NotFoundError:
            self.confirm_gone(f"{self.kind} {id_}", props)
        finally:
            session.directory.invalidate()

    # ------------------------------------------------------------------ create helpers

    def adopt(self, number: PhoneNumberRecord, props: Mapping[str, Any]) -> CreateResult:
        """Take over a number the organization already holds and converge its routing."""
        self.ensure_source(number)
        self.ensure_adoptable(number, props)
        changes = routing_update(number_outputs(number), props)
        if changes:
            number = self.patch(number.id, changes)
        return CreateResult(number.id, self.outputs(number, props))

    def ensure_adoptable(self, number: PhoneNumberRecord, props: Mapping[str, Any]) -> None:
        """Fail when the live number differs in what cannot be changed in place."""

    def create_or_adopt(
        self, e164: str, inputs: Mapping[str, Any], create: Callable[[], CreateResult]
    ) -> CreateResult:
        """Adopt the number when asked to and held; else ``create`` it. A 409 adopts
        when asked to (another run won the race), else explains who holds it."""
        if inputs.get("adopt_existing"):
            held = self.session().directory.find_e164(e164)
            if held is not None:
                return self.adopt(held, inputs)
        try:
            return create()
        except ConflictError as error:
            held = (
                self.session().directory.find_e164(e164) if inputs.get("adopt_existing") else None
            )
            if held is not None:
                return self.adopt(held, inputs)
            raise SpekoProviderError(self.conflict_message(e164, error)) from None

    def create_once(self, e164: str, post: Callable[[], PhoneNumberRecord]) -> PhoneNumberRecord:
        """POST a create without ever doubling it (design decision 4): after a lost
        answer the organization is listed, and a number that landed is this create's
        result (see :func:`~pulumi_speko.resources._reconcile.post_once`)."""
        directory = self.session().directory
        return post_once(
            post,
            lambda: directory.find_e164(e164),
            lambda cause, failure: self.unknown_create_outcome(e164, cause, failure),
            after_post=directory.invalidate,
        )

    def unknown_create_outcome(self, e164: str, cause: SpekoError, failure: SpekoError) -> str:
        """Which number may have been taken, and how to adopt it."""
        return (
            f"create {self.kind}: the request for {e164} may have taken effect ({cause}) and "
            f"listing the organization to check failed ({failure}); before running pulumi up "
            f"again, check whether the organization holds {e164} (pulumi-speko discover lists "
            f'it): if it does, declare e164="{e164}" with adopt_existing=True'
        )

    def conflict_message(self, e164: str, error: ConflictError) -> str:
        """Explain a 409: ours to adopt (and with which resource type), or held elsewhere."""
        held = self.session().directory.find_e164(e164)
        if held is None:
            return f"create {self.kind}: {error} (another organization holds {e164})"
        if held.source != self.source:
            return (
                f"create {self.kind}: {error} (the organization already holds {e164} as a "
                f"{SOURCE_WORDS[held.source]} ({held.id}), which a {self.kind} cannot manage; "
                f"declare it as a {RESOURCE_OF_SOURCE[held.source]} with adopt_existing=True)"
            )
        return (
            f"create {self.kind}: {error} (the organization already holds {e164} as "
            f"{held.id}; set adopt_existing=True to manage it with this resource)"
        )


class NumberResource(pulumi.dynamic.Resource):
    """The outputs both number resources declare: routing, and every field of the
    platform's PhoneNumber (the resource id is the platform's number id)."""

    e164: pulumi.Output[str]
    direction: pulumi.Output[str]
    agent_id: pulumi.Output[str | None]
    label: pulumi.Output[str | None]
    dispatch_metadata_template: pulumi.Output[dict[str, Any] | None]
    adopt_existing: pulumi.Output[bool]
    organization_id: pulumi.Output[str]
    source: pulumi.Output[str]
    provider_resource_id: pulumi.Output[str | None]
    telnyx_phone_number_id: pulumi.Output[str | None]
    sip_trunk_id: pulumi.Output[str | None]
    sip_connection_installation_id: pulumi.Output[str | None]
    sip_provider_name: pulumi.Output[str | None]
    sms10dlc_profile_id: pulumi.Output[str | None]
    sms_campaign_id: pulumi.Output[str | None]
    sms_assignment_status: pulumi.Output[str | None]
    sms_assignment_updated_at: pulumi.Output[str | None]
    setup_status: pulumi.Output[dict[str, Any]]
    next_charge_at: pulumi.Output[str | None]
    last_charged_at: pulumi.Output[str | None]
    suspended_at: pulumi.Output[str | None]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
