"""The sandbox backend: all data and every rule of the contract, on SQLite, without HTTP.

One connection guarded by one lock; each public method is one transaction, so parallel
callers (the server's worker threads) see a consistent state and a failing operation
leaves nothing behind. The clock is injected (``now``) so tests control timestamps.

Checks of a managed purchase, in order: ``+1`` (400), the agent (400), business
verification (403), the E.164 already held (409), the number in the pool (400), credits
(402). Imports: the agent and SIP installation (400), then the E.164 held (409).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from pulumi_speko.sandbox.model import (
    INBOUND_DIRECTIONS,
    AvailableNumber,
    Clock,
    Conflict,
    InsufficientCredits,
    InvalidInput,
    JsonObject,
    NotFound,
    Routing,
    RoutingPatch,
    SipAttachment,
    StoredNumber,
    Verification,
    VerificationOverview,
    VerificationRequired,
    VerificationStatus,
    add_one_month,
    cents_to_usd,
    derive_setup_status,
    iso,
    new_id,
    system_clock,
    usd_to_cents,
)
from pulumi_speko.sandbox.seed import (
    SEED_AGENTS,
    SEED_CREDITS_CENTS,
    SEED_SIP_INSTALLATIONS,
    SeedConfig,
    pool_entries,
)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

RecordT = TypeVar("RecordT", bound="DataclassInstance")
PURCHASE_GATE_STATUSES = ("submitted", "approved")
INBOUND_NEEDS_ROUTE = (
    "a number that takes inbound calls needs an agentId or a dispatchMetadataTemplate"
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (id TEXT PRIMARY KEY, credits_cents INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (key TEXT PRIMARY KEY, org_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (
    org_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (org_id, id));
CREATE TABLE IF NOT EXISTS sip_installations (
    org_id TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (org_id, id));
CREATE TABLE IF NOT EXISTS pool (
    e164 TEXT PRIMARY KEY, position INTEGER NOT NULL, area_code TEXT NOT NULL,
    friendly_name TEXT NOT NULL, state TEXT, locality TEXT, rate_center TEXT,
    upfront_cents INTEGER NOT NULL, monthly_cents INTEGER NOT NULL, features TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS phone_numbers (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE, org_id TEXT NOT NULL, e164 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL, provider_resource_id TEXT, sip_trunk_id TEXT,
    sip_connection_installation_id TEXT, sip_provider_name TEXT, direction TEXT NOT NULL,
    dispatch_metadata_template TEXT, agent_id TEXT, label TEXT,
    next_charge_at TEXT NOT NULL, last_charged_at TEXT, suspended_at TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verifications (
    org_id TEXT PRIMARY KEY, id TEXT NOT NULL, status TEXT NOT NULL,
    business_profile TEXT NOT NULL, authorized_representative TEXT NOT NULL,
    attestation_accepted INTEGER NOT NULL, attested_at TEXT, submitted_at TEXT,
    rejection_reason TEXT, slack_notification_status TEXT NOT NULL,
    slack_notification_job_id TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
"""
TABLES = (
    "meta",
    "orgs",
    "api_keys",
    "agents",
    "sip_installations",
    "pool",
    "phone_numbers",
    "verifications",
)


def _load_json(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _dump_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, separators=(",", ":"))


# The record fields whose column has another name (the rest have the field's name).
COLUMN_OF_FIELD = {"organization_id": "org_id"}


def _record_from_row(record_type: type[RecordT], row: sqlite3.Row, **converted: Any) -> RecordT:
    """A record whose fields are read from the row's columns of the same name, except
    those ``converted`` gives (the columns that need decoding)."""
    columns = {
        f.name: row[COLUMN_OF_FIELD.get(f.name, f.name)]
        for f in fields(record_type)
        if f.name not in converted
    }
    return record_type(**columns, **converted)


