"""The sandbox against the OpenAPI document: its ``/openapi.json`` and its real answers.

Every (operation, status) the document lists is produced by a real request to the
sandbox (429 and 500 through its fault rules, the only way it answers them), and each
answer validates against the document's schema for that status. Success answers are
also read by the client's wire models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from pulumi_speko.api import models
from pulumi_speko.testing.sandbox import DEMO_API_KEY, DEMO_ORG, OTHER_API_KEY, RunningSandbox

from .spec import (
    DOCUMENT,
    RESOLVE,
    SCHEMAS,
    SCHEMAS_REF,
    document_validator,
    field_views,
    flatten,
    operations,
    resolver,
    response_schema,
)

OPERATIONS = {op["operationId"]: (path, method, op) for path, method, op in operations(DOCUMENT)}
# The sandbox answers these only when a fault rule says so: its own document omits them.
FAULT_ONLY_STATUSES = frozenset({"429", "5XX"})
NUMBERS = "/v1/phone-numbers"


def example(schema: str, index: int = 0) -> dict[str, Any]:
    """One of the document's examples of a request schema."""
    value: dict[str, Any] = SCHEMAS[schema]["examples"][index]
    return value


@dataclass
class Api:
    """HTTP clients of the sandbox for each kind of caller."""

    sandbox: RunningSandbox
    demo: httpx.Client
    other: httpx.Client
    anonymous: httpx.Client

    def verified(self) -> httpx.Client:
        """The demo org's client after it submitted its business verification."""
        submitted = self.demo.post(f"{NUMBERS}/kyb/submit", json=example("VerificationSubmit"))
        assert submitted.status_code == 201, submitted.text
        return self.demo

    def imported(self, client: httpx.Client | None = None) -> str:
        """The id of a freshly imported SIP-trunk number of the demo (or given) org."""
        created = (client or self.demo).post(f"{NUMBERS}/import", json=example("PhoneNumberImport"))
        assert created.status_code == 201, created.text
        number_id: str = created.json()["id"]
        return number_id


def _client(sandbox: RunningSandbox, api_key: str | None) -> httpx.Client:
    headers = {} if api_key is None else {"Authorization": f"Bearer {api_key}"}
    return httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def _clients(sandbox_server: RunningSandbox) -> Iterator[tuple[httpx.Client, ...]]:
    clients = tuple(_client(sandbox_server, key) for key in (DEMO_API_KEY, OTHER_API_KEY, None))
    yield clients
    for client in clients:
        client.close()


@pytest.fixture
def api(sandbox: RunningSandbox, _clients: tuple[httpx.Client, ...]) -> Api:
    """Clients of a freshly reset sandbox."""
    return Api(sandbox, *_clients)


Call = Callable[[Api], httpx.Response]


@dataclass(frozen=True)
class Case:
    """One real request and the status the document says it gets."""

    operation: str
    status: str
    call: Call
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.operation}-{self.status}" + (f"-{self.name}" if self.name else "")


def _create_twice(api: Api) -> httpx.Response:
    api.verified().post(NUMBERS, json=example("PhoneNumberCreate"))
    return api.demo.post(NUMBERS, json=example("PhoneNumberCreate"))


def _no_credits(api: Api) -> httpx.Response:
    api.sandbox.control.set_credits(DEMO_ORG, 0)
    return api.verified().post(NUMBERS, json=example("PhoneNumberCreate"))


def _import_twice(api: Api) -> httpx.Response:
    api.imported()
    return api.demo.post(f"{NUMBERS}/import", json=example("PhoneNumberImport"))


def _release_twice(api: Api) -> httpx.Response:
    number_id = api.imported()
    api.demo.delete(f"{NUMBERS}/{number_id}")
    return api.demo.delete(f"{NUMBERS}/{number_id}")


def _other_orgs_number(api: Api) -> httpx.Response:
    return api.demo.get(f"{NUMBERS}/{api.imported(api.other)}")


def _with_id(method: str, body: dict[str, Any] | None = None) -> Call:
    def call(api: Api) -> httpx.Response:
        number_id = api.imported()
        return api.demo.request(method, f"{NUMBERS}/{number_id}", json=body)

    return call


def _submitted_overview(api: Api) -> httpx.Response:
    api.verified()
    return api.demo.get(f"{NUMBERS}/kyb")


def _listed(api: Api) -> httpx.Response:
    api.imported()
    return api.demo.get(NUMBERS)


DRAFT_BLANK_REGISTRATION = {
    **example("VerificationDraft"),
    "businessProfile": {**example("BusinessProfile"), "registrationId": ""},
}

