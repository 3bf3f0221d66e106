"""Where the provider, the functions and the command line find their settings.

One rule everywhere: stack config (``speko:apiKey``, ``speko:baseUrl``, ...) first, then
the environment (``SPEKO_API_KEY``, ``SPEKO_BASE_URL``, ...). Every bad value is refused
with one line naming the config key and the environment variable, and what a valid value
looks like. The key is never part of a repr or a message.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from pulumi_speko.api.urls import cleartext_problem, url_problem
from pulumi_speko.constants import CONFIG_ALLOW_INSECURE_HTTP as CONFIG_ALLOW_INSECURE_HTTP
from pulumi_speko.constants import CONFIG_API_KEY as CONFIG_API_KEY
from pulumi_speko.constants import CONFIG_BASE_URL as CONFIG_BASE_URL
from pulumi_speko.constants import CONFIG_ORGANIZATION_ID as CONFIG_ORGANIZATION_ID
from pulumi_speko.constants import CONFIG_RATE_LIMIT_WAIT as CONFIG_RATE_LIMIT_WAIT
from pulumi_speko.constants import CONFIG_TIMEOUT as CONFIG_TIMEOUT
from pulumi_speko.constants import DEFAULT_BASE_URL as DEFAULT_BASE_URL
from pulumi_speko.constants import DEFAULT_TIMEOUT_SECONDS as DEFAULT_TIMEOUT_SECONDS
from pulumi_speko.constants import ENV_ALLOW_INSECURE_HTTP as ENV_ALLOW_INSECURE_HTTP
from pulumi_speko.constants import ENV_API_KEY as ENV_API_KEY
from pulumi_speko.constants import ENV_BASE_URL as ENV_BASE_URL
from pulumi_speko.constants import ENV_ORGANIZATION_ID as ENV_ORGANIZATION_ID
from pulumi_speko.constants import ENV_RATE_LIMIT_WAIT as ENV_RATE_LIMIT_WAIT
from pulumi_speko.constants import ENV_TIMEOUT as ENV_TIMEOUT

if TYPE_CHECKING:
    from pulumi_speko.api import Client

CONFIG_KEYS = (
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    CONFIG_TIMEOUT,
    CONFIG_ORGANIZATION_ID,
    CONFIG_ALLOW_INSECURE_HTTP,
    CONFIG_RATE_LIMIT_WAIT,
)
ENV_BY_CONFIG_KEY = {
    CONFIG_API_KEY: ENV_API_KEY,
    CONFIG_BASE_URL: ENV_BASE_URL,
    CONFIG_TIMEOUT: ENV_TIMEOUT,
    CONFIG_ORGANIZATION_ID: ENV_ORGANIZATION_ID,
    CONFIG_ALLOW_INSECURE_HTTP: ENV_ALLOW_INSECURE_HTTP,
    CONFIG_RATE_LIMIT_WAIT: ENV_RATE_LIMIT_WAIT,
}
DEFAULT_RATE_LIMIT_WAIT_SECONDS = 300.0

_TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off"})
_BEARER_PREFIX = "bearer "


class ConfigError(Exception):
    """The provider's configuration cannot be used (one line, never the key).

    ``config_key`` names the setting at fault when there is one (``speko:baseUrl``).
    """

    config_key: str | None = None


class MissingCredentialsError(ConfigError):
    """No API key in stack config nor in the environment."""

    def __init__(self) -> None:
        super().__init__(
            f"no Speko API key: set the stack config secret `{CONFIG_API_KEY}` "
            f"(pulumi config set --secret {CONFIG_API_KEY} ...) "
            f"or the environment variable {ENV_API_KEY}"
        )


class WrongOrganizationError(ConfigError):
    """The API key belongs to another organization than the one expected."""

    def __init__(self, expected: str, actual: str, expected_from: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"the API key belongs to organization {actual}, but {expected_from} is "
            f"organization {expected}: check {setting_names(CONFIG_API_KEY)} "
            f"(and {setting_names(CONFIG_ORGANIZATION_ID)} if set); nothing was changed"
        )


def setting_names(config_key: str) -> str:
    """How a message names a setting: ``speko:baseUrl / SPEKO_BASE_URL``."""
    return f"{config_key} / {ENV_BY_CONFIG_KEY[config_key]}"


def bad_setting(config_key: str, problem: str) -> ConfigError:
    """The one-line error for a setting whose value cannot be used."""
    error = ConfigError(f"{setting_names(config_key)}: {problem}")
    error.config_key = config_key
    return error


@dataclass(frozen=True)
class Credentials:
    """An API key and the settings it is used with. The key never shows in repr."""

    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    organization_id: str | None = None
    """The organization the key must belong to (``speko:organizationId``), if pinned."""
    allow_insecure_http: bool = False
    """Whether an ``http://`` base URL may name a host that is not loopback."""
    rate_limit_wait: float = DEFAULT_RATE_LIMIT_WAIT_SECONDS
    """Seconds an operation may spend waiting out ``429`` answers before it fails."""


