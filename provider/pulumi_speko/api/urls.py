"""What makes a base URL usable, and when it may be plain ``http``.

Pure functions over the URL text, shared by the client (which refuses such a URL) and
the settings layer (which names the config key in its message).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

SCHEMES = ("https", "http")
LOOPBACK_NAMES = frozenset({"localhost"})


def url_problem(url: str) -> str | None:
    """Why ``url`` is not an ``http(s)://host[:port][/path]`` base URL, or None."""
    try:
        parts = urlsplit(url)
        _port = parts.port  # raises on a port that is not a number or out of range
    except ValueError as exc:
        return f"{url!r} is not a URL ({exc})"
    if parts.scheme.lower() not in SCHEMES or not parts.hostname:
        return f"{url!r} is not an http(s) URL with a host"
    if parts.query or parts.fragment or parts.username or parts.password:
        return f"{url!r} must not carry a query, a fragment or user info"
    return None


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost``, ``127.0.0.0/8`` or ``::1``."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cleartext_problem(url: str, allow_insecure_http: bool) -> str | None:
    """Why the key may not be sent to ``url`` (plain http to another host), or None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "http" or allow_insecure_http:
        return None
    if is_loopback_host(parts.hostname or ""):
        return None
    return (
        f"{url} is plain http to {parts.hostname}, which is not this machine: "
        "the API key would cross the network in clear text"
    )
