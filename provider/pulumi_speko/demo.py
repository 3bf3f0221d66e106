"""``make demo``: deploy examples/quickstart against a local sandbox, show it, destroy it.

With the Pulumi CLI on PATH the quickstart runs through ``pulumi up`` / ``destroy``
against a local file backend in a temporary directory (no login, no account). Without
it, the demo says what is missing and how to install it, then runs the same program
with the runner of ``pulumi-speko run`` (:mod:`pulumi_speko.runner`): each declared
resource goes through the SDK's provider host to its real provider, which talks to the
sandbox over HTTP. The quickstart ships inside the package (``_demo/quickstart``), so
the demo works from any install.

Run it with ``python -m pulumi_speko.demo`` (``--no-cli`` forces the in-process run).
FastAPI and uvicorn (the ``sandbox`` extra) are imported only when the demo starts.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi_speko.credentials import CONFIG_API_KEY, CONFIG_BASE_URL, ENV_API_KEY, ENV_BASE_URL

if TYPE_CHECKING:
    from pulumi_speko.runner import Step
    from pulumi_speko.testing.sandbox import RunningSandbox

# A copy of examples/quickstart shipped in the package, so the demo runs from any install.
QUICKSTART_DIR = Path(__file__).resolve().parent / "_demo" / "quickstart"
INSTALL_URL = "https://www.pulumi.com/docs/install/"
DEMO_STACK = "demo"
# Encrypts the secrets of a throwaway stack in a temporary directory; not a credential.
DEMO_PASSPHRASE = "speko-demo"
MISSING_CLI = (
    "The Pulumi CLI (`pulumi`) is not on PATH, so this demo cannot run `pulumi up`. "
    f"Install it from {INSTALL_URL} (for example `curl -fsSL https://get.pulumi.com | sh`, "
    "then add ~/.pulumi/bin to PATH) and run `make demo` again: it will deploy "
    "examples/quickstart with `pulumi up` against a local file backend in a temporary "
    "directory (no login, no Pulumi account) and destroy it afterwards. Until then, here "
    "is the same program run without the CLI by `pulumi-speko run`, a local rehearsal: "
    "each resource the program declares goes through the Pulumi SDK's provider host "
    "(check, create, diff, read, delete) to its real provider, which talks to the "
    "sandbox, and the state is kept in a local file."
)


class DemoError(Exception):
    """A step of the demo failed; the message says which and why, in one line."""


def say(text: str = "") -> None:
    """Print a line of the demo's narration at once (it interleaves with pulumi's)."""
    print(text, flush=True)


# ---------------------------------------------------------------- a stack of the CLI


def pulumi_environment(state_dir: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of ``pulumi`` commands: a local file backend in ``state_dir``, a
    passphrase for its secrets, and no SPEKO_* variables (credentials come from the stack
    config, as they would for a user)."""
    env = {
        key: value
        for key, value in (os.environ if base is None else base).items()
        if key not in (ENV_API_KEY, ENV_BASE_URL) and not key.startswith("PULUMI_ACCESS_TOKEN")
    }
    env.update(
        PULUMI_BACKEND_URL=state_dir.resolve().as_uri(),
        PULUMI_CONFIG_PASSPHRASE=DEMO_PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK="true",
    )
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if sys.prefix == sys.base_prefix:  # not in a virtualenv: name this interpreter
        env["PULUMI_PYTHON_CMD"] = sys.executable
    return env


def copy_example(example: Path, destination: Path) -> Path:
    """Copy an example project to ``destination`` and point its Pulumi.yaml at the
    virtualenv of this interpreter (where pulumi-speko is installed)."""
    shutil.copytree(
        example,
        destination,
        ignore=shutil.ignore_patterns("__pycache__", "Pulumi.*.yaml", "venv", ".venv"),
    )
    project_file = destination / "Pulumi.yaml"
    in_venv = sys.prefix != sys.base_prefix
    replacement = rf"\g<1> {Path(sys.prefix).resolve()}" if in_venv else ""
    text, count = re.subn(
        r"^(\s*virtualenv:).*$", replacement, project_file.read_text(), flags=re.MULTILINE
    )
    if count != 1:
        raise DemoError(f"{example}/Pulumi.yaml: expected one `virtualenv:` runtime option")
    project_file.write_text(text)
    return destination


