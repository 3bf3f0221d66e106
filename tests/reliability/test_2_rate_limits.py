"""Rate limits, server errors and latency: retried within the budget, or one clear error.

The client's retry policy (``pulumi_speko.api._retry``) is the system under test: it
really sleeps inside the provider host, and the sandbox's request log (arrival times, in
milliseconds) shows how long it waited between attempts.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import pairwise
from typing import Any

import pytest
from pulumi.dynamic import ConfigureRequest
from pulumi.dynamic.config import Config
from pulumi_speko.api import ApiTimeoutError, Client, PhoneNumberImport
from pulumi_speko.api._retry import DEFAULT_MAX_RETRIES
from pulumi_speko.credentials import Credentials
from pulumi_speko.resources._session import close_all_sessions, use_client
from pulumi_speko.resources.business_verification import BusinessVerificationProvider
from pulumi_speko.resources.phone_number import PhoneNumberProvider
from pulumi_speko.testing.engine import EngineError
from pulumi_speko.testing.sandbox import DEMO_ORG, RequestLogEntry, RunningSandbox

from .support import (
    EVIDENCE,
    FIGURES,
    PHONE,
    RELIABILITY_KEY,
    SIP,
    VERIFICATION,
    Engine,
    Ledger,
    assert_clear_error,
    calls,
    purchases,
    user_props,
)

MS = 0.001  # the request log's clock resolution
SIP_PROPS = {"e164": "+4930123456", "sip_connection_installation_id": "sci_demo"}


def arrival(entry: RequestLogEntry) -> float:
    return datetime.fromisoformat(entry.time.replace("Z", "+00:00")).timestamp()


def gaps(entries: list[RequestLogEntry]) -> list[float]:
    """Seconds between the arrivals of consecutive attempts."""
    times = [arrival(entry) for entry in entries]
    return [later - earlier for earlier, later in pairwise(times)]


def outlast_delayed_calls(platform: RunningSandbox, latency: float) -> None:
    """Return once calls already held by a ``latency`` fault have finished in the sandbox.

    A call held just as long and sent after them answers after them (no test sleep).
    """
    platform.control.add_fault(
        "GET", "/v1/phone-numbers/kyb", action="latency", latency_seconds=latency, times=1
    )
    with Client(RELIABILITY_KEY, platform.base_url) as client:
        client.get_business_verification()


def imported(engine: Engine) -> tuple[str, dict[str, Any], dict[str, Any]]:
    inputs = engine.checked(SIP, "n", SIP_PROPS)
    number_id, outs = engine.create(SIP, "n", inputs)
    return number_id, outs, inputs


# ----------------------------------------------------------------------------- 429


def test_429_bursts_are_waited_out_for_at_least_retry_after(
    platform: RunningSandbox, engines: Callable[..., Engine], ledger: Ledger
) -> None:
    engine = engines()
    engine.file_verification()
    control = platform.control
    # a burst of two on the list, a single one with a longer wait on the purchase
    control.add_fault(
        "GET", "/v1/phone-numbers/available", action="respond", status=429, retry_after=0.6, times=2
    )
    control.add_fault(
        "POST", "/v1/phone-numbers", action="respond", status=429, retry_after=0.9, times=1
    )

    inputs = engine.checked(PHONE, "n", {"area_code": "212"})
    number_id, _ = engine.create(PHONE, "n", inputs)

    log = control.request_log()
    searches = calls(log, "GET", "/v1/phone-numbers/available")
    assert [s.status for s in searches] == [429, 429, 200]
    assert all(gap >= 0.6 - MS for gap in gaps(searches)), gaps(searches)
    posts = calls(log, "POST", "/v1/phone-numbers")
    assert [p.status for p in posts] == [429, 201]  # a 429 did nothing, so a POST may retry
    assert gaps(posts)[0] >= 0.9 - MS, gaps(posts)
    assert [n["id"] for n in control.list_numbers(DEMO_ORG)] == [number_id]
    assert ledger.paid_purchases() == 1
    FIGURES.add("purchases_landed", len(purchases(log)))


def test_retry_after_beyond_the_budget_fails_at_once_with_the_status(
    platform: RunningSandbox, engines: Callable[..., Engine]
) -> None:
    engine = engines()
    platform.control.add_fault(
        "POST", "/v1/phone-numbers/import", action="respond", status=429, retry_after=600
    )
    inputs = engine.checked(SIP, "n", SIP_PROPS)
    started = time.monotonic()
    with pytest.raises(EngineError) as raised:
        engine.create(SIP, "n", inputs)
    assert time.monotonic() - started < 5  # never sleeps past its 300 s rate-limit wait
    message = assert_clear_error(raised.value)
    assert "429 RATE_LIMITED" in message and "retry after 600s" in message
    assert re.search(r"gave up after waiting \d+s on the rate limit: raise speko:rate", message)
    assert platform.control.list_numbers(DEMO_ORG) == []
    assert len(calls(platform.control.request_log(), "POST", "/v1/phone-numbers/import")) == 1


# ----------------------------------------------------------------------------- 5xx


def test_502_and_503_bursts_on_idempotent_calls_succeed_after_retries(
    platform: RunningSandbox, engines: Callable[..., Engine]
) -> None:
    control = platform.control
    number_id, outs, inputs = imported(engines())

    control.add_fault("GET", "/v1/phone-numbers", action="respond", status=502, times=1)
    refreshed = engines(name="refresh").read(SIP, "n", number_id, outs, inputs)  # fresh host
    assert refreshed.id == number_id

    engine = engines()
    control.add_fault("PATCH", "/v1/phone-numbers/*", action="respond", status=503, times=1)
    labelled = engine.checked(SIP, "n", {**user_props(inputs), "label": "after a 503"})
    outs = engine.update(SIP, "n", number_id, refreshed.properties, labelled)
    assert outs["label"] == "after a 503"

    control.add_fault("DELETE", "/v1/phone-numbers/*", action="respond", status=502, times=1)
    engine.delete(SIP, "n", number_id, outs)
    assert control.list_numbers(DEMO_ORG) == []

    log = control.request_log()
    # The refresh's list (502, then 200), and the list the delete makes to learn the key's
    # organization before its first release.
    assert [e.status for e in calls(log, "GET", "/v1/phone-numbers")] == [502, 200, 200]
    assert [e.status for e in calls(log, "PATCH", "/v1/phone-numbers/*")] == [503, 200]
    assert [e.status for e in calls(log, "DELETE", "/v1/phone-numbers/*")] == [502, 200]


def test_a_storm_past_the_retry_budget_is_one_clear_error_and_changes_nothing(
    platform: RunningSandbox, engines: Callable[..., Engine]
) -> None:
    control = platform.control
    engine = engines()
    number_id, outs, inputs = imported(engine)
    for status in (502, 503, 502, 503, 502):  # alternating: the error names the last one
        control.add_fault("PATCH", "/v1/phone-numbers/*", action="respond", status=status, times=1)
    labelled = engine.checked(SIP, "n", {**user_props(inputs), "label": "never applied"})
    with pytest.raises(EngineError) as raised:
        engine.update(SIP, "n", number_id, outs, labelled)
    message = assert_clear_error(raised.value)
    attempts = DEFAULT_MAX_RETRIES + 1
    assert message.startswith("update phone number routing: PATCH /v1/phone-numbers/")
    assert f"-> 503 INTERNAL: Service Unavailable (after {attempts} attempts)" in message
    [live] = control.list_numbers(DEMO_ORG)
    assert live["label"] is None  # no partial state
    patches = calls(control.request_log(), "PATCH", "/v1/phone-numbers/*")
    assert [p.status for p in patches] == [502, 503, 502, 503]

    outs = engine.update(SIP, "n", number_id, outs, labelled)  # the storm passed: rerun
    assert outs["label"] == "never applied"
    FIGURES.add("reruns")


def test_a_storm_on_purchases_buys_nothing_and_a_rerun_buys_once(
    platform: RunningSandbox, engines: Callable[..., Engine], ledger: Ledger
) -> None:
    control = platform.control
    engine = engines()
    engine.file_verification()
    storm = control.add_fault("POST", "/v1/phone-numbers", action="respond", status=502)
    inputs = engine.checked(PHONE, "n", {"area_code": "646"})
    with pytest.raises(EngineError) as raised:
        engine.create(PHONE, "n", inputs)
    message = assert_clear_error(raised.value)
    assert "POST /v1/phone-numbers -> 502" in message
    assert control.list_numbers(DEMO_ORG) == []
    assert ledger.paid_purchases() == 0
    # a 5xx answer to a POST is ambiguous: the provider looked before each new attempt
    log = control.request_log()
    kinds = [(e.method, e.path) for e in log if e.path in ("/v1/phone-numbers",)]
    assert kinds == [("POST", "/v1/phone-numbers"), ("GET", "/v1/phone-numbers")] * 3

    control.remove_fault(storm)
    number_id, _ = engine.create(PHONE, "n", inputs)
    assert [n["id"] for n in control.list_numbers(DEMO_ORG)] == [number_id]
    assert ledger.paid_purchases() == 1
    FIGURES.add("reruns")
    FIGURES.add("purchases_landed", len(purchases(control.request_log())))


# ----------------------------------------------------------------------------- latency


def test_latency_spikes_past_the_client_timeout(platform: RunningSandbox) -> None:
    """No seam gives the provider a shorter timeout than 30 s, so this runs at client level."""
    control = platform.control
    with Client(RELIABILITY_KEY, platform.base_url, timeout=0.25) as client:
        control.add_fault("GET", "/v1/phone-numbers", action="latency", latency_seconds=0.1)
        assert client.list_phone_numbers() == []  # a spike under the timeout is harmless
        control.clear_faults()

        control.add_fault(
            "GET", "/v1/phone-numbers", action="latency", latency_seconds=0.6, times=1
        )
        assert client.list_phone_numbers() == []  # timed out, retried: a GET is idempotent
        lists = calls(control.request_log(), "GET", "/v1/phone-numbers")
        assert [e.fault_id is not None for e in lists] == [True, True, False]

        control.add_fault(
            "POST", "/v1/phone-numbers/import", action="latency", latency_seconds=0.6, times=1
        )
        body = PhoneNumberImport(e164="+4930123456", sip_connection_installation_id="sci_demo")
        with pytest.raises(ApiTimeoutError) as raised:
            client.import_phone_number(body)
    outlast_delayed_calls(platform, 0.6)
    message = str(raised.value)
    EVIDENCE.add("client error", message)
    assert message.startswith("POST /v1/phone-numbers/import -> timed out after the request")
    assert "may have taken effect" in message
    imports = calls(control.request_log(), "POST", "/v1/phone-numbers/import")
    assert len(imports) == 1  # never replayed by the client: it may have landed


@pytest.fixture
def short_timeout_providers(
    platform: RunningSandbox,
) -> Iterator[tuple[PhoneNumberProvider, BusinessVerificationProvider]]:
    """The providers in this process, their client timing out after 0.25 s (the in-process
    seam ``use_client``: the host offers no way to shorten the 30 s default)."""
    close_all_sessions()
    credentials = Credentials(RELIABILITY_KEY, platform.base_url)
    use_client(credentials, Client(RELIABILITY_KEY, platform.base_url, timeout=0.25))
    config = Config({"speko:apiKey": RELIABILITY_KEY, "speko:baseUrl": platform.base_url}, "p")
    phone, kyb = PhoneNumberProvider(), BusinessVerificationProvider()
    phone.configure(ConfigureRequest(config))
    kyb.configure(ConfigureRequest(config))
    yield phone, kyb
    close_all_sessions()


def test_a_purchase_that_times_out_and_lands_late_is_bought_once(
    platform: RunningSandbox,
    ledger: Ledger,
    short_timeout_providers: tuple[PhoneNumberProvider, BusinessVerificationProvider],
) -> None:
    """In process (the provider class itself): the POST outlives the timeout; the provider
    looks, finds nothing, sends it again, and the E.164 is bought once.

    (The sandbox's latency fault sleeps before the app reads the body, so the abandoned
    POST cannot land late: it ends in a 400 once the client has gone. A lost answer to a
    POST that did land is the drop fault, covered in test_1.)"""
    phone, kyb = short_timeout_providers
    kyb.create(dict(VERIFICATION))
    control = platform.control
    control.add_fault("POST", "/v1/phone-numbers", action="latency", latency_seconds=0.6, times=1)
    result = phone.create({"e164": "+12125550100", "direction": "outbound"})
    assert result.outs is not None and result.outs["e164"] == "+12125550100"

    outlast_delayed_calls(platform, 0.6)
    assert [n["id"] for n in control.list_numbers(DEMO_ORG)] == [result.id]
    assert ledger.paid_purchases() == 1
    log = control.request_log()
    assert len(calls(log, "POST", "/v1/phone-numbers")) == 2
    assert len(purchases(log)) == 1
    FIGURES.add("purchases_landed", len(purchases(control.request_log())))
