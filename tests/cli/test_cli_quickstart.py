"""examples/quickstart with the real pulumi CLI: preview, up, refresh, destroy."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from pulumi_speko.api import Client, PhoneNumberUpdate
from pulumi_speko.demo import LocalStack

from .conftest import (
    preview_ops,
    provider_pickles,
    pulumi_ok,
    requires_pulumi,
    speko_resources,
)

if TYPE_CHECKING:
    from pulumi_speko.testing.sandbox import RunningSandbox

pytestmark = [pytest.mark.cli, requires_pulumi]
NewStack = Callable[[str], LocalStack]
EDITED_LABEL = "Edited in the dashboard"


def test_preview_plans_both_creates_and_buys_nothing(
    new_stack: NewStack, sandbox: RunningSandbox, org: str
) -> None:
    stack = new_stack("quickstart")
    assert preview_ops(stack) == {"business-verification": "create", "sales-line": "create"}
    assert sandbox.control.list_numbers(org) == []


def test_up_buys_routes_and_exports_then_destroy_releases(
    new_stack: NewStack, sandbox: RunningSandbox, org: str, api_key: str
) -> None:
    stack = new_stack("quickstart")
    pulumi_ok(stack, "up", "--yes", "--skip-preview")

    outputs = stack.outputs()
    assert outputs["verification_status"] == "submitted"
    assert outputs["setup_status"] == "ready"
    assert outputs["phone_number"].startswith("+1415")
    (number,) = sandbox.control.list_numbers(org)
    assert number["e164"] == outputs["phone_number"]
    assert (number["source"], number["direction"], number["agentId"]) == (
        "managed",
        "inbound",
        "agent_sales",
    )
    pulumi_ok(stack, "preview", "--expect-no-changes")  # diff answers "no changes"

    resources = speko_resources(stack)
    assert {r["type"].rsplit(":", 1)[-1] for r in resources} == {
        "BusinessVerification",
        "PhoneNumber",
    }
    pickles = provider_pickles(resources)
    assert len(pickles) >= len(resources)  # each carries its provider, at least as input
    assert all(api_key.encode() not in pickle for pickle in pickles)
    assert api_key not in stack.export(show_secrets=True)
    assert api_key not in stack.export()

    pulumi_ok(stack, "destroy", "--yes")
    assert sandbox.control.list_numbers(org) == []
    assert speko_resources(stack) == []


def test_refresh_shows_a_label_edited_outside_pulumi(
    new_stack: NewStack, sandbox: RunningSandbox, org: str, api_key: str
) -> None:
    stack = new_stack("quickstart")
    pulumi_ok(stack, "up", "--yes", "--skip-preview")
    (number,) = sandbox.control.list_numbers(org)
    with Client(api_key, sandbox.base_url) as client:
        client.update_phone_number(number["id"], PhoneNumberUpdate(label=EDITED_LABEL))

    pulumi_ok(stack, "refresh", "--yes")
    state = {r["urn"].rsplit("::", 1)[-1]: r for r in speko_resources(stack)}
    assert state["sales-line"]["outputs"]["label"] == EDITED_LABEL
    assert preview_ops(stack)["sales-line"] == "update"  # in place, not a replacement

    pulumi_ok(stack, "up", "--yes", "--skip-preview")
    (restored,) = sandbox.control.list_numbers(org)
    assert restored["id"] == number["id"]  # the same number, updated in place
    assert restored["label"] == "Sales (quickstart)"
