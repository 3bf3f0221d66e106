"""Speko phone numbers, routing and business verification as Pulumi resources.

The public names are imported lazily: ``import pulumi_speko`` stays cheap, and the
client, models and sandbox load only when a program or the provider host uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_speko._lazy import lazy_getattr
from pulumi_speko._version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    "PhoneNumber": "pulumi_speko.resources.phone_number",
    "PhoneNumberArgs": "pulumi_speko.resources.phone_number",
    "SipTrunkPhoneNumber": "pulumi_speko.resources.sip_trunk_phone_number",
    "SipTrunkPhoneNumberArgs": "pulumi_speko.resources.sip_trunk_phone_number",
    "BusinessVerification": "pulumi_speko.resources.business_verification",
    "BusinessVerificationArgs": "pulumi_speko.resources.business_verification",
    "BusinessProfileArgs": "pulumi_speko.resources.business_verification",
    "AddressArgs": "pulumi_speko.resources.business_verification",
    "AuthorizedRepresentativeArgs": "pulumi_speko.resources.business_verification",
    "get_available_phone_numbers": "pulumi_speko.resources.functions",
    "get_phone_numbers": "pulumi_speko.resources.functions",
    "get_business_verification": "pulumi_speko.resources.functions",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from pulumi_speko.resources.business_verification import (
        AddressArgs as AddressArgs,
    )
    from pulumi_speko.resources.business_verification import (
        AuthorizedRepresentativeArgs as AuthorizedRepresentativeArgs,
    )
    from pulumi_speko.resources.business_verification import (
        BusinessProfileArgs as BusinessProfileArgs,
    )
    from pulumi_speko.resources.business_verification import (
        BusinessVerification as BusinessVerification,
    )
    from pulumi_speko.resources.business_verification import (
        BusinessVerificationArgs as BusinessVerificationArgs,
    )
    from pulumi_speko.resources.functions import (
        get_available_phone_numbers as get_available_phone_numbers,
    )
    from pulumi_speko.resources.functions import (
        get_business_verification as get_business_verification,
    )
    from pulumi_speko.resources.functions import get_phone_numbers as get_phone_numbers
    from pulumi_speko.resources.phone_number import PhoneNumber as PhoneNumber
    from pulumi_speko.resources.phone_number import PhoneNumberArgs as PhoneNumberArgs
    from pulumi_speko.resources.sip_trunk_phone_number import (
        SipTrunkPhoneNumber as SipTrunkPhoneNumber,
    )
    from pulumi_speko.resources.sip_trunk_phone_number import (
        SipTrunkPhoneNumberArgs as SipTrunkPhoneNumberArgs,
    )


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
