"""Where the provider, the functions and the CLI read their configuration."""

from __future__ import annotations

import pytest
from pulumi_speko.credentials import (
    DEFAULT_BASE_URL,
    DEFAULT_TIMEOUT_SECONDS,
    ConfigError,
    MissingCredentialsError,
    resolve_credentials,
)

KEY = "sk_test_credentials_0123"


def test_stack_config_wins_over_the_environment() -> None:
    config = {"speko:apiKey": "from-config", "speko:baseUrl": "http://c/", "speko:timeout": "2"}
    environ = {"SPEKO_API_KEY": "from-env", "SPEKO_BASE_URL": "http://e", "SPEKO_TIMEOUT": "9"}
    credentials = resolve_credentials(config, environ)
    assert (credentials.api_key, credentials.base_url, credentials.timeout) == (
        "from-config",
        "http://c",
        2.0,
    )


def test_environment_fills_what_config_leaves_unset() -> None:
    environ = {"SPEKO_API_KEY": KEY, "SPEKO_TIMEOUT": "0.5"}
    credentials = resolve_credentials({"speko:apiKey": None, "speko:baseUrl": " "}, environ)
    assert credentials.api_key == KEY
    assert credentials.base_url == DEFAULT_BASE_URL
    assert credentials.timeout == 0.5


def test_defaults() -> None:
    credentials = resolve_credentials({}, {"SPEKO_API_KEY": KEY})
    assert credentials.timeout == DEFAULT_TIMEOUT_SECONDS


def test_missing_key_names_both_places() -> None:
    with pytest.raises(MissingCredentialsError) as raised:
        resolve_credentials({}, {})
    assert "speko:apiKey" in str(raised.value) and "SPEKO_API_KEY" in str(raised.value)


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_timeout_is_one_clear_error(timeout: str) -> None:
    with pytest.raises(ConfigError, match="number of seconds above 0"):
        resolve_credentials({"speko:timeout": timeout}, {"SPEKO_API_KEY": KEY})


def test_the_key_is_not_in_the_repr() -> None:
    assert KEY not in repr(resolve_credentials({}, {"SPEKO_API_KEY": KEY}))
