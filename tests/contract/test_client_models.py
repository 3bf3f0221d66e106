"""The client's wire models (``pulumi_speko.api.models``) against the OpenAPI document.

Both directions, field by field, by wire name: nothing in a model that the document
lacks, nothing in the document that the model lacks. Requests must match exactly
(required, enums, patterns and limits), so the client sends only what the API accepts;
responses are read tolerantly (the client requires no more than the document and accepts
every null it allows), because newer servers add fields and values.
"""

from __future__ import annotations

import json

import pytest
from pulumi_speko.api import models
from pulumi_speko.api._error_body import read_error_body
from pydantic import BaseModel, ValidationError

from .spec import (
    DOCUMENT,
    RESOLVE,
    SCHEMAS,
    FieldView,
    document_validator,
    field_views,
    resolver,
    response_schema,
)

RESPONSE_MODELS: dict[str, type[BaseModel]] = {
    "PhoneNumber": models.PhoneNumberRecord,
    "SetupStatus": models.SetupStatus,
    "AvailablePhoneNumber": models.AvailablePhoneNumber,
    "Region": models.Region,
    "ReleaseResult": models.ReleaseResult,
    "VerificationSubmission": models.VerificationSubmission,
    "VerificationPrefill": models.VerificationPrefill,
    "VerificationOverview": models.VerificationOverview,
}
REQUEST_MODELS: dict[str, type[models.RequestModel]] = {
    "PhoneNumberCreate": models.PhoneNumberCreate,
    "PhoneNumberImport": models.PhoneNumberImport,
    "PhoneNumberUpdate": models.PhoneNumberUpdate,
    "VerificationDraft": models.VerificationDraft,
    "VerificationSubmit": models.VerificationSubmit,
    "BusinessProfile": models.BusinessProfile,
    "Address": models.Address,
    "AuthorizedRepresentative": models.AuthorizedRepresentative,
}
# Read without a pydantic model, by api._error_body.read_error_body (tested below).
ERROR_SCHEMAS = frozenset({"Error", "ErrorDetail"})
# Status fields the client only displays: it reads them as plain strings, so a value a
# newer server adds does not break reading a number or a verification.
OPEN_ENUMS = frozenset(
    {
        ("PhoneNumber", "smsAssignmentStatus"),
        ("SetupStatus", "status"),
        ("VerificationSubmission", "slackNotificationStatus"),
    }
)
# Query parameters the client checks more strictly than the document before sending.
STRICTER_CLIENT_PARAMETERS = {"locality": (("minLength", 1),)}


def _model_views(model: type[BaseModel]) -> dict[str, FieldView]:
    schema = model.model_json_schema(by_alias=True)
    return field_views(schema, resolver(schema))


def _document_views(name: str) -> dict[str, FieldView]:
    return field_views(SCHEMAS[name], RESOLVE)


def _field_pairs(name: str, model: type[BaseModel]) -> list[tuple[str, FieldView, FieldView]]:
    """``(field, documented, modelled)`` for each field of schema ``name``; the document
    and ``model`` must name the same fields."""
    documented, modelled = _document_views(name), _model_views(model)
    assert sorted(modelled) == sorted(documented)
    return [(field, doc, modelled[field]) for field, doc in documented.items()]


def _object_schemas() -> set[str]:
    return {name for name, schema in SCHEMAS.items() if "properties" in schema}


def test_every_object_schema_of_the_document_has_one_client_model() -> None:
    covered = set(RESPONSE_MODELS) | set(REQUEST_MODELS) | ERROR_SCHEMAS
    assert covered == _object_schemas()
    assert not set(RESPONSE_MODELS) & set(REQUEST_MODELS)


@pytest.mark.parametrize("name", sorted(RESPONSE_MODELS))
def test_response_model_reads_every_field_of_the_document(name: str) -> None:
    for field, doc, model in _field_pairs(name, RESPONSE_MODELS[name]):
        assert doc.required or not model.required, f"{name}.{field} may be absent"
        assert model.nullable or not doc.nullable, f"{name}.{field} may be null"
        if (name, field) in OPEN_ENUMS:
            assert doc.enum and model.enum is None, f"{name}.{field} is an open enum"
        else:
            assert model.enum == doc.enum, f"{name}.{field}"


@pytest.mark.parametrize("name", sorted(REQUEST_MODELS))
def test_request_model_matches_the_document_exactly(name: str) -> None:
    for field, doc, model in _field_pairs(name, REQUEST_MODELS[name]):
        assert (model.required, model.enum, model.constraints) == (
            doc.required,
            doc.enum,
            doc.constraints,
        ), f"{name}.{field}"
        assert model.nullable or not doc.nullable, f"{name}.{field}: the client cannot send null"


@pytest.mark.parametrize("name", sorted(REQUEST_MODELS))
def test_client_sends_document_examples_as_valid_bodies(name: str) -> None:
    model = REQUEST_MODELS[name]
    validator = document_validator(SCHEMAS[name])
    for example in SCHEMAS[name]["examples"]:
        body = model.model_validate(example).to_wire()
        assert not [e.message for e in validator.iter_errors(body)], body


@pytest.mark.parametrize("name", sorted(REQUEST_MODELS))
def test_client_never_sends_null_where_the_document_forbids_it(name: str) -> None:
    model = REQUEST_MODELS[name]
    example = SCHEMAS[name]["examples"][0]
    not_nullable = [field for field, view in _document_views(name).items() if not view.nullable]
    for field in not_nullable:
        try:
            body = model.model_validate({**example, field: None}).to_wire()
        except ValidationError:
            continue  # refused before sending
        assert body.get(field, "absent") is not None, f"{name}.{field} sent as null"


def test_search_query_matches_the_documented_parameters() -> None:
    operation = DOCUMENT["paths"]["/v1/phone-numbers/available"]["get"]
    as_object = {
        "properties": {p["name"]: p["schema"] for p in operation["parameters"]},
        "required": [p["name"] for p in operation["parameters"] if p["required"]],
    }
    documented = field_views(as_object, RESOLVE)
    modelled = _model_views(models.AvailablePhoneNumberQuery)
    assert sorted(modelled) == sorted(documented)
    for field, doc in documented.items():
        expected = doc.constraints + STRICTER_CLIENT_PARAMETERS.get(field, ())
        assert (modelled[field].required, modelled[field].constraints) == (False, expected)


def test_client_reads_a_documented_error_body() -> None:
    operation = DOCUMENT["paths"]["/v1/phone-numbers"]["post"]
    body = {
        "error": "Invalid request body",
        "code": "VALIDATION_ERROR",
        "details": [{"path": "e164", "message": "must be E.164"}],
    }
    assert document_validator(response_schema(DOCUMENT, operation, "400")).is_valid(body)
    read = read_error_body(400, json.dumps(body), lambda text: text)
    assert (read.code, read.message) == ("VALIDATION_ERROR", "Invalid request body")
    assert [(d.path, d.message) for d in read.details] == [("e164", "must be E.164")]
