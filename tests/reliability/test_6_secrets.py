"""Secrets: after everything else, no API key in anything the engine, hosts or sandbox saw.

The suite's keys are random and distinctive (``sk_test_reliability_<hex>``). Every
``__provider``, check result, output, refreshed state, error message, host stdout and
stderr line, client error, fuzzing answer and sandbox request log of the run was kept
(:data:`support.EVIDENCE`); this module runs last and scans all of it, plain and inside
base64 (the pickled provider). The scanner is first shown to find keys planted where a
leak would put them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import quote

import pytest
from pulumi_speko.testing.engine import EngineError, serialize_provider
from pulumi_speko.testing.sandbox import RunningSandbox

from .lifecycle import run_lifecycle
from .support import (
    EVIDENCE,
    OTHER_RELIABILITY_KEY,
    PROVIDERS,
    RELIABILITY_KEY,
    SIP,
    CarelessProvider,
    Engine,
    HostPool,
    find_secrets,
    scan_evidence,
)

REQUIRED_SOURCES = {
    "__provider",
    "engine check",
    "engine create",
    "engine update",
    "engine read",
    "engine error",
    "host stdout",
    "host stderr",
    "request log",
}


def test_the_scanner_finds_keys_planted_where_a_leak_would_put_them() -> None:
    planted = {
        "output": json.dumps({"outputs": {"label": f"key {RELIABILITY_KEY} here"}}),
        "error line": f"create PhoneNumber: POST /v1/x -> 401 (Bearer {RELIABILITY_KEY})",
        "pickled provider": serialize_provider(CarelessProvider(OTHER_RELIABILITY_KEY)),
        "url": f"/v1/phone-numbers?api_key={quote(RELIABILITY_KEY, safe='')}",
        "truncated": f"token ...{RELIABILITY_KEY.rsplit('_', 1)[-1]}",
    }
    for source, text in planted.items():
        assert find_secrets([(source, text)]), f"the scanner missed the key in the {source}"
    clean = [(token, provider) for token, provider in PROVIDERS.items()]
    clean.append(("outputs", json.dumps({"label": "sk_test_demo", "e164": "+14155550100"})))
    assert find_secrets(clean) == []


def test_no_api_key_in_anything_the_run_produced(
    platform: RunningSandbox, host_pool: HostPool, engines: Callable[..., Engine]
) -> None:
    if not EVIDENCE.sources() >= REQUIRED_SOURCES:  # run alone: make something to scan
        run_lifecycle(platform, host_pool, seed=66, operations=30)
    engine = engines()  # and one refused create, whatever ran before
    props = {"e164": "+4930123456", "sip_trunk_id": "t", "agent_id": "nobody"}
    with pytest.raises(EngineError):
        engine.create(SIP, "n", engine.checked(SIP, "n", props))
    engine.close()
    EVIDENCE.add("request log", [entry.__dict__ for entry in platform.control.request_log()])
    hits = scan_evidence()  # once every host has stopped and all it printed is kept
    assert EVIDENCE.sources() >= REQUIRED_SOURCES
    assert all(len(provider) < 200 for provider in PROVIDERS.values())  # empty pickles
    assert hits == [], f"API key found in: {sorted(set(hits))}"
