"""``SipTrunkPhoneNumber``: a number on the customer's own SIP trunk, imported.

Imports are free and not gated on business verification; numbers outside the US come
in this way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, overload

import pulumi
import pulumi.dynamic
from pulumi.dynamic import CheckFailure, CreateResult, DiffResult

from pulumi_speko.api.models import PhoneNumberImport, PhoneNumberRecord
from pulumi_speko.constants import SIP_TRUNK_PHONE_NUMBER_TYPE
from pulumi_speko.resources._declare import arg, get_options, resource_props
from pulumi_speko.resources._errors import SpekoProviderError, operator_errors, warn
from pulumi_speko.resources._numbers import (
    PLACEHOLDERS,
    ROUTING_FIELDS,
    NumberProvider,
    NumberResource,
    RoutingArgs,
    differs,
    wire_payload,
)
from pulumi_speko.resources._props import model_failures

TYPE_TOKEN = SIP_TRUNK_PHONE_NUMBER_TYPE
SIP_TRUNK_IDENTIFIERS = ("sip_connection_installation_id", "sip_trunk_id")
"""The two ways to name the trunk that carries the number (exactly one is given)."""
SIP_FIELDS = (*SIP_TRUNK_IDENTIFIERS, "sip_provider_name")
_RENAME_WARNING = (
    "SipTrunkPhoneNumber {e164} ({id}): changing sip_provider_name replaces the number (the "
    "platform cannot change it in place): it is released, then imported again, and inbound "
    "calls to {e164} are not routed in between; to avoid the interruption, keep the old "
    "sip_provider_name"
)


@dataclass
class _SipTrunkConnection:
    """The first inputs of a ``SipTrunkPhoneNumber``: the number and its trunk."""

    e164: pulumi.Input[str] | None = arg(
        "The number, in E.164 (any country). Required. Changing it replaces the resource.",
        replaces=True,
    )
    sip_connection_installation_id: pulumi.Input[str] | None = arg(
        "The SIP connection installation that carries the number. Give exactly one of this "
        "or `sip_trunk_id`. Changing it replaces the resource.",
        replaces=True,
    )
    sip_trunk_id: pulumi.Input[str] | None = arg(
        "Deprecated: the platform keeps it only for older integrations; use "
        "`sip_connection_installation_id`. The SIP trunk of the number (ignored by the platform "
        "when `sip_connection_installation_id` is set). Changing it replaces the resource.",
        replaces=True,
    )
    sip_provider_name: pulumi.Input[str] | None = arg(
        "Display name of the SIP provider. The platform cannot change it in place, so "
        "changing it replaces the resource: the number is released and imported again "
        "(same E.164, deleted first), and inbound calls to it are not routed until the "
        "import completes. The provider warns when a plan does this.",
        replaces=True,
    )


@dataclass
class SipTrunkPhoneNumberArgs(RoutingArgs, _SipTrunkConnection):
    """Inputs of a ``SipTrunkPhoneNumber``: the number and its trunk, its routing, then
    adoption."""

    adopt_existing: pulumi.Input[bool] | None = arg(
        "When the organization already holds `e164` as a SIP-trunk number, adopt it and "
        "converge its routing instead of failing. Read only at create.",
        default=False,
    )


INPUT_NAMES: tuple[str, ...] = tuple(SipTrunkPhoneNumberArgs.__dataclass_fields__)
OUTPUT_NAMES: tuple[str, ...] = tuple(
    name for name in PhoneNumberRecord.model_fields if name != "id"
)


def _sip_identifier_failures(props: Mapping[str, Any]) -> list[CheckFailure]:
    given = [name for name in SIP_TRUNK_IDENTIFIERS if props.get(name) is not None]
    if not given:
        return [
            CheckFailure(
                "sip_connection_installation_id",
                "give sip_connection_installation_id (or sip_trunk_id) to say which trunk "
                "carries the number",
            )
        ]
    if len(given) == 2:
        return [
            CheckFailure(
                "sip_trunk_id",
                "give only one of sip_connection_installation_id or sip_trunk_id (the "
                "platform ignores sip_trunk_id when both are set)",
            )
        ]
    return []


class SipTrunkPhoneNumberProvider(NumberProvider):
    """Dynamic provider of SIP-trunk numbers (module path kept stable: it is in state)."""

    kind: ClassVar[str] = "SipTrunkPhoneNumber"
    source: ClassVar[str] = "sip_trunk"
    input_names: ClassVar[tuple[str, ...]] = INPUT_NAMES

    def check_failures(self, news: Mapping[str, Any]) -> list[CheckFailure]:
        """E.164, one SIP identifier, and the routing rules of the wire model."""
        failures: list[CheckFailure] = []
        if news.get("e164") is None:
            failures.append(CheckFailure("e164", "give the number to import, in E.164"))
        failures += _sip_identifier_failures(news)
        payload, placeheld = wire_payload(news, ("e164", *SIP_FIELDS, *ROUTING_FIELDS))
        for required in ("e164", "sip_connection_installation_id"):  # their own checks ran
            payload.setdefault(required, PLACEHOLDERS[required])
        return failures + model_failures(
            PhoneNumberImport, payload, model_level_property="direction", skip=placeheld
        )

    def replacements(self, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
        """The number and everything about its trunk replace."""
        return [name for name in ("e164", *SIP_FIELDS) if differs(olds, news, name)]

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """As for every number, plus a warning when only a display name forces a replace."""
        result = super().diff(id_, olds, news)
        if "sip_provider_name" in (result.replaces or []):
            warn(_RENAME_WARNING.format(e164=olds.get("e164"), id=id_))
        return result

    def ensure_adoptable(self, number: PhoneNumberRecord, props: Mapping[str, Any]) -> None:
        """The trunk of an adopted number cannot change in place."""
        live = number.model_dump(by_alias=False)
        mismatched = [
            f"{name}={live.get(name)!r}"
            for name in SIP_FIELDS
            if props.get(name) is not None and live.get(name) != props.get(name)
        ]
        if mismatched:
            raise SpekoProviderError(
                f"create SipTrunkPhoneNumber: {number.e164} is held with {', '.join(mismatched)}; "
                "set those inputs to the live values to adopt it (they cannot change in place)"
            )

    @operator_errors("import SipTrunkPhoneNumber")
    def create(self, props: dict[str, Any]) -> CreateResult:
        """Adopt the number when asked to and held, else import it."""
        inputs = {k: v for k, v in props.items() if v is not None}
        e164 = str(inputs["e164"])
        body = PhoneNumberImport(
            e164=e164,
            direction=inputs.get("direction", "outbound"),
            agent_id=inputs.get("agent_id"),
            label=inputs.get("label"),
            dispatch_metadata_template=inputs.get("dispatch_metadata_template"),
            sip_connection_installation_id=inputs.get("sip_connection_installation_id"),
            sip_trunk_id=inputs.get("sip_trunk_id"),
            sip_provider_name=inputs.get("sip_provider_name"),
        )
        client = self.session().client

        def import_number() -> CreateResult:
            number = self.create_once(e164, lambda: client.import_phone_number(body))
            return CreateResult(number.id, self.outputs(number, inputs))

        return self.create_or_adopt(e164, inputs, import_number)


class SipTrunkPhoneNumber(NumberResource, module="speko", name="SipTrunkPhoneNumber"):
    """A number on the customer's own SIP trunk, imported into the platform (type token
    ``pulumi-python:dynamic/speko:SipTrunkPhoneNumber``).

    Routing updates in place; ``e164`` and the SIP fields replace (deleting first, since
    the platform holds one live number per E.164). Destroying it removes the number from
    the platform, not from the trunk.
    """

    @overload
    def __init__(
        self,
        resource_name: str,
        args: SipTrunkPhoneNumberArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        *,
        e164: pulumi.Input[str] | None = None,
        sip_connection_installation_id: pulumi.Input[str] | None = None,
        sip_trunk_id: pulumi.Input[str] | None = None,
        sip_provider_name: pulumi.Input[str] | None = None,
        direction: pulumi.Input[str] | None = None,
        agent_id: pulumi.Input[str] | None = None,
        label: pulumi.Input[str] | None = None,
        dispatch_metadata_template: pulumi.Input[Mapping[str, Any]] | None = None,
        adopt_existing: pulumi.Input[bool] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    def __init__(
        self,
        resource_name: str,
        args: SipTrunkPhoneNumberArgs | None = None,
        opts: pulumi.ResourceOptions | None = None,
        **kwargs: Any,
    ) -> None:
        """Declare a SIP-trunk number from ``args`` or keyword arguments (the fields of
        :class:`SipTrunkPhoneNumberArgs`; at run time both may be given, keywords win)."""
        props = resource_props(
            "SipTrunkPhoneNumber", args, SipTrunkPhoneNumberArgs, kwargs, OUTPUT_NAMES
        )
        super().__init__(SipTrunkPhoneNumberProvider(), resource_name, props, opts)

    @staticmethod
    def get(
        resource_name: str, id: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None
    ) -> SipTrunkPhoneNumber:
        """A read-only reference to an existing SIP-trunk number, by its platform id."""
        return SipTrunkPhoneNumber(resource_name, opts=get_options(id, opts))
