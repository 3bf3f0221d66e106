"""The control API under the reserved prefix ``/_sandbox``: what the platform (or a test)
does that the public API cannot.

Every route needs ``Authorization: Bearer <admin token>`` (default ``sandbox-admin``);
errors use the API's error shape. None of it appears in ``/openapi.json``, in the request
log, or under fault rules.

Routes:

- ``POST /_sandbox/reset``: back to the seed; also clears fault rules and the request log,
  restarts the fault RNG from its seed and the rate limit from the start-up one.
- ``POST /_sandbox/orgs`` ``{"orgId", "apiKey"}``: add an org (seeded like the demo ones)
  or another key of an existing org.
- ``GET|PUT /_sandbox/orgs/{org}/credits`` (``{"creditsUsd": "12.50"}``): the prepaid
  balance, answered as ``{"orgId", "creditsUsd": "12.50"}``; PUT still accepts the older
  ``{"usd": ...}``.
- ``POST /_sandbox/orgs/{org}/agents`` ``{"agentId"}``,
  ``POST /_sandbox/orgs/{org}/sip-installations`` ``{"installationId"}``.
- ``POST /_sandbox/orgs/{org}/verification/approve|revoke``,
  ``POST /_sandbox/orgs/{org}/verification/reject`` ``{"reason"}``: review the current
  submission (409 when there is none, or only a draft).
- ``GET /_sandbox/orgs/{org}/phone-numbers``: the org's live numbers, without its key.
- ``POST|DELETE /_sandbox/phone-numbers/{id}/suspend``: set or clear ``suspendedAt``.
- ``GET|DELETE /_sandbox/requests``: the request log, or empty it.
- ``GET|POST|DELETE /_sandbox/faults``, ``DELETE /_sandbox/faults/{id}``,
  ``PUT /_sandbox/faults/seed`` ``{"seed"}``: fault rules (see ``faults``).
- ``GET|PUT|DELETE /_sandbox/rate-limit`` (``{"rate": 5, "burst": 5}``; ``burst``
  defaults to the rate rounded up): the per-key rate limit (see ``rate_limit``), answered
  as ``{"rateLimit": {"rate", "burst"} or null}``; a reset restores the one the sandbox
  started with.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter

from pulumi_speko.sandbox.app import bearer_token, unauthorized
from pulumi_speko.sandbox.faults import FaultAction, FaultInjector, FaultRule
from pulumi_speko.sandbox.model import InvalidInput, NotFound, snake_case
from pulumi_speko.sandbox.rate_limit import RateLimit, RateLimiter
from pulumi_speko.sandbox.schemas import NonEmpty, PhoneNumberOut, VerificationSubmissionOut
from pulumi_speko.sandbox.seed import DEFAULT_ADMIN_TOKEN
from pulumi_speko.sandbox.store import Store

__all__ = ["CONTROL_PREFIX", "DEFAULT_ADMIN_TOKEN", "AdminAuthMiddleware", "control_router"]
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator
from starlette.types import ASGIApp, Receive, Scope, Send

CONTROL_PREFIX = "/_sandbox"


class ControlBody(BaseModel):
    """A control request body: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class NewOrg(ControlBody):
    """An organization and an API key for it."""

    orgId: NonEmpty
    apiKey: NonEmpty


class Credits(ControlBody):
    """A prepaid balance in USD (a JSON number or a decimal string), named as GET names it.

    ``usd``, the name PUT took before, is still accepted.
    """

    creditsUsd: Annotated[
        Decimal, Field(ge=0, le=10**9, validation_alias=AliasChoices("creditsUsd", "usd"))
    ]


class NewAgent(ControlBody):
    """An agent id for an org."""

    agentId: NonEmpty


class NewInstallation(ControlBody):
    """A SIP connection installation id for an org."""

    installationId: NonEmpty


class Rejection(ControlBody):
    """Why the verification was rejected."""

    reason: NonEmpty