CASES = [
    Case("listPhoneNumbers", "200", _listed),
    Case("createPhoneNumber", "201", lambda a: a.verified().post(NUMBERS, json=example(
        "PhoneNumberCreate"))),
    Case("createPhoneNumber", "400", lambda a: a.verified().post(NUMBERS, json={"e164": "1"})),
    Case("createPhoneNumber", "402", _no_credits),
    Case("createPhoneNumber", "403", lambda a: a.demo.post(NUMBERS, json=example(
        "PhoneNumberCreate"))),
    Case("createPhoneNumber", "409", _create_twice),
    Case("searchAvailablePhoneNumbers", "200", lambda a: a.demo.get(
        f"{NUMBERS}/available", params={"areaCode": "415", "limit": 2})),
    Case("searchAvailablePhoneNumbers", "400", lambda a: a.demo.get(
        f"{NUMBERS}/available", params={"limit": 0})),
    Case("importPhoneNumber", "201", lambda a: a.demo.post(f"{NUMBERS}/import", json=example(
        "PhoneNumberImport"))),
    Case("importPhoneNumber", "400", lambda a: a.demo.post(f"{NUMBERS}/import", json=example(
        "PhoneNumberCreate", 1))),
    Case("importPhoneNumber", "409", _import_twice),
    Case("getBusinessVerification", "200", lambda a: a.demo.get(f"{NUMBERS}/kyb"), "missing"),
    Case("getBusinessVerification", "200", _submitted_overview, "submitted"),
    Case("saveBusinessVerificationDraft", "200", lambda a: a.demo.put(
        f"{NUMBERS}/kyb/draft", json=example("VerificationDraft"))),
    Case("saveBusinessVerificationDraft", "400", lambda a: a.demo.put(
        f"{NUMBERS}/kyb/draft", json=DRAFT_BLANK_REGISTRATION)),
    Case("submitBusinessVerification", "201", lambda a: a.demo.post(
        f"{NUMBERS}/kyb/submit", json=example("VerificationSubmit"))),
    Case("submitBusinessVerification", "400", lambda a: a.demo.post(
        f"{NUMBERS}/kyb/submit", json=example("VerificationDraft"))),
    Case("getPhoneNumber", "200", _with_id("GET")),
    Case("getPhoneNumber", "404", lambda a: a.demo.get(f"{NUMBERS}/pn_unknown"), "unknown"),
    Case("getPhoneNumber", "404", _other_orgs_number, "other-org"),
    Case("updatePhoneNumber", "200", _with_id("PATCH", example("PhoneNumberUpdate"))),
    Case("updatePhoneNumber", "400", _with_id("PATCH", {"e164": "+14155550101"})),
    Case("updatePhoneNumber", "404", lambda a: a.demo.patch(
        f"{NUMBERS}/pn_unknown", json=example("PhoneNumberUpdate"))),
    Case("releasePhoneNumber", "200", _with_id("DELETE")),
    Case("releasePhoneNumber", "404", _release_twice),
]  # fmt: skip


def _concrete_path(path: str) -> str:
    return path.replace("{id}", "pn_any")


def _sample_body(operation: dict[str, Any]) -> dict[str, Any] | None:
    if "requestBody" not in operation:
        return None
    name = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return example(name.removeprefix(SCHEMAS_REF))


def _anonymous(path: str, method: str, operation: dict[str, Any]) -> Call:
    return lambda a: a.anonymous.request(method, _concrete_path(path), json=_sample_body(operation))


def _fault(path: str, method: str, operation: dict[str, Any], status: int) -> Call:
    def call(api: Api) -> httpx.Response:
        concrete = _concrete_path(path)
        api.sandbox.control.add_fault(
            method, concrete, action="respond", status=status, times=1,
            retry_after=2 if status == 429 else None,
        )  # fmt: skip
        return api.demo.request(method, concrete, json=_sample_body(operation))

    return call


for _path, _method, _op in operations(DOCUMENT):
    _id = _op["operationId"]
    CASES.append(Case(_id, "401", _anonymous(_path, _method, _op)))
    CASES.append(Case(_id, "429", _fault(_path, _method, _op, 429)))
    CASES.append(Case(_id, "5XX", _fault(_path, _method, _op, 500)))

