"""Which setting to check when an API failure points at one: the hint every front end adds.

The providers (``resources/_errors``), the functions and the ``drift`` / ``discover``
commands all append :func:`setting_hint` to their one-line error, so a refused key or a
wrong base URL is explained the same way everywhere, naming the setting as
:func:`~pulumi_speko.credentials.setting_names` does.
"""

from __future__ import annotations

from pulumi_speko.api.errors import (
    ApiConnectionError,
    AuthenticationError,
    EndpointNotFoundError,
)
from pulumi_speko.credentials import (
    CONFIG_API_KEY,
    CONFIG_BASE_URL,
    DEFAULT_BASE_URL,
    setting_names,
)

API_KEY_REFUSED_HINT = (
    f"the API key was refused: check {setting_names(CONFIG_API_KEY)} "
    "holds the organization's current key"
)
BASE_URL_HINT = (
    f"check {setting_names(CONFIG_BASE_URL)}: the API root, like {DEFAULT_BASE_URL}, "
    "with no /v1 or other path after it"
)
UNREACHABLE_HINT = f"check {setting_names(CONFIG_BASE_URL)} and that the API is reachable"


def setting_hint(error: BaseException) -> str | None:
    """The setting an operator should check after ``error``, or None when none is to blame.

    A 401 names the key's setting; a 404 on a path that always exists, and a connection
    that could not be made, name the base URL's. The key itself is never part of a hint.
    """
    if isinstance(error, AuthenticationError):
        return API_KEY_REFUSED_HINT
    if isinstance(error, EndpointNotFoundError):
        return BASE_URL_HINT
    if isinstance(error, ApiConnectionError) and not error.request_sent:
        return UNREACHABLE_HINT
    return None
