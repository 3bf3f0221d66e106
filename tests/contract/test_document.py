"""The OpenAPI document is a valid OpenAPI 3.1 description of the ten endpoints.

The whole document is checked against the OpenAPI Initiative's JSON Schema of OpenAPI
3.1 documents (``openapi-3.1-schema.json``, vendored: its ``$id`` names the published
version), and each of its schemas against the JSON Schema 2020-12 meta-schema.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from .spec import (
    SCHEMAS_REF,
    document_validator,
    load_document,
    operations,
    resolver,
    response_schema,
)

OPENAPI_31_SCHEMA = Path(__file__).with_name("openapi-3.1-schema.json")
DOCUMENT = load_document()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]

# The endpoints of the contract, in the order of the reference.
CONTRACT_ENDPOINTS = [
    ("get", "/v1/phone-numbers"),
    ("post", "/v1/phone-numbers"),
    ("get", "/v1/phone-numbers/available"),
    ("post", "/v1/phone-numbers/import"),
    ("get", "/v1/phone-numbers/kyb"),
    ("put", "/v1/phone-numbers/kyb/draft"),
    ("post", "/v1/phone-numbers/kyb/submit"),
    ("get", "/v1/phone-numbers/{id}"),
    ("patch", "/v1/phone-numbers/{id}"),
    ("delete", "/v1/phone-numbers/{id}"),
]


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def test_document_is_valid_against_the_openapi_3_1_schema() -> None:
    meta = json.loads(OPENAPI_31_SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(Draft202012Validator(meta).iter_errors(DOCUMENT), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    assert DOCUMENT["openapi"].startswith("3.1.")


def test_the_openapi_schema_check_catches_a_broken_document() -> None:
    meta = json.loads(OPENAPI_31_SCHEMA.read_text(encoding="utf-8"))
    broken = {**DOCUMENT, "paths": {"/v1/phone-numbers": {"get": {"responses": {"200": {}}}}}}
    assert not Draft202012Validator(meta).is_valid(broken)  # a response needs a description


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_each_schema_is_valid_json_schema_2020_12(name: str) -> None:
    Draft202012Validator.check_schema(SCHEMAS[name])


def test_every_reference_resolves() -> None:
    resolve = resolver(DOCUMENT)
    refs = _refs(DOCUMENT)
    assert len(refs) > 50
    for ref in refs:
        assert resolve(ref), ref


@pytest.mark.parametrize("name", sorted(n for n, s in SCHEMAS.items() if "examples" in s))
def test_schema_examples_are_valid(name: str) -> None:
    validator = document_validator({"$ref": SCHEMAS_REF + name})
    for example in SCHEMAS[name]["examples"]:
        assert not list(validator.iter_errors(example)), example


def test_the_ten_endpoints_of_the_contract() -> None:
    documented = sorted((method, path) for path, method, _ in operations(DOCUMENT))
    assert documented == sorted(CONTRACT_ENDPOINTS)
    paths_in_order = list(dict.fromkeys(path for _, path in CONTRACT_ENDPOINTS))
    assert list(DOCUMENT["paths"]) == paths_in_order
    ids = [operation["operationId"] for _, _, operation in operations(DOCUMENT)]
    assert len(set(ids)) == len(ids) == 10


@pytest.mark.parametrize("path, method, operation", list(operations(DOCUMENT)))
def test_every_operation_documents_auth_rate_limit_and_server_errors(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    responses = operation["responses"]
    assert responses["401"] == {"$ref": "#/components/responses/Unauthorized"}
    assert responses["429"] == {"$ref": "#/components/responses/RateLimited"}
    assert responses["5XX"] == {"$ref": "#/components/responses/InternalError"}
    assert DOCUMENT["security"] == [{"bearerAuth": []}]
    for status in responses:
        response_schema(DOCUMENT, operation, status)  # every answer has a JSON body


def test_rate_limited_answers_carry_retry_after() -> None:
    rate_limited = DOCUMENT["components"]["responses"]["RateLimited"]
    assert rate_limited["headers"]["Retry-After"]["required"] is True


def test_path_parameters_are_declared() -> None:
    item = DOCUMENT["paths"]["/v1/phone-numbers/{id}"]
    assert [(p["name"], p["in"], p["required"]) for p in item["parameters"]] == [
        ("id", "path", True)
    ]


@pytest.mark.parametrize(
    ("schema", "value"),
    [
        ("PhoneNumberCreate", {"e164": "+0123456789"}),  # first digit 0
        ("PhoneNumberCreate", {"e164": "+1415555010\u0664"}),  # an Arabic-Indic digit
        ("PhoneNumberCreate", {"e164": "+14155550100", "label": "x" * 121}),
        ("PhoneNumberCreate", {"e164": "+14155550100", "direction": "sideways"}),
        ("PhoneNumberImport", {"e164": "+14155550100", "colour": "red"}),  # unknown key
        ("PhoneNumberUpdate", {"e164": "+14155550100"}),  # immutable key
        ("PhoneNumberUpdate", {"direction": None}),
        ("VerificationSubmit", {"attestationAccepted": False}),
        ("AuthorizedRepresentative", {"name": "A", "title": "B", "email": "not-an-address"}),
    ],
)
def test_document_schemas_refuse_what_the_contract_refuses(schema: str, value: Any) -> None:
    assert not document_validator({"$ref": SCHEMAS_REF + schema}).is_valid(value)


def test_error_answers_name_their_code() -> None:
    operation = DOCUMENT["paths"]["/v1/phone-numbers/{id}"]["get"]
    not_found = document_validator(response_schema(DOCUMENT, operation, "404"))
    assert not_found.is_valid({"error": "Phone number not found", "code": "NOT_FOUND"})
    assert not not_found.is_valid({"error": "Phone number not found", "code": "CONFLICT"})
    assert not not_found.is_valid({"code": "NOT_FOUND"})
    unauthorized = document_validator(response_schema(DOCUMENT, operation, "401"))
    assert unauthorized.is_valid({"error": "Unauthorized", "code": "UNAUTHORIZED"})
    bad_request = document_validator(
        response_schema(DOCUMENT, DOCUMENT["paths"]["/v1/phone-numbers"]["post"], "400")
    )
    details = [{"path": "e164", "message": "bad"}]
    assert bad_request.is_valid(
        {"error": "Invalid request body", "code": "VALIDATION_ERROR", "details": details}
    )
