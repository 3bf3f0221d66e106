"""Organization identity and cleartext, through the SDK's provider host (engine protocol).

The platform answers 404 for another organization's ids, so a refresh with the wrong key
must not read that as "every number was released" (design decision 8). A pinned
``speko:organizationId`` refuses another organization's answers. An ``http://`` base URL
to a host that is not this machine is refused before any request (design decision 9):
proven with a loopback HTTP proxy that would receive that request, never with traffic
to another address.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
from pulumi_speko.api import Client, PhoneNumberImport
from pulumi_speko.testing.engine import EngineError, EngineHost
from pulumi_speko.testing.sandbox import (
    DEMO_API_KEY,
    DEMO_ORG,
    OTHER_API_KEY,
    OTHER_ORG,
    RunningSandbox,
)

from .conftest import VERIFICATION
from .test_engine_protocol import KYB, PROVIDERS, SIP, Recorder

SIP_NUMBER = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}
REFERENCE = {"__provider": PROVIDERS[SIP]}  # what `SipTrunkPhoneNumber.get` sends
CLEARTEXT_URL = "http://192.0.2.2:18999"  # TEST-NET-1: never reached, the proxy stands in


@contextmanager
def engine_for(
    sandbox: RunningSandbox, api_key: str, env: Mapping[str, str] | None = None, **config: str
) -> Iterator[Recorder]:
    """A provider host configured with ``api_key`` and more ``speko:`` config."""
    settings = {"speko:apiKey": api_key, "speko:baseUrl": sandbox.base_url}
    settings.update({f"speko:{name}": value for name, value in config.items()})
    with EngineHost(env=env) as host:
        host.configure(settings, secret_keys=["speko:apiKey"])
        recorder = Recorder(host)
        yield recorder
        assert api_key not in recorder.text()


def failure_of(call: Any) -> str:
    with pytest.raises(EngineError) as raised:
        call()
    line: str = raised.value.last_line
    return line


def demo_stack(sandbox: RunningSandbox) -> dict[str, tuple[str, dict[str, Any]]]:
    """org_demo's verification and one SIP number, created through the provider."""
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        kyb = engine.create(KYB, "kyb", engine.checked(KYB, "kyb", VERIFICATION))
        number = engine.create(SIP, "de", engine.checked(SIP, "de", SIP_NUMBER))
    return {"kyb": kyb, "de": number}


def give_other_org_a_number(sandbox: RunningSandbox) -> None:
    with Client(OTHER_API_KEY, sandbox.base_url) as other:
        other.import_phone_number(PhoneNumberImport(e164="+4930999999", sip_trunk_id="t"))


def test_refresh_with_another_organizations_key_drops_nothing_and_names_both(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)
    give_other_org_a_number(sandbox)
    with engine_for(sandbox, OTHER_API_KEY) as engine:
        for token, name in ((SIP, "de"), (KYB, "kyb")):
            id_, outs = stack[name]
            line = failure_of(
                lambda t=token, n=name, i=id_, o=outs: engine.host.read(t, n, i, o, {})
            )
            assert f"the API key belongs to organization {OTHER_ORG}" in line
            assert f"is organization {DEMO_ORG}" in line and id_ in line
            assert "check speko:apiKey / SPEKO_API_KEY" in line
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [stack["de"][0]]


def test_another_organizations_submission_is_not_taken_for_the_stacks(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)
    with engine_for(sandbox, OTHER_API_KEY) as other:
        other.create(KYB, "kyb", other.checked(KYB, "kyb", VERIFICATION))
        id_, outs = stack["kyb"]
        line = failure_of(lambda: other.host.read(KYB, "kyb", id_, outs, {}))
    assert f"belongs to organization {OTHER_ORG}" in line and f"organization {DEMO_ORG}" in line


def test_a_key_whose_organization_cannot_be_established_fails_safe(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)  # org_other: no number, no verification submission
    with engine_for(sandbox, OTHER_API_KEY) as engine:
        id_, outs = stack["de"]
        line = failure_of(lambda: engine.host.read(SIP, "de", id_, outs, {}))
    assert "organization cannot be established" in line and "nothing was dropped" in line
    assert f"set speko:organizationId / SPEKO_ORGANIZATION_ID to {DEMO_ORG}" in line
    assert "pulumi state delete" in line


