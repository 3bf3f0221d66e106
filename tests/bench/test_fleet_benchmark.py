"""Smoke test of the fleet benchmark (``make bench``) on a tiny fleet.

Counts only: wall times vary with the machine, so none is asserted.
"""

from __future__ import annotations

import base64
from collections import Counter

import dill
import pytest
from fleet import Outcome, parse_args, run
from fleetlib import connections, report
from fleetlib.imports import ImportTimes
from fleetlib.sizes import provider_sizes, secret_envelope, state_size
from fleetlib.workloads import (
    CREATE,
    DELETE,
    DIFF,
    OPERATIONS,
    REFRESH,
    UPDATE,
    Measurement,
    PluginTier,
    TierRun,
    route_of,
)
from pulumi_speko.testing import DEMO_API_KEY

COUNT = 5
THREADS = 2
IMPORT = "POST /v1/phone-numbers/import"
BY_ID = "/v1/phone-numbers/{id}"


@pytest.fixture(scope="module")
def outcome() -> Outcome:
    """One full run of the benchmark's command on five numbers (sandbox in its own process)."""
    options = {"--count": COUNT, "--threads": THREADS, "--repeat": 1, "--import-runs": 1}
    argv = [str(part) for option in options.items() for part in option]
    return run(parse_args([*argv, "--no-one-thread", "--no-rate-limited"]))


def rows_of(outcome: Outcome) -> dict[tuple[str, str], report.Row]:
    return {(row.operation, row.tier): row for row in outcome.results[0].rows()}


def test_the_table_has_every_row_of_every_tier(outcome: Outcome) -> None:
    rows = rows_of(outcome)
    host_tiers = (report.PROVIDER, report.PLUGIN, report.FLOOR)
    expected = {(op, tier) for op in OPERATIONS for tier in host_tiers}
    expected |= {(op, report.BASELINE) for op in OPERATIONS if op != DIFF}
    assert set(rows) == expected
    rendered = report.render_table(list(rows.values()))
    for operation in OPERATIONS:
        assert operation in rendered


@pytest.mark.parametrize("tier", [report.PROVIDER, report.PLUGIN])
def test_the_provider_makes_the_requests_the_design_promises(outcome: Outcome, tier: str) -> None:
    rows = rows_of(outcome)
    assert rows[(CREATE, tier)].routes == Counter({IMPORT: COUNT})
    refresh = rows[(REFRESH, tier)]
    assert refresh.requests <= report.REFRESH_MAX_REQUESTS
    assert refresh.routes == Counter({"GET /v1/phone-numbers": 1})  # one list, no GET by id
    assert rows[(DIFF, tier)].requests == 0
    assert rows[(UPDATE, tier)].routes == Counter({f"PATCH {BY_ID}": COUNT})
    # A destroy lists once per process, to learn the key's organization while the numbers
    # are still listed: a 404 then counts as released only for that organization's numbers.
    assert rows[(DELETE, tier)].routes == Counter(
        {f"DELETE {BY_ID}": COUNT, "GET /v1/phone-numbers": 1}
    )


def test_the_plugin_tier_speaks_the_native_family(outcome: Outcome) -> None:
    plugin_run = outcome.results[0].runs[report.PLUGIN][0]
    provider_run = outcome.results[0].provider_runs[0]
    assert PluginTier.type_token == "speko:index:SipTrunkPhoneNumber"
    program_keys = {"e164", "sipConnectionInstallationId", "sipProviderName", "label"}
    assert program_keys <= set(plugin_run.sample_inputs)  # Check adds the defaults
    assert not [key for key in plugin_run.sample_inputs if "_" in key]
    assert "sipConnectionInstallationId" in plugin_run.sample_outputs
    assert "__provider" not in plugin_run.sample_outputs
    assert plugin_run.sample_outputs["e164"] == provider_run.sample_outputs["e164"]
    assert DEMO_API_KEY not in repr(plugin_run.sample_inputs) + repr(plugin_run.sample_outputs)
    assert "plugin" in report.render_added_cost(outcome.results[0].rows(), COUNT)


