"""Stack-export fixtures shaped like real ``pulumi stack export`` output.

``dev-stack.json`` (deployment v3): the stack resource, the default ``pulumi-python``
provider the dynamic resources use, an AWS provider and bucket of another package, a
submitted BusinessVerification, two managed PhoneNumbers (one protected and ready, one
unprotected, inbound without routing, needing action), two SipTrunkPhoneNumbers (one
with a secret dispatch template and a forwarding issue, one without a label), secret
``__provider`` ciphertexts throughout, and two pending operations (a speko create, an
AWS update). ``legacy-v1-stack.json``: a version 1 deployment with one SIP number.

The live fixtures (``client``, ``fleet``, ``export_of``, ``export_path``, ``command``) buy
a fleet in the sandbox's demo organization and run the commands against it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from live_export import (
    Command,
    ExportOf,
    Fleet,
    buy_fleet,
    fleet_resources,
    stack_export,
    write_export,
)
from pulumi_speko.api import Client
from pulumi_speko.cli import main
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

FIXTURES = Path(__file__).parent / "fixtures"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _secret_texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("4dabf18193072939515e22adb298388d") == SECRET_SIG:
            yield from (str(v) for k, v in value.items() if k in ("ciphertext", "plaintext"))
            return
        for child in value.values():
            yield from _secret_texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from _secret_texts(child)


@pytest.fixture
def dev_export_path() -> Path:
    """The realistic v3 export."""
    return FIXTURES / "dev-stack.json"


@pytest.fixture
def legacy_export_path() -> Path:
    """The version 1 export."""
    return FIXTURES / "legacy-v1-stack.json"


@pytest.fixture
def dev_ciphertexts(dev_export_path: Path) -> list[str]:
    """Every secret ciphertext in the v3 export (plus the secrets provider's salt)."""
    document = json.loads(dev_export_path.read_text())
    texts = sorted(set(_secret_texts(document)))
    assert len(texts) == 7  # five resources' __provider, a template, a pending create
    return [*texts, document["deployment"]["secrets_providers"]["state"]["salt"]]


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test says where its credentials come from."""
    for name in ("SPEKO_API_KEY", "SPEKO_BASE_URL", "PULUMI_CONFIG", "SPEKO_ORGANIZATION_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[Client]:
    """A client of the demo organization."""
    with Client(DEMO_API_KEY, sandbox.base_url) as api:
        yield api


@pytest.fixture
def fleet(client: Client) -> Fleet:
    """A verification, two managed numbers and a SIP-trunk number, live."""
    return buy_fleet(client)


@pytest.fixture
def export_of(sandbox: RunningSandbox, tmp_path: Path) -> ExportOf:
    """Writes the export of a stack managing the given resources, as they are live now."""
    return lambda resources: write_export(tmp_path, stack_export(resources, sandbox.base_url))


@pytest.fixture
def export_path(fleet: Fleet, export_of: ExportOf) -> Path:
    """An export of a stack that manages the whole fleet, as it is live now."""
    return export_of(fleet_resources(fleet))


@pytest.fixture
def command(
    sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Command:
    """Run a subcommand with ``api_key`` (the demo key unless given) and ``--base-url`` of
    the sandbox; (exit status, stdout, stderr)."""
    monkeypatch.setenv("SPEKO_API_KEY", DEMO_API_KEY)

    def run(*argv: str, api_key: str = DEMO_API_KEY) -> tuple[int, str, str]:
        monkeypatch.setenv("SPEKO_API_KEY", api_key)
        status = main([*argv, "--base-url", sandbox.base_url])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run
