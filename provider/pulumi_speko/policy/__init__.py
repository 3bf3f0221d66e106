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

from pulumi_speko.policy import credentials, pack, rules
from pulumi_speko.policy.credentials import *  # noqa: F403 (exported as credentials.__all__)
from pulumi_speko.policy.pack import *  # noqa: F403 (exported as pack.__all__)
from pulumi_speko.policy.rules import *  # noqa: F403 (exported as rules.__all__)
from pulumi_speko.policy.values import UNKNOWN, is_unknown, to_plain

__all__ = ["UNKNOWN", "is_unknown", "to_plain"]
__all__ += credentials.__all__
__all__ += pack.__all__
__all__ += rules.__all__
