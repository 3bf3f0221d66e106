"""``pulumi-speko drift STACK_EXPORT.json [--format text|json] [--base-url URL]
[--api-key-env NAME] [--organization-id ID]``.

Compares the speko resources of a ``pulumi stack export`` file with the live API and
prints each difference per resource. Exit status 0 when nothing drifted, 2 on drift, 1
with a one-line error when the file cannot be read, no API key is found or the API
fails (the key is never printed), 3 when the key is not the stack's organization's or
its organization cannot be established (nothing is reported released on a guess).

Credentials and the API flags are those of :mod:`pulumi_speko.audit.api_options`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Final

from pulumi_speko.api.identity import organization_of_key
from pulumi_speko.audit import api_options
from pulumi_speko.audit.stack_export import add_stack_export_argument
from pulumi_speko.credentials import ConfigError, Credentials

if TYPE_CHECKING:
    from pulumi_speko.api import Client, PhoneNumberRecord

__all__ = ["EXIT_DRIFT", "add_arguments", "run"]

EXIT_DRIFT: Final = 2
_PROG: Final = "pulumi-speko drift"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the positional export path, ``--format`` and the API flags."""
    add_stack_export_argument(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default: each difference per resource) or json",
    )
    api_options.add_api_arguments(parser, exit_status_help=EXIT_STATUS_HELP)


EXIT_STATUS_HELP: Final = api_options.exit_status_help(
    ok="in sync: nothing drifted (clock fields alone are not drift)",
    more=((EXIT_DRIFT, "drift: at least one resource differs from the live API"),),
    wrong_organization="the API key is another organization's than the stack's, or its\n"
    "     organization cannot be established (set speko:organizationId / SPEKO_ORGANIZATION_ID)",
    key_note="\n(speko:apiKey too when Pulumi runs this command and passes PULUMI_CONFIG)",
)


def run(args: argparse.Namespace) -> int:
    """Compare the export named by ``args`` with the live API; returns the exit status."""
    from pulumi_speko.api import SpekoError
    from pulumi_speko.audit.drift import compare, confirm_organization, render
    from pulumi_speko.audit.stack_export import StackExportError, load_stack_export

    try:
        export = load_stack_export(args.stack_export)
        credentials, client = api_options.api_of(args)
    except (StackExportError, ConfigError, ValueError) as error:
        return api_options.command_error(_PROG, str(error))
    needs_verification = any(
        r.is_verification and not r.external for r in export.speko_resources()
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
        except (SpekoError, ConfigError) as error:
            return api_options.api_failure(_PROG, action, credentials.base_url, error)
    sys.stdout.write(render(report, args.format))
    return EXIT_DRIFT if report.has_drift else api_options.EXIT_OK


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
