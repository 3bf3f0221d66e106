"""The flags, credentials and error lines shared by the commands that call the API.

``pulumi-speko drift``, ``discover``, ``review`` and ``run`` read credentials as the
provider reads them, minus the stack config a command has no access to:
``speko:apiKey`` / ``speko:baseUrl`` / ``speko:organizationId`` from ``PULUMI_CONFIG``
(the JSON the Pulumi CLI passes to programs, so the commands work from a Pulumi hook or
Automation API), else ``SPEKO_API_KEY`` / ``SPEKO_BASE_URL`` / ``SPEKO_ORGANIZATION_ID``.
``--base-url``, ``--organization-id`` and ``--api-key-env NAME`` (the variable holding
the key) win over both. No flag takes the key itself.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Final

from pulumi_speko.credentials import (
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    CONFIG_KEYS,
    CONFIG_ORGANIZATION_ID,
    ENV_API_KEY,
    ENV_BY_CONFIG_KEY,
    ConfigError,
    Credentials,
    MissingCredentialsError,
    client_for,
    resolve_credentials,
)
from pulumi_speko.organization import pinned_organization_error

if TYPE_CHECKING:
    from pulumi_speko.api import Client, SpekoError

__all__ = [
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_WRONG_ORGANIZATION",
    "NO_KEY_MESSAGE",
    "PULUMI_CONFIG_ENV",
    "CliConfigError",
    "add_api_arguments",
    "api_error_line",
    "api_failure",
    "api_of",
    "cli_client",
    "cli_credentials",
    "command_error",
    "credentials_of",
    "exit_status_help",
    "organization_failure",
]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_WRONG_ORGANIZATION: Final = 3
PULUMI_CONFIG_ENV: Final = "PULUMI_CONFIG"

class CliConfigError(ConfigError):
    """``PULUMI_CONFIG`` is set but unusable; the message never holds its content."""


def exit_status_help(
    ok: str,
    wrong_organization: str,
    *,
    more: tuple[tuple[int, str], ...] = (),
    key_note: str = "",
) -> str:
    """The epilog of a command that reads a stack export and calls the API: what each exit
    status means (``ok`` for 0, ``more`` after it, the shared error line, then
    ``wrong_organization`` for 3) and where the API key comes from (``key_note`` appended)."""
    statuses = [
        (EXIT_OK, ok),
        *more,
        (EXIT_ERROR, "error: unreadable export, no or refused API key, API failure (one line)"),
        (EXIT_WRONG_ORGANIZATION, wrong_organization),
    ]
    lines = "\n".join(f"  {status}  {meaning}" for status, meaning in statuses)
    return (
        f"exit status:\n{lines}\n\nthe API key: {ENV_API_KEY}, or --api-key-env NAME to read "
        f"it from another variable{key_note}."
    )


def add_api_arguments(
    parser: argparse.ArgumentParser, *, exit_status_help: str | None = None
) -> None:
    """Declare ``--base-url``, ``--api-key-env`` and ``--organization-id`` (shared by the
    commands that call the API), and ``exit_status_help`` as the help's epilog. No flag
    takes the key itself: it would show in process lists and shell history."""
    if exit_status_help is not None:
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = exit_status_help
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the API root (default: speko:baseUrl from PULUMI_CONFIG, else SPEKO_BASE_URL, "
        "else https://api.speko.dev)",
    )
    parser.add_argument(
        "--api-key-env",
        metavar="NAME",
        help=f"the environment variable that holds the API key (default: speko:apiKey from "
        f"PULUMI_CONFIG, else {ENV_API_KEY}); this command cannot read the stack's config",
    )
    parser.add_argument(
        "--organization-id",
        metavar="ID",
        help=f"the organization the key must belong to (default: {CONFIG_ORGANIZATION_ID} "
        f"from PULUMI_CONFIG, else {ENV_BY_CONFIG_KEY[CONFIG_ORGANIZATION_ID]})",
    )


def cli_credentials(
    base_url: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    api_key_env: str | None = None,
    organization_id: str | None = None,
) -> Credentials:
    """The provider's credential rule for a process without stack config.

    ``api_key_env`` names the variable that holds the key (it then wins over the
    others); ``base_url`` and ``organization_id`` win over config and environment.
    Raises :class:`~pulumi_speko.credentials.ConfigError` (bad setting) and
    :class:`CliConfigError` (no key, an unset ``api_key_env``, or ``PULUMI_CONFIG``
    that is not a JSON object).
    """
    environ = os.environ if environ is None else environ
    config = _pulumi_config(environ)
    if base_url and base_url.strip():
        config[CONFIG_BASE_URL] = base_url
    if organization_id and organization_id.strip():
        config[CONFIG_ORGANIZATION_ID] = organization_id
    if api_key_env:
        config[CONFIG_API_KEY] = _named_key(api_key_env, environ)
    try:
        return resolve_credentials(config, environ)
    except MissingCredentialsError:
        raise CliConfigError(NO_KEY_MESSAGE) from None


NO_KEY_MESSAGE: Final = (
    f"no Speko API key: set {ENV_API_KEY} (or pass --api-key-env NAME to read it from "
    "another variable); this command cannot read the stack's config, so `pulumi config "
    f"set {CONFIG_API_KEY}` does not reach it"
)


def _named_key(name: str, environ: Mapping[str, str]) -> str:
    value = environ.get(name, "")
    if not value.strip():
        raise CliConfigError(
            f"--api-key-env {name}: the environment variable {name} is not set or empty; "
            f"export the key in it, or leave the flag out to use {ENV_API_KEY}"
        )
    return value


def credentials_of(args: argparse.Namespace) -> Credentials:
    """:func:`cli_credentials` from the flags :func:`add_api_arguments` declares."""
    return cli_credentials(
        args.base_url, api_key_env=args.api_key_env, organization_id=args.organization_id
    )


def cli_client(credentials: Credentials) -> Client:
    """The API client of ``credentials``, with all their settings."""
    return client_for(credentials)


def api_of(args: argparse.Namespace) -> tuple[Credentials, Client]:
    """:func:`credentials_of` the flags, and their :func:`cli_client`."""
    credentials = credentials_of(args)
    return credentials, cli_client(credentials)


def _pulumi_config(environ: Mapping[str, str]) -> dict[str, str | None]:
    raw = environ.get(PULUMI_CONFIG_ENV)
    if not raw:
        return {}
    try:
        config = json.loads(raw)
    except json.JSONDecodeError:
        config = None
    if not isinstance(config, dict):
        raise CliConfigError(
            f"{PULUMI_CONFIG_ENV} is set but is not a JSON object of config values; unset it "
            f"or fix it (it is read for {', '.join(CONFIG_KEYS)})"
        )
    return {key: value for key in CONFIG_KEYS if isinstance(value := config.get(key), str)}


def api_error_line(action: str, base_url: str, error: SpekoError) -> str:
    """One line for an API failure, with the setting to check when one is to blame."""
    from pulumi_speko.setting_hints import setting_hint

    line = f"cannot {action} at {base_url}: {error}"
    hint = setting_hint(error)
    return f"{line} ({hint})" if hint else line


def command_error(prog: str, message: str) -> int:
    """Print ``prog``'s one-line error; the exit status (1)."""
    print(f"{prog}: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def api_failure(prog: str, action: str, base_url: str, error: SpekoError | ConfigError) -> int:
    """Print why ``action`` failed; the exit status: 3 when the key's organization rules
    the report out (see :func:`organization_failure`), else 1 (see :func:`api_error_line`).
    """
    from pulumi_speko.api import OrganizationMismatchError

    if isinstance(error, (OrganizationMismatchError, ConfigError)):
        return organization_failure(prog, error)
    return command_error(prog, api_error_line(action, base_url, error))


def organization_failure(prog: str, error: Exception) -> int:
    """Print why the key's organization rules the report out; the exit status (3).

    ``error`` is a pinned client's refusal or a wrong or unknown organization."""
    from pulumi_speko.api import OrganizationMismatchError

    if isinstance(error, OrganizationMismatchError):
        error = pinned_organization_error(error)
    print(f"{prog}: error: {error}", file=sys.stderr)
    return EXIT_WRONG_ORGANIZATION