def test_the_baseline_and_the_sdk_floor_make_one_request_per_number(outcome: Outcome) -> None:
    rows = rows_of(outcome)
    expected = {
        CREATE: IMPORT,
        REFRESH: f"GET {BY_ID}",
        UPDATE: f"PATCH {BY_ID}",
        DELETE: f"DELETE {BY_ID}",
    }
    for operation, route in expected.items():
        for tier in (report.BASELINE, report.FLOOR):
            row = rows[(operation, tier)]
            assert row.routes == Counter({route: COUNT}), (operation, tier)
            assert row.per_resource == 1.0
        assert rows[(operation, report.BASELINE)].ratio == 1.0
    assert rows[(DIFF, report.FLOOR)].requests == 0


def test_the_sdk_floor_runs_its_thin_provider_in_the_host(outcome: Outcome) -> None:
    floor_run = outcome.results[0].runs[report.FLOOR][0]
    provider_run = outcome.results[0].provider_runs[0]
    assert "ThinSipTrunkProvider" in _unpickled_class(floor_run.sample_outputs["__provider"])
    assert "SipTrunkPhoneNumberProvider" in _unpickled_class(
        provider_run.sample_outputs["__provider"]
    )
    assert floor_run.sample_outputs["label"] == provider_run.sample_outputs["label"]
    assert DEMO_API_KEY not in repr(floor_run.sample_outputs)


def _unpickled_class(serialized: str) -> str:
    return type(dill.loads(base64.b64decode(serialized))).__name__


@pytest.mark.skipif(not connections.available(), reason="no /proc/net/tcp on this system")
def test_connections_are_kept_alive(outcome: Outcome) -> None:
    for row in outcome.results[0].rows():
        assert row.connections is not None
        assert row.connections <= THREADS, row


def test_every_target_is_reported(outcome: Outcome) -> None:
    names = " ".join(target.name for target in outcome.targets)
    for words in ("refresh", "create", "update", "delete", "__provider", "import pulumi_speko"):
        assert words in names
    met = {target.name: target.met for target in outcome.targets}
    assert all(met[name] for name in met if "refresh" in name or "__provider" in name)


def test_the_serialized_providers_are_small_and_hold_no_key() -> None:
    sizes = provider_sizes()
    assert set(sizes) == {
        "PhoneNumberProvider",
        "SipTrunkPhoneNumberProvider",
        "BusinessVerificationProvider",
    }
    assert max(sizes.values()) <= report.PROVIDER_MAX_BYTES


def test_state_size_counts_the_provider_as_a_ciphertext_envelope(outcome: Outcome) -> None:
    sample = outcome.results[0].provider_runs[0]
    assert sample.sample_inputs["__provider"] == sample.sample_outputs["__provider"]
    size = state_size(sample.sample_inputs, sample.sample_outputs)
    assert size.with_secret_provider > size.plain > 0
    assert 0 < size.provider_share < size.with_secret_provider
    assert DEMO_API_KEY not in repr(sample.sample_inputs) + repr(sample.sample_outputs)


