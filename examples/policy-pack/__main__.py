"""The speko policy pack: the rules of ``pulumi_speko.policy`` served to the Pulumi engine.

Run it with ``pulumi preview --policy-pack examples/policy-pack``. Building the
``PolicyPack`` starts the analyzer's gRPC server, so it happens only here.
"""

from pulumi_policy import EnforcementLevel, PolicyPack
from pulumi_speko.policy import POLICIES

PolicyPack(
    name="speko",
    policies=POLICIES,
    # Each policy sets its own level (mandatory or advisory); this is only the fallback.
    enforcement_level=EnforcementLevel.ADVISORY,
)
