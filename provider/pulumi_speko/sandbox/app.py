"""The ten endpoints of the Phone Numbers API: parse the request, call the store, serialize.

Every error is ``{"error": message, "code": CODE}``; a 400 ``VALIDATION_ERROR`` adds
``details: [{path, message}]`` naming each bad field (dotted, camelCase paths). Bearer
auth is checked before anything else, so a request without a valid key is a 401 even
when its body is malformed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from pulumi_speko._version import __version__
from pulumi_speko.sandbox.model import (
    FieldIssue,
    Routing,
    RoutingPatch,
    SandboxError,
    SipAttachment,
)
from pulumi_speko.sandbox.schemas import (
    AREA_CODE_PATTERN,
    IMMUTABLE_KEYS,
    AvailablePhoneNumberOut,
    ErrorBody,
    PhoneNumberCreate,
    PhoneNumberImport,
    PhoneNumberOut,
    PhoneNumberUpdate,
    Released,
    VerificationDraft,
    VerificationOverviewOut,
    VerificationSubmissionOut,
    VerificationSubmit,
)
from pulumi_speko.sandbox.store import Store

API_PREFIX = "/v1"
PHONE_NUMBERS = f"{API_PREFIX}/phone-numbers"
SEARCH_PARAMS = frozenset({"areaCode", "locality", "limit"})

STATUS_OF_CODE = {
    "VALIDATION_ERROR": 400,
    "UNAUTHORIZED": 401,
    "INSUFFICIENT_CREDITS": 402,
    "VERIFICATION_REQUIRED": 403,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "RATE_LIMITED": 429,
    "INTERNAL": 500,
}
CODE_OF_STATUS = {status: code for code, status in STATUS_OF_CODE.items()}
CODE_OF_STATUS[405] = "METHOD_NOT_ALLOWED"

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Missing or wrong API key"},
}
READ_ONE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    404: {"model": ErrorBody, "description": "Unknown id, or another organization's"},
}
BODY_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    400: {"model": ErrorBody, "description": "Invalid request body"},
}
WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {**READ_ONE_RESPONSES, **BODY_RESPONSES}
IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **BODY_RESPONSES,
    409: {"model": ErrorBody, "description": "The E.164 is already held"},
}
PURCHASE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **IMPORT_RESPONSES,
    402: {"model": ErrorBody, "description": "Insufficient credits"},
    403: {"model": ErrorBody, "description": "Business verification required"},
}

bearer_scheme = HTTPBearer(scheme_name="bearerAuth", auto_error=False)


# --- errors -----------------------------------------------------------------------------


def error_response(
    status: int,
    error: str,
    code: str,
    details: Sequence[FieldIssue] = (),
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The one shape of every error answer."""
    body: dict[str, Any] = {"error": error, "code": code}
    if details:
        body["details"] = [{"path": d.path, "message": d.message} for d in details]
    return JSONResponse(body, status_code=status, headers=headers)


def unauthorized() -> JSONResponse:
    """The 401 answer of the reference, word for word."""
    return error_response(401, "Unauthorized", "UNAUTHORIZED")


def _location_path(loc: Sequence[Any]) -> str:
    path = ""
    for part in loc[1:]:  # loc[0] is "body" or "query"
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or str(loc[0])


def _issue_of(error: dict[str, Any], method: str) -> FieldIssue:
    loc = tuple(error.get("loc", ("body",)))
    kind = error.get("type")
    if kind == "json_invalid":
        reason = error.get("ctx", {}).get("error", "malformed")
        return FieldIssue("body", f"invalid JSON: {reason}")
    path = _location_path(loc)
    if kind == "missing" and len(loc) == 1:
        return FieldIssue("body", "a JSON object body is required")
    if kind in ("model_attributes_type", "model_type", "dict_type") and len(loc) == 1:
        return FieldIssue("body", "the body must be a JSON object")
    if kind == "extra_forbidden" and method == "PATCH" and path in IMMUTABLE_KEYS:
        return FieldIssue(path, "cannot be changed; replace the number instead")
    message = str(error.get("msg", "invalid"))
    return FieldIssue(path, message.removeprefix("Value error, "))


