"""The policy rules as plain functions over plain data.

Each resource rule takes a :class:`ResourceView` and returns its violation messages;
each stack rule takes the stack's views (and its policy config) and returns
:class:`StackViolation` objects. Property values are plain Python data in which a value
unknown during preview is :data:`~pulumi_speko.policy.values.UNKNOWN`: a rule never
flags what it cannot know yet. Messages are one line naming the resource, the property
and what to do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from pulumi_speko import constants
from pulumi_speko.constants import (
    BUSINESS_VERIFICATION_TYPE,
    INBOUND_DIRECTIONS,
    NUMBER_TYPES,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)
from pulumi_speko.policy.credentials import credential_key_paths
from pulumi_speko.policy.values import is_unknown

__all__ = [
    "BUSINESS_VERIFICATION_TYPE",
    "DEFAULT_MAX_MANAGED_NUMBERS",
    "E164_PATTERN",
    "NUMBER_TYPES",
    "PHONE_NUMBER_TYPE",
    "SIP_TRUNK_PHONE_NUMBER_TYPE",
    "ResourceView",
    "StackViolation",
    "check_e164_format",
    "check_inbound_routed",
    "check_label_required",
    "check_managed_number_protected",
    "check_max_managed_numbers",
    "check_no_secrets_in_dispatch_metadata",
    "check_unique_e164",
    "check_verification_before_purchase",
]

E164_PATTERN: Final = re.compile(constants.E164_PATTERN)
"""E.164 as the platform accepts it: ``+``, then 8 to 15 digits, the first not 0.

Matched with ``fullmatch`` and ``[0-9]``: ``$`` would let a trailing newline through, and
a digit class would accept any Unicode digit (Arabic-Indic ones, for instance)."""

DEFAULT_MAX_MANAGED_NUMBERS: Final = 10
"""``maxManagedNumbers`` when the policy config does not set it."""

_DEFAULT_DIRECTION: Final = "outbound"
_EXAMPLE_E164: Final = "+14155550123"


@dataclass(frozen=True)
class ResourceView:
    """One resource as a rule sees it: plain properties, unknowns marked."""

    type: str
    name: str
    urn: str = ""
    props: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False

    @property
    def label(self) -> str:
        """``PhoneNumber 'support-line'``: how messages name the resource."""
        return f"{self.type.rsplit(':', 1)[-1]} '{self.name}'"

    def get(self, key: str) -> Any:
        """A property value, ``None`` when absent."""
        return self.props.get(key)


@dataclass(frozen=True)
class StackViolation:
    """A stack rule's finding; ``urn`` is empty when it concerns the whole stack."""

    message: str
    urn: str = ""


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- resource rules -------------------------------------------------------------------


def check_e164_format(resource: ResourceView) -> list[str]:
    """``speko-e164-format``: a number's E.164 is well formed; a managed one is ``+1``.

    An absent ``e164`` (a managed number bought by ``area_code``) or an unknown one is
    only known after create, so it passes.
    """
    if resource.type not in NUMBER_TYPES:
        return []
    e164 = resource.get("e164")
    if e164 is None or is_unknown(e164):
        return []
    if not isinstance(e164, str) or not E164_PATTERN.fullmatch(e164):
        return [
            f"{resource.label}: e164 {e164!r} is not E.164 ('+', then 8 to 15 digits, the "
            f"first not 0); set e164 to a number like {_EXAMPLE_E164!r}."
        ]
    if resource.type == PHONE_NUMBER_TYPE and not e164.startswith("+1"):
        return [
            f"{resource.label}: e164 {e164!r} is not a US (+1) number and managed numbers "
            "are US-only; bring it in as a SipTrunkPhoneNumber instead."
        ]
    return []


def check_inbound_routed(resource: ResourceView) -> list[str]:
    """``speko-inbound-routed``: a number taking inbound calls has an agent or a template.

    ``direction`` defaults to ``outbound``; an unknown direction, agent or template
    passes, since any of them may turn out to route the number. As on the platform, any
    template that is not null counts, even ``{}``.
    """
    if resource.type not in NUMBER_TYPES:
        return []
    direction = resource.get("direction")
    if direction is None:
        direction = _DEFAULT_DIRECTION
    if not isinstance(direction, str) or is_unknown(direction):
        return []
    if direction not in INBOUND_DIRECTIONS:
        return []
    agent_id = resource.get("agent_id")
    template = resource.get("dispatch_metadata_template")
    if is_unknown(agent_id) or is_unknown(template):
        return []
    if not _is_blank(agent_id) or template is not None:
        return []
    return [
        f"{resource.label} takes inbound calls (direction {direction!r}) but sets neither "
        "agent_id nor dispatch_metadata_template; set agent_id to the agent that answers, "
        "or a dispatch_metadata_template, or make direction 'outbound'."
    ]


