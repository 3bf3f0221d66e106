"""Where the provider, the functions and the CLI read their configuration."""

from __future__ import annotations

import pytest
from pulumi_speko.credentials import (
    DEFAULT_BASE_URL,
    DEFAULT_RATE_LIMIT_WAIT_SECONDS,
    DEFAULT_TIMEOUT_SECONDS,
    ConfigError,
    Credentials,
    MissingCredentialsError,
    resolve_credentials,
)

KEY = "sk_test_credentials_0123"


def test_stack_config_wins_over_the_environment() -> None:
    config = {
        "speko:apiKey": "from-config",
        "speko:baseUrl": "https://c/",
        "speko:timeout": "2",
        "speko:organizationId": "org_c",
        "speko:rateLimitWaitSeconds": "0",
    }
    environ = {
        "SPEKO_API_KEY": "from-env",
        "SPEKO_BASE_URL": "https://e",
        "SPEKO_TIMEOUT": "9",
        "SPEKO_ORGANIZATION_ID": "org_e",
        "SPEKO_RATE_LIMIT_WAIT_SECONDS": "9",
    }
    credentials = resolve_credentials(config, environ)
    assert credentials == Credentials("from-config", "https://c", 2.0, "org_c", False, 0.0)


def test_environment_fills_what_config_leaves_unset() -> None:
    environ = {"SPEKO_API_KEY": KEY, "SPEKO_TIMEOUT": "0.5"}
    credentials = resolve_credentials({"speko:apiKey": None, "speko:baseUrl": " "}, environ)
    assert credentials.api_key == KEY
    assert credentials.base_url == DEFAULT_BASE_URL
    assert credentials.timeout == 0.5


def test_defaults() -> None:
    credentials = resolve_credentials({}, {"SPEKO_API_KEY": KEY})
    assert credentials == Credentials(
        KEY, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_SECONDS, None, False, DEFAULT_RATE_LIMIT_WAIT_SECONDS
    )


def test_missing_key_names_both_places() -> None:
    with pytest.raises(MissingCredentialsError) as raised:
        resolve_credentials({}, {})
    assert "speko:apiKey" in str(raised.value) and "SPEKO_API_KEY" in str(raised.value)


@pytest.mark.parametrize("timeout", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_timeout_is_one_clear_error(timeout: str) -> None:
    with pytest.raises(ConfigError, match="number of seconds above 0"):
        resolve_credentials({"speko:timeout": timeout}, {"SPEKO_API_KEY": KEY})


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            {"speko:apiKey": f"Bearer {KEY}"},
            "speko:apiKey / SPEKO_API_KEY: the value starts with 'Bearer ': set the key alone",
        ),
        (
            {"speko:apiKey": "sk_a sk_b"},
            "speko:apiKey / SPEKO_API_KEY: the key contains whitespace",
        ),
        (
            {"speko:baseUrl": "127.0.0.1:8787"},
            "speko:baseUrl / SPEKO_BASE_URL: '127.0.0.1:8787' is not an http(s) URL with a host; "
            "a valid value looks like https://api.speko.dev",
        ),
        (
            {"speko:baseUrl": "http://192.0.2.2:18999"},
            "speko:baseUrl / SPEKO_BASE_URL: http://192.0.2.2:18999 is plain http to 192.0.2.2",
        ),
        (
            {"speko:allowInsecureHttp": "maybe"},
            "speko:allowInsecureHttp / SPEKO_ALLOW_INSECURE_HTTP: must be true or false",
        ),
        (
            {"speko:rateLimitWaitSeconds": "-1"},
            "speko:rateLimitWaitSeconds / SPEKO_RATE_LIMIT_WAIT_SECONDS: must be a number of "
            "seconds 0 or more",
        ),
        ({"speko:organizationId": "org a"}, "speko:organizationId / SPEKO_ORGANIZATION_ID: "),
    ],
)
def test_a_bad_setting_is_one_line_naming_its_config_key_and_variable(
    config: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        resolve_credentials(config, {"SPEKO_API_KEY": KEY})
    message = str(raised.value)
    assert message.startswith(expected)
    assert "\n" not in message and KEY not in message


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:2", "HTTPS://api.x"]
)
def test_loopback_http_and_any_https_are_accepted(url: str) -> None:
    assert resolve_credentials({"speko:baseUrl": url}, {"SPEKO_API_KEY": KEY}).base_url == url


def test_the_opt_in_allows_plain_http_to_another_host() -> None:
    config = {"speko:baseUrl": "http://192.0.2.2:18999", "speko:allowInsecureHttp": "true"}
    credentials = resolve_credentials(config, {"SPEKO_API_KEY": KEY})
    assert credentials.base_url == config["speko:baseUrl"]
    assert credentials.allow_insecure_http


def test_the_key_is_not_in_the_repr() -> None:
    assert KEY not in repr(resolve_credentials({}, {"SPEKO_API_KEY": KEY}))