ValueT = TypeVar("ValueT")


@dataclass(frozen=True)
class _Setting(Generic[ValueT]):
    config_key: str
    parse: Callable[[str], ValueT]

    def read(
        self, config: Mapping[str, str | None], environ: Mapping[str, str]
    ) -> ValueT | None:
        env_var = ENV_BY_CONFIG_KEY[self.config_key]
        text = _first_set(config.get(self.config_key), environ.get(env_var))
        return None if text is None else self.parse(text)


def _first_set(*values: str | None) -> str | None:
    for value in values:
        if value is not None and value.strip():
            return value.strip()
    return None


def resolve_credentials(
    config: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Read and check the settings from namespaced stack config, else the environment.

    ``config`` holds namespaced keys as the engine passes them to ``configure()``
    (``{"speko:apiKey": ..., "speko:baseUrl": ...}``). Raises :class:`ConfigError`.
    """
    config = config or {}
    environ = os.environ if environ is None else environ

    def read(config_key: str, parse: Callable[[str], ValueT]) -> ValueT | None:
        return _Setting(config_key, parse).read(config, environ)

    api_key = read(CONFIG_API_KEY, parse_api_key)
    if api_key is None:
        raise MissingCredentialsError()
    base_url = read(CONFIG_BASE_URL, parse_base_url) or DEFAULT_BASE_URL
    allow_insecure_http = bool(
        read(CONFIG_ALLOW_INSECURE_HTTP, _parse_flag(CONFIG_ALLOW_INSECURE_HTTP))
    )
    _check_cleartext(base_url, allow_insecure_http)
    timeout = read(CONFIG_TIMEOUT, _parse_seconds(CONFIG_TIMEOUT))
    rate_limit_wait = read(CONFIG_RATE_LIMIT_WAIT, _parse_seconds(CONFIG_RATE_LIMIT_WAIT, True))
    return Credentials(
        api_key=api_key,
        base_url=base_url,
        timeout=DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout,
        organization_id=read(CONFIG_ORGANIZATION_ID, parse_organization_id),
        allow_insecure_http=allow_insecure_http,
        rate_limit_wait=(
            DEFAULT_RATE_LIMIT_WAIT_SECONDS if rate_limit_wait is None else rate_limit_wait
        ),
    )


def client_for(credentials: Credentials) -> Client:
    """A new API client with these settings (the one place they reach the client)."""
    from pulumi_speko.api import Client  # deferred: keeps program imports light

    return Client(
        credentials.api_key,
        credentials.base_url,
        timeout=credentials.timeout,
        allow_insecure_http=credentials.allow_insecure_http,
        expected_organization_id=credentials.organization_id,
        rate_limit_wait=credentials.rate_limit_wait,
    )


def parse_api_key(text: str) -> str:
    """The key as the API wants it; a pasted ``Bearer `` prefix is explained, not dropped."""
    if text.lower().startswith(_BEARER_PREFIX):
        raise bad_setting(
            CONFIG_API_KEY,
            "the value starts with 'Bearer ': set the key alone (sk_...); "
            "the provider adds the 'Bearer' scheme itself",
        )
    if any(character.isspace() for character in text):
        raise bad_setting(
            CONFIG_API_KEY, "the key contains whitespace: paste the key alone, as one word (sk_...)"
        )
    return text


def parse_base_url(text: str) -> str:
    """An ``http(s)://host[:port][/path]`` URL without a trailing slash."""
    problem = url_problem(text)
    if problem is not None:
        raise bad_setting(
            CONFIG_BASE_URL, f"{problem}; a valid value looks like {DEFAULT_BASE_URL}"
        )
    return text.rstrip("/")


def parse_organization_id(text: str) -> str:
    """An organization id, one word (``org_...``)."""
    if any(character.isspace() for character in text):
        raise bad_setting(CONFIG_ORGANIZATION_ID, f"{text!r} is not an organization id (org_...)")
    return text


def _check_cleartext(base_url: str, allow_insecure_http: bool) -> None:
    problem = cleartext_problem(base_url, allow_insecure_http)
    if problem is not None:
        raise bad_setting(
            CONFIG_BASE_URL,
            f"{problem}; use https:// (set {setting_names(CONFIG_ALLOW_INSECURE_HTTP)} "
            "to true only for a private test rig)",
        )


def _parse_flag(config_key: str) -> Callable[[str], bool]:
    def parse(text: str) -> bool:
        word = text.lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise bad_setting(config_key, f"must be true or false, got {text!r}")

    return parse


def _parse_seconds(config_key: str, zero_ok: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        low_ok = seconds >= 0 if zero_ok else seconds > 0
        if not (low_ok and seconds < float("inf")):
            floor = "0 or more" if zero_ok else "above 0"
            raise bad_setting(config_key, f"must be a number of seconds {floor}, got {text!r}")
        return seconds

    return parse
