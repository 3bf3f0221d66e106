"""What the reliability tests share: keys, figures, evidence for the secrets scan, an engine.

- :data:`RELIABILITY_KEY` / :data:`OTHER_RELIABILITY_KEY`: distinctive API keys (random per
  run) that every host, client and sandbox call of this suite uses, so the final secrets
  scan looks for something that cannot appear by accident.
- :data:`FIGURES`: the counters printed as "Reliability figures" at the end of the run.
- :data:`EVIDENCE`: every text the engine, the hosts and the sandbox produced (outputs,
  check results, error messages, stdout/stderr lines, ``__provider`` strings, request
  logs), for the secrets scan.
- :class:`Engine`: an :class:`EngineHost` that records all of it and counts its calls.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pulumi_speko.constants import (
    BUSINESS_VERIFICATION_TYPE,
    PHONE_NUMBER_TYPE,
    SIP_TRUNK_PHONE_NUMBER_TYPE,
)
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.testing import data
from pulumi_speko.testing.engine import EngineError, EngineHost
from pulumi_speko.testing.providers import serialized_providers
from pulumi_speko.testing.sandbox import DEMO_ORG, RequestLogEntry, SandboxControl

PHONE = PHONE_NUMBER_TYPE
SIP = SIP_TRUNK_PHONE_NUMBER_TYPE
KYB = BUSINESS_VERIFICATION_TYPE
PROVIDERS = serialized_providers()

RELIABILITY_KEY = f"sk_test_reliability_{secrets.token_hex(12)}"
OTHER_RELIABILITY_KEY = f"sk_test_reliability_other_{secrets.token_hex(12)}"
SECRET_KEYS = (RELIABILITY_KEY, OTHER_RELIABILITY_KEY)

POOL_SIZE = 900  # 300 numbers in each of the three area codes
PURCHASE_PRICE = Decimal("3.00")  # upfront 1.00 + first month 2.00
SEED_CREDITS = Decimal("100.00")
AGENTS = ("agent_sales", "agent_support")

PROFILE: dict[str, Any] = data.business_profile()
REPRESENTATIVE: dict[str, Any] = data.authorized_representative()
VERIFICATION: dict[str, Any] = data.verification_inputs()

# What the provider puts on the last line of a failure: the one line an operator reads.
PROVIDER_ERROR_PREFIX = "pulumi_speko.resources._errors.SpekoProviderError: "
_STATUS_OR_TRANSPORT = re.compile(
    r"-> \d{3} [A-Z_]+|-> (connection lost|could not connect|timed out)"
)


# ---------------------------------------------------------------------------- figures


@dataclass
class Figures:
    """Counters of the whole run, printed by ``pytest_terminal_summary``.

    ``totals`` holds the integer figures by name, which :meth:`add` counts:
    ``api_requests``, ``numbers_lost``, ``numbers_doubled``, ``numbers_orphaned``,
    ``purchases_landed``, ``reruns``, ``bad_inputs``, ``bad_input_api_calls``,
    ``fuzz_requests``, ``fuzz_5xx``, ``secret_texts_scanned``, ``secret_bytes_scanned``
    and ``secret_hits``.
    """

    engine_calls: Counter[str] = field(default_factory=Counter)
    lifecycle_ops: Counter[str] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    secret_scan_ran: bool = False
    notes: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, counter: str, key: str, n: int = 1) -> None:
        """Add ``n`` to ``key`` of the counter named ``counter`` (thread-safe)."""
        with self._lock:
            getattr(self, counter)[key] += n

    def add(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the integer figure ``name`` (thread-safe)."""
        self.count("totals", name, n)

    def touched(self) -> bool:
        """Whether any reliability test recorded anything."""
        totals = self.totals
        return bool(
            self.engine_calls
            or totals["api_requests"]
            or totals["bad_inputs"]
            or totals["fuzz_requests"]
        )

    def lines(self) -> list[str]:
        """The figures block, one figure a line."""
        t = self.totals
        faults_total = sum(self.faults.values())
        fault_kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.faults.items())) or "none"
        calls = ", ".join(f"{kind} {n}" for kind, n in sorted(self.engine_calls.items()))
        ops = ", ".join(f"{kind} {n}" for kind, n in sorted(self.lifecycle_ops.items()))
        lines = [
            f"engine-protocol calls:      {sum(self.engine_calls.values())} ({calls or 'none'})",
            f"randomized lifecycle ops:   {sum(self.lifecycle_ops.values())} ({ops or 'none'})",
            f"faults injected:            {faults_total} ({fault_kinds})",
            f"numbers lost:               {t['numbers_lost']}",
            f"numbers doubled:            {t['numbers_doubled']}",
            f"numbers orphaned:           {t['numbers_orphaned']}",
            f"purchases landed:           {t['purchases_landed']} (each debited once)",
            f"operator reruns (clear error, then rerun): {t['reruns']}",
            f"bad inputs tried:           {t['bad_inputs']} "
            f"(API calls they caused: {t['bad_input_api_calls']})",
            f"sandbox fuzz requests:      {t['fuzz_requests']} (5xx answers: {t['fuzz_5xx']})",
            f"API requests (sandbox log): {t['api_requests']}",
        ]
        if self.secret_scan_ran:
            lines.append(
                f"secrets scan:               {t['secret_texts_scanned']} texts, "
                f"{t['secret_bytes_scanned']} bytes, API key found {t['secret_hits']} times"
            )
        lines.extend(self.notes)
        return lines