NUMBER_COLUMNS = """
    n.id, n.org_id, n.e164, n.source, n.provider_resource_id, n.sip_trunk_id,
    n.sip_connection_installation_id, n.sip_provider_name, n.direction,
    n.dispatch_metadata_template, n.agent_id, n.label, n.next_charge_at, n.last_charged_at,
    n.suspended_at, n.created_at, n.updated_at,
    EXISTS (SELECT 1 FROM sip_installations s
            WHERE s.org_id = n.org_id AND s.id = n.sip_connection_installation_id)
        AS installation_exists
"""


def _number_from_row(row: sqlite3.Row) -> StoredNumber:
    template = _load_json(row["dispatch_metadata_template"])
    setup_status = derive_setup_status(
        source=row["source"],
        direction=row["direction"],
        agent_id=row["agent_id"],
        has_template=template is not None,
        installation_exists=bool(row["installation_exists"]),
        suspended=row["suspended_at"] is not None,
    )
    return _record_from_row(
        StoredNumber, row, dispatch_metadata_template=template, setup_status=setup_status
    )


VERIFICATION_COLUMNS = """
    id, org_id, status, business_profile, authorized_representative, attestation_accepted,
    attested_at, submitted_at, rejection_reason, slack_notification_status,
    slack_notification_job_id, created_at, updated_at
"""


def _verification_from_row(row: sqlite3.Row) -> Verification:
    return _record_from_row(
        Verification,
        row,
        business_profile=json.loads(row["business_profile"]),
        authorized_representative=json.loads(row["authorized_representative"]),
        attestation_accepted=bool(row["attestation_accepted"]),
    )


def _available_from_row(row: sqlite3.Row) -> AvailableNumber:
    return _record_from_row(
        AvailableNumber,
        row,
        monthly_cost_usd=cents_to_usd(row["monthly_cents"]),
        upfront_cost_usd=cents_to_usd(row["upfront_cents"]),
        features=tuple(json.loads(row["features"])),
    )


# --- the store --------------------------------------------------------------------------