def test_a_released_number_is_dropped_once_the_organization_is_known_or_pinned(
    sandbox: RunningSandbox, client: Client
) -> None:
    """org_demo holds nothing after an out-of-band release, and filed no verification:
    its key's organization is unknown until the operator pins it."""
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        id_, outs = engine.create(SIP, "de", engine.checked(SIP, "de", SIP_NUMBER))
    client.release_phone_number(id_)
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        line = failure_of(lambda: engine.host.read(SIP, "de", id_, outs, {}))
        assert "cannot be established" in line
    with engine_for(sandbox, DEMO_API_KEY, organizationId=DEMO_ORG) as engine:
        assert engine.host.read(SIP, "de", id_, outs, {}).id == ""


def test_pinned_organization_refuses_another_organizations_answers_before_any_write(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)
    with engine_for(sandbox, DEMO_API_KEY, organizationId=OTHER_ORG) as engine:
        id_, outs = stack["de"]
        line = failure_of(lambda: engine.host.read(SIP, "de", id_, outs, {}))
        assert f"the API key belongs to organization {DEMO_ORG}" in line
        assert f"speko:organizationId / SPEKO_ORGANIZATION_ID is organization {OTHER_ORG}" in line

        sandbox.control.clear_request_log()
        other = {**SIP_NUMBER, "e164": "+4930111111"}
        line = failure_of(lambda: engine.create(SIP, "n", engine.checked(SIP, "n", other)))
        assert f"is organization {OTHER_ORG}" in line
    assert [entry.method for entry in sandbox.control.request_log()] == ["GET"]  # no POST
    assert len(sandbox.control.list_numbers(DEMO_ORG)) == 1


def test_pinned_to_its_own_organization_the_provider_works_as_before(
    sandbox: RunningSandbox, client: Client
) -> None:
    with engine_for(sandbox, DEMO_API_KEY, organizationId=DEMO_ORG) as engine:
        id_, outs = engine.create(SIP, "de", engine.checked(SIP, "de", SIP_NUMBER))
        assert engine.host.read(SIP, "de", id_, outs, {}).properties["organization_id"] == DEMO_ORG
    client.release_phone_number(id_)
    with engine_for(sandbox, DEMO_API_KEY, organizationId=DEMO_ORG) as engine:
        assert engine.host.read(SIP, "de", id_, outs, {}).id == ""


# --- a verification submit whose answer was lost ------------------------------------------


def test_lost_submit_whose_first_lookup_fails_is_reconciled_not_refiled(
    sandbox: RunningSandbox,
) -> None:
    sandbox.control.add_fault("POST", "/v1/phone-numbers/kyb/submit", action="drop", times=1)
    sandbox.control.add_fault("GET", "/v1/phone-numbers/kyb", action="respond", status=401, times=1)
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        _, outs = engine.create(KYB, "kyb", engine.checked(KYB, "kyb", VERIFICATION))
    assert outs["status"] == "submitted" and outs["organization_id"] == DEMO_ORG
    submits = [e for e in sandbox.control.request_log() if e.method == "POST"]
    assert [(s.dropped, s.app_status) for s in submits] == [(True, 201)]  # filed once


def test_lost_submit_whose_lookups_all_fail_is_one_clear_line(sandbox: RunningSandbox) -> None:
    sandbox.control.add_fault("POST", "/v1/phone-numbers/kyb/submit", action="drop", times=1)
    sandbox.control.add_fault("GET", "/v1/phone-numbers/kyb", action="respond", status=401, times=2)
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        line = failure_of(
            lambda: engine.create(KYB, "kyb", engine.checked(KYB, "kyb", VERIFICATION))
        )
    assert line.count("\n") == 0
    assert "the submission may have been filed" in line and "401" in line
    assert "run pulumi up again" in line


