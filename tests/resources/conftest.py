"""Providers configured against the sandbox, with a fresh process-wide session per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

import pytest
from pulumi.dynamic import ConfigureRequest, ResourceProvider
from pulumi.dynamic.config import Config
from pulumi_speko.api import Client
from pulumi_speko.resources._session import close_all_sessions
from pulumi_speko.testing import data
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

ProviderT = TypeVar("ProviderT", bound=ResourceProvider)

PROFILE: dict[str, Any] = data.business_profile()
REPRESENTATIVE: dict[str, Any] = data.authorized_representative()
VERIFICATION: dict[str, Any] = data.verification_inputs()


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
