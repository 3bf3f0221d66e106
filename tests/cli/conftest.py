"""A sandbox and local-backend stacks of the examples, driven with the real ``pulumi``.

Every test here needs a ``pulumi`` binary on PATH and is reported as skipped, with the
reason, when there is none. Stacks live in ``tmp_path`` (a file backend, a passphrase
for their secrets, no login); the suite's sandbox (``tests/conftest.py``) runs in this
process on a free loopback port, where the provider host that ``pulumi`` starts
reaches it.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pulumi_speko.demo import LocalStack, init_local_stack

if TYPE_CHECKING:
    from pulumi_speko.testing.sandbox import RunningSandbox

PULUMI = shutil.which("pulumi")
SKIP_REASON = (
    "pulumi CLI not on PATH: install it from https://www.pulumi.com/docs/install/ to run this tier"
)
requires_pulumi = pytest.mark.skipif(PULUMI is None, reason=SKIP_REASON)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STACK = "cli-test"
COMMAND_TIMEOUT_SECONDS = 600.0
SPEKO_PREFIX = "pulumi-python:dynamic/speko:"


@pytest.fixture
def api_key() -> str:
    """The sandbox's key of its demo organization."""
    from pulumi_speko.testing.sandbox import DEMO_API_KEY

    return DEMO_API_KEY


@pytest.fixture
def org() -> str:
    """The sandbox's demo organization."""
    from pulumi_speko.testing.sandbox import DEMO_ORG

    return DEMO_ORG


@pytest.fixture
def new_stack(
    sandbox: RunningSandbox, api_key: str, tmp_path: Path
) -> Iterator[Callable[[str], LocalStack]]:
    """Makes a configured stack of an example (by directory name) against the suite's
    sandbox (reset to its seed for each test); destroys what the stacks hold afterwards."""
    assert PULUMI is not None
    stacks: list[LocalStack] = []

    def make(example: str) -> LocalStack:
        stack = init_local_stack(
            EXAMPLES / example,
            tmp_path / f"{example}-{len(stacks)}",
            base_url=sandbox.base_url,
            api_key=api_key,
            stack=STACK,
            pulumi_path=PULUMI,
            quiet=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        stacks.append(stack)
        return stack

    try:
        yield make
    finally:
        for stack in stacks:
            stack.run("destroy", "--yes", capture=True, check=False)


def pulumi_ok(stack: LocalStack, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a pulumi command that must succeed; its output is the failure message."""
    done = stack.run(*args, capture=True, check=False)
    assert done.returncode == 0, f"pulumi {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done


def preview_ops(stack: LocalStack) -> dict[str, str]:
    """``pulumi preview --json``: the planned operation of each speko resource, by name."""
    steps = json.loads(pulumi_ok(stack, "preview", "--json").stdout).get("steps", [])
    return {
        step["urn"].rsplit("::", 1)[-1]: step["op"] for step in steps if SPEKO_PREFIX in step["urn"]
    }


def speko_resources(stack: LocalStack) -> list[dict[str, Any]]:
    """The speko resources of ``pulumi stack export --show-secrets``."""
    deployment = json.loads(stack.export(show_secrets=True))["deployment"]
    resources: list[dict[str, Any]] = [
        resource
        for resource in deployment.get("resources") or []
        if resource["type"].startswith(SPEKO_PREFIX)
    ]
    return resources


def _plain(value: Any) -> Any:
    """A state value with the secret envelope of ``--show-secrets`` removed."""
    if isinstance(value, dict) and "plaintext" in value:
        return json.loads(value["plaintext"])
    return value


def provider_pickles(resources: list[dict[str, Any]]) -> list[bytes]:
    """The decoded ``__provider`` of each resource, from its inputs and its outputs."""
    return [
        base64.b64decode(_plain(resource[part]["__provider"]))
        for resource in resources
        for part in ("inputs", "outputs")
        if "__provider" in (resource.get(part) or {})
    ]