class FaultSeed(ControlBody):
    """The seed of the RNG that probability rules draw from."""

    seed: int


class NewFault(ControlBody):
    """A fault rule (see ``pulumi_speko.sandbox.faults``)."""

    method: NonEmpty = "*"
    pathPattern: NonEmpty
    action: FaultAction
    times: Annotated[int, Field(ge=1)] | None = None
    probability: Annotated[float, Field(ge=0, le=1)] | None = None
    status: Annotated[int, Field(ge=100, le=599)] = 500
    code: NonEmpty | None = None
    retryAfter: Annotated[float, Field(ge=0)] | None = None
    latencySeconds: Annotated[float, Field(gt=0, le=120)] | None = None

    @model_validator(mode="after")
    def _latency_needs_seconds(self) -> NewFault:
        if self.action == "latency" and self.latencySeconds is None:
            raise ValueError("a latency fault needs latencySeconds")
        return self

    def rule(self) -> FaultRule:
        """The rule this body describes; a malformed regex is an InvalidInput."""
        settings = {snake_case(name): value for name, value in self.model_dump().items()}
        settings["latency_seconds"] = self.latencySeconds or 0.0
        try:
            return FaultRule(**settings)
        except re.error as error:
            raise InvalidInput("pathPattern", f"invalid regular expression: {error}") from None


class NewRateLimit(ControlBody):
    """A per-key rate limit: requests per second, and the bucket size."""

    rate: Annotated[float, Field(gt=0, le=10**6)]
    burst: Annotated[int, Field(ge=1, le=10**6)] | None = None

    def limit(self) -> RateLimit:
        """The limit this body describes."""
        return RateLimit.of(self.rate, self.burst)


class AdminAuthMiddleware:
    """Answers 401 to control requests without the admin token, before any parsing."""

    def __init__(self, app: ASGIApp, admin_token: str) -> None:
        self.app = app
        self.admin_token = admin_token.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_control_path(scope["path"]):
            token = bearer_token(scope) or ""
            if not secrets.compare_digest(token.encode(), self.admin_token):
                await unauthorized()(scope, receive, send)
                return
        await self.app(scope, receive, send)


