"""``pulumi-speko discover``: the org's unmanaged numbers and the Python that adopts them.

The generated code is compiled and run under ``pulumi.runtime.set_mocks`` to see what
it declares, and the declared inputs are driven through the real providers against the
sandbox to prove they adopt each number without changing it.
"""

from __future__ import annotations

import functools
import json
import keyword
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from adoption_mocks import Registered, declare
from live_export import (
    EU_E164,
    PREFIX,
    Command,
    ExportOf,
    Fleet,
    managed,
    pending_create,
    refused_key_error,
    sip,
    stack_export,
    write_export,
)
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi_speko.api import Client, PhoneNumberImport, PhoneNumberRecord
from pulumi_speko.audit.discover import discover, render_python
from pulumi_speko.resources._session import close_all_sessions
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.resources.sip_trunk_phone_number import SipTrunkPhoneNumberProvider
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox


@pytest.fixture(autouse=True)
def no_session_leaks() -> Iterator[None]:
    """No provider session leaks into or out of a test."""
    close_all_sessions()
    yield
    close_all_sessions()


@pytest.fixture
def run_discover(command: Command) -> Command:
    """Run ``discover`` with the demo key against the sandbox; (status, stdout, stderr)."""
    return functools.partial(command, "discover")


def import_number(client: Client, e164: str, **routing: Any) -> PhoneNumberRecord:
    """A SIP-trunk number made outside any stack (as in the dashboard)."""
    return client.import_phone_number(
        PhoneNumberImport(e164=e164, sip_connection_installation_id="sci_demo", **routing)
    )


def declared_code(run_discover: Command, *argv: str) -> tuple[str, dict[str, Registered]]:
    """The generated Python and what it declares under mocks."""
    status, code, err = run_discover(*argv)
    assert (status, err) == (0, "")
    return code, declare(code)


# --- what is listed ----------------------------------------------------------------------


def test_without_an_export_every_number_is_declared_with_its_routing(
    fleet: Fleet, run_discover: Command
) -> None:
    code, declared = declared_code(run_discover)
    assert "from pulumi_speko import PhoneNumber, SipTrunkPhoneNumber\n" in code
    assert {name: (r.type, r.protect) for name, r in declared.items()} == {
        "support-en": (PREFIX + "PhoneNumber", True),
        "sales": (PREFIX + "PhoneNumber", True),
        "eu-support": (PREFIX + "SipTrunkPhoneNumber", False),
    }
    assert declared["support-en"].user_inputs() == {
        "e164": fleet.support.e164,
        "direction": "both",
        "agent_id": "agent_support",
        "label": "Support (EN)",
        "dispatch_metadata_template": {"team": "support", "locale": "en-US"},
        "adopt_existing": True,
    }
    assert declared["eu-support"].user_inputs() == {
        "e164": EU_E164,
        "sip_connection_installation_id": "sci_demo",
        "sip_provider_name": "Twilio Elastic SIP",
        "direction": "inbound",
        "label": "EU support",
        "dispatch_metadata_template": {"team": "eu"},
        "adopt_existing": True,
    }
    assert f"# {fleet.sales.id}: {fleet.sales.e164}, managed, setup ready\n" in code


def test_with_an_export_exactly_the_unmanaged_numbers_are_listed(
    fleet: Fleet, client: Client, export_of: ExportOf, run_discover: Command
) -> None:
    handmade = import_number(client, "+13125550177", direction="outbound")
    resources = [managed("support-line", fleet.support), sip("eu-support", fleet.eu)]
    export = export_of(resources)
    status, out, _ = run_discover(str(export), "--format", "json")
    assert status == 0
    listing = json.loads(out)
    assert listing["organization_numbers"] == 4
    assert (listing["stack"], listing["project"]) == ("dev", "phones")
    assert {n["id"] for n in listing["unmanaged"]} == {fleet.sales.id, handmade.id}
    _, declared = declared_code(run_discover, str(export))
    assert {name: r.user_inputs()["e164"] for name, r in declared.items()} == {
        "sales": fleet.sales.e164,
        "sip-13125550177": "+13125550177",
    }


def test_nothing_to_adopt_is_still_a_valid_file(export_path: Path, run_discover: Command) -> None:
    code, declared = declared_code(run_discover, str(export_path))
    assert declared == {}
    assert code.splitlines()[1:] == [
        "# Of the organization's 3 numbers, 0 are not managed by phones/dev.",
        "# Nothing to adopt.",
    ]


# --- the code adopts ---------------------------------------------------------------------


_PROVIDERS: dict[str, type[ResourceProvider]] = {
    PREFIX + "PhoneNumber": PhoneNumberProvider,
    PREFIX + "SipTrunkPhoneNumber": SipTrunkPhoneNumberProvider,
}


def test_the_generated_code_adopts_each_number_without_changing_it(
    fleet: Fleet, sandbox: RunningSandbox, run_discover: Command
) -> None:
    """check, create and diff of the declared inputs, as the engine would drive them."""
    _, declared = declared_code(run_discover)
    sandbox.control.clear_request_log()
    config = Config({"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": sandbox.base_url}, "p")
    adopted: dict[str, str] = {}
    for name, registered in declared.items():
        provider = _PROVIDERS[registered.type]()
        provider.configure(ConfigureRequest(config))
        checked = provider.check({}, registered.user_inputs())
        assert checked.failures == [], name
        created = provider.create(dict(checked.inputs or {}))
        adopted[name] = str(created.id)
        diff = provider.diff(str(created.id), dict(created.outs or {}), dict(checked.inputs or {}))
        assert (diff.changes, diff.replaces) == (False, []), name
    assert adopted == {
        "support-en": fleet.support.id,
        "sales": fleet.sales.id,
        "eu-support": fleet.eu.id,
    }
    writes = [e for e in sandbox.control.request_log() if e.method != "GET"]
    assert writes == []


