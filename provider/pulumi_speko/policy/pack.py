"""The CrossGuard policy objects: each rule of :mod:`rules` wrapped for pulumi-policy.

Building these objects starts nothing; only ``PolicyPack(...)`` (in the pack's
``__main__.py``) starts the analyzer's gRPC server.

What the analyzer hands a policy (pulumi-policy 1.21, engine 3.x):

- ``Analyze`` (resource policies) gets the resource's *inputs*; ``AnalyzeStack`` (stack
  policies) gets every resource's *outputs*, which during preview are the checked
  inputs of resources not created yet.
- The engine drops top-level keys starting with ``__`` (so ``__provider``) before
  calling the analyzer; they are skipped here as well, in case an engine sends them.
- Values are read through :func:`~pulumi_speko.policy.values.plain_item`, so no
  rule ever raises ``UnknownValueError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from pulumi_speko.policy import rules
from pulumi_speko.policy.rules import ResourceView, StackViolation
from pulumi_speko.policy.values import plain_item

__all__ = ["POLICIES", "SPEKO_TYPES", "resource_view"]

SPEKO_TYPES: Final = frozenset(
    {rules.PHONE_NUMBER_TYPE, rules.SIP_TRUNK_PHONE_NUMBER_TYPE, rules.BUSINESS_VERIFICATION_TYPE}
)

ResourceCheck = Callable[[ResourceView], list[str]]
StackCheck = Callable[[list[ResourceView], Mapping[str, Any]], list[StackViolation]]


def resource_view(resource: Any) -> ResourceView:
    """The :class:`ResourceView` of a ``ResourceValidationArgs`` or ``PolicyResource``."""
    return ResourceView(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=_plain_props(resource.props),
        protect=bool(resource.opts.protect),
    )


def _plain_props(props: Mapping[str, Any]) -> dict[str, Any]:
    # Internal keys (``__provider``: the pickled provider) are never read, not even copied.
    return {
        str(key): plain_item(props, key) for key in list(props) if not str(key).startswith("__")
    }


def _resource_validation(check: ResourceCheck) -> Callable[..., None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in SPEKO_TYPES:
            return
        for message in check(resource_view(args)):
            report_violation(message, None)

    validate.__name__ = validate.__qualname__ = check.__name__
    validate.__doc__ = check.__doc__
    return validate


def _stack_validation(check: StackCheck) -> Callable[..., None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        views = [resource_view(r) for r in args.resources if r.resource_type in SPEKO_TYPES]
        for violation in check(views, dict(args.get_config() or {})):
            report_violation(violation.message, violation.urn or None)

    validate.__name__ = validate.__qualname__ = check.__name__
    validate.__doc__ = check.__doc__
    return validate


def _without_config(
    check: Callable[[list[ResourceView]], list[StackViolation]],
) -> StackCheck:
    def checked(resources: list[ResourceView], _config: Mapping[str, Any]) -> list[StackViolation]:
        return check(resources)

    checked.__name__ = check.__name__
    checked.__doc__ = check.__doc__
    return checked


POLICIES: Final[list[Policy]] = [
    ResourceValidationPolicy(
        name="speko-e164-format",
        description="Speko phone numbers have a well-formed E.164 (managed numbers: +1).",
        validate=_resource_validation(rules.check_e164_format),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="speko-inbound-routed",
        description="A speko number taking inbound calls has an agent or a dispatch template.",
        validate=_resource_validation(rules.check_inbound_routed),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    ResourceValidationPolicy(
        name="speko-no-secrets-in-dispatch-metadata",
        description="No key of a speko dispatch metadata template looks like a credential.",
        validate=_resource_validation(rules.check_no_secrets_in_dispatch_metadata),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.CRITICAL,
    ),
    ResourceValidationPolicy(
        name="speko-managed-number-protected",
        description="Managed speko numbers are protected: releasing one gives it away for good.",
        validate=_resource_validation(rules.check_managed_number_protected),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
    ),
    ResourceValidationPolicy(
        name="speko-label-required",
        description="Every speko phone number has a label.",
        validate=_resource_validation(rules.check_label_required),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.LOW,
    ),
    StackValidationPolicy(
        name="speko-unique-e164",
        description="No two speko number resources claim the same E.164.",
        validate=_stack_validation(_without_config(rules.check_unique_e164)),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
    ),
    StackValidationPolicy(
        name="speko-verification-before-purchase",
        description="A stack that buys managed numbers declares a submitted BusinessVerification.",
        validate=_stack_validation(rules.check_verification_before_purchase),
        enforcement_level=EnforcementLevel.MANDATORY,
        severity=Severity.HIGH,
        config_schema=PolicyConfigSchema(
            properties={
                "verificationManagedElsewhere": {
                    "type": "boolean",
                    "default": False,
                    "description": "true when another stack or the dashboard files the "
                    "business verification",
                }
            }
        ),
    ),
    StackValidationPolicy(
        name="speko-max-managed-numbers",
        description="A stack holds at most maxManagedNumbers managed speko numbers.",
        validate=_stack_validation(rules.check_max_managed_numbers),
        enforcement_level=EnforcementLevel.ADVISORY,
        severity=Severity.MEDIUM,
        config_schema=PolicyConfigSchema(
            properties={
                "maxManagedNumbers": {
                    "type": "integer",
                    "minimum": 0,
                    "default": rules.DEFAULT_MAX_MANAGED_NUMBERS,
                    "description": "how many managed (purchased) numbers one stack may hold",
                }
            }
        ),
    ),
]
"""Every speko policy, in the order of the rules table; pass it to ``PolicyPack``."""
