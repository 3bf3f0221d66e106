"""One hint per blamed setting, worded once and shared by providers, functions and commands."""

from __future__ import annotations

import pytest
from pulumi_speko.api.errors import (
    ApiConnectionError,
    AuthenticationError,
    ConflictError,
    EndpointNotFoundError,
    SpekoError,
)
from pulumi_speko.audit.api_options import api_error_line
from pulumi_speko.resources._errors import describe
from pulumi_speko.setting_hints import (
    API_KEY_REFUSED_HINT,
    BASE_URL_HINT,
    UNREACHABLE_HINT,
    setting_hint,
)

CALL = {"method": "GET", "path": "/v1/phone-numbers"}
REFUSED = AuthenticationError(status=401, code="UNAUTHORIZED", message="Unauthorized", **CALL)
NO_ENDPOINT = EndpointNotFoundError(
    status=404, code="NOT_FOUND", message="Not Found", base_url="http://h/v1", **CALL
)
NOT_SENT = ApiConnectionError(request_sent=False, reason="ConnectError: refused", **CALL)
LOST = ApiConnectionError(request_sent=True, reason="ReadError: reset", **CALL)
HELD = ConflictError(status=409, code="CONFLICT", message="held", **CALL)


@pytest.mark.parametrize(
    ("error", "hint"),
    [
        (REFUSED, API_KEY_REFUSED_HINT),
        (NO_ENDPOINT, BASE_URL_HINT),
        (NOT_SENT, UNREACHABLE_HINT),
        (LOST, None),
        (HELD, None),
    ],
)
def test_each_front_end_adds_the_same_hint(error: SpekoError, hint: str | None) -> None:
    assert setting_hint(error) == hint
    provider_line = describe("list phone numbers", error)
    command_line = api_error_line("list phone numbers", "http://h", error)
    if hint is None:
        assert "check speko:" not in provider_line and "check speko:" not in command_line
    else:
        assert provider_line.endswith(f"({hint})") and command_line.endswith(f"({hint})")


def test_hints_name_the_config_key_and_the_variable() -> None:
    assert "speko:apiKey / SPEKO_API_KEY" in API_KEY_REFUSED_HINT
    assert "speko:baseUrl / SPEKO_BASE_URL" in BASE_URL_HINT
    assert "speko:baseUrl / SPEKO_BASE_URL" in UNREACHABLE_HINT
