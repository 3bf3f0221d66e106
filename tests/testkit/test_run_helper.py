"""``speko_sandbox.run``: a program run through ``pulumi-speko run``'s runner against the
test's sandbox, its config namespaced, its state kept per test outside the program."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from pulumi_speko.runner import RunError, RunResult
from pulumi_speko.runner.program import STATE_DIR_NAME
from pulumi_speko.testing import OTHER_API_KEY, OTHER_ORG, SpekoSandbox

LINE = "+442071838750"
PROGRAM = f"""\
import pulumi
from pulumi_speko import SipTrunkPhoneNumber

SipTrunkPhoneNumber(
    "line",
    e164="{LINE}",
    sip_connection_installation_id="sci_demo",
    sip_provider_name="Twilio",
    direction="inbound",
    agent_id="agent_support",
    label=pulumi.Config().get("label") or "Line",
)
"""


@pytest.fixture
def program_dir(tmp_path: Path) -> Path:
    """A one-number program of project ``lines``."""
    directory = tmp_path / "lines"
    directory.mkdir()
    (directory / "__main__.py").write_text(PROGRAM)
    (directory / "Pulumi.yaml").write_text("name: lines\nruntime: python\n")
    return directory


def labels(speko_sandbox: SpekoSandbox, org_id: str) -> dict[str, str]:
    numbers = speko_sandbox.control.list_numbers(org_id)
    return {number["e164"]: number["label"] for number in numbers}


def kinds(result: RunResult) -> list[str]:
    return [step.kind for step in result.steps]


def test_a_config_key_without_namespace_gets_the_projects(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    speko_sandbox.run(program_dir, "up", config={"label": "Front desk"})
    assert labels(speko_sandbox, speko_sandbox.org_id) == {LINE: "Front desk"}


def test_a_speko_key_in_config_replaces_the_sandboxs(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    speko_sandbox.run(program_dir, "up", config={"speko:apiKey": OTHER_API_KEY})
    assert labels(speko_sandbox, OTHER_ORG) == {LINE: "Line"}
    assert labels(speko_sandbox, speko_sandbox.org_id) == {}


def test_runs_share_the_stacks_state_kept_outside_the_program(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    speko_sandbox.run(program_dir, "up")
    assert kinds(speko_sandbox.run(program_dir, "preview")) == ["same"]
    assert kinds(speko_sandbox.run(program_dir, "preview", stack="prod")) == ["create"]
    state_file = speko_sandbox.state_file(program_dir)
    assert state_file.is_file() and program_dir not in state_file.parents
    assert not (program_dir / STATE_DIR_NAME).exists()


def test_operations_run_in_order_and_the_last_ones_result_is_returned(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    result = speko_sandbox.run(program_dir, "up", "destroy")
    assert result.operation == "destroy" and kinds(result) == ["delete"]
    assert labels(speko_sandbox, speko_sandbox.org_id) == {}


def test_a_run_without_operations_is_refused(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    with pytest.raises(ValueError, match="name at least one operation"):
        speko_sandbox.run(program_dir)


def test_a_run_works_after_asyncio_run_left_no_event_loop(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    asyncio.run(asyncio.sleep(0))  # as another test of the user's may have done before
    speko_sandbox.run(program_dir, "up")
    assert labels(speko_sandbox, speko_sandbox.org_id) == {LINE: "Line"}


def test_a_rate_limit_wait_of_zero_fails_a_429_at_once(
    speko_sandbox: SpekoSandbox, program_dir: Path
) -> None:
    # Retry-After within the default 300 s wait: without the setting the run would wait.
    speko_sandbox.control.add_fault(
        "POST", "/v1/phone-numbers/import", action="respond", status=429, retry_after=240, times=1
    )
    started = time.monotonic()
    with pytest.raises(RunError, match="429 RATE_LIMITED") as raised:
        speko_sandbox.run(program_dir, "up", config={"speko:rateLimitWaitSeconds": "0"})
    assert time.monotonic() - started < 60  # a bound on a wait, not a sleep
    assert "gave up after waiting" not in str(raised.value)  # nothing was waited out
    posts = [e for e in speko_sandbox.control.request_log() if e.method == "POST"]
    assert [e.status for e in posts] == [429]
    assert labels(speko_sandbox, speko_sandbox.org_id) == {}
