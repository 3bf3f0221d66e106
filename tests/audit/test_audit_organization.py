"""``drift`` and ``discover`` with a key of another organization than the stack's.

The platform answers 404 for another organization's ids, so with the wrong key every
number of the export would look released. Both commands apply the providers' rule: a
key known to belong elsewhere exits 3 naming both organizations; a key whose
organization cannot be established exits 3 saying so (drift); a pinned
``SPEKO_ORGANIZATION_ID`` that the answers contradict exits 3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from live_export import Fleet, buy_fleet, fleet_resources, stack_export, write_export
from pulumi_speko.api import Client, PhoneNumberImport
from pulumi_speko.audit.api_options import EXIT_WRONG_ORGANIZATION
from pulumi_speko.cli import main
from pulumi_speko.testing.sandbox import (
    DEMO_API_KEY,
    DEMO_ORG,
    OTHER_API_KEY,
    OTHER_ORG,
    RunningSandbox,
)

Command = Callable[..., tuple[int, str, str]]


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SPEKO_API_KEY", "SPEKO_BASE_URL", "PULUMI_CONFIG", "SPEKO_ORGANIZATION_ID"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fleet(sandbox: RunningSandbox) -> Fleet:
    with Client(DEMO_API_KEY, sandbox.base_url) as client:
        return buy_fleet(client)


@pytest.fixture
def export_path(fleet: Fleet, sandbox: RunningSandbox, tmp_path: Path) -> Path:
    return write_export(tmp_path, stack_export(fleet_resources(fleet), sandbox.base_url))


@pytest.fixture
def command(
    sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Command:
    """Run a command with ``api_key`` (and env) against the sandbox; (status, out, err)."""

    def run(name: str, api_key: str, *argv: str, **env: str) -> tuple[int, str, str]:
        monkeypatch.setenv("SPEKO_API_KEY", api_key)
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        status = main([name, *argv, "--base-url", sandbox.base_url])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def other_org_holds_a_number(sandbox: RunningSandbox) -> Iterator[None]:
    with Client(OTHER_API_KEY, sandbox.base_url) as other:
        other.import_phone_number(PhoneNumberImport(e164="+4930999999", sip_trunk_id="t"))
    yield


def assert_names_both(err: str, prog: str) -> None:
    assert err.startswith(f"pulumi-speko {prog}: error: the API key belongs to organization ")
    assert f"organization {OTHER_ORG}" in err and f"organization {DEMO_ORG}" in err
    assert "check speko:apiKey / SPEKO_API_KEY" in err and err.count("\n") == 1
    assert OTHER_API_KEY not in err


@pytest.mark.usefixtures("other_org_holds_a_number")
def test_drift_with_another_organizations_key_is_not_numbers_released(
    command: Command, export_path: Path
) -> None:
    status, out, err = command("drift", OTHER_API_KEY, str(export_path))
    assert (status, out) == (EXIT_WRONG_ORGANIZATION, "")
    assert_names_both(err, "drift")
    assert "released" not in err


def test_drift_with_a_key_of_unknown_organization_says_so(
    command: Command, export_path: Path
) -> None:
    status, out, err = command("drift", OTHER_API_KEY, str(export_path))  # org_other is empty
    assert (status, out) == (EXIT_WRONG_ORGANIZATION, "")
    assert "organization cannot be established" in err
    assert "SPEKO_ORGANIZATION_ID" in err


def test_drift_with_a_pin_the_answers_contradict(command: Command, export_path: Path) -> None:
    status, _, err = command(
        "drift", DEMO_API_KEY, str(export_path), SPEKO_ORGANIZATION_ID=OTHER_ORG
    )
    assert status == EXIT_WRONG_ORGANIZATION
    assert f"speko:organizationId / SPEKO_ORGANIZATION_ID is organization {OTHER_ORG}" in err


def test_drift_with_the_right_key_still_reports_a_release(
    command: Command, export_path: Path, fleet: Fleet, sandbox: RunningSandbox
) -> None:
    with Client(DEMO_API_KEY, sandbox.base_url) as client:
        client.release_phone_number(fleet.eu.id)
    status, out, _ = command("drift", DEMO_API_KEY, str(export_path))
    assert status == 2 and "gone from the API (released outside Pulumi)" in out


@pytest.mark.usefixtures("other_org_holds_a_number")
def test_discover_with_another_organizations_key_offers_nothing_to_adopt(
    command: Command, export_path: Path
) -> None:
    status, out, err = command("discover", OTHER_API_KEY, str(export_path))
    assert (status, out) == (EXIT_WRONG_ORGANIZATION, "")
    assert_names_both(err, "discover")


def test_exit_codes_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("drift", "discover"):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "3 the API key is another organization's" in help_text
