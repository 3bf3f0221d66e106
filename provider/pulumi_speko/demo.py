"""``make demo``: deploy examples/quickstart against a local sandbox, show it, destroy it.

With the Pulumi CLI on PATH the quickstart runs through ``pulumi up`` / ``destroy``
against a local file backend in a temporary directory (no login, no account). Without
it, the demo says what is missing and how to install it, then runs the same program
in-process: the Pulumi SDK's mock monitor stands in for the engine and hands each
declared resource to its real provider, which talks to the sandbox over HTTP.

Run it with ``python -m pulumi_speko.demo`` (``--no-cli`` forces the in-process run).
FastAPI and uvicorn (the ``sandbox`` extra) are imported only when the demo starts.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulumi_speko.constants import PROVIDER_KEY
from pulumi_speko.credentials import CONFIG_API_KEY, CONFIG_BASE_URL, ENV_API_KEY, ENV_BASE_URL

if TYPE_CHECKING:
    from pulumi.dynamic import ResourceProvider
    from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs

    from pulumi_speko.testing.sandbox import RunningSandbox

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
QUICKSTART_DIR = EXAMPLES_DIR / "quickstart"
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
    "is the same program run without the CLI: the Pulumi SDK's mock monitor stands in for "
    "the engine and hands each resource the program declares to its real provider "
    "(check, create, diff, read, delete), which talks to the sandbox."
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


@dataclass
class Created:
    """A resource the in-process engine created: what to diff, read and delete."""

    type_name: str
    name: str
    provider: ResourceProvider
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]


@dataclass
class InProcessEngine:
    """Answers the SDK's registrations by running each resource's own provider.

    This is what the engine and the provider host do for ``pulumi up``, minus the
    engine's state, diffing and parallelism: deserialize ``__provider``, configure it
    with the stack config, ``check`` the inputs, ``create``.
    """

    config: dict[str, str]
    project: str
    created: list[Created] = field(default_factory=list)

    def provider(self, inputs: Mapping[str, Any]) -> tuple[ResourceProvider, str]:
        """The resource's provider as the host would load it, configured."""
        import dill
        from pulumi.dynamic import ConfigureRequest, ResourceProvider
        from pulumi.dynamic.config import Config
        from pulumi.runtime.rpc import unwrap_rpc_secret

        pickled = str(unwrap_rpc_secret(inputs[PROVIDER_KEY]))
        provider = dill.loads(base64.b64decode(pickled))
        if not isinstance(provider, ResourceProvider):
            raise DemoError(f"__provider holds a {type(provider).__name__}, not a provider")
        provider.configure(ConfigureRequest(Config(self.config, self.project)))
        return provider, pickled

    def register(self, type_token: str, name: str, inputs: dict[str, Any]) -> Created:
        """Check and create one resource; raise DemoError with the provider's message."""
        type_name = type_token.rsplit(":", 1)[-1]
        provider, pickled = self.provider(inputs)
        checked = provider.check({}, {**inputs, PROVIDER_KEY: pickled})
        if checked.failures:
            reasons = "; ".join(f"{f.property}: {f.reason}" for f in checked.failures)
            raise DemoError(f"check {type_name} {name}: {reasons}")
        news = dict(checked.inputs or {})
        say(f"  check   {type_name} {name}: inputs valid")
        try:
            result = provider.create(news)
        except Exception as error:
            raise DemoError(str(error).strip().splitlines()[-1]) from None
        created = Created(type_name, name, provider, str(result.id), news, dict(result.outs or {}))
        self.created.append(created)
        say(f"  create  {type_name} {name}: {describe_created(created)}")
        return created


def describe_created(created: Created) -> str:
    """One line on what a create did, from the resource's outputs."""
    outs = created.outputs
    if created.type_name == "BusinessVerification":
        return f"submission {outs.get('submission_id')}, status {outs.get('status')}"
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


