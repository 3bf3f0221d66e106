"""The CrossGuard policies: one table of rules builds the policy objects, their config
schemas and the documentation table.

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
- Both type families are checked: a native resource (``speko:index:*``, camelCase) is
  seen through :mod:`pulumi_speko.families` with the dynamic token and snake_case
  properties, so every rule (and every message) reads one family.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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

from pulumi_speko.families import dynamic_token, is_native, native_token, snake_properties
from pulumi_speko.policy import rules
from pulumi_speko.policy.rules import ResourceView, StackViolation
from pulumi_speko.policy.values import plain_item

__all__ = ["POLICIES", "RULES", "SPEKO_TYPES", "Rule", "resource_view", "rules_table"]

_DYNAMIC_TYPES: Final = (
    rules.PHONE_NUMBER_TYPE,
    rules.SIP_TRUNK_PHONE_NUMBER_TYPE,
    rules.BUSINESS_VERIFICATION_TYPE,
)
SPEKO_TYPES: Final = frozenset(
    {*_DYNAMIC_TYPES, *(native_token(token) for token in _DYNAMIC_TYPES)}
)
"""The type tokens the rules check: both families of the three resources."""

ResourceCheck = Callable[[ResourceView], list[str]]
StackCheck = Callable[[list[ResourceView], Mapping[str, Any]], list[StackViolation]]
MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY


@dataclass(frozen=True)
class Rule:
    """One policy: its name, what it says, how bad a violation is, and its check.

    ``check`` is a resource check (one resource's view) or, with ``stack=True``, a stack
    check (every speko resource and the policy's config). ``config`` holds the JSON
    schema of each config property the rule reads.
    """

    name: str
    description: str
    checks: str
    """What the rule checks, in the words of the documentation table."""
    check: Callable[..., Any]
    level: EnforcementLevel
    severity: Severity
    stack: bool = False
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def policy(self) -> Policy:
        """The pulumi-policy object of this rule."""
        common: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "enforcement_level": self.level,
            "severity": self.severity,
        }
        if self.config:
            common["config_schema"] = PolicyConfigSchema(
                properties={key: dict(schema) for key, schema in self.config.items()}
            )
        if self.stack:
            return StackValidationPolicy(validate=_stack_validation(self.check), **common)
        return ResourceValidationPolicy(validate=_resource_validation(self.check), **common)


def resource_view(resource: Any) -> ResourceView:
    """The :class:`ResourceView` of a ``ResourceValidationArgs`` or ``PolicyResource``;
    a native resource's is in the dynamic family's token and snake_case names."""
    props = _plain_props(resource.props)
    return ResourceView(
        type=dynamic_token(resource.resource_type),
        name=resource.name,
        urn=resource.urn,
        props=snake_properties(props) if is_native(resource.resource_type) else props,
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


RULES: Final[tuple[Rule, ...]] = (
    Rule(
        "speko-e164-format",
        "Speko phone numbers have a well-formed E.164 (managed numbers: +1).",
        "each number: `e164` is `+` then 8 to 15 digits, the first not 0; a managed "
        "`PhoneNumber` is `+1` (others come in as `SipTrunkPhoneNumber`)",
        rules.check_e164_format,
        MANDATORY,
        Severity.HIGH,
    ),
    Rule(
        "speko-inbound-routed",
        "A speko number taking inbound calls has an agent or a dispatch template.",
        "each number: `direction` `inbound` or `both` needs `agent_id` or "
        "`dispatch_metadata_template`",
        rules.check_inbound_routed,
        MANDATORY,
        Severity.HIGH,
    ),
    Rule(
        "speko-no-secrets-in-dispatch-metadata",
        "No key of a speko dispatch metadata template looks like a credential.",
        "each number: no key of `dispatch_metadata_template`, at any depth, looks like a "
        "credential",
        rules.check_no_secrets_in_dispatch_metadata,
        MANDATORY,
        Severity.CRITICAL,
    ),
    Rule(
        "speko-managed-number-protected",
        "Managed speko numbers are protected: releasing one gives it away for good.",
        "each `PhoneNumber`: the resource has `protect=True` (releasing a managed number "
        "gives it away for good)",
        rules.check_managed_number_protected,
        ADVISORY,
        Severity.MEDIUM,
    ),
    Rule(
        "speko-label-required",
        "Every speko phone number has a label.",
        "each number: `label` is set and not blank",
        rules.check_label_required,
        ADVISORY,
        Severity.LOW,
    ),
    Rule(
        "speko-unique-e164",
        "No two speko number resources claim the same E.164.",
        "the stack: no two number resources claim the same E.164",
        _without_config(rules.check_unique_e164),
        MANDATORY,
        Severity.HIGH,
        stack=True,
    ),
    Rule(
        "speko-verification-before-purchase",
        "A stack that buys managed numbers declares a submitted BusinessVerification.",
        "the stack: a stack with a `PhoneNumber` declares a `BusinessVerification` whose "
        "`submit` is true (or left to its default, or unknown yet)",
        rules.check_verification_before_purchase,
        MANDATORY,
        Severity.HIGH,
        stack=True,
        config={
            "verificationManagedElsewhere": {
                "type": "boolean",
                "default": False,
                "description": "true when another stack or the dashboard files the "
                "business verification",
            }
        },
    ),
    Rule(
        "speko-max-managed-numbers",
        "A stack holds at most maxManagedNumbers managed speko numbers.",
        "the stack: at most `maxManagedNumbers` `PhoneNumber`s (a guard against a loop that "
        "buys more numbers than meant)",
        rules.check_max_managed_numbers,
        ADVISORY,
        Severity.MEDIUM,
        stack=True,
        config={
            "maxManagedNumbers": {
                "type": "integer",
                "minimum": 0,
                "default": rules.DEFAULT_MAX_MANAGED_NUMBERS,
                "description": "how many managed (purchased) numbers one stack may hold",
            }
        },
    ),
)
"""Every speko rule, in the order the documentation lists them."""

POLICIES: Final[list[Policy]] = [rule.policy() for rule in RULES]
"""Every speko policy, in the order of :data:`RULES`; pass it to ``PolicyPack``."""


def rules_table() -> str:
    """The markdown table of the rules and their config (the docs are generated from it)."""
    lines = [
        "| policy | level | severity | checks | config |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES:
        level = rule.level.value + (" (stack)" if rule.stack else "")
        config = "; ".join(
            f"`{key}` ({schema['type']}, default `{_json_word(schema['default'])}`): "
            f"{schema['description']}"
            for key, schema in rule.config.items()
        )
        lines.append(
            f"| `{rule.name}` | {level} | {rule.severity.value} | {rule.checks} | "
            f"{config or 'none'} |"
        )
    return "\n".join(lines) + "\n"


def _json_word(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
