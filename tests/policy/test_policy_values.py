"""The plain building blocks: credential-like keys, and unknowns read through the proxy."""

from __future__ import annotations

import pytest
from pulumi_policy.proxy import (
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    unknown_checking_proxy,
)
from pulumi_speko.policy import (
    UNKNOWN,
    credential_key_paths,
    is_unknown,
    looks_like_credential,
    to_plain,
)

CREDENTIAL_KEYS = [
    "token",
    "accessToken",
    "access_token",
    "REFRESH-TOKEN",
    "secret",
    "clientSecret",
    "password",
    "db_password",
    "passwd",
    "passphrase",
    "apiKey",
    "api_key",
    "api-key",
    "API_KEY",
    "APIKEY",
    "ApiKey",
    "x-api-key",
    "auth",
    "AUTH_HEADER",
    "authToken",
    "OAuthToken",
    "Authorization",
    "credential",
    "credentials",
    "creds",
    "privateKey",
    "private_key",
    "PRIVATE-KEY",
    "bearer",
    "aws_access_key_id",
    "signing key",
    "jwt",
    "pwd",
]
INNOCENT_KEYS = [
    "author",
    "authority_name",
    "customer_tier",
    "language",
    "team",
    "queue",
    "locale",
    "agentName",
    "callerId",
    "keyboard",
    "publicUrl",
    "monkey",
    "passenger_count",
]


@pytest.mark.parametrize("key", CREDENTIAL_KEYS)
def test_credential_like_keys_are_recognised(key: str) -> None:
    assert looks_like_credential(key)


@pytest.mark.parametrize("key", INNOCENT_KEYS)
def test_ordinary_keys_are_not(key: str) -> None:
    assert not looks_like_credential(key)


def test_credential_paths_name_every_offending_key_by_its_path() -> None:
    template = {
        "crm": {"apiKey": "x", "nested": [{"ok": 1}, {"secret": {"deeper_token": "y"}}]},
        "team": "support",
    }
    assert credential_key_paths(template) == [
        "crm.apiKey",
        "crm.nested[1].secret",
        "crm.nested[1].secret.deeper_token",
    ]


def test_to_plain_turns_proxied_unknowns_into_the_marker_at_any_depth() -> None:
    proxied = unknown_checking_proxy(
        {
            "e164": UNKNOWN_STRING_VALUE,
            "template": {"queues": [UNKNOWN_STRING_VALUE, "sales"], "meta": UNKNOWN_OBJECT_VALUE},
            "label": "Sales",
        }
    )
    with pytest.raises(UnknownValueError):
        proxied.get("e164")  # what a rule reading the proxy directly would hit
    assert to_plain(proxied) == {
        "e164": UNKNOWN,
        "template": {"queues": [UNKNOWN, "sales"], "meta": UNKNOWN},
        "label": "Sales",
    }


def test_raw_sentinels_count_as_unknown_too() -> None:
    assert is_unknown(UNKNOWN_STRING_VALUE) and is_unknown(UNKNOWN)
    assert not is_unknown("+14155550123") and not is_unknown(None)


def test_the_unknown_marker_refuses_truthiness() -> None:
    with pytest.raises(TypeError):
        bool(UNKNOWN)
