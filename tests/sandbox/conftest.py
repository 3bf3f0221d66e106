"""Clients of the sandbox for each seeded organization."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from pulumi_speko.testing.sandbox import DEMO_API_KEY, OTHER_API_KEY, RunningSandbox

from .support import submit_body


def _client(sandbox: RunningSandbox, api_key: str) -> httpx.Client:
    return httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Bearer {api_key}"}, timeout=10
    )


@pytest.fixture
def demo(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An HTTP client of the API with org_demo's key."""
    with _client(sandbox, DEMO_API_KEY) as client:
        yield client


@pytest.fixture
def other(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An HTTP client of the API with org_other's key."""
    with _client(sandbox, OTHER_API_KEY) as client:
        yield client


@pytest.fixture
def anonymous(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """An HTTP client of the sandbox without any key."""
    with httpx.Client(base_url=sandbox.base_url, timeout=10) as client:
        yield client


@pytest.fixture
def verified(demo: httpx.Client) -> httpx.Client:
    """org_demo's client, after org_demo submitted its business verification."""
    response = demo.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    assert response.status_code == 201, response.text
    return demo
