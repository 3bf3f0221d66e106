"""Count the TCP connections opened to the sandbox, from the kernel's socket tables.

A client that keeps its connections alive opens at most one per concurrent caller; one
that sets up per call opens one per request. The kernel lists every socket, the
closed ones lingering in TIME_WAIT, in ``/proc/net/tcp`` (Linux). A connection is known
by its client-side port; the set of ports seen before an operation is subtracted from
the set seen after it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

TABLES: Final = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))


def available() -> bool:
    """Whether this system exposes the socket tables (Linux does)."""
    return TABLES[0].exists()


def client_ports(server_port: int) -> set[int]:
    """Client-side ports of every socket to or from ``server_port``, TIME_WAIT included."""
    ports: set[int] = set()
    for table in TABLES:
        if table.exists():
            ports |= _ports_in(table.read_text(), server_port)
    return ports


def _ports_in(table: str, server_port: int) -> set[int]:
    ports: set[int] = set()
    for line in table.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 3:
            continue
        local, remote = _port(fields[1]), _port(fields[2])
        if remote == server_port:
            ports.add(local)
        elif local == server_port and remote != 0:
            ports.add(remote)
    return ports


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1], 16)
