"""The store without HTTP: timestamps under an injected clock, months, persistence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from pulumi_speko.sandbox.model import (
    InsufficientCredits,
    NotFound,
    Routing,
    SipAttachment,
    add_one_month,
    iso,
)
from pulumi_speko.sandbox.seed import SeedConfig
from pulumi_speko.sandbox.store import Store
from pulumi_speko.testing.sandbox import DEMO_ORG, OTHER_ORG, RunningSandbox

from .support import POOL_NUMBER, UK_NUMBER, business_profile, representative


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


START = datetime(2024, 1, 31, 10, 0, 0, 123456, tzinfo=timezone.utc)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def store(clock: FakeClock) -> Iterator[Store]:
    opened = Store(now=clock)
    opened.submit_verification(DEMO_ORG, business_profile(), representative())
    yield opened
    opened.close()


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2024, 1, 31, tzinfo=timezone.utc), datetime(2024, 2, 29, tzinfo=timezone.utc)),
        (datetime(2023, 1, 31, tzinfo=timezone.utc), datetime(2023, 2, 28, tzinfo=timezone.utc)),
        (datetime(2024, 3, 31, tzinfo=timezone.utc), datetime(2024, 4, 30, tzinfo=timezone.utc)),
        (datetime(2024, 12, 15, tzinfo=timezone.utc), datetime(2025, 1, 15, tzinfo=timezone.utc)),
        (datetime(2024, 6, 1, tzinfo=timezone.utc), datetime(2024, 7, 1, tzinfo=timezone.utc)),
    ],
)
def test_one_calendar_month_later(moment: datetime, expected: datetime) -> None:
    assert add_one_month(moment) == expected


def test_iso_is_utc_with_a_z() -> None:
    paris = timezone(timedelta(hours=2))
    assert iso(datetime(2024, 5, 1, 12, 30, 0, 999999, tzinfo=paris)) == "2024-05-01T10:30:00.999Z"


def test_purchase_stamps_come_from_the_clock(store: Store) -> None:
    number = store.purchase_number(DEMO_ORG, POOL_NUMBER, Routing())
    assert number.created_at == "2024-01-31T10:00:00.123Z"
    assert number.updated_at == number.created_at
    assert number.last_charged_at == number.created_at
    assert number.next_charge_at == "2024-02-29T10:00:00.123Z"


def test_import_is_never_charged_but_has_a_next_charge(store: Store) -> None:
    number = store.import_number(DEMO_ORG, UK_NUMBER, Routing(), SipAttachment("sci_demo"))
    assert number.last_charged_at is None
    assert number.next_charge_at == "2024-02-29T10:00:00.123Z"
    assert store.credits(DEMO_ORG) == Decimal("100.00")


def test_update_moves_updated_at_only(store: Store, clock: FakeClock) -> None:
    number = store.import_number(DEMO_ORG, UK_NUMBER, Routing(), SipAttachment("sci_demo"))
    clock.advance(minutes=5)
    patched = store.update_number(DEMO_ORG, number.id, {"label": "New"})
    assert patched.created_at == number.created_at
    assert patched.updated_at == "2024-01-31T10:05:00.123Z"
    assert patched.next_charge_at == number.next_charge_at


def test_suspension_and_verification_stamps(store: Store, clock: FakeClock) -> None:
    number = store.purchase_number(DEMO_ORG, POOL_NUMBER, Routing())
    clock.advance(days=2)
    assert store.suspend_number(number.id).suspended_at == "2024-02-02T10:00:00.123Z"
    submitted = store.submit_verification(OTHER_ORG, business_profile(), representative())
    assert submitted.submitted_at == "2024-02-02T10:00:00.123Z"
    assert submitted.attested_at == submitted.submitted_at


def test_timestamps_over_http_use_the_injected_clock(
    demo: httpx.Client, sandbox: RunningSandbox, clock: FakeClock
) -> None:
    sandbox.store.now = clock
    response = demo.post(
        "/v1/phone-numbers/import",
        json={"e164": UK_NUMBER, "sipConnectionInstallationId": "sci_demo"},
    )
    assert response.json()["createdAt"] == "2024-01-31T10:00:00.123Z"
    assert response.json()["nextChargeAt"] == "2024-02-29T10:00:00.123Z"


def test_a_refused_purchase_changes_nothing(store: Store) -> None:
    store.set_credits(DEMO_ORG, Decimal("1"))
    with pytest.raises(InsufficientCredits):
        store.purchase_number(DEMO_ORG, POOL_NUMBER, Routing())
    assert store.credits(DEMO_ORG) == Decimal("1.00")
    assert store.list_numbers(DEMO_ORG) == []


def test_credits_round_to_cents_half_up(store: Store) -> None:
    assert store.set_credits(DEMO_ORG, Decimal("12.345")) == Decimal("12.35")
    with pytest.raises(NotFound):
        store.set_credits("org_nobody", Decimal("1"))


def test_a_file_database_keeps_its_state(tmp_path: Path, clock: FakeClock) -> None:
    path = str(tmp_path / "sandbox.db")
    first = Store(path, now=clock)
    first.submit_verification(DEMO_ORG, business_profile(), representative())
    bought = first.purchase_number(DEMO_ORG, POOL_NUMBER, Routing(label="kept"))
    first.add_agent(DEMO_ORG, "agent_new")
    first.close()

    second = Store(path, SeedConfig(extra_keys=(("org_ci", "sk_ci"),)), now=clock)
    assert second.list_numbers(DEMO_ORG) == [bought]
    assert second.credits(DEMO_ORG) == Decimal("97.00")
    assert second.verification_overview(DEMO_ORG).status == "submitted"
    assert second.org_for_key("sk_ci") == "org_ci"
    second.update_number(DEMO_ORG, bought.id, {"agent_id": "agent_new"})
    second.reset()
    assert second.list_numbers(DEMO_ORG) == []
    assert second.credits(DEMO_ORG) == Decimal("100.00")
    second.close()
