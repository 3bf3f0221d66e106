"""When a resource may be called gone, and how an organization mix-up is worded.

The platform answers 404 for another organization's ids (design: ids never leak), so a
404 proves "gone" only when the key is known to belong to the organization the stack
recorded (``organization_id`` in state). The providers, ``pulumi-speko drift`` and
``pulumi-speko discover`` all decide with :func:`confirm_gone` and
:func:`confirm_same_organization`; which organization a key belongs to is learned by
:func:`pulumi_speko.api.identity.organization_of_key`.
"""

from __future__ import annotations

from pulumi_speko.api.errors import OrganizationMismatchError
from pulumi_speko.credentials import (
    CONFIG_ORGANIZATION_ID,
    ConfigError,
    WrongOrganizationError,
    setting_names,
)

PIN_SOURCE = setting_names(CONFIG_ORGANIZATION_ID)
"""How a message names the pin when it is the expected organization."""


class UnknownOrganizationError(ConfigError):
    """A "not found" cannot be trusted: which organization the key belongs to is not known."""

    def __init__(self, recorded: str, what: str) -> None:
        self.recorded = recorded
        super().__init__(
            f"{what} is not found on the platform, but the API key's organization cannot be "
            "established (it lists no numbers and has no verification submission), so this may "
            "only mean the key is another organization's; nothing was dropped: if the key is "
            f"organization {recorded}'s, set {PIN_SOURCE} to {recorded} and run again, else "
            "fix the key, or remove the resource from the stack by hand "
            "(pulumi state delete URN)"
        )


def confirm_same_organization(recorded: str, key_organization: str | None, what: str) -> None:
    """Raise :class:`WrongOrganizationError` when the key is known to belong to another
    organization than ``recorded`` (the one ``what`` was recorded under)."""
    if key_organization is not None and key_organization != recorded:
        raise WrongOrganizationError(recorded, key_organization, f"the organization of {what}")


def confirm_gone(recorded: str | None, key_organization: str | None, what: str) -> None:
    """Return only when a 404 for ``what`` proves it gone; raise otherwise.

    ``recorded`` is the ``organization_id`` the stack holds for it (None for a read-only
    ``.get`` reference, which has nothing in state to lose), ``key_organization`` the
    key's organization as learned (or pinned), None when unknown.
    """
    if recorded is None:
        return
    if key_organization is None:
        raise UnknownOrganizationError(recorded, what)
    confirm_same_organization(recorded, key_organization, what)


def pinned_organization_error(error: OrganizationMismatchError) -> WrongOrganizationError:
    """The client's refusal of another organization's answer, worded with the pin's
    config key for the operator."""
    return WrongOrganizationError(error.expected, error.actual, PIN_SOURCE)
