"""``drift`` and ``discover`` with a key of another organization than the stack's.

The platform answers 404 for another organization's ids, so with the wrong key every
number of the export would look released. Both commands apply the providers' rule: a
key known to belong elsewhere exits 3 naming both organizations; a key whose
organization cannot be established exits 3 saying so (drift); a pinned
``SPEKO_ORGANIZATION_ID`` that the answers contradict exits 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from live_export import Command, Fleet
from pulumi_speko.api import Client, PhoneNumberImport
from pulumi_speko.audit.api_options import EXIT_WRONG_ORGANIZATION
from pulumi_speko.cli import main
from pulumi_speko.testing.sandbox import (
    DEMO_ORG,
    OTHER_API_KEY,
    OTHER_ORG,
    RunningSandbox,
)


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
@pytest.mark.parametrize("prog", ["drift", "discover"])
def test_another_organizations_key_is_refused_naming_both(
    command: Command, export_path: Path, prog: str
) -> None:
    """drift does not report the numbers released; discover offers nothing to adopt."""
    status, out, err = command(prog, str(export_path), api_key=OTHER_API_KEY)
    assert (status, out) == (EXIT_WRONG_ORGANIZATION, "")
    assert_names_both(err, prog)
    assert "released" not in err


def test_drift_with_a_key_of_unknown_organization_says_so(
    command: Command, export_path: Path
) -> None:
    # org_other holds no number: nothing shows whose the key is
    status, out, err = command("drift", str(export_path), api_key=OTHER_API_KEY)
    assert (status, out) == (EXIT_WRONG_ORGANIZATION, "")
    assert "organization cannot be established" in err
    assert "SPEKO_ORGANIZATION_ID" in err


def test_drift_with_a_pin_the_answers_contradict(
    command: Command, export_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SPEKO_ORGANIZATION_ID", OTHER_ORG)
    status, _, err = command("drift", str(export_path))
    assert status == EXIT_WRONG_ORGANIZATION
    assert f"speko:organizationId / SPEKO_ORGANIZATION_ID is organization {OTHER_ORG}" in err


def test_drift_with_the_right_key_still_reports_a_release(
    command: Command, export_path: Path, fleet: Fleet, client: Client
) -> None:
    client.release_phone_number(fleet.eu.id)
    status, out, _ = command("drift", str(export_path))
    assert status == 2 and "gone from the API (released outside Pulumi)" in out


def test_exit_codes_are_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("drift", "discover"):
        with pytest.raises(SystemExit):
            main([name, "--help"])
        help_text = " ".join(capsys.readouterr().out.split())
        assert "3 the API key is another organization's" in help_text
