"""The speko provider plugin, run from this folder (see PulumiPlugin.yaml)."""

from pulumi_speko.native.server import main

main()
