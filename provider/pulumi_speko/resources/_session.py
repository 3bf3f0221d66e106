"""One API client and one short-lived list of numbers per provider process.

The provider host deserializes one provider instance per class and calls it from four
threads; the engine starts a fresh host for every ``pulumi`` command. Keeping the client
and the list here (module state keyed by credentials), and never on the provider object,
keeps the pickled ``__provider`` empty and lets a refresh of N numbers cost one list call
instead of N reads.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pulumi.dynamic import ConfigureRequest, ResourceProvider

from pulumi_speko.api.identity import organization_of_key, organization_of_numbers
from pulumi_speko.credentials import (
    CONFIG_KEYS,
    Credentials,
    client_for,
    resolve_credentials,
)
from pulumi_speko.organization import confirm_gone

if TYPE_CHECKING:
    from pulumi_speko.api import Client
    from pulumi_speko.api.models import PhoneNumberRecord

# How old a cached list of the organization's numbers may be when a read uses it.
# Any write made through this process clears it at once.
LIST_CACHE_MAX_AGE_SECONDS = 10.0


@dataclass
class _Snapshot:
    numbers_by_id: dict[str, PhoneNumberRecord]
    taken_at: float


@dataclass
class NumberDirectory:
    """A cached ``GET /v1/phone-numbers`` shared by the threads of one process.

    Concurrent readers that find the cache empty or stale wait for a single fetch
    (single flight) rather than each listing the organization. Every fetch that lists a
    number also teaches which organization the key belongs to (``organization``).
    """

    fetch: Callable[[], list[PhoneNumberRecord]]
    clock: Callable[[], float] = time.monotonic
    max_age: float = LIST_CACHE_MAX_AGE_SECONDS
    organization: str | None = None
    """The key's organization, from the first non-empty list this process fetched."""
    _snapshot: _Snapshot | None = None
    _generation: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _fetching: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> dict[str, PhoneNumberRecord]:
        """Numbers by id, at most ``max_age`` seconds old."""
        fresh = self._fresh_snapshot()
        if fresh is not None:
            return fresh
        with self._fetching:  # one fetch at a time; the others reuse its result
            fresh = self._fresh_snapshot()
            if fresh is not None:
                return fresh
            return self._refetch()

    def fresh(self) -> dict[str, PhoneNumberRecord]:
        """Numbers by id, listed now (for decisions that cost money)."""
        with self._fetching:
            return self._refetch()

    def find_e164(self, e164: str) -> PhoneNumberRecord | None:
        """The organization's live number with this E.164, listed now."""
        return next((n for n in self.fresh().values() if n.e164 == e164), None)

    def invalidate(self) -> None:
        """Forget the cached list; called after every write."""
        with self._lock:
            self._snapshot = None
            self._generation += 1

    def _fresh_snapshot(self) -> dict[str, PhoneNumberRecord] | None:
        with self._lock:
            snap = self._snapshot
            if snap is not None and self.clock() - snap.taken_at <= self.max_age:
                return snap.numbers_by_id
        return None

    def _refetch(self) -> dict[str, PhoneNumberRecord]:
        with self._lock:
            generation = self._generation
        taken_at = self.clock()
        numbers = self.fetch()
        numbers_by_id = {number.id: number for number in numbers}
        with self._lock:
            self.organization = self.organization or organization_of_numbers(numbers)
            if generation == self._generation:  # no write raced the fetch
                self._snapshot = _Snapshot(numbers_by_id, taken_at)
        return numbers_by_id


@dataclass
class Session:
    """The client and number directory of one set of credentials."""

    client: Client
    directory: NumberDirectory
    pinned_organization: str | None = None
    """``speko:organizationId``, the operator's word for the key's organization."""
    _key_organization: str | None = None
    _learning: threading.Lock = field(default_factory=threading.Lock)

    def key_organization(self) -> str | None:
        """The organization the key belongs to: learned once per process from the list
        (the verification only when the list is empty), else the pin, else None."""
        with self._learning:
            if self._key_organization is None:
                numbers = self.directory.snapshot().values()
                self._key_organization = self.directory.organization or organization_of_key(
                    self.client, numbers
                )
            learned = self._key_organization
        return learned or self.pinned_organization


_sessions: dict[tuple[str, Credentials], Session] = {}
_sessions_lock = threading.Lock()


def _session_key(credentials: Credentials) -> tuple[str, Credentials]:
    # The key itself is not kept in the table, only its digest.
    digest = hashlib.sha256(credentials.api_key.encode()).hexdigest()
    return digest, replace(credentials, api_key="")


def session_for(credentials: Credentials) -> Session:
    """The process-wide session for these credentials, built on first use."""
    key = _session_key(credentials)
    with _sessions_lock:
        session = _sessions.get(key)
        if session is None:
            client = client_for(credentials)
            session = _new_session(credentials, client)
            _sessions[key] = session
        return session


def use_client(credentials: Credentials, client: Client) -> Session:
    """Make ``client`` the one this process uses for ``credentials`` (a test seam: a
    client with an injected clock and sleep, or a mock transport)."""
    session = _new_session(credentials, client)
    with _sessions_lock:
        _sessions[_session_key(credentials)] = session
    return session


def _new_session(credentials: Credentials, client: Client) -> Session:
    directory = NumberDirectory(client.list_phone_numbers)
    return Session(client, directory, pinned_organization=credentials.organization_id)


class ConfiguredProvider(ResourceProvider):
    """Base of the providers: reads stack config in ``configure()``, pickles empty.

    The engine pickles the provider object into every resource's state; ``__getstate__``
    keeps whatever ``configure()`` stored (the key among it) out of that pickle.
    """

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        return None

    def configure(self, req: ConfigureRequest) -> None:
        """Keep the stack config; the client is built on first use, in this process."""
        self._config = {key: req.config.get(key) for key in CONFIG_KEYS}

    def session(self) -> Session:
        """The process-wide client and number directory for this provider's config."""
        return session_for(resolve_credentials(getattr(self, "_config", None)))

    def confirm_gone(self, what: str, props: Mapping[str, Any]) -> None:
        """Raise unless the key is known to belong to the organization ``props`` (the
        resource's state) records, so a key of another organization drops nothing."""
        recorded = props.get("organization_id")
        if not isinstance(recorded, str):
            return  # a `.get` reference: nothing in state to lose
        confirm_gone(recorded, self.session().key_organization(), f"{what} in the stack's state")


_calling_session: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
    "speko_calling_session", default=None
)


@contextlib.contextmanager
def calls_use(session: Session) -> Iterator[None]:
    """Make the program functions called in this block use ``session`` (the plugin's
    Invoke, which has its provider's config instead of a program's stack config)."""
    token = _calling_session.set(session)
    try:
        yield
    finally:
        _calling_session.reset(token)


def calling_session() -> Session | None:
    """The session set by :func:`calls_use` in this context, if any."""
    return _calling_session.get()


def close_all_sessions() -> None:
    """Close every client of this process (tests and short-lived tools)."""
    with _sessions_lock:
        sessions = list(_sessions.values())
        _sessions.clear()
    for session in sessions:
        session.client.close()
