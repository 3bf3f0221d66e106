"""Turning failures into the one line a ``pulumi up`` user reads (design decision 7)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from pulumi_speko.api.errors import (
    ApiError,
    NotFoundError,
    OrganizationMismatchError,
    PaymentRequiredError,
    PermissionDeniedError,
    SpekoError,
)
from pulumi_speko.credentials import ConfigError
from pulumi_speko.organization import pinned_organization_error
from pulumi_speko.resources._props import error_in_program_names
from pulumi_speko.setting_hints import setting_hint

P = ParamSpec("P")
R = TypeVar("R")

_HINTS: dict[type[ApiError], str] = {
    PermissionDeniedError: (
        "declare a BusinessVerification with submit=True and make purchases depend on it"
    ),
    PaymentRequiredError: "add prepaid credits to the organization, then run pulumi up again",
    NotFoundError: "the number is gone from the platform; run `pulumi refresh`",
}


class SpekoProviderError(Exception):
    """An expected failure of a provider operation, as one self-contained line."""


def describe(action: str, error: BaseException, hint: str | None = None) -> str:
    """One line: what was attempted, then the client's own one-line description, then
    ``hint`` (by default the one for the error's kind or the setting at fault)."""
    hint = (
        hint
        or setting_hint(error)
        or next((text for kind, text in _HINTS.items() if isinstance(error, kind)), None)
    )
    line = f"{action}: {error_in_program_names(error)}"
    return f"{line} ({hint})" if hint else line


def operator_errors(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Re-raise API and credential failures of the wrapped call as one short line.

    The exception is raised without its cause and with a fresh traceback, so the
    provider host's report is a few frames and then the line an operator acts on.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return function(*args, **kwargs)
            except SpekoProviderError as error:
                raise error.with_traceback(None) from None
            except OrganizationMismatchError as error:
                line = describe(action, pinned_organization_error(error))
                raise SpekoProviderError(line).with_traceback(None) from None
            except (SpekoError, ConfigError) as error:
                raise SpekoProviderError(describe(action, error)).with_traceback(None) from None

        return wrapper

    return decorate


def warn(message: str) -> None:
    """Show the operator a warning from inside the provider host.

    The host has no engine connection (``pulumi.log`` would print to stderr anyway); the
    engine shows the plugin's stderr lines in the update's output.
    """
    print(f"warning: {message}", file=sys.stderr, flush=True)