# --- names -------------------------------------------------------------------------------


def test_names_are_unique_valid_identifiers_that_the_stack_does_not_use(
    fleet: Fleet, client: Client, export_of: ExportOf, run_discover: Command
) -> None:
    labels = {
        "+13125550101": "Front desk",
        "+13125550102": "Front desk",
        "+13125550103": "class",
        "+13125550104": "2nd line",
        "+13125550105": "Ünïcödé Désk ☎",
        "+13125550106": '"Quoted" \\ label\nwith a newline',
        "+13125550107": "EU support",  # the export already has a resource named eu-support
        "+13125550108": "☎☎",
    }
    for e164, label in labels.items():
        import_number(client, e164, label=label)
    export = export_of([sip("eu-support", fleet.eu)])
    code, declared = declared_code(run_discover, str(export))
    by_e164 = {r.user_inputs()["e164"]: name for name, r in declared.items()}
    assert {e164: by_e164[e164] for e164 in labels} == {
        "+13125550101": "front-desk-13125550101",
        "+13125550102": "front-desk-13125550102",
        "+13125550103": "class",
        "+13125550104": "2nd-line",
        "+13125550105": "unicode-desk",
        "+13125550106": "quoted-label-with-a-newline",
        "+13125550107": "eu-support-13125550107",
        "+13125550108": "sip-13125550108",
    }
    labels_back = {r.user_inputs()["e164"]: r.user_inputs()["label"] for r in declared.values()}
    assert {e164: labels_back[e164] for e164 in labels} == labels
    variables = [line.split(" = ", 1)[0] for line in code.splitlines() if " = " in line]
    assert len(variables) == len(set(variables)) == len(declared)
    assert all(v.isidentifier() and not keyword.iskeyword(v) for v in variables)
    assert {"class_number", "number_2nd_line"} <= set(variables)


# --- numbers the export already claims ----------------------------------------------------


def test_a_number_the_export_names_under_another_id_is_written_commented_out(
    fleet: Fleet,
    client: Client,
    sandbox: RunningSandbox,
    tmp_path: Path,
    run_discover: Command,
) -> None:
    """eu-support was released and imported again: the stack's resource still names it,
    and so does a pending create of a managed number that may have landed."""
    document = stack_export(
        [sip("eu-support", fleet.eu), managed("support-line", fleet.support)],
        sandbox.base_url,
        pending_operations=[pending_create("backup-line", fleet.sales.e164)],
    )
    export = write_export(tmp_path, document)
    client.release_phone_number(fleet.eu.id)
    again = import_number(client, EU_E164, direction="outbound")
    code, declared = declared_code(run_discover, str(export))
    assert declared == {}
    assert (
        f"# NOT DECLARED: the export's SipTrunkPhoneNumber eu-support already names {EU_E164}"
        in code
    )
    assert "# NOT DECLARED: the export's PhoneNumber backup-line already names" in code
    status, out, _ = run_discover(str(export), "--format", "json")
    assert status == 0
    claims = {n["id"]: n["claimed_by"] for n in json.loads(out)["unmanaged"]}
    assert claims == {
        again.id: "SipTrunkPhoneNumber eu-support",
        fleet.sales.id: "PhoneNumber backup-line",
    }


def test_an_inbound_number_without_routing_gets_a_warning_the_check_confirms() -> None:
    """The platform may hold such a number (its agent deleted); the resource refuses it."""
    number = PhoneNumberRecord.model_validate(
        {
            "id": "pn_orphan",
            "organizationId": "org_demo",
            "e164": "+14155550199",
            "source": "managed",
            "direction": "inbound",
            "setupStatus": {
                "status": "action_required",
                "inboundReady": False,
                "outboundReady": False,
                "agentReady": False,
                "forwardingRequired": False,
                "sipConnectionReady": True,
                "issues": ["inboundReady"],
            },
            "nextChargeAt": "2025-06-01T00:00:00Z",
            "createdAt": "2025-03-01T00:00:00Z",
            "updatedAt": "2025-03-01T00:00:00Z",
        }
    )
    discovery = discover(None, [number], base_url="https://api.speko.dev")
    code = render_python(discovery)
    assert "# pn_orphan: +14155550199, managed, setup action_required " in code
    assert "# WARNING: takes inbound calls with no agent_id nor dispatch_metadata_template" in code
    registered = declare(code)["phone-14155550199"]
    failures = PhoneNumberProvider().check({}, registered.user_inputs()).failures
    assert [f.property for f in failures] == ["direction"]


# --- errors ------------------------------------------------------------------------------


def test_a_wrong_key_exits_1_with_one_line_that_never_shows_the_key(
    sandbox: RunningSandbox,
) -> None:
    refused_key_error(sandbox.base_url, "discover", "--base-url", sandbox.base_url)


def test_a_broken_export_exits_1_before_any_call(
    tmp_path: Path, sandbox: RunningSandbox, run_discover: Command
) -> None:
    broken = tmp_path / "export.json"
    broken.write_text('{"version": 9, "deployment": {}}')
    status, out, err = run_discover(str(broken))
    assert (status, out) == (1, "")
    assert err == (
        f"pulumi-speko discover: error: {broken}: unsupported deployment version 9: "
        "this tool reads versions 1 to 3\n"
    )
    assert sandbox.control.request_log() == []
