"""Which organization an API key belongs to, learned from what the API already answers.

The API has no "who am I" call; every number and the verification submission carry
``organizationId``. A key whose organization cannot be learned this way (no number, no
submission) is unknown, and callers must not guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulumi_speko.api._client import Client
    from pulumi_speko.api.models import PhoneNumberRecord


def organization_of_numbers(numbers: Iterable[PhoneNumberRecord]) -> str | None:
    """The organization of the first number listed, or None for an empty list."""
    return next((number.organization_id for number in numbers), None)


def organization_of_key(
    client: Client, numbers: Iterable[PhoneNumberRecord] | None = None
) -> str | None:
    """The organization ``client``'s key belongs to, or None when the API cannot tell.

    ``numbers`` is a list of the organization's numbers the caller already holds (it is
    listed when not given); the verification submission is asked only when it is empty.
    """
    listed = client.list_phone_numbers() if numbers is None else numbers
    organization = organization_of_numbers(listed)
    if organization is not None:
        return organization
    submission = client.get_business_verification().submission
    return submission.organization_id if submission is not None else None
