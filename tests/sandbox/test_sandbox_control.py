"""The control API: its auth and what each route does to the sandbox."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute
from pulumi_speko.sandbox.control import control_router
from pulumi_speko.sandbox.faults import FaultInjector
from pulumi_speko.sandbox.store import Store
from pulumi_speko.testing.sandbox import (
    DEFAULT_ADMIN_TOKEN,
    DEMO_ORG,
    OTHER_ORG,
    RunningSandbox,
    SandboxControl,
    running_sandbox,
)

from .support import POOL_NUMBER, UK_NUMBER, assert_error, buy, import_number, submit_body

CONTROL_ROUTES = [
    ("POST", "/_sandbox/reset"),
    ("GET", "/_sandbox/orgs/org_demo/credits"),
    ("PUT", "/_sandbox/orgs/org_demo/credits"),
    ("POST", "/_sandbox/orgs/org_demo/agents"),
    ("POST", "/_sandbox/orgs/org_demo/verification/approve"),
    ("GET", "/_sandbox/orgs/org_demo/phone-numbers"),
    ("POST", "/_sandbox/phone-numbers/pn_x/suspend"),
    ("GET", "/_sandbox/requests"),
    ("POST", "/_sandbox/faults"),
    ("DELETE", "/_sandbox/faults"),
]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Bearer sk_test_demo"])
@pytest.mark.parametrize(("method", "path"), CONTROL_ROUTES)
def test_control_routes_need_the_admin_token(
    anonymous: httpx.Client, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = anonymous.request(method, path, headers=headers, json={})
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized", "code": "UNAUTHORIZED"}


def test_a_custom_admin_token_is_honoured() -> None:
    with running_sandbox(admin_token="s3cret") as custom:
        assert custom.control.get_credits(DEMO_ORG) == Decimal("100.00")
        default = SandboxControl(custom.base_url)
        with pytest.raises(httpx.HTTPStatusError):
            default.get_credits(DEMO_ORG)
        default.close()


def test_reset_returns_to_the_seed(verified: httpx.Client, sandbox: RunningSandbox) -> None:
    buy(verified)
    sandbox.control.add_agent(DEMO_ORG, "agent_temp")
    sandbox.control.add_fault("GET", "/nowhere", action="respond", status=500)
    sandbox.control.reset()
    assert sandbox.control.request_log() == []
    assert sandbox.control.faults() == []
    assert sandbox.control.list_numbers(DEMO_ORG) == []
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("100.00")
    assert verified.get("/v1/phone-numbers/kyb").json()["status"] == "missing"
    response = verified.post(
        "/v1/phone-numbers/import",
        json={"e164": UK_NUMBER, "sipTrunkId": "t", "agentId": "agent_temp"},
    )
    assert_error(response, 400, "VALIDATION_ERROR", "agentId")


def test_credits_can_be_set_and_read(sandbox: RunningSandbox) -> None:
    sandbox.control.set_credits(DEMO_ORG, "12.345")
    assert sandbox.control.get_credits(DEMO_ORG) == Decimal("12.35")
    sandbox.control.set_credits(OTHER_ORG, 7)
    assert sandbox.control.get_credits(OTHER_ORG) == Decimal("7.00")
    with pytest.raises(httpx.HTTPStatusError) as negative:
        sandbox.control.set_credits(DEMO_ORG, "-1")
    assert negative.value.response.status_code == 400
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        sandbox.control.get_credits("org_nobody")
    assert unknown.value.response.status_code == 404


def test_added_agents_and_installations_can_be_used(
    demo: httpx.Client, sandbox: RunningSandbox
) -> None:
    sandbox.control.add_agent(DEMO_ORG, "agent_billing")
    sandbox.control.add_sip_installation(DEMO_ORG, "sci_twilio")
    number = import_number(demo, sipConnectionInstallationId="sci_twilio", agentId="agent_billing")
    assert number["sipConnectionInstallationId"] == "sci_twilio"
    assert number["agentId"] == "agent_billing"
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        sandbox.control.add_agent("org_nobody", "agent_x")
    assert unknown.value.response.status_code == 404


def test_list_numbers_bypasses_org_auth(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    number = import_number(demo)
    assert sandbox.control.list_numbers(DEMO_ORG) == [number]
    assert sandbox.control.list_numbers(OTHER_ORG) == []
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        sandbox.control.list_numbers("org_nobody")
    assert unknown.value.response.status_code == 404


def test_suspending_an_unknown_number_is_not_found(sandbox: RunningSandbox) -> None:
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        sandbox.control.suspend_number("pn_nope")
    assert unknown.value.response.json()["code"] == "NOT_FOUND"


def test_a_new_org_is_seeded_and_isolated(verified: httpx.Client, sandbox: RunningSandbox) -> None:
    buy(verified)
    sandbox.control.add_org("org_ci", "sk_ci")
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": "Bearer sk_ci"}
    ) as client:
        assert client.get("/v1/phone-numbers").json() == []
        client.post("/v1/phone-numbers/kyb/submit", json=submit_body())
        assert_error(client.post("/v1/phone-numbers", json={"e164": POOL_NUMBER}), 409, "CONFLICT")
        number = buy(client, "+12125550100", agentId="agent_sales")
        assert number["organizationId"] == "org_ci"
    assert sandbox.control.get_credits("org_ci") == Decimal("97.00")


def test_reject_needs_a_reason(demo: httpx.Client, sandbox: RunningSandbox) -> None:
    demo.post("/v1/phone-numbers/kyb/submit", json=submit_body())
    response = httpx.post(
        f"{sandbox.base_url}/_sandbox/orgs/{DEMO_ORG}/verification/reject",
        json={},
        headers={"Authorization": f"Bearer {sandbox.admin_token}"},
    )
    assert_error(response, 400, "VALIDATION_ERROR", "reason")
    assert demo.get("/v1/phone-numbers/kyb").json()["status"] == "submitted"


@pytest.fixture
def admin(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    """A raw HTTP client of the control API with the admin token."""
    headers = {"Authorization": f"Bearer {DEFAULT_ADMIN_TOKEN}"}
    with httpx.Client(base_url=f"{sandbox.base_url}/_sandbox", headers=headers) as client:
        yield client


def test_credits_have_one_name_on_get_and_put(admin: httpx.Client) -> None:
    put = admin.put("/orgs/org_demo/credits", json={"creditsUsd": "12.50"})
    assert put.status_code == 200 and put.json() == {"orgId": DEMO_ORG, "creditsUsd": "12.50"}
    assert admin.get("/orgs/org_demo/credits").json()["creditsUsd"] == "12.50"


def test_the_old_credits_name_is_still_accepted_on_put(admin: httpx.Client) -> None:
    assert admin.put("/orgs/org_demo/credits", json={"usd": 3}).json()["creditsUsd"] == "3.00"
    both = admin.put("/orgs/org_demo/credits", json={"usd": 3, "creditsUsd": 4})
    assert both.status_code == 400


def _documented_form(path: str) -> str:
    return re.sub(r"\{(number|fault)_id\}", "{id}", path).replace("{org_id}", "{org}")


def _curl_examples(docs: str) -> list[tuple[str, str]]:
    """(method, path under $SANDBOX) of each ``curl`` command in the docs."""
    commands = re.sub(r"\\\n\s*", " ", docs).splitlines()
    examples = []
    for command in (line.strip() for line in commands if line.strip().startswith("curl ")):
        method = re.search(r"-X (\w+)", command)
        path = re.search(r"\$SANDBOX(\S*)", command)
        assert path and '-H "$ADMIN"' in command, command
        examples.append((method.group(1) if method else "GET", path.group(1)))
    return examples


def test_every_control_route_is_documented_with_an_example() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "sandbox.md").read_text()
    router = control_router(Store(), FaultInjector())
    routes = [
        (method, _documented_form(route.path))
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]
    examples = _curl_examples(docs)
    assert len(routes) == 22
    for method, path in routes:
        assert f"`{method} {path}`" in docs, (method, path)
        shape = re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path.removeprefix("/_sandbox")))
        assert any(
            verb == method and re.fullmatch(shape, where) for verb, where in examples
        ), (method, path)
