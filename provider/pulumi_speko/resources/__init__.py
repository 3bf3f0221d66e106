"""Pulumi dynamic resources: managed numbers, SIP-trunk numbers, business verification.

One module per resource (its Args, its ``ResourceProvider``, its ``Resource``). The
provider classes' module paths are a compatibility promise: Pulumi stores them in every
resource's state.

What other packages build on (the native plugin, the audit, the schema generator) is
re-exported here, lazily; the modules behind it stay private.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pulumi_speko._lazy import lazy_getattr

# public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    "DEFAULT": "pulumi_speko.resources._declare",
    "DESCRIPTION": "pulumi_speko.resources._declare",
    "REPLACES": "pulumi_speko.resources._declare",
    "ConfiguredProvider": "pulumi_speko.resources._session",
    "Session": "pulumi_speko.resources._session",
    "SpekoProviderError": "pulumi_speko.resources._errors",
    "calls_use": "pulumi_speko.resources._session",
    "is_unknown": "pulumi_speko.resources._props",
    "number_outputs": "pulumi_speko.resources._props",
    "same_value": "pulumi_speko.resources._props",
}

__all__ = list(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from pulumi_speko.resources._declare import DEFAULT as DEFAULT
    from pulumi_speko.resources._declare import DESCRIPTION as DESCRIPTION
    from pulumi_speko.resources._declare import REPLACES as REPLACES
    from pulumi_speko.resources._errors import SpekoProviderError as SpekoProviderError
    from pulumi_speko.resources._props import is_unknown as is_unknown
    from pulumi_speko.resources._props import number_outputs as number_outputs
    from pulumi_speko.resources._props import same_value as same_value
    from pulumi_speko.resources._session import ConfiguredProvider as ConfiguredProvider
    from pulumi_speko.resources._session import Session as Session
    from pulumi_speko.resources._session import calls_use as calls_use


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