FIGURES = Figures()


def fault_kind(rule: Mapping[str, Any]) -> str:
    """How a fault rule is counted: ``429``, ``502``, ``drop``, ``latency``, ..."""
    action = rule["action"]
    return str(rule["status"]) if action == "respond" else str(action)


def record_fired_faults(rules: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Add the firings of ``rules`` (the control API's listing) to the figures."""
    fired: Counter[str] = Counter()
    for rule in rules:
        if rule["fired"]:
            fired[fault_kind(rule)] += int(rule["fired"])
    for kind, n in fired.items():
        FIGURES.count("faults", kind, n)
    return dict(fired)


# ---------------------------------------------------------------------------- evidence


class Evidence:
    """Every text the suite saw, tagged with where it came from (thread-safe)."""

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def add(self, source: str, value: Any) -> None:
        """Keep ``value`` (a string, or anything JSON can show) under ``source``."""
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        with self._lock:
            self._items.append((source, text))

    def items(self) -> list[tuple[str, str]]:
        """Everything kept so far."""
        with self._lock:
            return list(self._items)

    def sources(self) -> set[str]:
        """The kinds of text kept so far."""
        return {source for source, _ in self.items()}


EVIDENCE = Evidence()
for _token, _provider in PROVIDERS.items():
    EVIDENCE.add("__provider", _provider)


def record_request_log(entries: list[RequestLogEntry]) -> None:
    """Keep a request log for the scan and count its calls."""
    FIGURES.add("api_requests", len(entries))
    EVIDENCE.add("request log", [entry.__dict__ for entry in entries])


# ---------------------------------------------------------------------------- the engine


def user_props(props: Mapping[str, Any]) -> dict[str, Any]:
    """A property bag without ``__provider``."""
    return {k: v for k, v in props.items() if k != "__provider"}


def assert_clear_error(error: EngineError) -> str:
    """The failure is one self-contained line an operator can act on; returns the line.

    It is the provider's own error (not a stray exception), names what was attempted and
    the HTTP status or transport failure, and carries no API key.
    """
    line = error.last_line
    assert line.startswith(PROVIDER_ERROR_PREFIX), f"not a provider error: {error.details}"
    message = line.removeprefix(PROVIDER_ERROR_PREFIX)
    assert message.split(":", 1)[0].split(" ", 1)[0] in {
        "create",
        "import",
        "update",
        "read",
        "release",
        "file",
    }, f"does not say what was attempted: {line}"
    assert _STATUS_OR_TRANSPORT.search(message), f"names no status or transport failure: {line}"
    for key in SECRET_KEYS:
        assert key not in error.details
    return message


def program_inputs(token: str, news: Mapping[str, Any]) -> dict[str, Any]:
    """A program's inputs ``news`` as it sends them: with the resource's ``__provider``."""
    return {**news, "__provider": PROVIDERS[token]}


class Engine(EngineHost):
    """A provider host of the suite: it counts its calls and keeps what they returned and
    what the host printed, for the figures and the secrets scan."""

    def __init__(self, name: str = "host") -> None:
        super().__init__()
        self.name = name

    def observe(self, method: str, outcome: Any) -> None:
        """Count every resource call; keep its response, or its error's details."""
        super().observe(method, outcome)
        if method == "Configure":
            return
        kind = method.lower()
        FIGURES.count("engine_calls", kind)
        if isinstance(outcome, EngineError):
            EVIDENCE.add("engine error", outcome.details)
        else:
            EVIDENCE.add(f"engine {kind}", str(outcome))

    def checked(
        self,
        token: str,
        name: str,
        news: Mapping[str, Any],
        olds: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The checked inputs; the inputs must be valid."""
        result = self.check(token, name, olds or {}, program_inputs(token, news))
        assert result.failures == [], result.failures
        return result.inputs

    def file_verification(self) -> tuple[str, dict[str, Any]]:
        """Create the suite's business verification: the org may then buy numbers."""
        return self.create(KYB, "kyb", self.checked(KYB, "kyb", VERIFICATION))

    def close(self) -> None:
        """Stop the host and keep everything it printed."""
        super().close()
        EVIDENCE.add("host stdout", "\n".join(self.stdout_lines))
        EVIDENCE.add("host stderr", self.stderr_text())


# Stopping a host takes about 0.3 s (SIGINT, then the gRPC server's shutdown): hosts are
# stopped in the background while the suite goes on; wait_closed() joins them.
_closer = ThreadPoolExecutor(max_workers=4, thread_name_prefix="host-closer")
_closing: list[Future[None]] = []


def close_later(engine: Engine) -> None:
    """Stop a host in the background (what it printed is kept once it has stopped)."""
    _closing.append(_closer.submit(engine.close))


def wait_closed() -> None:
    """Wait until every host handed to :func:`close_later` has stopped."""
    while _closing:
        _closing.pop().result()


def start_engine(base_url: str, api_key: str = RELIABILITY_KEY, name: str = "host") -> Engine:
    """A provider host configured as the engine does: key as a secret, sandbox URL."""
    engine = Engine(name)
    engine.start()
    try:
        engine.configure(
            {"speko:apiKey": api_key, "speko:baseUrl": base_url}, secret_keys=["speko:apiKey"]
        )
    except BaseException:
        engine.close()
        raise
    return engine


class HostPool:
    """Provider hosts started ahead of need, one spare per API key, so that a test (or a
    ``pulumi`` command of a lifecycle) does not wait the 0.25 s a host takes to start."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="host-starter")
        self._spares: dict[str, Future[Engine]] = {}
        self._lock = threading.Lock()

    def take(self, api_key: str = RELIABILITY_KEY, name: str = "host") -> Engine:
        """A started, configured host (a fresh process); another is started meanwhile."""
        with self._lock:
            spare = self._spares.pop(api_key, None)
            self._spares[api_key] = self._starter.submit(start_engine, self.base_url, api_key)
        engine = spare.result() if spare is not None else start_engine(self.base_url, api_key)
        engine.name = name
        return engine

    def close(self) -> None:
        """Stop the spare hosts."""
        with self._lock:
            spares, self._spares = list(self._spares.values()), {}
        for spare in spares:
            close_later(spare.result())
        self._starter.shutdown()
        wait_closed()


# ---------------------------------------------------------------------------- the request log


def landed(entries: Iterable[RequestLogEntry], method: str, path: str) -> list[RequestLogEntry]:
    """Calls of ``method path`` that took effect (2xx), including those whose answer was lost."""
    return [
        entry
        for entry in entries
        if entry.method == method
        and entry.path == path
        and (200 <= entry.status < 300 or (entry.dropped and 200 <= (entry.app_status or 0) < 300))
    ]


def purchases(entries: Iterable[RequestLogEntry]) -> list[RequestLogEntry]:
    """Managed purchases that landed (each one debited the org)."""
    return landed(entries, "POST", "/v1/phone-numbers")


def imports(entries: Iterable[RequestLogEntry]) -> list[RequestLogEntry]:
    """SIP-trunk imports that landed."""
    return landed(entries, "POST", "/v1/phone-numbers/import")


def calls(entries: Iterable[RequestLogEntry], method: str, path: str) -> list[RequestLogEntry]:
    """Every call of ``method path`` (a ``*`` in ``path`` matches one segment)."""
    pattern = re.compile("^" + re.escape(path).replace(r"\*", "[^/]+") + "$")
    return [e for e in entries if e.method == method and pattern.match(e.path)]


@dataclass(frozen=True)
class Ledger:
    """What the sandbox holds and recorded, asked afresh at each question: the numbers of
    an org, the request log and what the org paid (the ``ledger`` fixture)."""

    control: SandboxControl

    def numbers(self, org: str = DEMO_ORG) -> list[dict[str, Any]]:
        """The live numbers of ``org``."""
        return self.control.list_numbers(org)

    def calls(self, method: str, path: str) -> list[RequestLogEntry]:
        """Every call of ``method path`` so far (see :func:`calls`)."""
        return calls(self.control.request_log(), method, path)

    def purchases(self) -> list[RequestLogEntry]:
        """Managed purchases that landed so far."""
        return purchases(self.control.request_log())

    def imports(self) -> list[RequestLogEntry]:
        """SIP-trunk imports that landed so far."""
        return imports(self.control.request_log())

    def paid_purchases(self, org: str = DEMO_ORG, credits: Decimal = SEED_CREDITS) -> Decimal:
        """How many purchases ``org`` paid for: the credits it spent (from ``credits``) over
        the price of one."""
        return (credits - self.control.get_credits(org)) / PURCHASE_PRICE

    def assert_landed_once(self, token: str) -> None:
        """One purchase or import landed, and the org paid only if it was a purchase."""
        assert self.paid_purchases() == (1 if token == PHONE else 0)
        assert len(self.purchases()) + len(self.imports()) == 1


# ---------------------------------------------------------------------------- secrets scan

_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def secret_forms(secret: str) -> list[str]:
    """How a secret can show in text: as is, URL-encoded, and its random part alone."""
    from urllib.parse import quote

    forms = [secret, quote(secret, safe=""), secret.rsplit("_", 1)[-1]]
    return list(dict.fromkeys(forms))


def find_secrets(
    items: Iterable[tuple[str, str]], secrets_: Iterable[str] = SECRET_KEYS
) -> list[tuple[str, str]]:
    """``(source, secret form)`` for every text holding a secret, as is or inside base64
    (a pickled ``__provider`` is base64: the key would sit in its decoded bytes)."""
    import base64
    import binascii

    forms = [form for secret in secrets_ for form in secret_forms(secret)]
    hits: list[tuple[str, str]] = []
    for source, text in items:
        views = [text]
        for run in _BASE64_RUN.findall(text):
            try:
                views.append(base64.b64decode(run + "=" * (-len(run) % 4)).decode("latin-1"))
            except (binascii.Error, ValueError):
                continue
        hits.extend((source, form) for form in forms if any(form in view for view in views))
    return hits


def scan_evidence() -> list[tuple[str, str]]:
    """Scan everything kept so far (after every host has stopped); count it in the figures."""
    wait_closed()
    items = EVIDENCE.items()
    hits = find_secrets(items)
    FIGURES.secret_scan_ran = True
    FIGURES.add("secret_texts_scanned", len(items))
    FIGURES.add("secret_bytes_scanned", sum(len(text) for _, text in items))
    FIGURES.add("secret_hits", len(hits))
    return hits


class CarelessProvider(BusinessVerificationProvider):
    """A provider that keeps its key on itself: what decision 1 forbids (scanner test)."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
