"""Assembles a sandbox (store, API, control API, faults) and serves it with uvicorn."""

from __future__ import annotations

import signal
import socket
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

import uvicorn
from fastapi import FastAPI

from pulumi_speko.sandbox.app import create_api
from pulumi_speko.sandbox.control import AdminAuthMiddleware, control_router
from pulumi_speko.sandbox.faults import FaultInjector, FaultMiddleware
from pulumi_speko.sandbox.rate_limit import RateLimit, RateLimiter
from pulumi_speko.sandbox.seed import DEFAULT_ADMIN_TOKEN
from pulumi_speko.sandbox.store import Store

GRACEFUL_SHUTDOWN_SECONDS = 5


@dataclass
class Sandbox:
    """One sandbox: its store and fault rules, and the ASGI app that serves them.

    ``asgi`` is the app to serve (the fault middleware around ``api``); ``api`` is the
    FastAPI app of the real endpoints plus the control routes. ``rate_limit`` is the
    per-key limit it starts with (and a reset restores), None for none.
    """

    store: Store = field(default_factory=Store)
    admin_token: str = DEFAULT_ADMIN_TOKEN
    injector: FaultInjector = field(default_factory=FaultInjector)
    rate_limit: RateLimit | None = None
    limiter: RateLimiter = field(init=False)
    api: FastAPI = field(init=False)
    asgi: FaultMiddleware = field(init=False)

    def __post_init__(self) -> None:
        self.limiter = RateLimiter(self.rate_limit)
        self.api = create_api(self.store)
        self.api.include_router(control_router(self.store, self.injector, self.limiter))
        self.api.add_middleware(AdminAuthMiddleware, admin_token=self.admin_token)
        self.asgi = FaultMiddleware(self.api, self.injector, self.store.org_for_key, self.limiter)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on host:port (port 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP (not 0) makes asyncio set TCP_NODELAY on accepted connections;
    # without it every response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def uvicorn_config(
    sandbox: Sandbox,
    *,
    log_level: str = "warning",
    access_log: bool = False,
    configure_logging: bool = True,
) -> uvicorn.Config:
    """The server configuration; the h11 protocol is what drop faults rely on.

    uvicorn's access log prints method, path and status, never request headers, so API
    keys stay out of it. ``configure_logging=False`` leaves the process's logging alone
    (for in-process test servers).
    """
    extra: dict[str, Any] = {} if configure_logging else {"log_config": None}
    return uvicorn.Config(
        sandbox.asgi,
        http="h11",
        lifespan="off",
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        **extra,
    )


class ForegroundServer(uvicorn.Server):
    """A uvicorn server for the main thread that stops on SIGINT or SIGTERM and returns.

    uvicorn re-raises the signal once it has shut down (so the process dies of it);
    here the command exits 0 instead. A second SIGINT forces the exit.
    """

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """Install the stop handlers for the server's lifetime, then restore the old ones."""
        stop_signals = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._stop) for sig in stop_signals}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop(self, sig: int, frame: FrameType | None) -> None:
        if self.should_exit and sig == signal.SIGINT:
            self.force_exit = True
        self.should_exit = True


def base_url(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
