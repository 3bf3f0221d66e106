"""The default seed of the sandbox: two organizations and a shared pool of US numbers.

Everything here is deterministic, so a reset always yields the same world.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

DEMO_ORG = "org_demo"
DEMO_API_KEY = "sk_test_demo"
OTHER_ORG = "org_other"
OTHER_API_KEY = "sk_test_other"
DEFAULT_ADMIN_TOKEN = "sandbox-admin"

DEFAULT_POOL_SIZE = 60
MAX_POOL_SIZE = 3 * 9900  # three area codes, lines 555-0100 .. 555-9999
SEED_AGENTS = ("agent_sales", "agent_support")
SEED_SIP_INSTALLATIONS = ("sci_demo",)
SEED_CREDITS_CENTS = 100_00
UPFRONT_CENTS = 1_00
MONTHLY_CENTS = 2_00
FEATURES = ("voice", "sms")


@dataclass(frozen=True)
class AreaCode:
    """An area code of the pool and the region its numbers belong to."""

    code: str
    state: str
    locality: str
    rate_center: str


AREA_CODES = (
    AreaCode("415", "CA", "San Francisco", "SAN FRANCISCO"),
    AreaCode("212", "NY", "New York", "NEW YORK CITY"),
    AreaCode("646", "NY", "New York", "NEW YORK CITY"),
)


@dataclass(frozen=True)
class PoolEntry:
    """One number of the shared pool that managed purchases draw from."""

    position: int
    e164: str
    area: AreaCode
    friendly_name: str
    upfront_cents: int = UPFRONT_CENTS
    monthly_cents: int = MONTHLY_CENTS
    features: tuple[str, ...] = FEATURES


@dataclass(frozen=True)
class SeedConfig:
    """What a fresh or reset sandbox contains.

    ``orgs`` pairs each organization with one API key; every organization gets the
    seeded agents, SIP installation and credits. ``extra_keys`` adds more keys to
    organizations (which are created when missing).
    """

    pool_size: int = DEFAULT_POOL_SIZE
    orgs: tuple[tuple[str, str], ...] = ((DEMO_ORG, DEMO_API_KEY), (OTHER_ORG, OTHER_API_KEY))
    extra_keys: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not 1 <= self.pool_size <= MAX_POOL_SIZE:
            raise ValueError(f"pool size must be between 1 and {MAX_POOL_SIZE}")

    def all_keys(self) -> tuple[tuple[str, str], ...]:
        """Every (organization, API key) pair the sandbox accepts."""
        return self.orgs + self.extra_keys


def friendly_name(e164: str) -> str:
    """``+14155550123`` as ``+1 (415) 555-0123``."""
    digits = e164[2:]
    return f"+1 ({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def pool_entries(pool_size: int) -> Iterator[PoolEntry]:
    """The pool: round-robin over the area codes, lines counting up from 555-0100."""
    for position in range(pool_size):
        area = AREA_CODES[position % len(AREA_CODES)]
        line = 100 + position // len(AREA_CODES)
        e164 = f"+1{area.code}555{line:04d}"
        yield PoolEntry(position, e164, area, friendly_name(e164))
