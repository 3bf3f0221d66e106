"""A POST whose answer was lost: look before sending it again (design decision 4).

One rule for every resource that creates with a POST (a purchase, an import, a
verification submit): when the answer is lost (the request reached the server, or it
answered 5xx, or its body could not be read) the caller's lookup decides whether the
write landed; only when it provably did not is the POST sent again. When even the
lookup fails, the outcome is unknown and the caller's message says what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from pulumi_speko.api.errors import (
    ApiConnectionError,
    ConflictError,
    OrganizationMismatchError,
    ServerError,
    SpekoError,
    UnexpectedResponseError,
)
from pulumi_speko.resources._errors import SpekoProviderError

# A POST whose answer was lost is looked up and, if it did not land, sent again this
# many times in all.
POST_ATTEMPTS = 3
# The lookup that settles an ambiguous POST is tried this many times (each with the
# client's own retries) before the outcome is reported as unknown.
LOOKUP_ATTEMPTS = 2

ResultT = TypeVar("ResultT")
UnknownOutcome = Callable[[SpekoError, SpekoError], str]
"""The operator's line when the lookup fails: (why the POST is ambiguous, why the lookup
failed) -> what may have happened and what to do."""


def post_once(
    post: Callable[[], ResultT],
    find: Callable[[], ResultT | None],
    unknown_outcome: UnknownOutcome,
    after_post: Callable[[], None] = lambda: None,
) -> ResultT:
    """``post()`` without ever doubling it; ``find()`` returns what an earlier attempt
    wrote, or None when it did not land. ``after_post`` runs after every attempt (to
    drop caches). A 409 after an ambiguous attempt is that attempt having landed, unless
    the lookup finds nothing."""
    ambiguous: SpekoError | None = None
    for _ in range(POST_ATTEMPTS):
        conflict: ConflictError | None = None
        try:
            return post()
        except ConflictError as error:
            if ambiguous is None:
                raise
            conflict = error
        except (ServerError, UnexpectedResponseError) as error:
            ambiguous = error
        except ApiConnectionError as error:
            if not error.request_sent:
                raise
            ambiguous = error
        finally:
            after_post()
        landed = look_up(find, ambiguous, unknown_outcome)
        if landed is not None:
            return landed
        if conflict is not None:
            raise conflict
    assert ambiguous is not None
    raise ambiguous  # the last attempt provably did not land: the lookup found nothing


def look_up(
    find: Callable[[], ResultT | None], cause: SpekoError, unknown_outcome: UnknownOutcome
) -> ResultT | None:
    """``find()``, tried :data:`LOOKUP_ATTEMPTS` times; when every try fails, one
    :class:`SpekoProviderError` line from ``unknown_outcome``."""
    failure: SpekoError | None = None
    for _ in range(LOOKUP_ATTEMPTS):
        try:
            return find()
        except OrganizationMismatchError:
            raise  # not a failed lookup: the key is another organization's
        except SpekoError as error:
            failure = error
    assert failure is not None
    raise SpekoProviderError(unknown_outcome(cause, failure))
