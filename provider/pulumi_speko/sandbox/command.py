"""``pulumi-speko sandbox``: serve the local emulator of the Phone Numbers API.

FastAPI and uvicorn are imported inside ``run`` so that ``pulumi-speko --help`` stays
fast and works without the ``sandbox`` extra.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

from pulumi_speko.sandbox.rate_limit import RateLimit, parse_rate_limit
from pulumi_speko.sandbox.seed import (
    DEFAULT_ADMIN_TOKEN,
    DEFAULT_POOL_SIZE,
    DEMO_ORG,
    MAX_POOL_SIZE,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8787
MAX_PORT = 65535
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def _pool_size(text: str) -> int:
    size = int(text)
    if not 1 <= size <= MAX_POOL_SIZE:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_POOL_SIZE}")
    return size


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"must be a port number from 0 (any free port) to {MAX_PORT}, got {text!r}"
        )
    return port


def _rate_limit(text: str) -> RateLimit:
    try:
        return parse_rate_limit(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_api_key(text: str) -> tuple[str, str]:
    """``ORG=KEY`` as (ORG, KEY); a bare ``KEY`` belongs to the demo org.

    Whitespace is refused: the client (and the provider's ``speko:apiKey``) refuses such
    keys, so the sandbox would accept a key nothing can send.
    """
    if any(character.isspace() for character in text):
        raise argparse.ArgumentTypeError(
            "an organization id or key contains whitespace: give KEY or ORG=KEY, one word each"
        )
    org_id, sep, key = text.partition("=")
    if not sep:
        org_id, key = DEMO_ORG, text
    if not org_id or not key:
        raise argparse.ArgumentTypeError("expected KEY or ORG=KEY")
    return org_id, key


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``pulumi-speko sandbox``."""
    parser.description = (
        "Serve a local emulator of the Speko Phone Numbers API. It starts seeded with "
        "org_demo (key sk_test_demo) and org_other (key sk_test_other), each with agents "
        "agent_sales and agent_support, SIP installation sci_demo and 100.00 USD of "
        "credits, and a shared pool of US numbers. The control API lives under /_sandbox."
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help="address to bind (%(default)s)")
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT, help="port to bind, 0 for any (%(default)s)"
    )
    parser.add_argument(
        "--db",
        default=":memory:",
        metavar="PATH",
        help="SQLite file that keeps the state across restarts (default: in memory)",
    )
    parser.add_argument(
        "--api-key",
        dest="api_keys",
        action="append",
        default=[],
        type=parse_api_key,
        metavar="[ORG=]KEY",
        help="accept another API key (repeatable): ORG=KEY adds KEY to organization ORG, "
        "creating and seeding ORG when it is new; a bare KEY is another key of org_demo. "
        "The seeded keys are always accepted.",
    )
    parser.add_argument(
        "--admin-token",
        default=DEFAULT_ADMIN_TOKEN,
        help="bearer token of the control API under /_sandbox (%(default)s)",
    )
    parser.add_argument(
        "--pool-size",
        type=_pool_size,
        default=DEFAULT_POOL_SIZE,
        metavar="N",
        help="numbers in the pool of available US numbers (%(default)s)",
    )
    parser.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=None,
        metavar="RATE[:BURST]",
        help="answer 429 RATE_LIMITED (with Retry-After in whole seconds) to calls of the "
        "API beyond RATE requests per second per API key, BURST at once (default: the rate "
        "rounded up); a token bucket over /v1 calls, also set through the control API "
        "(default: no limit)",
    )
    parser.add_argument(
        "--log-level", choices=LOG_LEVELS, default="warning", help="server log level"
    )


def _banner(
    url: str, keys: dict[str, str], admin_token: str, db: str, rate_limit: RateLimit | None
) -> str:
    accepted = ", ".join(f"{key} ({org})" for key, org in sorted(keys.items()))
    limit = "none"
    if rate_limit is not None:
        limit = f"{rate_limit.rate:g} requests/s per API key, burst {rate_limit.burst}"
    return "\n".join(
        [
            f"Speko sandbox listening on {url}",
            f"  API keys:     {accepted}",
            f"  control API:  {url}/_sandbox (admin token: {admin_token})",
            f"  OpenAPI:      {url}/openapi.json",
            f"  database:     {db}",
            f"  rate limit:   {limit}",
            "Press Ctrl-C to stop.",
        ]
    )


def _fail(message: str) -> int:
    print(f"pulumi-speko sandbox: error: {message}", file=sys.stderr)
    return 1


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C or SIGTERM; exit 0 after a clean stop."""
    from pulumi_speko.sandbox.seed import SeedConfig
    from pulumi_speko.sandbox.server import (
        ForegroundServer,
        Sandbox,
        base_url,
        bind,
        uvicorn_config,
    )
    from pulumi_speko.sandbox.store import Store

    seed = SeedConfig(pool_size=args.pool_size, extra_keys=tuple(args.api_keys))
    try:
        store = Store(args.db, seed)
    except sqlite3.Error as error:
        return _fail(
            f"cannot use {args.db} as the sandbox database ({error}): give --db a writable "
            "path to an SQLite file (created when missing), or leave it out to keep state "
            "in memory"
        )
    try:
        sock = bind(args.host, args.port)
    except OSError as error:
        store.close()
        return _fail(f"cannot bind {args.host}:{args.port}: {error}")
    sandbox = Sandbox(store, admin_token=args.admin_token, rate_limit=args.rate_limit)
    server = ForegroundServer(uvicorn_config(sandbox, log_level=args.log_level))
    banner = _banner(base_url(sock), store.api_keys(), args.admin_token, args.db, args.rate_limit)
    print(banner, flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        store.close()
    print("Speko sandbox stopped.", flush=True)
    return 0
