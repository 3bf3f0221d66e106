"""The docs' example error texts are what the sandbox and the client really say."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from pulumi_speko.api import Client, ConflictError, PhoneNumberCreate, PhoneNumberImport
from pulumi_speko.testing.sandbox import DEMO_API_KEY, RunningSandbox

from .support import submit_body

CLIENT_DOCS = (Path(__file__).parents[2] / "docs" / "client.md").read_text()


def test_the_conflict_example_is_what_the_sandbox_answers(
    sandbox: RunningSandbox, demo: httpx.Client
) -> None:
    example = re.search(r"For example: `(POST [^`]+ -> 409 [^`]+)`", CLIENT_DOCS)
    assert example is not None
    e164 = re.search(r"\+\d+", example.group(1))
    assert e164 is not None
    assert demo.post("/v1/phone-numbers/kyb/submit", json=submit_body()).status_code == 201
    held = PhoneNumberImport(e164=e164.group(0), sip_connection_installation_id="sci_demo")
    with Client(DEMO_API_KEY, sandbox.base_url) as client:
        client.import_phone_number(held)
        with pytest.raises(ConflictError) as conflict:
            client.create_phone_number(PhoneNumberCreate(e164=e164.group(0)))
    assert str(conflict.value) == example.group(1)
