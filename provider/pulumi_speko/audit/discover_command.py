"""``pulumi-speko discover [STACK_EXPORT.json] [--format python|json|import-file]
[--base-url URL]``.

Lists the organization's numbers that no resource of the stack export manages (every
number when no export is given) and prints Python that adopts each: a ``PhoneNumber``
or ``SipTrunkPhoneNumber`` with ``adopt_existing=True`` and its live routing; or, with
``--format import-file``, the ``pulumi import --file`` bulk-import file that imports
them as the native plugin's ``speko:index:*`` resources. Exit
status 0 when the listing is printed (whether or not it is empty), 1 with a one-line
error when the file cannot be read, no API key is found or the API fails, 3 when the
key's organization is known not to be the one the export's resources were recorded
under (its numbers are not the stack's to adopt). Credentials are read like
``pulumi-speko drift`` reads them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Final

from pulumi_speko.audit import api_options
from pulumi_speko.audit.stack_export import add_stack_export_argument

__all__ = ["FORMATS", "add_arguments", "run"]

_PROG: Final = "pulumi-speko discover"
FORMATS: Final = ("python", "json", "import-file")
"""What ``--format`` prints (here, not in ``discover``: building the parser stays light)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the optional export path, ``--format`` and the API flags."""
    add_stack_export_argument(
        parser, optional="without it every number of the organization is listed"
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="python",
        help="python (default: declarations that adopt each number), json, or import-file "
        "(the `pulumi import --file` JSON for the native speko plugin)",
    )
    api_options.add_api_arguments(parser, exit_status_help=EXIT_STATUS_HELP)


EXIT_STATUS_HELP: Final = api_options.exit_status_help(
    ok="the listing is printed (also when nothing is left to adopt)",
    wrong_organization="the API key is another organization's than the stack export's",
)


def run(args: argparse.Namespace) -> int:
    """List the unmanaged numbers and print how to adopt them; returns the exit status."""
    from pulumi_speko.api import SpekoError
    from pulumi_speko.api.identity import organization_of_numbers
    from pulumi_speko.audit.discover import confirm_export_organization, discover, render
    from pulumi_speko.audit.stack_export import StackExportError, load_stack_export
    from pulumi_speko.credentials import ConfigError

    try:
        export = load_stack_export(args.stack_export) if args.stack_export else None
        credentials, client = api_options.api_of(args)
    except (StackExportError, ConfigError, ValueError) as error:
        return api_options.command_error(_PROG, str(error))
    with client:
        try:
            numbers = client.list_phone_numbers()
            key_organization = organization_of_numbers(numbers) or credentials.organization_id
            confirm_export_organization(export, key_organization)
        except (SpekoError, ConfigError) as error:
            return api_options.api_failure(_PROG, "list phone numbers", credentials.base_url, error)
    discovery = discover(export, numbers, base_url=credentials.base_url)
    sys.stdout.write(render(discovery, args.format))
    return api_options.EXIT_OK
