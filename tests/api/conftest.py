"""Fixtures of the client tests: a fake API behind httpx.MockTransport and a fake clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pulumi_speko.api import Client

from . import fakes
from .fakes import API_KEY, FakeApi, FakeClock


@pytest.fixture
def api_key() -> str:
    return API_KEY


@pytest.fixture
def fake_api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_client(fake_api: FakeApi, clock: FakeClock) -> Callable[..., Client]:
    """Build a client on ``fake_api`` and ``clock``; keyword options pass through."""

    def make(**options: Any) -> Client:
        options.setdefault("transport", httpx.MockTransport(fake_api))
        return Client(API_KEY, sleep=clock.sleep, clock=clock, **options)

    return make


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


@pytest.fixture
def phone_number_body() -> dict[str, Any]:
    """A PhoneNumber as the server sends it, with fields newer servers add."""
    return fakes.phone_number_body()


@pytest.fixture
def profile_body() -> dict[str, Any]:
    """A businessProfile and authorizedRepresentative as sent and returned."""
    return fakes.profile_body()