def check_no_secrets_in_dispatch_metadata(resource: ResourceView) -> list[str]:
    """``speko-no-secrets-in-dispatch-metadata``: no credential-like key, at any depth.

    Keys stay visible even when their values are unknown, so they are checked then too.
    """
    if resource.type not in NUMBER_TYPES:
        return []
    template = resource.get("dispatch_metadata_template")
    return [
        f"{resource.label}: dispatch_metadata_template key {path!r} looks like a "
        "credential, and the template is stored in plain text in state and on the "
        "platform; remove the key and let the agent fetch the credential itself."
        for path in credential_key_paths(template)
    ]


def check_managed_number_protected(resource: ResourceView) -> list[str]:
    """``speko-managed-number-protected``: a managed number should be ``protect``ed."""
    if resource.type != PHONE_NUMBER_TYPE or resource.protect:
        return []
    return [
        f"{resource.label} is not protected, and releasing a managed number gives it away "
        "for good; add opts=pulumi.ResourceOptions(protect=True)."
    ]


def check_label_required(resource: ResourceView) -> list[str]:
    """``speko-label-required``: every number has a non-blank label (unknown passes)."""
    if resource.type not in NUMBER_TYPES:
        return []
    label = resource.get("label")
    if is_unknown(label) or not _is_blank(label):
        return []
    return [
        f"{resource.label} has no label; set label (up to 120 characters) to say what "
        "the number is for, e.g. label='Support line (EN)'."
    ]


# --- stack rules ----------------------------------------------------------------------


def check_unique_e164(resources: Sequence[ResourceView]) -> list[StackViolation]:
    """``speko-unique-e164``: no two number resources claim one E.164 (one per claimant)."""
    claimants: dict[str, list[ResourceView]] = {}
    for resource in resources:
        e164 = resource.get("e164")
        if resource.type in NUMBER_TYPES and isinstance(e164, str) and not is_unknown(e164):
            claimants.setdefault(e164.strip(), []).append(resource)
    violations: list[StackViolation] = []
    for e164, group in claimants.items():
        if len(group) < 2:
            continue
        for resource in group:
            others = ", ".join(other.label for other in group if other is not resource)
            violations.append(
                StackViolation(
                    f"{resource.label} claims e164 {e164!r}, as does {others}; the platform "
                    "holds one live number per E.164, so keep a single resource for it.",
                    resource.urn,
                )
            )
    return violations


def check_verification_before_purchase(
    resources: Sequence[ResourceView], config: Mapping[str, Any]
) -> list[StackViolation]:
    """``speko-verification-before-purchase``: managed numbers need a submitted verification.

    Passes when no PhoneNumber is declared, when a BusinessVerification has ``submit``
    true, absent (it defaults to true) or unknown, or when the config sets
    ``verificationManagedElsewhere: true``.
    """
    if config.get("verificationManagedElsewhere") is True:
        return []
    managed = [resource for resource in resources if resource.type == PHONE_NUMBER_TYPE]
    if not managed:
        return []
    verifications = [r for r in resources if r.type == BUSINESS_VERIFICATION_TYPE]
    if any(_submits(verification) for verification in verifications):
        return []
    drafts = ", ".join(f"{v.label} has submit=False" for v in verifications)
    found = f" ({drafts})" if drafts else ""
    return [
        StackViolation(
            f"Stack buys {len(managed)} managed PhoneNumber(s) ({_names(managed)}) but declares "
            f"no BusinessVerification with submit=True{found}; purchases need a submitted "
            "verification, so declare one, or set verificationManagedElsewhere: true in "
            "this policy's config if another stack files it."
        )
    ]


def _submits(verification: ResourceView) -> bool:
    submit = verification.get("submit")
    return submit is None or submit is True or is_unknown(submit)


def check_max_managed_numbers(
    resources: Sequence[ResourceView], config: Mapping[str, Any]
) -> list[StackViolation]:
    """``speko-max-managed-numbers``: at most ``maxManagedNumbers`` managed numbers.

    The limit defaults to :data:`DEFAULT_MAX_MANAGED_NUMBERS`; a config value that is not
    a non-negative integer is itself reported.
    """
    raw_limit = config.get("maxManagedNumbers", DEFAULT_MAX_MANAGED_NUMBERS)
    limit = _as_count(raw_limit)
    if limit is None:
        return [
            StackViolation(
                f"Policy config maxManagedNumbers must be a whole number of 0 or more, got "
                f"{raw_limit!r}; fix it in the policy pack config."
            )
        ]
    managed = [resource for resource in resources if resource.type == PHONE_NUMBER_TYPE]
    if len(managed) <= limit:
        return []
    return [
        StackViolation(
            f"Stack declares {len(managed)} managed PhoneNumbers ({_names(managed)}), over "
            f"maxManagedNumbers={limit}; each is a purchase billed monthly, so remove some "
            "or raise maxManagedNumbers in the policy config."
        )
    ]


def _as_count(value: Any) -> int | None:
    # Config numbers cross gRPC as protobuf doubles: 5 arrives as 5.0.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or value < 0 or not float(value).is_integer():
        return None
    return int(value)


def _names(resources: Sequence[ResourceView], shown: int = 5) -> str:
    names = [f"'{resource.name}'" for resource in resources[:shown]]
    if len(resources) > shown:
        names.append(f"and {len(resources) - shown} more")
    return ", ".join(names)
