"""Where the provider, the functions and the command line find the API key and base URL.

One rule everywhere: stack config (``speko:apiKey``, ``speko:baseUrl``,
``speko:timeout``) first, then the environment (``SPEKO_API_KEY``, ``SPEKO_BASE_URL``,
``SPEKO_TIMEOUT``). The key is never part of a repr.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

CONFIG_API_KEY = "speko:apiKey"
CONFIG_BASE_URL = "speko:baseUrl"
CONFIG_TIMEOUT = "speko:timeout"
CONFIG_KEYS = (CONFIG_API_KEY, CONFIG_BASE_URL, CONFIG_TIMEOUT)
ENV_API_KEY = "SPEKO_API_KEY"
ENV_BASE_URL = "SPEKO_BASE_URL"
ENV_TIMEOUT = "SPEKO_TIMEOUT"
DEFAULT_BASE_URL = "https://api.speko.dev"
DEFAULT_TIMEOUT_SECONDS = 30.0


class ConfigError(Exception):
    """The provider's configuration cannot be used (one line, never the key)."""


class MissingCredentialsError(ConfigError):
    """No API key in stack config nor in the environment."""

    def __init__(self) -> None:
        super().__init__(
            f"no Speko API key: set the stack config secret `{CONFIG_API_KEY}` "
            f"(pulumi config set --secret {CONFIG_API_KEY} ...) "
            f"or the environment variable {ENV_API_KEY}"
        )


@dataclass(frozen=True)
class Credentials:
    """An API key and the base URL it is valid for. The key never shows in repr."""

    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    timeout: float = DEFAULT_TIMEOUT_SECONDS


def _first_set(*values: str | None) -> str | None:
    for value in values:
        if value is not None and value.strip():
            return value.strip()
    return None


def resolve_credentials(
    config: Mapping[str, str | None] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Credentials:
    """Read credentials from namespaced stack config, else the environment.

    ``config`` holds namespaced keys as the engine passes them to ``configure()``
    (``{"speko:apiKey": ..., "speko:baseUrl": ...}``).
    """
    config = config or {}
    environ = os.environ if environ is None else environ
    api_key = _first_set(config.get(CONFIG_API_KEY), environ.get(ENV_API_KEY))
    if api_key is None:
        raise MissingCredentialsError()
    base_url = _first_set(config.get(CONFIG_BASE_URL), environ.get(ENV_BASE_URL))
    timeout = _first_set(config.get(CONFIG_TIMEOUT), environ.get(ENV_TIMEOUT))
    return Credentials(
        api_key=api_key,
        base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"),
        timeout=_seconds(timeout) if timeout else DEFAULT_TIMEOUT_SECONDS,
    )


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ConfigError(
            f"{CONFIG_TIMEOUT} / {ENV_TIMEOUT} must be a number of seconds above 0, got {text!r}"
        )
    return seconds
