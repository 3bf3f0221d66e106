"""``pulumi-speko drift STACK_EXPORT.json [--format text|json] [--base-url URL]
[--api-key-env NAME] [--organization-id ID]``.

Compares the speko resources of a ``pulumi stack export`` file with the live API and
prints each difference per resource. Exit status 0 when nothing drifted, 2 on drift, 1
with a one-line error when the file cannot be read, no API key is found or the API
fails (the key is never printed), 3 when the key is not the stack's organization's or
its organization cannot be established (nothing is reported released on a guess).

Credentials are read as the provider reads them, minus the stack config this command
has no access to: ``speko:apiKey`` / ``speko:baseUrl`` from ``PULUMI_CONFIG`` (the JSON
the Pulumi CLI passes to programs, so the command works from a Pulumi hook or
Automation API), else ``SPEKO_API_KEY`` / ``SPEKO_BASE_URL``. ``--base-url``,
``--organization-id`` and ``--api-key-env NAME`` (the variable holding the key) win over
both. :func:`add_api_arguments`, :func:`credentials_of` and :func:`api_error_line` are
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
    from pulumi_speko.api import Client, PhoneNumberRecord, SpekoError

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
    "credentials_of",
    "organization_failure",
    "run",
]

EXIT_OK: Final = 0
EXIT_ERROR: Final = 1
EXIT_DRIFT: Final = 2
EXIT_WRONG_ORGANIZATION: Final = 3
PULUMI_CONFIG_ENV: Final = "PULUMI_CONFIG"
_PROG: Final = "pulumi-speko drift"


class CliConfigError(ConfigError):
    """``PULUMI_CONFIG`` is set but unusable; the message never holds its content."""


def add_api_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare ``--base-url``, ``--api-key-env`` and ``--organization-id`` (shared by the
    commands that call the API). No flag takes the key itself: it would show in process
    lists and shell history."""
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the positional export path, ``--format`` and the API flags."""
    add_stack_export_argument(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default: each difference per resource) or json",
    )
    add_api_arguments(parser)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EXIT_STATUS_HELP


EXIT_STATUS_HELP: Final = f"""\
exit status:
  {EXIT_OK}  in sync: nothing drifted (clock fields alone are not drift)
  {EXIT_DRIFT}  drift: at least one resource differs from the live API
  {EXIT_ERROR}  error: unreadable export, no or refused API key, API failure (one line)
  {EXIT_WRONG_ORGANIZATION}  the API key is another organization's than the stack's, or its
     organization cannot be established (set speko:organizationId / SPEKO_ORGANIZATION_ID)

the API key: {ENV_API_KEY}, or --api-key-env NAME to read it from another variable
(speko:apiKey too when Pulumi runs this command and passes PULUMI_CONFIG)."""


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
        credentials = credentials_of(args)
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
    client: Client, credentials: Credentials, numbers: Sequence[PhoneNumberRecord]
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
