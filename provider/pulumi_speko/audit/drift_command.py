"""``pulumi-speko drift STACK_EXPORT.json [--format text|json] [--base-url URL]``.

Compares the speko resources of a ``pulumi stack export`` file with the live API and
prints each difference per resource. Exit status 0 when nothing drifted, 2 on drift, 1
with a one-line error when the file cannot be read, no API key is found or the API
fails (the key is never printed), 3 when the key is not the stack's organization's or
its organization cannot be established (nothing is reported released on a guess).

Credentials are read as the provider reads them, minus the stack config this command
has no access to: ``speko:apiKey`` / ``speko:baseUrl`` from ``PULUMI_CONFIG`` (the JSON
the Pulumi CLI passes to programs, so the command works from a Pulumi hook or
Automation API), else ``SPEKO_API_KEY`` / ``SPEKO_BASE_URL``. ``--base-url`` wins over
both. :func:`add_api_arguments`, :func:`cli_credentials` and :func:`api_error_line` are
shared with ``pulumi-speko discover``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

from pulumi_speko.api.identity import organization_of_key
from pulumi_speko.audit.stack_export import add_stack_export_argument
from pulumi_speko.credentials import (
    CONFIG_BASE_URL,
    CONFIG_KEYS,
    ConfigError,
    Credentials,
    client_for,
    resolve_credentials,
)
from pulumi_speko.organization import pinned_organization_error

if TYPE_CHECKING:
    from pulumi_speko.api import Client, PhoneNumber, SpekoError

__all__ = [
    "EXIT_DRIFT",
    "EXIT_ERROR",
    "EXIT_OK",
    "EXIT_WRONG_ORGANIZATION",
    "PULUMI_CONFIG_ENV",
    "CliConfigError",
    "add_api_arguments",
    "add_arguments",
    "api_error_line",
    "cli_credentials",
    "organization_failure",
    "run",
]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_DRIFT: Final = 2
EXIT_WRONG_ORGANIZATION: Final = 3
EXIT_CODES_HELP: Final = (
    "exit status: 0 no drift, 2 drift, 1 error, 3 the API key is another organization's "
    "than the stack's (or its organization cannot be established: set speko:organizationId "
    "/ SPEKO_ORGANIZATION_ID)"
)
PULUMI_CONFIG_ENV: Final = "PULUMI_CONFIG"
_PROG: Final = "pulumi-speko drift"


class CliConfigError(ConfigError):
    """``PULUMI_CONFIG`` is set but unusable; the message never holds its content."""


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--base-url`` (the commands that call the API share it)."""
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="the API root (default: speko:baseUrl from PULUMI_CONFIG, else SPEKO_BASE_URL, "
        "else https://api.speko.dev); the key comes from speko:apiKey or SPEKO_API_KEY",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the positional export path, ``--format`` and ``--base-url``."""
    add_stack_export_argument(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default: each difference per resource) or json",
    )
    add_api_arguments(parser)
    parser.epilog = EXIT_CODES_HELP


def cli_credentials(base_url: str | None, environ: Mapping[str, str] | None = None) -> Credentials:
    """The provider's credential rule for a process without stack config.

    Raises :class:`~pulumi_speko.credentials.MissingCredentialsError` without a key,
    :class:`~pulumi_speko.credentials.ConfigError` for a bad timeout, and
    :class:`CliConfigError` when ``PULUMI_CONFIG`` is not a JSON object.
    """
    environ = os.environ if environ is None else environ
    config = _pulumi_config(environ)
    if base_url and base_url.strip():
        config[CONFIG_BASE_URL] = base_url
    return resolve_credentials(config, environ)


def cli_client(credentials: Credentials) -> Client:
    """The API client of ``credentials``, with all their settings."""
    return client_for(credentials)


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


def run(args: argparse.Namespace) -> int:
    """Compare the export named by ``args`` with the live API; returns the exit status."""
    from pulumi_speko.api import OrganizationMismatchError, SpekoError
    from pulumi_speko.audit.drift import compare, confirm_organization, render
    from pulumi_speko.audit.stack_export import (
        BUSINESS_VERIFICATION_TYPE,
        StackExportError,
        load_stack_export,
    )

    try:
        export = load_stack_export(args.stack_export)
        credentials = cli_credentials(args.base_url)
        client = cli_client(credentials)
    except (StackExportError, ConfigError, ValueError) as error:
        return _fail(str(error))
    needs_verification = any(
        r.type == BUSINESS_VERIFICATION_TYPE and not r.external for r in export.speko_resources()
    )
    with client:
        action = "list phone numbers"
        try:
            numbers = client.list_phone_numbers()
            action = "read the business verification"
            verification = client.get_business_verification() if needs_verification else None
            report = compare(export, numbers, verification, base_url=credentials.base_url)
            action = "learn the API key's organization"
            confirm_organization(export, report, _key_organization(client, credentials, numbers))
        except (OrganizationMismatchError, ConfigError) as error:
            return organization_failure(_PROG, error)
        except SpekoError as error:
            return _fail(api_error_line(action, credentials.base_url, error))
    sys.stdout.write(render(report, args.format))
    return EXIT_DRIFT if report.has_drift else EXIT_OK


def _key_organization(
    client: Client, credentials: Credentials, numbers: Sequence[PhoneNumber]
) -> Callable[[], str | None]:
    """The key's organization, learned on first ask (the pin when it cannot be)."""
    learned: list[str | None] = []

    def ask() -> str | None:
        if not learned:
            learned.append(organization_of_key(client, numbers) or credentials.organization_id)
        return learned[0]

    return ask


def organization_failure(prog: str, error: Exception) -> int:
    """Print why the key's organization rules the report out; the exit status (3).

    ``error`` is a pinned client's refusal or a wrong or unknown organization."""
    from pulumi_speko.api import OrganizationMismatchError

    if isinstance(error, OrganizationMismatchError):
        error = pinned_organization_error(error)
    print(f"{prog}: error: {error}", file=sys.stderr)
    return EXIT_WRONG_ORGANIZATION


def _fail(message: str) -> int:
    print(f"{_PROG}: error: {message}", file=sys.stderr)
    return EXIT_ERROR
