"""examples/yaml with the real ``pulumi``: the native plugin found on PATH, ``up``, a
``preview`` with no change, ``destroy``. Skipped, with the reason, without a binary."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from pulumi_speko.demo import LocalStack

from .conftest import pulumi_ok, requires_pulumi

PLUGIN_DIR = str(Path(sys.executable).parent)  # where pulumi-resource-speko is installed


def _use_plugin_from_path(stack: LocalStack) -> None:
    """The copied project cannot reach ../../plugin: let the engine find the console
    script on PATH instead."""
    manifest_path = stack.project_dir / "Pulumi.yaml"
    manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    manifest.pop("plugins", None)
    manifest_path.write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    stack.env["PATH"] = os.pathsep.join([PLUGIN_DIR, stack.env.get("PATH", "")])


@requires_pulumi
def test_yaml_example_up_then_no_change(new_stack: Callable[[str], LocalStack]) -> None:
    stack = new_stack("yaml")
    _use_plugin_from_path(stack)
    pulumi_ok(stack, "up", "--yes")
    outputs = stack.outputs()
    assert str(outputs["phoneNumber"]).startswith("+1415")
    assert outputs["verificationStatus"] == "submitted"
    preview = json.loads(pulumi_ok(stack, "preview", "--json").stdout)
    changed = {
        step["urn"]: step["op"]
        for step in preview.get("steps", [])
        if "speko:index:" in step["urn"] and step["op"] != "same"
    }
    assert changed == {}
