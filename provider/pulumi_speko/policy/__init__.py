"""CrossGuard rules for speko resources: plain validators and the policy objects.

``POLICIES`` lists the pulumi-policy objects, built at import without starting any
server; a policy pack passes them to ``PolicyPack`` (see ``examples/policy-pack``):

| policy | kind | level |
|---|---|---|
| ``speko-e164-format`` | resource | mandatory |
| ``speko-inbound-routed`` | resource | mandatory |
| ``speko-no-secrets-in-dispatch-metadata`` | resource | mandatory |
| ``speko-managed-number-protected`` | resource | advisory |
| ``speko-label-required`` | resource | advisory |
| ``speko-unique-e164`` | stack | mandatory |
| ``speko-verification-before-purchase`` | stack | mandatory |
| ``speko-max-managed-numbers`` | stack | advisory |

Config: ``verificationManagedElsewhere`` (bool, default false) for the first stack rule,
``maxManagedNumbers`` (integer, default 10) for the second.

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
from pulumi_speko.policy.pack import POLICIES, SPEKO_TYPES, resource_view
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
    "SIP_TRUNK_PHONE_NUMBER_TYPE",
    "SPEKO_TYPES",
    "UNKNOWN",
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
    "credential_key_paths",
    "is_unknown",
    "looks_like_credential",
    "resource_view",
    "to_plain",
]
