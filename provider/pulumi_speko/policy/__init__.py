"""CrossGuard rules for speko resources: plain validators and the policy objects.

``RULES`` is the one table of rules (name, level, severity, check, config schema);
``POLICIES`` are the pulumi-policy objects built from it at import, without starting any
server; a policy pack passes them to ``PolicyPack`` (see ``examples/policy-pack``). The
rule table of ``docs/policy-pack.md`` is generated from ``RULES`` (``rules_table``).

The ``check_*`` functions are the same rules over plain data (:class:`ResourceView`),
for use without the analyzer. This package imports pulumi-policy but none of the
resources, the API client or the sandbox.
"""

from __future__ import annotations

from pulumi_speko.policy.credentials import (
    CREDENTIAL_FRAGMENTS,
    CREDENTIAL_WORDS,
    credential_key_paths,
    looks_like_credential,
)
from pulumi_speko.policy.pack import POLICIES, RULES, SPEKO_TYPES, Rule, resource_view, rules_table
from pulumi_speko.policy.rules import (
    BUSINESS_VERIFICATION_TYPE,
    DEFAULT_MAX_MANAGED_NUMBERS,
    E164_PATTERN,
    NUMBER_TYPES,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
    ResourceView,
    StackViolation,
    check_e164_format,
    check_inbound_routed,
    check_label_required,
    check_managed_number_protected,
    check_max_managed_numbers,
    check_no_secrets_in_dispatch_metadata,
    check_unique_e164,
    check_verification_before_purchase,
)
from pulumi_speko.policy.values import UNKNOWN, is_unknown, to_plain

__all__ = [
    "BUSINESS_VERIFICATION_TYPE",
    "CREDENTIAL_FRAGMENTS",
    "CREDENTIAL_WORDS",
    "DEFAULT_MAX_MANAGED_NUMBERS",
    "E164_PATTERN",
    "NUMBER_TYPES",
    "PHONE_NUMBER_TYPE",
    "POLICIES",
    "RULES",
    "SIP_TRUNK_PHONE_NUMBER_TYPE",
    "SPEKO_TYPES",
    "UNKNOWN",
    "ResourceView",
    "Rule",
    "StackViolation",
    "check_e164_format",
    "check_inbound_routed",
    "check_label_required",
    "check_managed_number_protected",
    "check_max_managed_numbers",
    "check_no_secrets_in_dispatch_metadata",
    "check_unique_e164",
    "check_verification_before_purchase",
    "credential_key_paths",
    "is_unknown",
    "looks_like_credential",
    "resource_view",
    "rules_table",
    "to_plain",
]
