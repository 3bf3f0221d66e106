"""The request log holds a call before its client holds the answer.

The log used to be written after the answer had been sent, so a client could read the
log without its last call in it, and a test's last call could land in the log after the
next test had cleared it (the 97th of 96 requests that
``test_parallel_imports_updates_and_releases_leave_a_clean_state`` saw on a busy
machine). Driven at the ASGI level, this needs no timing to show it. Also: every answer
names the organization of the key that asked.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pulumi_speko.sandbox.faults import FaultInjector, FaultMiddleware, FaultRule
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG
from starlette.types import Message, Receive, Scope, Send

from .support import submit_body

SCOPE: dict[str, Any] = {
    "type": "http",
    "method": "GET",
    "path": "/v1/phone-numbers",
    "headers": [(b"authorization", b"Bearer sk_test_demo")],
}


async def answer(scope: Scope, receive: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"[", "more_body": True})
    await send({"type": "http.response.body", "body": b"]"})


def log_sizes_seen_by_the_client(injector: FaultInjector) -> list[int]:
    """How many calls the log held as each message of the answer reached the client."""
    seen: list[int] = []

    async def client_side(message: Message) -> None:
        seen.append(len(injector.log()))

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    middleware = FaultMiddleware(answer, injector, resolve_org=lambda _key: "org_demo")
    asyncio.run(middleware(dict(SCOPE), receive, client_side))
    return seen


def test_a_call_is_logged_before_the_last_byte_of_its_answer() -> None:
    injector = FaultInjector()
    assert log_sizes_seen_by_the_client(injector) == [0, 0, 1]
    [entry] = injector.log()
    assert (entry.method, entry.path, entry.status, entry.org_id) == (
        "GET",
        "/v1/phone-numbers",
        200,
        "org_demo",
    )


@pytest.mark.parametrize("action", ["respond", "latency"])
def test_a_faulted_call_is_logged_once_before_its_answer_ends(action: str) -> None:
    injector = FaultInjector()
    injector.add(FaultRule(method="GET", path_pattern="/v1/*", action=action, status=503, times=1))
    sizes = log_sizes_seen_by_the_client(injector)
    assert sizes[-1] == 1 and len(injector.log()) == 1


def test_every_answer_carries_the_keys_organization(
    demo: httpx.Client, other: httpx.Client
) -> None:
    """The sandbox scopes by key: each number and submission names the key's organization."""
    for client, organization in ((demo, DEMO_ORG), (other, OTHER_ORG)):
        imported = client.post(
            "/v1/phone-numbers/import",
            json={"e164": f"+44207{len(organization):06d}", "sipTrunkId": "t"},
        ).json()
        number_id = imported["id"]
        answers = [
            imported,
            *client.get("/v1/phone-numbers").json(),
            client.get(f"/v1/phone-numbers/{number_id}").json(),
            client.patch(f"/v1/phone-numbers/{number_id}", json={"label": "x"}).json(),
            client.put("/v1/phone-numbers/kyb/draft", json=submit_body()).json(),
            client.post("/v1/phone-numbers/kyb/submit", json=submit_body()).json(),
            client.get("/v1/phone-numbers/kyb").json()["submission"],
        ]
        assert {answer["organizationId"] for answer in answers} == {organization}
