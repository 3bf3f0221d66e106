"""Every endpoint: the request on the wire and the parsed response."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

import httpx
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_speko import __version__
from pulumi_speko.api import (
    AvailablePhoneNumber,
    Client,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberRecord,
    PhoneNumberUpdate,
    Region,
    VerificationDraft,
    VerificationOverview,
    VerificationSubmission,
    VerificationSubmit,
)

from .fakes import FakeApi


def _submission_body(profile: dict[str, Any], status: str) -> dict[str, Any]:
    return {
        "id": "kyb_1",
        "organizationId": "org_1",
        "status": status,
        **profile,
        "attestationAccepted": status != "draft",
        "attestedAt": None,
        "submittedAt": None,
        "rejectionReason": None,
        "slackNotificationStatus": "not_queued",
        "slackNotificationJobId": None,
        "slackNotificationError": None,
        "createdAt": "2025-01-01T00:00:00Z",
        "updatedAt": "2025-01-01T00:00:00Z",
        "reviewerId": "someone",  # newer servers add reviewer fields
    }


def test_every_request_carries_auth_user_agent_and_accept(
    client: Client, fake_api: FakeApi, api_key: str
) -> None:
    fake_api.reply(httpx.Response(200, json=[]))
    client.list_phone_numbers()
    headers = fake_api.last.headers
    assert headers["Authorization"] == f"Bearer {api_key}"
    assert headers["User-Agent"] == f"pulumi-speko/{__version__}"
    assert headers["Accept"] == "application/json"


def test_list_phone_numbers(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(200, json=[phone_number_body, {**phone_number_body, "id": "b"}]))
    numbers = client.list_phone_numbers()
    assert (fake_api.last.method, fake_api.last.url.raw_path) == ("GET", b"/v1/phone-numbers")
    assert [number.id for number in numbers] == ["pn_123", "b"]
    assert all(isinstance(number, PhoneNumberRecord) for number in numbers)


def test_phone_number_response_is_parsed_from_camel_case(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(200, json=phone_number_body))
    number = client.get_phone_number("pn_123")
    assert number.organization_id == "org_1"
    assert number.dispatch_metadata_template == {"team": "support"}
    assert number.setup_status.inbound_ready is True
    assert number.updated_at == datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    assert number.sip_trunk_id is None and number.suspended_at is None
    assert "suspension_reason" not in number.model_dump()  # unknown field dropped


def test_phone_number_response_tolerates_absent_nullable_fields(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    minimal = {
        key: phone_number_body[key]
        for key in ("id", "organizationId", "e164", "source", "direction", "setupStatus")
    }
    minimal |= {"nextChargeAt": None, "createdAt": "2025-01-01T00:00:00Z"}
    minimal |= {"updatedAt": "2025-01-01T00:00:00Z"}
    fake_api.reply(httpx.Response(200, json=minimal))
    number = client.get_phone_number("pn_123")
    assert number.label is None and number.agent_id is None and number.next_charge_at is None


def test_get_phone_number(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(200, json=phone_number_body))
    assert client.get_phone_number("pn_123").e164 == "+14155550123"
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "GET",
        b"/v1/phone-numbers/pn_123",
    )
    assert fake_api.last.content == b""


@pytest.mark.parametrize(
    ("resource_id", "segment"),
    [
        ("a/b", b"a%2Fb"),
        ("a?b=1", b"a%3Fb%3D1"),
        ("50%", b"50%25"),
        ("a b#c", b"a%20b%23c"),
        ("..", b"%2E%2E"),
        (".", b"%2E"),
        ("r\u00e9f", b"r%C3%A9f"),
    ],
)
def test_id_is_percent_encoded_as_one_segment(
    client: Client,
    fake_api: FakeApi,
    phone_number_body: dict[str, Any],
    resource_id: str,
    segment: bytes,
) -> None:
    fake_api.default = httpx.Response(200, json=phone_number_body)
    client.get_phone_number(resource_id)
    client.update_phone_number(resource_id, PhoneNumberUpdate(label="x"))
    fake_api.default = httpx.Response(200, json={"released": True})
    client.release_phone_number(resource_id)
    expected = b"/v1/phone-numbers/" + segment
    assert [request.url.raw_path for request in fake_api.requests] == [expected] * 3
    assert all(request.url.query == b"" for request in fake_api.requests)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(resource_id=st.text(min_size=1, max_size=30))
def test_any_id_round_trips_through_one_path_segment(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any], resource_id: str
) -> None:
    fake_api.default = httpx.Response(200, json=phone_number_body)
    client.get_phone_number(resource_id)
    raw_path = fake_api.last.url.raw_path
    assert raw_path.startswith(b"/v1/phone-numbers/")
    segment = raw_path.removeprefix(b"/v1/phone-numbers/")
    assert b"/" not in segment and b"?" not in segment and b"#" not in segment
    assert unquote(segment.decode("ascii"), errors="strict") == resource_id


@pytest.mark.parametrize("bad_id", ["", None, 42])
def test_empty_or_non_string_id_is_refused_before_any_request(
    client: Client, fake_api: FakeApi, bad_id: Any
) -> None:
    with pytest.raises(ValueError, match="non-empty string"):
        client.get_phone_number(bad_id)
    assert fake_api.requests == []


@pytest.mark.parametrize("status", [200, 201])
def test_create_phone_number_sends_camel_case_and_always_direction(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any], status: int
) -> None:
    fake_api.reply(httpx.Response(status, json=phone_number_body))
    number = client.create_phone_number(PhoneNumberCreate(e164="+14155550123", label="Sales"))
    assert (fake_api.last.method, fake_api.last.url.raw_path) == ("POST", b"/v1/phone-numbers")
    assert fake_api.last.headers["Content-Type"] == "application/json"
    assert fake_api.last_json() == {
        "e164": "+14155550123",
        "direction": "outbound",
        "label": "Sales",
    }
    assert number.id == "pn_123"


def test_create_phone_number_sends_routing_fields(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(201, json=phone_number_body))
    create = PhoneNumberCreate(
        e164="+14155550123",
        direction="inbound",
        agent_id="agent_7",
        dispatch_metadata_template={"team": "support"},
    )
    client.create_phone_number(create)
    assert fake_api.last_json() == {
        "e164": "+14155550123",
        "direction": "inbound",
        "agentId": "agent_7",
        "dispatchMetadataTemplate": {"team": "support"},
    }


@pytest.mark.parametrize("status", [200, 201])
def test_import_phone_number(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any], status: int
) -> None:
    body = phone_number_body | {"source": "sip_trunk", "sipConnectionInstallationId": "sci_1"}
    fake_api.reply(httpx.Response(status, json=body))
    number = client.import_phone_number(
        PhoneNumberImport(
            e164="+442071838750", sip_connection_installation_id="sci_1", sip_provider_name="Twilio"
        )
    )
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "POST",
        b"/v1/phone-numbers/import",
    )
    assert fake_api.last_json() == {
        "e164": "+442071838750",
        "direction": "outbound",
        "sipConnectionInstallationId": "sci_1",
        "sipProviderName": "Twilio",
    }
    assert number.source == "sip_trunk" and number.sip_connection_installation_id == "sci_1"


def test_update_sends_only_set_fields_and_null_for_cleared_ones(
    client: Client, fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.default = httpx.Response(200, json=phone_number_body)
    client.update_phone_number("pn_123", PhoneNumberUpdate(label=None, agent_id="agent_8"))
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "PATCH",
        b"/v1/phone-numbers/pn_123",
    )
    assert fake_api.last_json() == {"label": None, "agentId": "agent_8"}
    client.update_phone_number("pn_123", PhoneNumberUpdate(dispatch_metadata_template=None))
    assert fake_api.last_json() == {"dispatchMetadataTemplate": None}
    client.update_phone_number("pn_123", PhoneNumberUpdate())
    assert fake_api.last_json() == {}


def test_release_phone_number_returns_the_released_flag(client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(httpx.Response(200, json={"released": True, "extra": 1}))
    assert client.release_phone_number("pn_123") is True
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "DELETE",
        b"/v1/phone-numbers/pn_123",
    )
    fake_api.reply(httpx.Response(200, json={"released": False}))
    assert client.release_phone_number("pn_123") is False


def test_search_available_phone_numbers_sends_camel_case_query(
    client: Client, fake_api: FakeApi
) -> None:
    available = {
        "e164": "+14155550199",
        "friendlyName": "(415) 555-0199",
        "monthlyCostUsd": 1.0,
        "upfrontCostUsd": 0.5,
        "features": ["voice", "sms"],
        "region": {"state": "CA", "locality": "San Francisco", "rateCenter": None, "lata": "722"},
        "carrier": "new field",
    }
    fake_api.reply(httpx.Response(200, json=[available]))
    numbers = client.search_available_phone_numbers(
        area_code="415", locality="San Francisco", limit=5
    )
    assert fake_api.last.url.raw_path == (
        b"/v1/phone-numbers/available?areaCode=415&locality=San%20Francisco&limit=5"
    )
    assert numbers == [
        AvailablePhoneNumber(
            e164="+14155550199",
            friendly_name="(415) 555-0199",
            monthly_cost_usd=1.0,
            upfront_cost_usd=0.5,
            features=["voice", "sms"],
            region=Region(state="CA", locality="San Francisco", rate_center=None),
        )
    ]


def test_search_without_arguments_sends_no_query(client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(httpx.Response(200, json=[]))
    assert client.search_available_phone_numbers() == []
    assert fake_api.last.url.raw_path == b"/v1/phone-numbers/available"


@pytest.mark.parametrize(
    "query",
    [
        {"area_code": "41"},
        {"area_code": "4155"},
        {"area_code": "\u0664\u0661\u0665"},  # Arabic-Indic digits are not \d on the wire
        {"limit": 0},
        {"limit": 51},
        {"locality": ""},
    ],
)
def test_search_refuses_a_bad_query_before_any_request(
    client: Client, fake_api: FakeApi, query: dict[str, Any]
) -> None:
    with pytest.raises(pydantic.ValidationError):
        client.search_available_phone_numbers(**query)
    assert fake_api.requests == []


def test_get_business_verification(
    client: Client, fake_api: FakeApi, profile_body: dict[str, Any]
) -> None:
    submission = _submission_body(profile_body, "submitted")
    submission["businessProfile"]["address"]["unit"] = "4B"  # unknown key in a shared model
    overview = {"status": "submitted", "submission": submission, "prefill": None}
    fake_api.reply(httpx.Response(200, json=overview))
    result = client.get_business_verification()
    assert (fake_api.last.method, fake_api.last.url.raw_path) == ("GET", b"/v1/phone-numbers/kyb")
    assert isinstance(result, VerificationOverview) and result.status == "submitted"
    assert result.submission is not None and result.submission.business_profile is not None
    assert result.submission.business_profile.address.postal_code == "94105"


def test_get_business_verification_when_missing(client: Client, fake_api: FakeApi) -> None:
    fake_api.reply(
        httpx.Response(200, json={"status": "missing", "submission": None, "prefill": None})
    )
    result = client.get_business_verification()
    assert (result.status, result.submission, result.prefill) == ("missing", None, None)


def test_save_business_verification_draft(
    client: Client, fake_api: FakeApi, profile_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(200, json=_submission_body(profile_body, "draft")))
    result = client.save_business_verification_draft(VerificationDraft.model_validate(profile_body))
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "PUT",
        b"/v1/phone-numbers/kyb/draft",
    )
    assert fake_api.last_json() == profile_body
    assert isinstance(result, VerificationSubmission) and result.status == "draft"


@pytest.mark.parametrize("status", [200, 201])
def test_submit_business_verification(
    client: Client, fake_api: FakeApi, profile_body: dict[str, Any], status: int
) -> None:
    fake_api.reply(httpx.Response(status, json=_submission_body(profile_body, "submitted")))
    submit = VerificationSubmit.model_validate({**profile_body, "attestationAccepted": True})
    result = client.submit_business_verification(submit)
    assert (fake_api.last.method, fake_api.last.url.raw_path) == (
        "POST",
        b"/v1/phone-numbers/kyb/submit",
    )
    assert fake_api.last_json() == {**profile_body, "attestationAccepted": True}
    assert result.status == "submitted" and result.attestation_accepted is True


def test_base_url_with_a_path_prefix_is_kept(
    fake_api: FakeApi, phone_number_body: dict[str, Any]
) -> None:
    fake_api.reply(httpx.Response(200, json=phone_number_body))
    client = Client(
        "k_1234", "http://127.0.0.1:8080/speko/", transport=httpx.MockTransport(fake_api)
    )
    client.get_phone_number("pn_123")
    assert str(fake_api.last.url) == "http://127.0.0.1:8080/speko/v1/phone-numbers/pn_123"
    assert client.base_url == "http://127.0.0.1:8080/speko"


@pytest.mark.parametrize(
    "e164",
    ["+1\u0664\u0661\u0665\u0665\u0665\u0665\u0660\u0661\u0662\u0663", "+0123456789", "+1415"],
)
def test_a_malformed_e164_is_refused_before_any_request(e164: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        PhoneNumberCreate(e164=e164)