# --- no key over clear text ------------------------------------------------------------------


class RecordingProxy:
    """A loopback HTTP proxy that records each request head and answers 401."""

    def __init__(self) -> None:
        self.heads: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        body = b'{"error": "Unauthorized", "code": "UNAUTHORIZED"}'
        answer = (
            b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
            b"Connection: close\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
        )
        while True:
            try:
                connection, _ = self._server.accept()
            except OSError:
                return  # closed
            with connection:
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = connection.recv(4096)
                    if not chunk:
                        break
                    head += chunk
                self.heads.append(head.decode("latin-1"))
                connection.sendall(answer)

    def close(self) -> None:
        self._server.close()
        self._thread.join(5)


@pytest.fixture
def proxy() -> Iterator[RecordingProxy]:
    recording = RecordingProxy()
    yield recording
    recording.close()


def cleartext_engine(sandbox: RunningSandbox, proxy: RecordingProxy, **config: str) -> Any:
    """A host whose HTTP goes through ``proxy`` and whose base URL is not loopback."""
    env = {"HTTP_PROXY": proxy.url, "http_proxy": proxy.url, "NO_PROXY": "", "no_proxy": ""}
    return engine_for(sandbox, DEMO_API_KEY, env=env, baseUrl=CLEARTEXT_URL, **config)


def test_cleartext_base_url_to_another_host_is_refused_before_any_request(
    sandbox: RunningSandbox, proxy: RecordingProxy
) -> None:
    with cleartext_engine(sandbox, proxy) as engine:
        line = failure_of(lambda: engine.host.read(SIP, "de", "pn_1", {}, REFERENCE))
    assert f"speko:baseUrl / SPEKO_BASE_URL: {CLEARTEXT_URL} is plain http to 192.0.2.2" in line
    assert "use https://" in line and "speko:allowInsecureHttp" in line
    assert proxy.heads == []


def test_cleartext_base_url_is_used_with_the_explicit_opt_in(
    sandbox: RunningSandbox, proxy: RecordingProxy
) -> None:
    with cleartext_engine(sandbox, proxy, allowInsecureHttp="true") as engine:
        line = failure_of(lambda: engine.host.read(SIP, "de", "pn_1", {}, REFERENCE))
    assert "401 UNAUTHORIZED" in line
    assert proxy.heads and proxy.heads[0].startswith(f"GET {CLEARTEXT_URL}/v1/phone-numbers ")


def test_a_delete_answered_404_under_a_wrong_base_url_drops_nothing(
    sandbox: RunningSandbox,
) -> None:
    """A base URL with an extra ``/v1`` answers 404 for every number: a destroy must not
    take that for "already released" and empty the stack."""
    stack = demo_stack(sandbox)
    id_, outs = stack["de"]
    with EngineHost() as host:
        host.configure(
            {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": f"{sandbox.base_url}/v1"},
            secret_keys=["speko:apiKey"],
        )
        line = failure_of(lambda: host.delete(SIP, "de", id_, outs))
    assert f"{sandbox.base_url}/v1" in line and "speko:baseUrl" in line
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [id_]


def test_a_delete_answered_404_with_another_organizations_key_fails_naming_both(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)
    give_other_org_a_number(sandbox)
    id_, outs = stack["de"]
    with engine_for(sandbox, OTHER_API_KEY) as other:
        line = failure_of(lambda: other.host.delete(SIP, "de", id_, outs))
    assert f"belongs to organization {OTHER_ORG}" in line and DEMO_ORG in line
    assert [n["id"] for n in sandbox.control.list_numbers(DEMO_ORG)] == [id_]


def test_a_delete_of_a_number_released_outside_pulumi_still_succeeds(
    sandbox: RunningSandbox,
) -> None:
    stack = demo_stack(sandbox)
    id_, outs = stack["de"]
    with Client(DEMO_API_KEY, sandbox.base_url) as client:
        client.release_phone_number(id_)
    with engine_for(sandbox, DEMO_API_KEY) as engine:
        engine.host.delete(SIP, "de", id_, outs)
