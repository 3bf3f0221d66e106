"""Run the sandbox in-process on a free loopback port, and drive its control API.

For this project's tests and for users' own CI::

    from pulumi_speko.testing import running_sandbox, DEMO_API_KEY

    with running_sandbox() as sandbox:
        sandbox.control.submit...  # see SandboxControl
        client = Client(DEMO_API_KEY, sandbox.base_url)

Needs the ``sandbox`` extra (FastAPI and uvicorn).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

import httpx
import uvicorn

from pulumi_speko.sandbox.model import Clock
from pulumi_speko.sandbox.seed import (
    DEFAULT_ADMIN_TOKEN,
    DEFAULT_POOL_SIZE,
    DEMO_API_KEY,
    DEMO_ORG,
    OTHER_API_KEY,
    OTHER_ORG,
    SeedConfig,
)
from pulumi_speko.sandbox.server import Sandbox, base_url, bind, uvicorn_config
from pulumi_speko.sandbox.store import Store

__all__ = [
    "DEFAULT_ADMIN_TOKEN",
    "DEMO_API_KEY",
    "DEMO_ORG",
    "OTHER_API_KEY",
    "OTHER_ORG",
    "RequestLogEntry",
    "RunningSandbox",
    "SandboxControl",
    "running_sandbox",
]

STARTUP_TIMEOUT_SECONDS = 10.0
SHUTDOWN_TIMEOUT_SECONDS = 15.0
FaultActionName = Literal["respond", "latency", "drop"]


@dataclass(frozen=True)
class RequestLogEntry:
    """One call of the real API as the sandbox saw it.

    A dropped call (drop fault) has ``status`` 0, ``dropped`` True and the status the app
    produced in ``app_status``.
    """

    method: str
    path: str
    status: int
    time: str
    org_id: str | None = None
    dropped: bool = False
    fault_id: str | None = None
    duration_ms: float = 0.0
    app_status: int | None = None
    rate_limited: bool = False
    """Answered 429 by the sandbox's rate limit (not by a fault rule)."""

    @classmethod
    def of(cls, data: dict[str, Any]) -> RequestLogEntry:
        """An entry from the control API's JSON."""
        return cls(
            method=data["method"],
            path=data["path"],
            status=data["status"],
            time=data["time"],
            org_id=data.get("orgId"),
            dropped=bool(data.get("dropped")),
            fault_id=data.get("faultId"),
            duration_ms=float(data.get("durationMs") or 0.0),
            app_status=data.get("appStatus"),
            rate_limited=bool(data.get("rateLimited")),
        )


