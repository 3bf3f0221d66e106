"""Test doubles of the client tests: a scripted fake API for httpx.MockTransport, a fake clock."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

import httpx
from pulumi_speko.testing import data

API_KEY = "sk_test_9f8e7d6c5b4a_SECRET"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def error_reply(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """An error answer of the API: its JSON body (``error``, ``code``) and any headers."""
    return httpx.Response(status, json={"error": message, "code": code}, headers=headers)


class FakeApi:
    """A MockTransport handler that records requests and answers scripted replies in order.

    When the script runs out it answers ``default`` (200 ``{}`` unless changed).
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self.default: Reply = httpx.Response(200, json={})

    def reply(self, *replies: Reply) -> None:
        self._replies.extend(replies)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            reply = self._replies.popleft() if self._replies else self.default
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)
        return reply(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def last_json(self) -> Any:
        return json.loads(self.last.content)


class FakeClock:
    """Monotonic time that only moves when the client sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def phone_number_body() -> dict[str, Any]:
    return {
        "id": "pn_123",
        "organizationId": "org_1",
        "e164": "+14155550123",
        "source": "managed",
        "providerResourceId": "tel_9",
        "telnyxPhoneNumberId": "tel_9",
        "sipTrunkId": None,
        "sipConnectionInstallationId": None,
        "sipProviderName": None,
        "direction": "both",
        "dispatchMetadataTemplate": {"team": "support"},
        "agentId": "agent_7",
        "label": "Support line",
        "sms10dlcProfileId": None,
        "smsCampaignId": None,
        "smsAssignmentStatus": None,
        "smsAssignmentUpdatedAt": None,
        "setupStatus": {
            "status": "ready",
            "inboundReady": True,
            "outboundReady": True,
            "agentReady": True,
            "forwardingRequired": False,
            "sipConnectionReady": True,
            "issues": [],
            "forwardingSipUri": None,
        },
        "nextChargeAt": "2025-02-01T00:00:00Z",
        "lastChargedAt": "2025-01-01T00:00:00Z",
        "suspendedAt": None,
        "suspensionReason": None,
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-02T03:04:05Z",
    }


def profile_body() -> dict[str, Any]:
    """A VerificationDraft body with every optional field set."""
    body: dict[str, Any] = data.camel_cased(
        {
            "business_profile": data.business_profile(registration_id="12-3456789"),
            "authorized_representative": data.authorized_representative(phone="+14155550100"),
        }
    )
    return body