@dataclass
class LocalStack:
    """A stack of a copied example, on a local file backend, driven with the CLI."""

    project_dir: Path
    env: dict[str, str]
    name: str = DEMO_STACK
    pulumi_path: str = "pulumi"
    timeout: float | None = None  # seconds per command; None waits as long as it takes

    def run(
        self, *args: str, stdin: str | None = None, capture: bool = False, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run ``pulumi <args> --stack <name>`` in the project; raise DemoError on failure
        when ``check``. Output goes to the terminal unless ``capture``."""
        command = [self.pulumi_path, *args, "--stack", self.name, "--non-interactive"]
        done = subprocess.run(
            command,
            cwd=self.project_dir,
            env=self.env,
            input=stdin,
            text=True,
            capture_output=capture,
            check=False,
            timeout=self.timeout,
        )
        if check and done.returncode != 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] if capture else []
            raise DemoError(
                f"`pulumi {' '.join(args)}` exited with {done.returncode}"
                + (f": {detail[0]}" if detail else "")
            )
        return done

    def outputs(self) -> dict[str, Any]:
        """The stack outputs (``pulumi stack output --json``)."""
        done = self.run("stack", "output", "--json", capture=True)
        outputs: dict[str, Any] = json.loads(done.stdout or "{}")
        return outputs

    def export(self, *, show_secrets: bool = False) -> str:
        """The stack's state as ``pulumi stack export`` prints it."""
        flags = ["--show-secrets"] if show_secrets else []
        return self.run("stack", "export", *flags, capture=True).stdout


def init_local_stack(
    example: Path,
    workdir: Path,
    *,
    base_url: str,
    api_key: str,
    stack: str = DEMO_STACK,
    pulumi_path: str = "pulumi",
    quiet: bool = False,
    timeout: float | None = None,
) -> LocalStack:
    """Copy ``example`` into ``workdir``, create its stack on a file backend there, and
    set the stack config ``speko:baseUrl`` and the secret ``speko:apiKey``."""
    state_dir = workdir / "state"
    state_dir.mkdir(parents=True, exist_ok=True)
    project_dir = copy_example(example, workdir / example.name)
    env = pulumi_environment(state_dir)
    local = LocalStack(project_dir, env, stack, pulumi_path, timeout)
    # `run` adds `--stack <name>`: that names the stack to create (no positional name).
    local.run("stack", "init", "--secrets-provider", "passphrase", capture=quiet)
    local.run("config", "set", CONFIG_BASE_URL, base_url, capture=quiet)
    # The key goes through stdin, so it shows in no process list.
    local.run("config", "set", "--secret", CONFIG_API_KEY, stdin=api_key, capture=quiet)
    return local


# ---------------------------------------------------------------- the demo with the CLI


def run_with_cli(pulumi_path: str, sandbox: RunningSandbox, api_key: str, org: str) -> None:
    """Deploy the quickstart with ``pulumi up``, show the result, ``pulumi destroy`` it."""
    with tempfile.TemporaryDirectory(prefix="speko-demo-") as workdir:
        say(f"Local file backend in {workdir} (no login). Creating stack {DEMO_STACK!r}:")
        stack = init_local_stack(
            QUICKSTART_DIR,
            Path(workdir),
            base_url=sandbox.base_url,
            api_key=api_key,
            pulumi_path=pulumi_path,
            quiet=True,
        )
        say(f"  configured {CONFIG_BASE_URL} = {sandbox.base_url}")
        say(f"  configured {CONFIG_API_KEY} (secret)")
        try:
            say("\n$ pulumi up --yes")
            stack.run("up", "--yes")
            say("\nStack outputs:")
            for name, value in stack.outputs().items():
                say(f"  {name}: {value}")
            show_sandbox_numbers(sandbox, org)
        finally:
            say("\n$ pulumi destroy --yes")
            destroyed = stack.run("destroy", "--yes", check=False)
        if destroyed.returncode != 0:
            raise DemoError(f"`pulumi destroy` exited with {destroyed.returncode}")
    show_sandbox_numbers(sandbox, org)


# ---------------------------------------------------------- the demo without the CLI


def describe_step(step: Step) -> str:
    """One line of narration for a step of the runner."""
    what = f"{step.type_name} {step.name}"
    outs = step.outputs
    is_verification = step.type_name == "BusinessVerification"
    if step.kind == "create" and is_verification:
        return (
            f"  create  {what}: submission {outs.get('submission_id')}, status {outs.get('status')}"
        )
    if step.kind == "create":
        return f"  create  {what}: {describe_number(outs)}"
    if step.kind == "same":
        return f"  diff    {what}: no changes: a second `pulumi up` does nothing"
    if step.kind == "read":
        state = f"status {outs.get('status')}" if is_verification else describe_routing(outs)
        return f"  read    {what}: live, {state}"
    if step.kind == "delete" and is_verification:
        return f"  delete  {what}: removed from the stack (the platform has no delete and keeps it)"
    if step.kind == "delete":
        return f"  delete  {what}: released {outs.get('e164')}"
    return f"  {step.kind:<7} {what}"


def describe_number(outs: Mapping[str, Any]) -> str:
    """What creating a number did, from its outputs."""
    price = ""
    if outs.get("upfront_cost_usd") is not None:
        price = (
            f" ({outs['upfront_cost_usd']:.2f} USD upfront, "
            f"{outs['monthly_cost_usd']:.2f} USD a month)"
        )
    verb = "bought" if outs.get("source") == "managed" else "imported"
    return f"{verb} {outs.get('e164')}{price}; {describe_routing(outs)}"


def describe_routing(number: Mapping[str, Any]) -> str:
    """Direction, agent and setup status of a number (snake_case outputs)."""
    status = number.get("setup_status") or {}
    issues = f" ({', '.join(status['issues'])})" if status.get("issues") else ""
    agent = number.get("agent_id") or "no agent"
    return f"{number.get('direction')} -> {agent}; setup status {status.get('status')}{issues}"


def _narrate(step: Step) -> None:
    say(describe_step(step))


def run_in_process(sandbox: RunningSandbox, api_key: str, org: str) -> None:
    """Run the quickstart with ``pulumi-speko run``'s runner, show it, destroy it."""
    from pulumi_speko.runner import RunError, run_program

    config = {CONFIG_API_KEY: api_key, CONFIG_BASE_URL: sandbox.base_url}
    say(f"  configured {CONFIG_BASE_URL} = {sandbox.base_url}")
    say(f"  configured {CONFIG_API_KEY} (secret)")
    with tempfile.TemporaryDirectory(prefix="speko-demo-") as workdir:
        state = Path(workdir) / "state.json"

        def run(operation: str) -> dict[str, Any]:
            try:
                result = run_program(
                    QUICKSTART_DIR, operation, config=config, state_file=state, on_step=_narrate
                )
            except RunError as error:
                raise DemoError(str(error)) from None
            return result.outputs

        say("\nup (the runner of `pulumi-speko run`):")
        try:
            outputs = run("up")
            say("\nStack outputs:")
            for name, value in outputs.items():
                say(f"  {name}: {value}")
            say("\nLater commands (preview, refresh):")
            run("preview")
            run("refresh")
            show_sandbox_numbers(sandbox, org)
        finally:
            say("\ndestroy:")
            run("destroy")
    show_sandbox_numbers(sandbox, org)


# ---------------------------------------------------------------- shared


def show_sandbox_numbers(sandbox: RunningSandbox, org: str) -> None:
    """What the sandbox itself holds for the organization (its control API)."""
    numbers = sandbox.control.list_numbers(org)
    if not numbers:
        say(f"\nThe sandbox holds no numbers of {org}.")
        return
    say(f"\nThe sandbox holds {len(numbers)} number(s) of {org}:")
    for number in numbers:
        status = number.get("setupStatus") or {}
        say(
            f"  {number['e164']}  {number['source']}, {number['direction']} -> "
            f"{number.get('agentId') or 'no agent'}, label {number.get('label')!r}, "
            f"setup status {status.get('status')}"
        )


@contextmanager
def sandbox_running() -> Iterator[tuple[RunningSandbox, str, str]]:
    """The sandbox on a free loopback port, with its demo organization's key and id."""
    try:
        from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, running_sandbox
    except ModuleNotFoundError as error:
        raise DemoError(
            f"the sandbox needs the `sandbox` extra ({error.name} is missing): "
            "pip install -e '.[sandbox]'"
        ) from None
    with running_sandbox() as sandbox:
        yield sandbox, DEMO_API_KEY, DEMO_ORG


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; returns the process exit code (0 when everything worked)."""
    parser = argparse.ArgumentParser(prog="python -m pulumi_speko.demo", description=__doc__)
    parser.add_argument(
        "--no-cli", action="store_true", help="run in-process even when `pulumi` is on PATH"
    )
    args = parser.parse_args(argv)
    pulumi_path = None if args.no_cli else shutil.which("pulumi")
    try:
        with sandbox_running() as (sandbox, api_key, org):
            say(f"Speko sandbox running at {sandbox.base_url} (organization {org}).")
            if pulumi_path is not None:
                run_with_cli(pulumi_path, sandbox, api_key, org)
            else:
                say("\n" + MISSING_CLI + "\n")
                run_in_process(sandbox, api_key, org)
    except DemoError as error:
        say(f"\ndemo failed: {error}")
        return 1
    say("\nDone. The sandbox stops now; its in-memory state goes with it.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
