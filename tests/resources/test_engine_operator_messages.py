"""What ``pulumi up`` users read when the settings are wrong, through the engine protocol.

Each test configures the SDK's own provider host (``python -m pulumi.dynamic``) with a
mistake an operator makes in the first days (a base URL with ``/v1``, a host with nothing
listening, a wrong key, a value that is not a URL, a pasted ``Bearer`` header) and
checks the last line the engine reports: one line naming the setting to fix, never a
Python ``ValueError``, never the key, and never advice that does not apply.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pulumi_speko.credentials import ConfigError, resolve_credentials
from pulumi_speko.testing.engine import EngineError, EngineHost
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, RunningSandbox

from .conftest import VERIFICATION
from .test_engine_protocol import KYB, PHONE, PROVIDERS, SIP

WRONG_KEY = "sk_test_wrong_0123456789"
HOST_CLASS_PREFIX = "pulumi_speko.resources._errors.SpekoProviderError: "


@pytest.fixture
def host() -> Iterator[EngineHost]:
    with EngineHost() as running:
        yield running


def _create_fails(
    host: EngineHost, config: dict[str, str], token: str, inputs: dict[str, Any]
) -> EngineError:
    """Configure ``host`` with ``config`` (the key as a secret), then fail a create."""
    host.configure(config, secret_keys=[k for k in config if k == "speko:apiKey"])
    checked = host.check(token, "r", {}, {**inputs, "__provider": PROVIDERS[token]})
    assert checked.failures == []
    with pytest.raises(EngineError) as raised:
        host.create(token, "r", checked.inputs)
    error = raised.value
    assert "ValueError" not in error.details and "During handling" not in error.details
    for key in (DEMO_API_KEY, WRONG_KEY):
        assert key not in error.details and key not in host.stderr_text()
    return error


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# --- defect 3: a wrong base URL blames the URL, not the number -------------------------


@pytest.mark.parametrize(
    ("token", "inputs", "endpoint"),
    [
        (PHONE, {"e164": "+14155550100"}, "/v1/phone-numbers"),
        (SIP, {"e164": "+442071838750", "sip_trunk_id": "t"}, "/v1/phone-numbers"),
        (KYB, VERIFICATION, "/v1/phone-numbers/kyb"),
    ],
)
def test_a_base_url_ending_in_v1_is_named_as_the_mistake(
    host: EngineHost,
    sandbox: RunningSandbox,
    token: str,
    inputs: dict[str, Any],
    endpoint: str,
) -> None:
    base_url = f"{sandbox.base_url}/v1"
    error = _create_fails(
        host, {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": base_url}, token, inputs
    )
    line = error.last_line
    assert "404" in line
    assert f"{base_url}{endpoint}" in line and f"the base URL {base_url} is wrong" in line
    assert "check speko:baseUrl / SPEKO_BASE_URL" in line
    assert "refresh" not in line and "gone" not in line
    assert sandbox.control.list_numbers(DEMO_ORG) == []


def test_a_host_with_nothing_listening_is_named(host: EngineHost) -> None:
    base_url = f"http://127.0.0.1:{_closed_port()}"
    config = {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": base_url}
    line = _create_fails(host, config, KYB, VERIFICATION).last_line
    assert "could not connect" in line and f"tried {base_url}" in line
    assert "check speko:baseUrl / SPEKO_BASE_URL" in line


# --- defect 5: a refused key says which setting to check ------------------------------


@pytest.mark.parametrize(
    ("token", "inputs"),
    [(PHONE, {"e164": "+14155550100"}), (KYB, VERIFICATION)],
)
def test_a_refused_key_names_the_key_setting(
    host: EngineHost, sandbox: RunningSandbox, token: str, inputs: dict[str, Any]
) -> None:
    config = {"speko:apiKey": WRONG_KEY, "speko:baseUrl": sandbox.base_url}
    line = _create_fails(host, config, token, inputs).last_line
    assert "401 UNAUTHORIZED" in line
    assert "the API key was refused: check speko:apiKey / SPEKO_API_KEY" in line


# --- defect 4: bad settings are the credentials' one line -----------------------------


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("speko:baseUrl", "127.0.0.1:8787"),
        ("speko:apiKey", f"Bearer {DEMO_API_KEY}"),
        ("speko:apiKey", "sk_test demo"),
        ("speko:timeout", "soon"),
    ],
)
@pytest.mark.parametrize(
    ("token", "inputs"), [(PHONE, {"e164": "+14155550100"}), (KYB, VERIFICATION)]
)
def test_a_bad_setting_reaches_the_engine_as_exactly_its_one_line(
    host: EngineHost,
    sandbox: RunningSandbox,
    setting: str,
    value: str,
    token: str,
    inputs: dict[str, Any],
) -> None:
    config = {"speko:apiKey": DEMO_API_KEY, "speko:baseUrl": sandbox.base_url, setting: value}
    with pytest.raises(ConfigError) as refused:
        resolve_credentials(config, environ={})
    line = _create_fails(host, config, token, inputs).last_line
    action = "create PhoneNumber" if token == PHONE else "file BusinessVerification"
    assert line == f"{HOST_CLASS_PREFIX}{action}: {refused.value}"
    assert setting in line
    assert sandbox.control.request_log() == []  # refused before any call