def test_secret_envelope_has_pulumis_shape() -> None:
    envelope = secret_envelope("abc")
    assert envelope["4dabf18193072939515e22adb298388d"] == "1b47061264138c4ac30d75fd1eb44270"
    version, nonce, sealed = envelope["ciphertext"].split(":")
    assert (version, len(nonce)) == ("v1", 16)  # 12 bytes of nonce in base64
    assert len(sealed) == 4 * -(-(len('"abc"') + 16) // 3)  # JSON text + 16-byte tag


def test_ratios_and_missed_targets_are_computed_from_the_medians() -> None:
    def tier(seconds: dict[str, float], requests: int) -> TierRun:
        return TierRun(
            measurements={
                op: Measurement(op, s, requests, Counter({"GET /x": requests}), 1)
                for op, s in seconds.items()
            }
        )

    provider = [
        tier({CREATE: 1.0, REFRESH: 0.1, DIFF: 0.1, UPDATE: 2.0, DELETE: 1.0}, 2),
        tier({CREATE: 3.0, REFRESH: 0.1, DIFF: 0.1, UPDATE: 2.0, DELETE: 1.0}, 4),
    ]
    floor = [tier({CREATE: 1.6, REFRESH: 1.5, DIFF: 0.1, UPDATE: 1.6, DELETE: 1.0}, 10)]
    baseline = [tier({CREATE: 1.0, REFRESH: 1.0, UPDATE: 1.0, DELETE: 1.0}, 10)] * 2
    runs = {report.PROVIDER: provider, report.FLOOR: floor, report.BASELINE: baseline}
    rows = report.summarize(runs, count=10)
    by_key = {(row.operation, row.tier): row for row in rows}
    without_plugin = [tier for tier in report.TIERS if tier != report.PLUGIN]
    assert [row.tier for row in rows if row.operation == CREATE] == without_plugin
    assert by_key[(CREATE, report.PROVIDER)].ratio == 2.0  # median of 1.0 and 3.0
    assert by_key[(CREATE, report.FLOOR)].ratio == 1.6
    assert by_key[(REFRESH, report.PROVIDER)].requests == 4  # the worst run
    assert by_key[(DIFF, report.PROVIDER)].ratio is None
    added = report.render_added_cost(rows, count=10)
    assert "create: SDK floor +60.00 ms, provider +100.00 ms" in added  # (2.0 - 1.0) s / 10
    assert "delete: SDK floor +0.00 ms, provider +0.00 ms" in added
    assert "(its own code): create 1.25x, update 1.25x, delete 1.00x" in added  # 2.0 / 1.6
    imports = ImportTimes(runs=1, pulumi=0.2, package=0.001, resources=0.3)
    targets = report.evaluate_targets(rows, {"P": 2000}, imports, count=10)
    missed = {t.name.split()[0] for t in targets if not t.met}
    assert missed == {"refresh", "create", "update", "serialized"}  # delete is 1.0x
    assert any("import" in t.name and t.met for t in targets)
    create = next(t for t in targets if t.name.startswith("create"))
    assert create.figure == "2.00x (SDK floor alone: 1.60x)"


def test_the_table_and_targets_without_the_floor_tier() -> None:
    measured = {op: Measurement(op, 1.0, 1, Counter(), None) for op in OPERATIONS}
    runs = {report.PROVIDER: [TierRun(dict(measured))], report.BASELINE: [TierRun(measured)]}
    rows = report.summarize(runs, count=1)
    assert {row.tier for row in rows} == {report.PROVIDER, report.BASELINE}
    assert "SDK floor" not in report.render_added_cost(rows, count=1)
    targets = report.evaluate_targets(rows, {"P": 1}, None, count=1)
    assert [t.figure for t in targets if t.name.startswith("create")] == ["1.00x"]


def test_route_of_groups_by_endpoint() -> None:
    assert route_of("GET", "/v1/phone-numbers/pn_123") == f"GET {BY_ID}"
    assert route_of("GET", "/v1/phone-numbers") == "GET /v1/phone-numbers"
    assert route_of("POST", "/v1/phone-numbers/import") == IMPORT
    assert route_of("GET", "/v1/phone-numbers/available") == "GET /v1/phone-numbers/available"


def test_connection_table_parsing() -> None:
    table = (
        "  sl  local_address rem_address   st\n"
        "   0: 0100007F:1F90 00000000:0000 0A\n"  # the server listening on 8080
        "   1: 0100007F:C350 0100007F:1F90 01\n"  # client port 50000 -> 8080
        "   2: 0100007F:1F90 0100007F:C351 06\n"  # server side of client port 50001
        "   3: 0100007F:C352 0100007F:0050 01\n"  # another server
    )
    assert connections._ports_in(table, 8080) == {50000, 50001}
