"""With a database file the sandbox's state survives a restart of the server."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, running_sandbox

from .support import POOL_NUMBER, buy, import_number, submit_body

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}


def test_state_survives_a_restart_and_reset_reseeds(tmp_path: Path) -> None:
    db = str(tmp_path / "sandbox.db")
    with (
        running_sandbox(db=db) as first,
        httpx.Client(base_url=first.base_url, headers=AUTH) as client,
    ):
        client.post("/v1/phone-numbers/kyb/submit", json=submit_body())
        bought = buy(client, label="persisted")
        imported = import_number(client)
        first.control.add_agent(DEMO_ORG, "agent_later")

    with (
        running_sandbox(db=db) as second,
        httpx.Client(base_url=second.base_url, headers=AUTH) as client,
    ):
        numbers = client.get("/v1/phone-numbers").json()
        assert numbers == [bought, imported]
        assert client.get("/v1/phone-numbers/kyb").json()["status"] == "submitted"
        assert second.control.get_credits(DEMO_ORG) == Decimal("97.00")
        available = client.get("/v1/phone-numbers/available", params={"areaCode": "415"})
        assert POOL_NUMBER not in {n["e164"] for n in available.json()}
        relinked = client.patch(
            f"/v1/phone-numbers/{bought['id']}", json={"agentId": "agent_later"}
        )
        assert relinked.status_code == 200
        second.control.reset()

    with (
        running_sandbox(db=db) as third,
        httpx.Client(base_url=third.base_url, headers=AUTH) as client,
    ):
        assert client.get("/v1/phone-numbers").json() == []
        assert client.get("/v1/phone-numbers/kyb").json()["status"] == "missing"
        assert third.control.get_credits(DEMO_ORG) == Decimal("100.00")
