"""Plain functions for programs (dynamic providers have no invoke).

They read credentials as the providers do: stack config ``speko:apiKey`` /
``speko:baseUrl``, else ``SPEKO_API_KEY`` / ``SPEKO_BASE_URL``. They call the API when
the program runs (preview included) and return typed values.
"""

from __future__ import annotations

from pulumi.runtime import get_config

from pulumi_speko.api import Client
from pulumi_speko.api.models import AvailablePhoneNumber, PhoneNumber, VerificationOverview
from pulumi_speko.credentials import CONFIG_KEYS, resolve_credentials
from pulumi_speko.resources._session import calling_session, session_for


def _client() -> Client:
    session = calling_session()  # set by the plugin's Invoke
    if session is not None:
        return session.client
    config = {key: get_config(key) for key in CONFIG_KEYS}
    return session_for(resolve_credentials(config)).client


def get_available_phone_numbers(
    area_code: str | None = None, locality: str | None = None, limit: int | None = None
) -> list[AvailablePhoneNumber]:
    """Numbers that can be bought now, with their prices (``limit`` 1 to 50, default 10)."""
    return _client().search_available_phone_numbers(
        area_code=area_code, locality=locality, limit=limit
    )


def get_phone_numbers() -> list[PhoneNumber]:
    """Every number the organization holds, managed or imported."""
    return _client().list_phone_numbers()


def get_business_verification() -> VerificationOverview:
    """The organization's verification status and current submission."""
    return _client().get_business_verification()