def run_program(program: Path, engine: InProcessEngine) -> dict[str, Any]:
    """Run ``program`` (a ``__main__.py``) with the SDK's mock monitor answering its
    registrations through ``engine``; returns the stack outputs."""
    import runpy

    import pulumi
    from pulumi.runtime import set_all_config, set_mocks
    from pulumi.runtime.settings import get_root_resource

    failures: list[DemoError] = []

    class Mocks(pulumi.runtime.Mocks):
        def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
            try:
                created = engine.register(args.typ, args.name, dict(args.inputs))
            except DemoError as error:
                failures.append(error)
                raise
            return created.id, created.outputs

        def call(self, args: MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            raise DemoError(f"the program made an invoke ({args.token}); not supported")

    set_all_config(dict(engine.config))
    set_mocks(Mocks(), project=engine.project, stack=DEMO_STACK, preview=False, logger=_quiet())
    outputs: dict[str, Any] = {}

    def program_run() -> Any:
        runpy.run_path(str(program), run_name="__main__")
        root = get_root_resource()
        stack_outputs = getattr(root, "outputs", {})
        return pulumi.Output.all(**stack_outputs).apply(outputs.update)

    try:
        pulumi.runtime.test(program_run)()  # type: ignore[no-untyped-call]
    except Exception as error:
        if failures:
            raise failures[0] from None
        raise DemoError(f"the program failed: {error}") from None
    return outputs


def _quiet() -> logging.Logger:
    """The mock engine's log: errors only (providers print their own warnings)."""
    logger = logging.getLogger("pulumi_speko.demo.engine")
    logger.setLevel(logging.ERROR)
    return logger


def diff_read_delete(engine: InProcessEngine) -> None:
    """What later commands would do: a no-op diff, a refresh, then destroy (reverse order)."""
    for created in engine.created:
        diff = created.provider.diff(created.id, created.outputs, created.inputs)
        verdict = "changes" if diff.changes else "no changes: a second `pulumi up` does nothing"
        say(f"  diff    {created.type_name} {created.name}: {verdict}")
    for created in engine.created:
        live = created.provider.read(created.id, created.outputs).outs or {}
        state = (
            f"status {live.get('status')}"
            if created.type_name == "BusinessVerification"
            else describe_routing(live)
        )
        say(f"  read    {created.type_name} {created.name}: live, {state}")


def delete_all(engine: InProcessEngine) -> None:
    """Delete what was created, dependents first, as ``pulumi destroy`` does."""
    while engine.created:
        created = engine.created.pop()
        created.provider.delete(created.id, created.outputs)
        if created.type_name == "BusinessVerification":
            what = "removed from the stack (the platform has no delete and keeps it)"
        else:
            what = f"released {created.outputs.get('e164')}"
        say(f"  delete  {created.type_name} {created.name}: {what}")


def run_in_process(sandbox: RunningSandbox, api_key: str, org: str) -> None:
    """Run the quickstart without the CLI, show it, and delete what it made."""
    engine = InProcessEngine(
        config={CONFIG_API_KEY: api_key, CONFIG_BASE_URL: sandbox.base_url},
        project=_project_name(QUICKSTART_DIR),
    )
    say(f"  configured {CONFIG_BASE_URL} = {sandbox.base_url}")
    say(f"  configured {CONFIG_API_KEY} (secret)")
    say("\nup: examples/quickstart/__main__.py")
    try:
        outputs = run_program(QUICKSTART_DIR / "__main__.py", engine)
        say("\nStack outputs:")
        for name, value in outputs.items():
            say(f"  {name}: {value}")
        say("\nLater commands (preview, refresh):")
        diff_read_delete(engine)
        show_sandbox_numbers(sandbox, org)
    finally:
        say("\ndestroy:")
        delete_all(engine)
    show_sandbox_numbers(sandbox, org)


def _project_name(example: Path) -> str:
    found = re.search(r"^name:\s*(\S+)", (example / "Pulumi.yaml").read_text(), re.MULTILINE)
    return found.group(1) if found else example.name


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
    if not (QUICKSTART_DIR / "__main__.py").is_file():
        say(f"demo: {QUICKSTART_DIR} is missing; run the demo from a checkout of pulumi-speko")
        return 1
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
