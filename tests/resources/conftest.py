"""Providers configured against the sandbox, with a fresh process-wide session per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi_speko.api import Client
from pulumi_speko.resources._session import close_all_sessions
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

ProviderT = TypeVar("ProviderT", bound=ResourceProvider)

PROFILE: dict[str, Any] = {
    "legal_name": "Acme Voice LLC",
    "display_name": "Acme",
    "entity_type": "llc",
    "country": "US",
    "website": "https://acme.example",
    "address": {
        "street": "1 Main St",
        "city": "San Francisco",
        "state": "CA",
        "postal_code": "94105",
        "country": "US",
    },
    "use_case": "customer support",
    "expected_usage": "200 calls a day",
}
REPRESENTATIVE: dict[str, Any] = {"name": "Ada Ops", "title": "CTO", "email": "ada@acme.example"}


@pytest.fixture(autouse=True)
def fresh_sessions(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No client or cached list leaks from one test (or sandbox reset) to the next."""
    monkeypatch.delenv("SPEKO_API_KEY", raising=False)
    monkeypatch.delenv("SPEKO_BASE_URL", raising=False)
    close_all_sessions()
    yield
    close_all_sessions()


def configured(provider: ProviderT, sandbox: RunningSandbox, key: str = DEMO_API_KEY) -> ProviderT:
    """``provider`` configured as the host would, from namespaced stack config."""
    config = Config({"speko:apiKey": key, "speko:baseUrl": sandbox.base_url}, "proj")
    provider.configure(ConfigureRequest(config))
    return provider


@pytest.fixture
def client(sandbox: RunningSandbox) -> Iterator[Client]:
    """A client of the demo organization."""
    with Client(DEMO_API_KEY, sandbox.base_url) as api:
        yield api