async def _validation_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    in_query = bool(errors) and all(tuple(e.get("loc", ()))[:1] == ("query",) for e in errors)
    message = "Invalid query parameters" if in_query else "Invalid request body"
    issues = [_issue_of(e, request.method) for e in errors]
    return error_response(400, message, "VALIDATION_ERROR", issues)


async def _sandbox_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SandboxError)
    return error_response(STATUS_OF_CODE.get(exc.code, 500), exc.message, exc.code, exc.details)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = CODE_OF_STATUS.get(exc.status_code, "HTTP_ERROR")
    headers = None if exc.headers is None else dict(exc.headers)
    return error_response(exc.status_code, str(exc.detail), code, headers=headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    return error_response(500, "Internal server error", "INTERNAL")


def install_error_handlers(app: FastAPI) -> None:
    """Make every error of the app answer in the contract's error shape."""
    app.add_exception_handler(RequestValidationError, _validation_failed)
    app.add_exception_handler(SandboxError, _sandbox_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _internal_error)


# --- auth -------------------------------------------------------------------------------


def is_api_path(path: str) -> bool:
    """Whether a path belongs to the real API (and not the control API or the docs)."""
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def bearer_token(scope: Scope) -> str | None:
    """The token of the request's ``Authorization: Bearer`` header, if any."""
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


class BearerAuthMiddleware:
    """Answers 401 to API requests without a known key; otherwise records the org.

    The org id is put in ``scope["state"]["org_id"]`` for the routes.
    """

    def __init__(self, app: ASGIApp, resolve: Callable[[str], str | None]) -> None:
        self.app = app
        self.resolve = resolve

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and is_api_path(scope["path"]):
            token = bearer_token(scope)
            org_id = None if token is None else self.resolve(token)
            if org_id is None:
                await unauthorized()(scope, receive, send)
                return
            scope.setdefault("state", {})["org_id"] = org_id
        await self.app(scope, receive, send)


def current_org(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> str:
    """The organization of the request's API key (checked by BearerAuthMiddleware)."""
    org_id: str = request.state.org_id
    return org_id


Org = Annotated[str, Depends(current_org)]


# --- routes -----------------------------------------------------------------------------


def _reject_unknown_params(request: Request, known: frozenset[str]) -> None:
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise RequestValidationError(
            [
                {"type": "extra_forbidden", "loc": ("query", name), "msg": "unknown parameter"}
                for name in unknown
            ]
        )


def _routing_of(body: PhoneNumberCreate) -> Routing:
    return Routing(
        direction=body.direction,
        dispatch_metadata_template=body.dispatchMetadataTemplate,
        label=body.label,
        agent_id=body.agentId,
    )


def _patch_of(body: PhoneNumberUpdate) -> RoutingPatch:
    given = body.model_fields_set
    patch = RoutingPatch()
    if "direction" in given:
        patch["direction"] = body.direction
    if "dispatchMetadataTemplate" in given:
        patch["dispatch_metadata_template"] = body.dispatchMetadataTemplate
    if "label" in given:
        patch["label"] = body.label
    if "agentId" in given:
        patch["agent_id"] = body.agentId
    return patch


def phone_numbers_router(store: Store) -> APIRouter:
    """The ten endpoints, in the order of the reference."""
    router = APIRouter(prefix=PHONE_NUMBERS, tags=["Phone numbers"])

    @router.get("", response_model=list[PhoneNumberOut], responses=ERROR_RESPONSES)
    def list_phone_numbers(org: Org) -> list[PhoneNumberOut]:
        """All of the organization's numbers (no paging)."""
        return [PhoneNumberOut.of(n) for n in store.list_numbers(org)]

    @router.post("", status_code=201, response_model=PhoneNumberOut, responses=PURCHASE_RESPONSES)
    def create_phone_number(org: Org, body: PhoneNumberCreate) -> PhoneNumberOut:
        """Provision a managed number from the available pool."""
        return PhoneNumberOut.of(store.purchase_number(org, body.e164, _routing_of(body)))

    @router.get(
        "/available",
        response_model=list[AvailablePhoneNumberOut],
        responses={**ERROR_RESPONSES, 400: {"model": ErrorBody}},
    )
    def search_available_phone_numbers(
        request: Request,
        _org: Org,
        area_code: Annotated[str | None, Query(alias="areaCode", pattern=AREA_CODE_PATTERN)] = None,
        locality: Annotated[str | None, Query()] = None,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ) -> list[AvailablePhoneNumberOut]:
        """Numbers a managed purchase can buy."""
        _reject_unknown_params(request, SEARCH_PARAMS)
        found = store.search_available(area_code=area_code, locality=locality, limit=limit)
        return [AvailablePhoneNumberOut.of(n) for n in found]

    @router.post(
        "/import", status_code=201, response_model=PhoneNumberOut, responses=IMPORT_RESPONSES
    )
    def import_phone_number(org: Org, body: PhoneNumberImport) -> PhoneNumberOut:
        """Import a number you own through a SIP trunk (not charged, not gated)."""
        sip = SipAttachment(
            installation_id=body.sipConnectionInstallationId,
            trunk_id=body.sipTrunkId,
            provider_name=body.sipProviderName,
        )
        return PhoneNumberOut.of(store.import_number(org, body.e164, _routing_of(body), sip))

    @router.get("/kyb", response_model=VerificationOverviewOut, responses=ERROR_RESPONSES)
    def get_business_verification(org: Org) -> VerificationOverviewOut:
        """The organization's business-verification status and submission."""
        return VerificationOverviewOut.of(store.verification_overview(org))

    @router.put("/kyb/draft", response_model=VerificationSubmissionOut, responses=BODY_RESPONSES)
    def save_business_verification_draft(
        org: Org, body: VerificationDraft
    ) -> VerificationSubmissionOut:
        """Replace the organization's draft."""
        saved = store.save_verification_draft(org, *body.content(), bool(body.attestationAccepted))
        return VerificationSubmissionOut.of(saved)

    @router.post(
        "/kyb/submit",
        status_code=201,
        response_model=VerificationSubmissionOut,
        responses=BODY_RESPONSES,
    )
    def submit_business_verification(
        org: Org, body: VerificationSubmit
    ) -> VerificationSubmissionOut:
        """Submit the verification for review."""
        return VerificationSubmissionOut.of(store.submit_verification(org, *body.content()))

    @router.get("/{id}", response_model=PhoneNumberOut, responses=READ_ONE_RESPONSES)
    def get_phone_number(org: Org, id: str) -> PhoneNumberOut:
        """One of the organization's numbers."""
        return PhoneNumberOut.of(store.get_number(org, id))

    @router.patch("/{id}", response_model=PhoneNumberOut, responses=WRITE_RESPONSES)
    def update_phone_number(org: Org, id: str, body: PhoneNumberUpdate) -> PhoneNumberOut:
        """Update routing: a key that is absent keeps its value, null clears it."""
        return PhoneNumberOut.of(store.update_number(org, id, _patch_of(body)))

    @router.delete("/{id}", response_model=Released, responses=READ_ONE_RESPONSES)
    def release_phone_number(org: Org, id: str) -> Released:
        """Release the number for good."""
        store.release_number(org, id)
        return Released()

    return router


def create_api(store: Store) -> FastAPI:
    """The FastAPI app of the real endpoints (``/openapi.json`` describes only these)."""
    app = FastAPI(
        title="Speko Phone Numbers API (local sandbox)",
        version=__version__,
        description="A local emulator of the Speko Phone Numbers API, by pulumi-speko.",
        redoc_url=None,
        redirect_slashes=False,  # a trailing slash is an unknown path: a JSON 404, not a 307
    )
    install_error_handlers(app)
    app.include_router(phone_numbers_router(store))
    app.add_middleware(BearerAuthMiddleware, resolve=store.org_for_key)
    app.openapi = lambda: _openapi_without_422(app)  # type: ignore[method-assign]
    return app


def _openapi_without_422(app: FastAPI) -> dict[str, Any]:
    """FastAPI documents a 422 on every operation with a body; the sandbox answers 400
    with the contract's error body instead, so the 422 entries are dropped."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                operation.get("responses", {}).pop("422", None)
        schemas = schema.get("components", {}).get("schemas", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            schemas.pop(unused, None)
        app.openapi_schema = schema
    return app.openapi_schema
