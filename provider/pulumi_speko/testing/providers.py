"""The ``__provider`` of each dynamic resource of this package, as a program sends it.

A test that drives :class:`~pulumi_speko.testing.engine.EngineHost` by hand puts it in
the inputs it passes to ``Check``, as ``Resource.__init__`` does for a program.
"""

from __future__ import annotations

from pulumi_speko.constants import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider
from pulumi_speko.testing.engine import serialize_provider

__all__ = ["serialized_providers"]


def serialized_providers() -> dict[str, str]:
    """Each dynamic resource's type token -> its serialized provider (``__provider``)."""
    return {
        PHONE_NUMBER_TYPE: serialize_provider(PhoneNumberProvider()),
        SIP_TRUNK_PHONE_NUMBER_TYPE: serialize_provider(SipTrunkPhoneNumberProvider()),
        BUSINESS_VERIFICATION_TYPE: serialize_provider(BusinessVerificationProvider()),
    }