class SandboxControl:
    """A small client of the sandbox's control API (``/_sandbox``).

    Every method raises ``httpx.HTTPStatusError`` when the sandbox refuses.
    """

    def __init__(
        self, base_url: str, admin_token: str = DEFAULT_ADMIN_TOKEN, *, timeout: float = 10.0
    ) -> None:
        self._http = httpx.Client(
            base_url=f"{base_url.rstrip('/')}/_sandbox",
            headers={"Authorization": f"Bearer {admin_token}"},
            timeout=timeout,
        )

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._http.close()

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=body)
        response.raise_for_status()
        return response.json()

    # --- data ---

    def reset(self) -> None:
        """Back to the seed; also clears fault rules and the request log."""
        self._call("POST", "/reset")

    def add_org(self, org_id: str, api_key: str) -> None:
        """Add an organization (seeded like the demo ones) or another key of one."""
        self._call("POST", "/orgs", {"orgId": org_id, "apiKey": api_key})

    def set_credits(self, org_id: str, usd: Decimal | float | str) -> None:
        """Set the org's prepaid balance."""
        self._call("PUT", f"/orgs/{org_id}/credits", {"creditsUsd": str(usd)})

    def get_credits(self, org_id: str) -> Decimal:
        """The org's prepaid balance in USD."""
        return Decimal(self._call("GET", f"/orgs/{org_id}/credits")["creditsUsd"])

    def add_agent(self, org_id: str, agent_id: str) -> None:
        """Give the org an agent that numbers can link to."""
        self._call("POST", f"/orgs/{org_id}/agents", {"agentId": agent_id})

    def add_sip_installation(self, org_id: str, installation_id: str) -> None:
        """Give the org a SIP connection installation that imports can name."""
        self._call("POST", f"/orgs/{org_id}/sip-installations", {"installationId": installation_id})

    def list_numbers(self, org_id: str) -> list[dict[str, Any]]:
        """All live numbers of the org (API JSON), without its API key."""
        numbers: list[dict[str, Any]] = self._call("GET", f"/orgs/{org_id}/phone-numbers")
        return numbers

    def suspend_number(self, number_id: str) -> dict[str, Any]:
        """Suspend a number of any org, as the platform would; returns the number."""
        number: dict[str, Any] = self._call("POST", f"/phone-numbers/{number_id}/suspend")
        return number

    def unsuspend_number(self, number_id: str) -> dict[str, Any]:
        """Clear a number's suspension; returns the number."""
        number: dict[str, Any] = self._call("DELETE", f"/phone-numbers/{number_id}/suspend")
        return number

    # --- business verification ---

    def approve_verification(self, org_id: str) -> dict[str, Any]:
        """Approve the org's current submission; returns it."""
        result: dict[str, Any] = self._call("POST", f"/orgs/{org_id}/verification/approve")
        return result

    def reject_verification(self, org_id: str, reason: str) -> dict[str, Any]:
        """Reject the org's current submission with a reason; returns it."""
        result: dict[str, Any] = self._call(
            "POST", f"/orgs/{org_id}/verification/reject", {"reason": reason}
        )
        return result

    def revoke_verification(self, org_id: str) -> dict[str, Any]:
        """Revoke the org's current submission; returns it."""
        result: dict[str, Any] = self._call("POST", f"/orgs/{org_id}/verification/revoke")
        return result

    # --- request log and faults ---

    def request_log(self) -> list[RequestLogEntry]:
        """Every call of the real API since the last clear, oldest first."""
        return [RequestLogEntry.of(item) for item in self._call("GET", "/requests")]

    def clear_request_log(self) -> None:
        """Empty the request log."""
        self._call("DELETE", "/requests")

    def add_fault(
        self,
        method: str,
        path_pattern: str,
        *,
        action: FaultActionName,
        times: int | None = None,
        probability: float | None = None,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
        latency_seconds: float | None = None,
    ) -> str:
        """Add a fault rule; returns its id.

        ``path_pattern`` is a glob (``*`` crosses ``/``) or, starting with ``^``, a regex.
        The rule fires on the next ``times`` matching calls, or with ``probability``, or
        (with neither) on every matching call.
        """
        body: dict[str, Any] = {"method": method, "pathPattern": path_pattern, "action": action}
        optional = {
            "times": times,
            "probability": probability,
            "status": status,
            "code": code,
            "retryAfter": retry_after,
            "latencySeconds": latency_seconds,
        }
        body.update({key: value for key, value in optional.items() if value is not None})
        fault_id: str = self._call("POST", "/faults", body)["id"]
        return fault_id

    def faults(self) -> list[dict[str, Any]]:
        """Every fault rule, with how often it fired and how many firings remain."""
        rules: list[dict[str, Any]] = self._call("GET", "/faults")
        return rules

    def remove_fault(self, fault_id: str) -> None:
        """Remove one fault rule."""
        self._call("DELETE", f"/faults/{fault_id}")

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self._call("DELETE", "/faults")

    def set_fault_seed(self, seed: int) -> None:
        """Restart the RNG of probability rules from ``seed``."""
        self._call("PUT", "/faults/seed", {"seed": seed})

    # --- rate limit ---

    def set_rate_limit(self, rate: float, burst: int | None = None) -> None:
        """Limit each API key to ``rate`` requests per second, ``burst`` at once (a token
        bucket; ``burst`` defaults to the rate rounded up). Every bucket starts full."""
        body: dict[str, Any] = {"rate": rate}
        if burst is not None:
            body["burst"] = burst
        self._call("PUT", "/rate-limit", body)

    def clear_rate_limit(self) -> None:
        """No rate limit."""
        self._call("DELETE", "/rate-limit")

    def rate_limit(self) -> dict[str, Any] | None:
        """The limit in force (``{"rate", "burst"}``), or None."""
        limit: dict[str, Any] | None = self._call("GET", "/rate-limit")["rateLimit"]
        return limit


@dataclass
class RunningSandbox:
    """A sandbox served in this process: where it listens and how to control it.

    ``store`` is the live backend (for example to set ``store.now``, its clock).
    """

    base_url: str
    admin_token: str
    control: SandboxControl
    store: Store


@contextmanager
def running_sandbox(
    *,
    pool_size: int = DEFAULT_POOL_SIZE,
    db: str = ":memory:",
    admin_token: str = DEFAULT_ADMIN_TOKEN,
    host: str = "127.0.0.1",
    port: int = 0,
    now: Clock | None = None,
    api_keys: Sequence[tuple[str, str]] = (),
) -> Iterator[RunningSandbox]:
    """Serve a sandbox with uvicorn (h11) in a background thread until the block ends.

    ``port=0`` picks a free port; ``db`` may be a file to keep state between runs;
    ``api_keys`` adds (org, key) pairs to the seed; ``now`` replaces the store's clock.
    """
    store = Store(db, SeedConfig(pool_size=pool_size, extra_keys=tuple(api_keys)))
    if now is not None:
        store.now = now
    sandbox = Sandbox(store, admin_token=admin_token)
    sock = bind(host, port)
    server = uvicorn.Server(uvicorn_config(sandbox, configure_logging=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="speko-sandbox", daemon=True
    )
    thread.start()
    control = SandboxControl(base_url(sock), admin_token)
    try:
        _wait_until_started(server, thread)
        yield RunningSandbox(base_url(sock), admin_token, control, store)
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT_SECONDS)
        control.close()
        sock.close()
        store.close()


def _wait_until_started(server: uvicorn.Server, thread: threading.Thread) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    pause = threading.Event()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the sandbox server stopped during startup")
        if time.monotonic() > deadline:
            raise RuntimeError("the sandbox server did not start in time")
        pause.wait(0.005)
