"""Plain functions for programs (dynamic providers have no invoke).

They read credentials as the providers do: stack config ``speko:apiKey`` /
``speko:baseUrl``, else ``SPEKO_API_KEY`` / ``SPEKO_BASE_URL``. They call the API when
the program runs (preview included) and return typed values. Their failures are one line
each, worded as the providers word them: bad arguments are an
:class:`InvalidArgumentsError` naming each argument as the program spells it; a bad
setting is the settings' own line; an API failure is the client's line plus the setting
to check (:mod:`pulumi_speko.setting_hints`).
"""

from __future__ import annotations

from typing import Any

import pydantic
from pulumi.runtime import get_config

from pulumi_speko.api import Client
from pulumi_speko.api.models import (
    SEARCH_LIMIT_MAX,
    SEARCH_LIMIT_MIN,
    AvailablePhoneNumber,
    AvailablePhoneNumberQuery,
    PhoneNumberRecord,
    VerificationOverview,
)
from pulumi_speko.credentials import CONFIG_KEYS, resolve_credentials
from pulumi_speko.resources._errors import operator_errors
from pulumi_speko.resources._session import calling_session, session_for

# What each kind of pydantic error means for an argument, in the program's words.
_ARGUMENT_PROBLEMS = {
    "string_type": "must be a string",
    "string_too_short": "must not be empty",
    "string_pattern_mismatch": "must be three digits, e.g. '415'",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "int_from_float": "must be a whole number",
    "greater_than_equal": f"must be from {SEARCH_LIMIT_MIN} to {SEARCH_LIMIT_MAX}",
    "less_than_equal": f"must be from {SEARCH_LIMIT_MIN} to {SEARCH_LIMIT_MAX}",
}


class InvalidArgumentsError(ValueError):
    """A function was called with arguments the API would refuse; nothing was sent.

    ``arguments`` lists the bad ones, as the program names them; the message names each
    once, with the value given and what a valid one looks like.
    """

    def __init__(self, function: str, problems: dict[str, str], given: dict[str, Any]) -> None:
        self.arguments = list(problems)
        shown = "; ".join(f"{name}={given[name]!r}: {text}" for name, text in problems.items())
        super().__init__(f"{function}: {shown}")


def _client() -> Client:
    session = calling_session()  # set by the plugin's Invoke
    if session is not None:
        return session.client
    config = {key: get_config(key) for key in CONFIG_KEYS}
    return session_for(resolve_credentials(config)).client


def _search_query(**arguments: Any) -> AvailablePhoneNumberQuery:
    try:
        return AvailablePhoneNumberQuery(**arguments)
    except pydantic.ValidationError as error:
        problems: dict[str, str] = {}
        for item in error.errors(include_url=False):
            name = str(item["loc"][0])
            problem = _ARGUMENT_PROBLEMS.get(item["type"], str(item["msg"]))
            problems.setdefault(name, problem)  # the first problem of each argument
        raise InvalidArgumentsError("get_available_phone_numbers", problems, arguments) from None


def get_available_phone_numbers(
    area_code: str | None = None, locality: str | None = None, limit: int | None = None
) -> list[AvailablePhoneNumber]:
    """Numbers that can be bought now, with their prices (``limit`` 1 to 50, default 10).

    Raises :class:`InvalidArgumentsError` (a ``ValueError``) for arguments the API would
    refuse, before any call.
    """
    query = _search_query(area_code=area_code, locality=locality, limit=limit)
    return _search(query)


@operator_errors("get_available_phone_numbers")
def _search(query: AvailablePhoneNumberQuery) -> list[AvailablePhoneNumber]:
    return _client().search_available_phone_numbers(
        area_code=query.area_code, locality=query.locality, limit=query.limit
    )


@operator_errors("get_phone_numbers")
def get_phone_numbers() -> list[PhoneNumberRecord]:
    """Every number the organization holds, managed or imported."""
    return _client().list_phone_numbers()


@operator_errors("get_business_verification")
def get_business_verification() -> VerificationOverview:
    """The organization's verification status and current submission."""
    return _client().get_business_verification()
