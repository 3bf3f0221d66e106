"""``python -m pulumi_speko.native``: the same as ``pulumi-resource-speko``."""

from pulumi_speko.native.server import main

main()
