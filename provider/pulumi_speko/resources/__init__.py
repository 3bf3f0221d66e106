"""Pulumi dynamic resources: managed numbers, SIP-trunk numbers, business verification.

One module per resource (its Args, its ``ResourceProvider``, its ``Resource``). The
provider classes' module paths are a compatibility promise: Pulumi stores them in every
resource's state.
"""