CLIENT_MODELS: dict[str, tuple[type[models.ResponseModel], bool]] = {
    "listPhoneNumbers": (models.PhoneNumberRecord, True),
    "createPhoneNumber": (models.PhoneNumberRecord, False),
    "searchAvailablePhoneNumbers": (models.AvailablePhoneNumber, True),
    "importPhoneNumber": (models.PhoneNumberRecord, False),
    "getBusinessVerification": (models.VerificationOverview, False),
    "saveBusinessVerificationDraft": (models.VerificationSubmission, False),
    "submitBusinessVerification": (models.VerificationSubmission, False),
    "getPhoneNumber": (models.PhoneNumberRecord, False),
    "updatePhoneNumber": (models.PhoneNumberRecord, False),
    "releasePhoneNumber": (models.ReleaseResult, False),
}


def _status_key(status: int) -> str:
    return "5XX" if 500 <= status < 600 else str(status)


def test_cases_cover_every_documented_status() -> None:
    documented = {(op["operationId"], s) for _, _, op in operations(DOCUMENT) for s in
                  op["responses"]}  # fmt: skip
    assert {(case.operation, case.status) for case in CASES} == documented


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_sandbox_answer_validates_against_the_document(api: Api, case: Case) -> None:
    response = case.call(api)
    assert _status_key(response.status_code) == case.status, response.text
    _, _, operation = OPERATIONS[case.operation]
    body = response.json()
    errors = document_validator(response_schema(DOCUMENT, operation, case.status)).iter_errors(body)
    assert not [f"{list(e.absolute_path)}: {e.message}" for e in errors], body
    if case.status == "429":
        assert float(response.headers["Retry-After"]) == 2
    if response.is_success:
        model, is_list = CLIENT_MODELS[case.operation]
        parsed = models.parse_response_list(model, body) if is_list else [
            models.parse_response(model, body)]  # fmt: skip
        assert parsed


# --- the sandbox's own /openapi.json ----------------------------------------------------


@pytest.fixture(scope="module")
def sandbox_document(sandbox_server: RunningSandbox) -> dict[str, Any]:
    """The sandbox's generated OpenAPI document."""
    response = httpx.get(f"{sandbox_server.base_url}/openapi.json", timeout=10)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _statuses(document: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    return {(path, method): set(op["responses"]) for path, method, op in operations(document)}


def test_sandbox_openapi_lists_the_documented_operations_and_statuses(
    sandbox_document: dict[str, Any],
) -> None:
    documented = {key: statuses - FAULT_ONLY_STATUSES for key, statuses in _statuses(
        DOCUMENT).items()}  # fmt: skip
    assert _statuses(sandbox_document) == documented


def _compare_objects(
    sandbox_schema: dict[str, Any], sandbox_document: dict[str, Any], schema: dict[str, Any],
    where: str,
) -> None:  # fmt: skip
    sandbox_resolve = resolver(sandbox_document)
    _, sandbox_object = flatten(sandbox_schema, sandbox_resolve)
    _, documented_object = flatten(schema, RESOLVE)
    if sandbox_object.get("type") == "array":
        _, sandbox_object = flatten(sandbox_object["items"], sandbox_resolve)
        _, documented_object = flatten(documented_object["items"], RESOLVE)
    if "properties" not in sandbox_object:
        return  # a free-form object on the sandbox side (checked by its answers)
    mine = field_views(sandbox_object, sandbox_resolve)
    theirs = field_views(documented_object, RESOLVE)
    assert sorted(mine) == sorted(theirs), where
    for field, view in theirs.items():
        assert (mine[field].nullable, mine[field].enum) == (view.nullable, view.enum), (
            f"{where}.{field}"
        )
        _compare_objects(
            sandbox_object["properties"][field], sandbox_document,
            documented_object["properties"][field], f"{where}.{field}",
        )  # fmt: skip


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_sandbox_openapi_bodies_have_the_documented_fields(
    sandbox_document: dict[str, Any], operation_id: str
) -> None:
    path, method, operation = OPERATIONS[operation_id]
    served = sandbox_document["paths"][path][method]
    if "requestBody" in operation:
        _compare_objects(
            served["requestBody"]["content"]["application/json"]["schema"], sandbox_document,
            operation["requestBody"]["content"]["application/json"]["schema"], operation_id,
        )  # fmt: skip
        sandbox_request = flatten(
            served["requestBody"]["content"]["application/json"]["schema"],
            resolver(sandbox_document),
        )[1]
        documented = RESOLVE(operation["requestBody"]["content"]["application/json"]["schema"][
            "$ref"])  # fmt: skip
        assert set(sandbox_request.get("required", ())) == set(documented["required"])
    success = next(s for s in operation["responses"] if s.startswith("2"))
    _compare_objects(
        served["responses"][success]["content"]["application/json"]["schema"], sandbox_document,
        response_schema(DOCUMENT, operation, success), f"{operation_id} {success}",
    )  # fmt: skip
