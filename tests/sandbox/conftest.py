"""Clients of the sandbox for each seeded organization.

The clients live for the session (building an httpx client costs tens of milliseconds);
each test still gets the sandbox reset through the ``sandbox`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_API_KEY, OTHER_API_KEY, RunningSandbox

from .support import submit_body


def _client(sandbox: RunningSandbox, api_key: str | None) -> httpx.Client:
    headers = {} if api_key is None else {"Authorization": f"Bearer {api_key}"}
    return httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10)


@pytest.fixture(scope="session")
def _clients(sandbox_server: RunningSandbox) -> Iterator[dict[str, httpx.Client]]:
    clients = {
        "demo": _client(sandbox_server, DEMO_API_KEY),
        "other": _client(sandbox_server, OTHER_API_KEY),
        "anonymous": _client(sandbox_server, None),
    }
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture
def demo(sandbox: RunningSandbox, _clients: dict[str, httpx.Client]) -> httpx.Client:
    """An HTTP client of the API with org_demo's key."""
    return _clients["demo"]


@pytest.fixture
def other(sandbox: RunningSandbox, _clients: dict[str, httpx.Client]) -> httpx.Client:
    """An HTTP client of the API with org_other's key."""
    return _clients["other"]


@pytest.fixture
def anonymous(sandbox: RunningSandbox, _clients: dict[str, httpx.Client]) -> httpx.Client:
    """An HTTP client of the sandbox without any key."""
    return _clients["anonymous"]


@pytest.fixture
def verified(demo: httpx.Client) -> httpx.Client:
    """org_demo's client, after org_demo submitted its business verification."""
    response = demo.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    assert response.status_code == 201, response.text
    return demo