@dataclass
class Store:
    """The sandbox's data and rules on one SQLite database (a file or ``:memory:``).

    A file database keeps its state across restarts: it is seeded only when new, and
    afterwards only the configured API keys are added if missing. ``reset`` re-seeds.
    """

    db: str = ":memory:"
    seed: SeedConfig = field(default_factory=SeedConfig)
    now: Clock = system_clock
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _conn: sqlite3.Connection = field(init=False, repr=False)
    _keys: dict[str, str] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self._conn = sqlite3.connect(self.db, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row  # columns by name, never by position
        with self._lock:
            self._conn.executescript(SCHEMA)
        with self._transaction() as cur:
            if cur.execute("SELECT 1 FROM meta WHERE key = 'seeded'").fetchone() is None:
                self._seed(cur)
            else:
                self._ensure_keys(cur)
        self._reload_keys()

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def _stamp(self) -> str:
        return iso(self.now())

    # --- seeding and organizations --------------------------------------------------

    def _seed(self, cur: sqlite3.Cursor) -> None:
        for org_id, api_key in self.seed.all_keys():
            self._create_org(cur, org_id, api_key)
        cur.executemany(
            "INSERT INTO pool VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    entry.e164,
                    entry.position,
                    entry.area.code,
                    entry.friendly_name,
                    entry.area.state,
                    entry.area.locality,
                    entry.area.rate_center,
                    entry.upfront_cents,
                    entry.monthly_cents,
                    json.dumps(list(entry.features)),
                )
                for entry in pool_entries(self.seed.pool_size)
            ],
        )
        cur.execute("INSERT INTO meta VALUES ('seeded', ?)", (self._stamp(),))

    def _ensure_keys(self, cur: sqlite3.Cursor) -> None:
        for org_id, api_key in self.seed.all_keys():
            self._create_org(cur, org_id, api_key)

    def _create_org(self, cur: sqlite3.Cursor, org_id: str, api_key: str) -> None:
        """Create the org (seeded like the demo orgs) when missing, and attach the key."""
        known = cur.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone()
        if known is None:
            cur.execute("INSERT INTO orgs VALUES (?, ?)", (org_id, SEED_CREDITS_CENTS))
            cur.executemany("INSERT INTO agents VALUES (?, ?)", [(org_id, a) for a in SEED_AGENTS])
            cur.executemany(
                "INSERT INTO sip_installations VALUES (?, ?)",
                [(org_id, s) for s in SEED_SIP_INSTALLATIONS],
            )
        cur.execute("INSERT OR REPLACE INTO api_keys VALUES (?, ?)", (api_key, org_id))

    def reset(self) -> None:
        """Drop every change and return to the seed."""
        with self._transaction() as cur:
            for table in TABLES:
                cur.execute(f"DELETE FROM {table}")
            self._seed(cur)
        self._reload_keys()

    def add_org(self, org_id: str, api_key: str) -> None:
        """Create an organization seeded like the demo ones, or add a key to it."""
        with self._transaction() as cur:
            self._create_org(cur, org_id, api_key)
        self._reload_keys()

    def api_keys(self) -> dict[str, str]:
        """Every accepted API key and the organization it belongs to."""
        return dict(self._keys)

    def org_for_key(self, api_key: str) -> str | None:
        """The organization an API key belongs to, or None for an unknown key.

        Served from memory (no lock, no query) because every request asks.
        """
        return self._keys.get(api_key)

    def _reload_keys(self) -> None:
        with self._transaction() as cur:
            rows = cur.execute("SELECT key, org_id FROM api_keys").fetchall()
        self._keys = {str(row["key"]): str(row["org_id"]) for row in rows}

    def org_exists(self, org_id: str) -> bool:
        """Whether the organization exists."""
        with self._transaction() as cur:
            return cur.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is not None

    def _require_org(self, cur: sqlite3.Cursor, org_id: str) -> None:
        if cur.execute("SELECT 1 FROM orgs WHERE id = ?", (org_id,)).fetchone() is None:
            raise NotFound(f"organization {org_id} not found")

    def add_agent(self, org_id: str, agent_id: str) -> None:
        """Give the org an agent that numbers can link to."""
        with self._transaction() as cur:
            self._require_org(cur, org_id)
            cur.execute("INSERT OR IGNORE INTO agents VALUES (?, ?)", (org_id, agent_id))

    def add_sip_installation(self, org_id: str, installation_id: str) -> None:
        """Give the org a SIP connection installation that imports can name."""
        with self._transaction() as cur:
            self._require_org(cur, org_id)
            cur.execute(
                "INSERT OR IGNORE INTO sip_installations VALUES (?, ?)", (org_id, installation_id)
            )

    def set_credits(self, org_id: str, usd: Decimal) -> Decimal:
        """Set the org's prepaid balance; returns it rounded to cents."""
        cents = usd_to_cents(usd)
        with self._transaction() as cur:
            self._require_org(cur, org_id)
            cur.execute("UPDATE orgs SET credits_cents = ? WHERE id = ?", (cents, org_id))
        return cents_to_usd(cents)

    def credits(self, org_id: str) -> Decimal:
        """The org's prepaid balance in USD."""
        with self._transaction() as cur:
            return cents_to_usd(self._credits_cents(cur, org_id))

    def _credits_cents(self, cur: sqlite3.Cursor, org_id: str) -> int:
        row = cur.execute("SELECT credits_cents FROM orgs WHERE id = ?", (org_id,)).fetchone()
        if row is None:
            raise NotFound(f"organization {org_id} not found")
        return int(row["credits_cents"])

    # --- phone numbers --------------------------------------------------------------

    def list_numbers(self, org_id: str) -> list[StoredNumber]:
        """All live numbers of the org, oldest first."""
        with self._transaction() as cur:
            rows = cur.execute(
                f"SELECT {NUMBER_COLUMNS} FROM phone_numbers n WHERE n.org_id = ? ORDER BY n.seq",
                (org_id,),
            ).fetchall()
        return [_number_from_row(row) for row in rows]

    def get_number(self, org_id: str, number_id: str) -> StoredNumber:
        """One number of the org; another org's id is NotFound, like an unknown one."""
        with self._transaction() as cur:
            return self._fetch_number(cur, org_id, number_id)

    def _fetch_number(
        self, cur: sqlite3.Cursor, org_id: str | None, number_id: str
    ) -> StoredNumber:
        row = cur.execute(
            f"SELECT {NUMBER_COLUMNS} FROM phone_numbers n WHERE n.id = ?", (number_id,)
        ).fetchone()
        if row is None or (org_id is not None and row["org_id"] != org_id):
            raise NotFound("Phone number not found")
        return _number_from_row(row)

    def purchase_number(self, org_id: str, e164: str, routing: Routing) -> StoredNumber:
        """Buy a managed number from the pool, debiting upfront plus the first month."""
        if not e164.startswith("+1"):
            raise InvalidInput("e164", "managed numbers are US numbers (+1); import others")
        with self._transaction() as cur:
            self._check_routing(cur, org_id, routing)
            self._require_verification(cur, org_id)
            self._require_free(cur, e164)
            price = cur.execute(
                "SELECT upfront_cents + monthly_cents FROM pool WHERE e164 = ?", (e164,)
            ).fetchone()
            if price is None:
                raise InvalidInput("e164", f"{e164} is not available for purchase")
            balance = self._credits_cents(cur, org_id)
            if balance < price[0]:
                raise InsufficientCredits(
                    f"Insufficient credits: the purchase costs {cents_to_usd(price[0])} USD, "
                    f"the balance is {cents_to_usd(balance)} USD"
                )
            cur.execute(
                "UPDATE orgs SET credits_cents = credits_cents - ? WHERE id = ?",
                (price[0], org_id),
            )
            now = self.now()
            provider_id = str(secrets.randbelow(9 * 10**18) + 10**18)
            number_id = self._insert_number(
                cur, org_id, e164, "managed", routing, SipAttachment(), now, provider_id
            )
            return self._fetch_number(cur, org_id, number_id)

    def import_number(
        self, org_id: str, e164: str, routing: Routing, sip: SipAttachment
    ) -> StoredNumber:
        """Bring a SIP-trunk number in: not gated on verification and not charged.

        When both an installation and a trunk id are given the installation wins and the
        trunk id is dropped. ``nextChargeAt`` is one month after the import, as for
        purchases (the contract requires it), and ``lastChargedAt`` stays null.
        """
        if sip.installation_id is None and sip.trunk_id is None:
            raise InvalidInput(
                "sipConnectionInstallationId",
                "sipConnectionInstallationId or sipTrunkId is required",
            )
        if sip.installation_id is not None:
            sip = SipAttachment(sip.installation_id, None, sip.provider_name)
        with self._transaction() as cur:
            self._check_routing(cur, org_id, routing)
            if sip.installation_id is not None:
                self._require_installation(cur, org_id, sip.installation_id)
            self._require_free(cur, e164)
            now = self.now()
            number_id = self._insert_number(cur, org_id, e164, "sip_trunk", routing, sip, now)
            return self._fetch_number(cur, org_id, number_id)

    def update_number(self, org_id: str, number_id: str, patch: RoutingPatch) -> StoredNumber:
        """Change the routing of a number; the result must still satisfy the inbound rule."""
        with self._transaction() as cur:
            current = self._fetch_number(cur, org_id, number_id)
            merged = Routing(
                direction=patch.get("direction", current.direction),
                dispatch_metadata_template=patch.get(
                    "dispatch_metadata_template", current.dispatch_metadata_template
                ),
                label=patch.get("label", current.label),
                agent_id=patch.get("agent_id", current.agent_id),
            )
            linking = patch.get("agent_id") is not None
            self._check_routing(cur, org_id, merged, check_agent=linking)
            cur.execute(
                """UPDATE phone_numbers SET direction = ?, dispatch_metadata_template = ?,
                   label = ?, agent_id = ?, updated_at = ? WHERE id = ?""",
                (
                    merged.direction,
                    _dump_json(merged.dispatch_metadata_template),
                    merged.label,
                    merged.agent_id,
                    self._stamp(),
                    number_id,
                ),
            )
            return self._fetch_number(cur, org_id, number_id)

    def release_number(self, org_id: str, number_id: str) -> None:
        """Release a number for good; a managed one goes back to the pool."""
        with self._transaction() as cur:
            self._fetch_number(cur, org_id, number_id)
            cur.execute("DELETE FROM phone_numbers WHERE id = ?", (number_id,))

    def search_available(
        self, *, area_code: str | None = None, locality: str | None = None, limit: int = 10
    ) -> list[AvailableNumber]:
        """Pool numbers nobody holds, in pool order; locality matches case-insensitively."""
        clauses = ["e164 NOT IN (SELECT e164 FROM phone_numbers)"]
        params: list[object] = []
        if area_code is not None:
            clauses.append("area_code = ?")
            params.append(area_code)
        if locality is not None:
            clauses.append("lower(locality) = lower(?)")
            params.append(locality)
        query = (
            "SELECT e164, friendly_name, monthly_cents, upfront_cents, features, state, "
            f"locality, rate_center FROM pool WHERE {' AND '.join(clauses)} "
            "ORDER BY position LIMIT ?"
        )
        with self._transaction() as cur:
            rows = cur.execute(query, (*params, limit)).fetchall()
        return [_available_from_row(row) for row in rows]

    def suspend_number(self, number_id: str, suspended: bool = True) -> StoredNumber:
        """Set (or clear) ``suspendedAt`` of any org's number, as the platform would."""
        with self._transaction() as cur:
            number = self._fetch_number(cur, None, number_id)
            stamp = self._stamp()
            cur.execute(
                "UPDATE phone_numbers SET suspended_at = ?, updated_at = ? WHERE id = ?",
                (stamp if suspended else None, stamp, number_id),
            )
            return self._fetch_number(cur, number.organization_id, number_id)

    def _insert_number(
        self,
        cur: sqlite3.Cursor,
        org_id: str,
        e164: str,
        source: str,
        routing: Routing,
        sip: SipAttachment,
        now: datetime,
        provider_id: str | None = None,
    ) -> str:
        number_id = new_id("pn")
        stamp = iso(now)
        cur.execute(
            """INSERT INTO phone_numbers (id, org_id, e164, source, provider_resource_id,
               sip_trunk_id, sip_connection_installation_id, sip_provider_name, direction,
               dispatch_metadata_template, agent_id, label, next_charge_at, last_charged_at,
               suspended_at, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)""",
            (
                number_id,
                org_id,
                e164,
                source,
                provider_id,
                sip.trunk_id,
                sip.installation_id,
                sip.provider_name,
                routing.direction,
                _dump_json(routing.dispatch_metadata_template),
                routing.agent_id,
                routing.label,
                iso(add_one_month(now)),
                stamp if source == "managed" else None,
                stamp,
                stamp,
            ),
        )
        return number_id

    def _check_routing(
        self,
        cur: sqlite3.Cursor,
        org_id: str,
        routing: Routing,
        *,
        check_agent: bool = True,
    ) -> None:
        if check_agent and routing.agent_id is not None:
            known = cur.execute(
                "SELECT 1 FROM agents WHERE org_id = ? AND id = ?", (org_id, routing.agent_id)
            ).fetchone()
            if known is None:
                raise InvalidInput("agentId", f"agent {routing.agent_id} does not exist")
        routed = routing.agent_id is not None or routing.dispatch_metadata_template is not None
        if routing.direction in INBOUND_DIRECTIONS and not routed:
            raise InvalidInput("agentId", INBOUND_NEEDS_ROUTE)

    def _require_installation(self, cur: sqlite3.Cursor, org_id: str, installation_id: str) -> None:
        known = cur.execute(
            "SELECT 1 FROM sip_installations WHERE org_id = ? AND id = ?", (org_id, installation_id)
        ).fetchone()
        if known is None:
            raise InvalidInput(
                "sipConnectionInstallationId",
                f"SIP connection installation {installation_id} does not exist",
            )

    def _require_free(self, cur: sqlite3.Cursor, e164: str) -> None:
        held = cur.execute("SELECT 1 FROM phone_numbers WHERE e164 = ?", (e164,)).fetchone()
        if held is not None:
            raise Conflict(f"{e164} is already in use")

    def _require_verification(self, cur: sqlite3.Cursor, org_id: str) -> None:
        row = cur.execute("SELECT status FROM verifications WHERE org_id = ?", (org_id,)).fetchone()
        status = "missing" if row is None else row["status"]
        if status not in PURCHASE_GATE_STATUSES:
            raise VerificationRequired(
                "Business verification required: submit a business verification before "
                f"purchasing managed numbers (status: {status})"
            )

    # --- business verification ------------------------------------------------------

    def verification_overview(self, org_id: str) -> VerificationOverview:
        """The org's verification status and current submission."""
        with self._transaction() as cur:
            current = self._fetch_verification(cur, org_id)
        if current is None:
            return VerificationOverview("missing", None)
        return VerificationOverview(current.status, current)

    def save_verification_draft(
        self,
        org_id: str,
        business_profile: JsonObject,
        authorized_representative: JsonObject,
        attestation_accepted: bool = False,
    ) -> Verification:
        """Replace the current submission's content with a draft.

        The submission keeps its id. A draft saved over a submitted or reviewed
        verification withdraws it: the status becomes ``draft`` (so managed purchases are
        gated again until the next submit) and the review is cleared.
        """
        return self._write_verification(
            org_id,
            status="draft",
            business_profile=business_profile,
            authorized_representative=authorized_representative,
            attestation_accepted=attestation_accepted,
        )

    def submit_verification(
        self, org_id: str, business_profile: JsonObject, authorized_representative: JsonObject
    ) -> Verification:
        """File the verification: status ``submitted``, attested and submitted now."""
        return self._write_verification(
            org_id,
            status="submitted",
            business_profile=business_profile,
            authorized_representative=authorized_representative,
            attestation_accepted=True,
        )

    def _write_verification(
        self,
        org_id: str,
        *,
        status: VerificationStatus,
        business_profile: JsonObject,
        authorized_representative: JsonObject,
        attestation_accepted: bool,
    ) -> Verification:
        submitted = status == "submitted"
        with self._transaction() as cur:
            stamp = self._stamp()
            current = self._fetch_verification(cur, org_id)
            cur.execute(
                f"INSERT OR REPLACE INTO verifications ({VERIFICATION_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                (
                    new_id("kyb") if current is None else current.id,
                    org_id,
                    status,
                    json.dumps(business_profile),
                    json.dumps(authorized_representative),
                    int(attestation_accepted),
                    stamp if submitted else None,
                    stamp if submitted else None,
                    "queued" if submitted else "not_queued",
                    new_id("job") if submitted else None,
                    stamp if current is None else current.created_at,
                    stamp,
                ),
            )
            result = self._fetch_verification(cur, org_id)
        assert result is not None
        return result

    def _fetch_verification(self, cur: sqlite3.Cursor, org_id: str) -> Verification | None:
        row = cur.execute(
            f"SELECT {VERIFICATION_COLUMNS} FROM verifications WHERE org_id = ?", (org_id,)
        ).fetchone()
        return None if row is None else _verification_from_row(row)

    def review_verification(
        self, org_id: str, outcome: VerificationStatus, reason: str | None = None
    ) -> Verification:
        """Set the platform's review outcome (approved, rejected, revoked) on the current
        submission; a draft or a missing verification is a Conflict."""
        with self._transaction() as cur:
            self._require_org(cur, org_id)
            current = self._fetch_verification(cur, org_id)
            if current is None or current.status == "draft":
                raise Conflict("there is no submitted verification to review")
            cur.execute(
                "UPDATE verifications SET status = ?, rejection_reason = ?, updated_at = ? "
                "WHERE org_id = ?",
                (outcome, reason if outcome == "rejected" else None, self._stamp(), org_id),
            )
            result = self._fetch_verification(cur, org_id)
        assert result is not None
        return result