def is_control_path(path: str) -> bool:
    """Whether a path belongs to the control API."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def _credits(store: Store, org_id: str) -> dict[str, str]:
    return {"orgId": org_id, "creditsUsd": str(store.credits(org_id))}


def control_router(
    store: Store, injector: FaultInjector, limiter: RateLimiter | None = None
) -> APIRouter:
    """The control API of one sandbox (guarded by AdminAuthMiddleware)."""
    router = APIRouter(prefix=CONTROL_PREFIX, include_in_schema=False)
    limiter = limiter or RateLimiter()
    _data_routes(router, store, injector, limiter)
    _verification_routes(router, store)
    _fault_routes(router, injector)
    _rate_limit_routes(router, limiter)
    return router


def _data_routes(
    router: APIRouter, store: Store, injector: FaultInjector, limiter: RateLimiter
) -> None:
    @router.post("/reset")
    def reset() -> dict[str, bool]:
        store.reset()
        injector.reset()
        limiter.reset()
        return {"reset": True}

    @router.post("/orgs", status_code=201)
    def add_org(body: NewOrg) -> dict[str, str]:
        store.add_org(body.orgId, body.apiKey)
        return {"orgId": body.orgId, "apiKey": body.apiKey}

    @router.get("/orgs/{org_id}/credits")
    def get_credits(org_id: str) -> dict[str, str]:
        return _credits(store, org_id)

    @router.put("/orgs/{org_id}/credits")
    def set_credits(org_id: str, body: Credits) -> dict[str, str]:
        store.set_credits(org_id, body.creditsUsd)
        return _credits(store, org_id)

    @router.post("/orgs/{org_id}/agents", status_code=201)
    def add_agent(org_id: str, body: NewAgent) -> dict[str, str]:
        store.add_agent(org_id, body.agentId)
        return {"orgId": org_id, "agentId": body.agentId}

    @router.post("/orgs/{org_id}/sip-installations", status_code=201)
    def add_sip_installation(org_id: str, body: NewInstallation) -> dict[str, str]:
        store.add_sip_installation(org_id, body.installationId)
        return {"orgId": org_id, "installationId": body.installationId}

    @router.get("/orgs/{org_id}/phone-numbers", response_model=list[PhoneNumberOut])
    def list_numbers(org_id: str) -> list[PhoneNumberOut]:
        if not store.org_exists(org_id):
            raise NotFound(f"organization {org_id} not found")
        return [PhoneNumberOut.of(n) for n in store.list_numbers(org_id)]

    @router.post("/phone-numbers/{number_id}/suspend", response_model=PhoneNumberOut)
    def suspend(number_id: str) -> PhoneNumberOut:
        return PhoneNumberOut.of(store.suspend_number(number_id))

    @router.delete("/phone-numbers/{number_id}/suspend", response_model=PhoneNumberOut)
    def unsuspend(number_id: str) -> PhoneNumberOut:
        return PhoneNumberOut.of(store.suspend_number(number_id, suspended=False))


def _verification_routes(router: APIRouter, store: Store) -> None:
    base = "/orgs/{org_id}/verification"

    @router.post(f"{base}/approve", response_model=VerificationSubmissionOut)
    def approve(org_id: str) -> VerificationSubmissionOut:
        return VerificationSubmissionOut.of(store.review_verification(org_id, "approved"))

    @router.post(f"{base}/reject", response_model=VerificationSubmissionOut)
    def reject(org_id: str, body: Rejection) -> VerificationSubmissionOut:
        reviewed = store.review_verification(org_id, "rejected", body.reason)
        return VerificationSubmissionOut.of(reviewed)

    @router.post(f"{base}/revoke", response_model=VerificationSubmissionOut)
    def revoke(org_id: str) -> VerificationSubmissionOut:
        return VerificationSubmissionOut.of(store.review_verification(org_id, "revoked"))


def _fault_routes(router: APIRouter, injector: FaultInjector) -> None:
    @router.get("/requests")
    def request_log() -> list[dict[str, Any]]:
        return [entry.describe() for entry in injector.log()]

    @router.delete("/requests")
    def clear_request_log() -> dict[str, bool]:
        injector.clear_log()
        return {"cleared": True}

    @router.get("/faults")
    def list_faults() -> list[dict[str, Any]]:
        return [rule.describe() for rule in injector.rules()]

    @router.post("/faults", status_code=201)
    def add_fault(body: NewFault) -> dict[str, Any]:
        return injector.add(body.rule()).describe()

    @router.delete("/faults")
    def clear_faults() -> dict[str, bool]:
        injector.clear()
        return {"cleared": True}

    @router.put("/faults/seed")
    def seed_faults(body: FaultSeed) -> dict[str, int]:
        injector.set_seed(body.seed)
        return {"seed": body.seed}

    @router.delete("/faults/{fault_id}")
    def remove_fault(fault_id: str) -> dict[str, bool]:
        if not injector.remove(fault_id):
            raise NotFound(f"fault {fault_id} not found")
        return {"removed": True}


def _rate_limit_routes(router: APIRouter, limiter: RateLimiter) -> None:
    def shown() -> dict[str, Any]:
        limit = limiter.limit
        return {"rateLimit": None if limit is None else limit.describe()}

    @router.get("/rate-limit")
    def get_rate_limit() -> dict[str, Any]:
        return shown()

    @router.put("/rate-limit")
    def set_rate_limit(body: NewRateLimit) -> dict[str, Any]:
        limiter.set_limit(body.limit())
        return shown()

    @router.delete("/rate-limit")
    def clear_rate_limit() -> dict[str, Any]:
        limiter.set_limit(None)
        return shown()
