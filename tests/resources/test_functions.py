"""The plain functions: one clear error per bad argument, the setting hints, the config line."""

from __future__ import annotations

import pytest
from pulumi_speko.credentials import ConfigError, resolve_credentials
from pulumi_speko.resources.functions import (
    InvalidArgumentsError,
    get_available_phone_numbers,
    get_business_verification,
    get_phone_numbers,
)
from pulumi_speko.setting_hints import API_KEY_REFUSED_HINT, BASE_URL_HINT
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox) -> pytest.MonkeyPatch:
    monkeypatch.setenv("SPEKO_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SPEKO_BASE_URL", sandbox.base_url)
    return monkeypatch


def test_each_bad_argument_is_named_once_as_the_program_names_it(
    demo_env: pytest.MonkeyPatch, sandbox: RunningSandbox
) -> None:
    with pytest.raises(InvalidArgumentsError) as raised:
        get_available_phone_numbers(area_code="64", limit=100)
    message = str(raised.value)
    assert "\n" not in message and "pydantic" not in message
    assert message == (
        "get_available_phone_numbers: area_code='64': must be three digits, e.g. '415'; "
        "limit=100: must be from 1 to 50"
    )
    assert raised.value.arguments == ["area_code", "limit"]
    assert isinstance(raised.value, ValueError)
    assert sandbox.control.request_log() == []  # nothing was sent


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"limit": 0}, "limit=0: must be from 1 to 50"),
        ({"limit": "ten"}, "limit='ten': must be a whole number"),
        ({"area_code": 415}, "area_code=415: must be a string"),
        ({"locality": ""}, "locality='': must not be empty"),
    ],
)
def test_one_bad_argument(
    demo_env: pytest.MonkeyPatch, kwargs: dict[str, object], named: str
) -> None:
    with pytest.raises(InvalidArgumentsError) as raised:
        get_available_phone_numbers(**kwargs)  # type: ignore[arg-type]
    assert str(raised.value) == f"get_available_phone_numbers: {named}"


def test_good_arguments_search(demo_env: pytest.MonkeyPatch) -> None:
    offers = get_available_phone_numbers(area_code="415", limit=3)
    assert len(offers) == 3 and all(o.e164.startswith("+1415") for o in offers)


def test_a_refused_key_gets_the_shared_hint(
    monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", "sk_test_wrong_0123456789")
    monkeypatch.setenv("SPEKO_BASE_URL", sandbox.base_url)
    with pytest.raises(Exception) as raised:
        get_phone_numbers()
    assert str(raised.value).startswith("get_phone_numbers: GET /v1/phone-numbers -> 401")
    assert str(raised.value).endswith(f"({API_KEY_REFUSED_HINT})")
    assert "sk_test_wrong" not in str(raised.value)


def test_a_wrong_base_url_gets_the_shared_hint(
    monkeypatch: pytest.MonkeyPatch, sandbox: RunningSandbox
) -> None:
    monkeypatch.setenv("SPEKO_API_KEY", DEMO_API_KEY)
    monkeypatch.setenv("SPEKO_BASE_URL", f"{sandbox.base_url}/v1")
    with pytest.raises(Exception) as raised:
        get_business_verification()
    assert str(raised.value).endswith(f"({BASE_URL_HINT})")


@pytest.mark.parametrize(
    ("variable", "value"),
    [("SPEKO_BASE_URL", "127.0.0.1:8787"), ("SPEKO_API_KEY", f"Bearer {DEMO_API_KEY}")],
)
def test_a_bad_setting_is_exactly_the_credentials_line(
    demo_env: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    demo_env.setenv(variable, value)
    with pytest.raises(ConfigError) as expected:
        resolve_credentials({})
    with pytest.raises(Exception) as raised:
        get_phone_numbers()
    assert str(raised.value) == f"get_phone_numbers: {expected.value}"
    assert not isinstance(raised.value, ValueError)
    assert DEMO_API_KEY not in str(raised.value)
