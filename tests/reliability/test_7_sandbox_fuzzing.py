"""Sandbox fuzzing: every operation of the sandbox's ``/openapi.json``, valid and invalid.

A small property-based fuzzer in the spirit of schemathesis, built on hypothesis and
jsonschema. It reads the running sandbox's OpenAPI document, generates for each operation
request bodies, query parameters and path ids from the operation's JSON schemas
(``$ref``, ``anyOf``/null, enums, patterns, bounds), then breaks them (missing and unknown
fields, wrong types, nulls, huge and Unicode values, malformed JSON, non-object bodies,
path ids with ``/``, ``%``, ``..``), and sends them with valid, foreign and invalid auth.

Every answer must be below 500, JSON, and valid against the schema the document declares
for its status (every error ``{"error": str, "code": str}``); a request without a valid
key is always the reference's 401. A request whose path lands on another route (an id
such as ``kyb``, or one with a ``/``) is checked against the operation that answered it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, unquote

import httpx
import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_speko.api import Client, PhoneNumberImport, VerificationSubmit
from pulumi_speko.sandbox.seed import pool_entries
from pulumi_speko.testing.sandbox import DEMO_ORG, RunningSandbox

from .support import (
    AGENTS,
    EVIDENCE,
    FIGURES,
    OTHER_RELIABILITY_KEY,
    POOL_SIZE,
    RELIABILITY_KEY,
    VERIFICATION,
)

EXAMPLES = 70
ENDPOINTS = (
    ("GET", "/v1/phone-numbers"),
    ("POST", "/v1/phone-numbers"),
    ("GET", "/v1/phone-numbers/available"),
    ("POST", "/v1/phone-numbers/import"),
    ("GET", "/v1/phone-numbers/kyb"),
    ("PUT", "/v1/phone-numbers/kyb/draft"),
    ("POST", "/v1/phone-numbers/kyb/submit"),
    ("GET", "/v1/phone-numbers/{id}"),
    ("PATCH", "/v1/phone-numbers/{id}"),
    ("DELETE", "/v1/phone-numbers/{id}"),
)
UNAUTHORIZED = {"error": "Unauthorized", "code": "UNAUTHORIZED"}
POOL = [entry.e164 for entry in pool_entries(POOL_SIZE)][:60]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)

# ------------------------------------------------------------------------ chaos values

strange_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202e",
            "😀" * 50,
            "../" * 20,
            "%00",
            "%2F",
            "null",
            "NaN",
            "'; DROP TABLE phone_numbers; --",
            "\ud7ff\ue000",
            "+1" + "9" * 400,
        ]
    ),
    st.integers(5_000, 20_000).map(lambda n: "x" * n),
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(-(2**128), 2**128),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e308, -1e308, 5e-324, 0.1, -0.0]),
    strange_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
raw_bodies = st.one_of(
    st.binary(max_size=64),
    st.sampled_from(
        [
            b"",
            b"{",
            b"[]",
            b"null",
            b"42",
            b'"text"',
            b"{'single': 'quotes'}",
            b'{"e164": NaN}',
            b'{"e164": Infinity}',
            b"\xff\xfe",
            b'{"a":' * 200,
            b'{"e164": "+14155550100", "e164": 1}',
        ]
    ),
)


# ------------------------------------------------------------------------ schemas


class Schemas:
    """Strategies from the JSON schemas of one OpenAPI document."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.document
            for part in schema["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            schema = node
        return schema

    def validator(self, schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
        """A validator of ``schema`` whose ``$ref`` resolve in the document."""
        rooted = {**schema, "components": self.document.get("components", {})}
        return jsonschema.Draft202012Validator(
            rooted, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )

    def valid(self, schema: dict[str, Any], name: str = "") -> st.SearchStrategy[Any]:
        """Instances of ``schema`` (with hints for fields the sandbox checks further)."""
        schema = self.resolve(schema)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of([self.valid(option, name) for option in schema[key]])
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        kind = schema.get("type")
        if kind == "string":
            return self.string(schema, name)
        if kind == "integer":
            return st.integers(schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            return st.floats(
                schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
            )
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            return st.lists(self.valid(schema.get("items", {})), max_size=3)
        if kind == "object" or "properties" in schema:
            return self.object(schema)
        return json_values

    def string(self, schema: dict[str, Any], name: str) -> st.SearchStrategy[str]:
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if name in ("e164", "phone"):
            return st.one_of(
                st.sampled_from(POOL), st.from_regex(schema["pattern"], fullmatch=True)
            )
        if name == "agentId":
            return st.sampled_from([*AGENTS, "agent_unknown"])
        if name == "sipConnectionInstallationId":
            return st.sampled_from(["sci_demo", "sci_unknown"])
        if schema.get("format") == "uri":
            return st.from_regex(r"https?://[a-z]{1,12}\.example(/[a-z]{0,8})?", fullmatch=True)
        if schema.get("format") == "email":
            return st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.example", fullmatch=True)
        if "pattern" in schema:
            pattern = schema["pattern"]
            anchored = pattern.startswith("^") and pattern.endswith("$")
            strings = st.from_regex(pattern, fullmatch=anchored)
        else:
            strings = st.text(min_size=low, max_size=high if high is not None else 30)
        return strings.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))

    def object(self, schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        if not properties:
            return st.dictionaries(st.text(max_size=10), json_values, max_size=4)
        return st.fixed_dictionaries(
            {key: self.valid(value, key) for key, value in properties.items() if key in required},
            optional={
                key: self.valid(value, key)
                for key, value in properties.items()
                if key not in required
            },
        )

    def invalid(self, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
        """Instances of ``schema`` broken in one or more places."""
        return self.valid(schema).flatmap(lambda body: break_value(body))


@st.composite
def break_value(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with a random change at a random depth."""
    if isinstance(value, dict) and value and draw(st.integers(0, 3)) > 0:
        key = draw(st.sampled_from(sorted(value)))
        action = draw(st.sampled_from(["drop", "descend", "null", "replace"]))
        changed = dict(value)
        if action == "drop":
            del changed[key]
        elif action == "null":
            changed[key] = None
        elif action == "replace":
            changed[key] = draw(json_values)
        else:
            changed[key] = draw(break_value(value[key]))
        if draw(st.booleans()):
            changed[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
        return changed
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        return [*value[:index], draw(break_value(value[index])), *value[index + 1 :]]
    return draw(json_values)


# ------------------------------------------------------------------------ requests

AUTH_MODES = ("valid",) * 4 + ("other org", "wrong key", "none", "basic", "empty")

# Seed bodies: requests known to be acceptable, mixed into the generated ones so that every
# endpoint's success path is reached whatever the schema-driven generator happens to draw
# (an import generated from the schema alone names SIP connections and agents that do not
# exist, and is then refused every time).
SEED_BODIES: dict[tuple[str, str], st.SearchStrategy[dict[str, Any]]] = {
    ("POST", "/v1/phone-numbers/import"): st.builds(
        lambda digits: {"e164": f"+4930{digits}", "sipTrunkId": "trunk-seed"},
        st.integers(1_000_000, 9_999_999),
    ),
}


def auth_header(mode: str) -> dict[str, str]:
    return {
        "valid": {"Authorization": f"Bearer {RELIABILITY_KEY}"},
        "other org": {"Authorization": f"bearer {OTHER_RELIABILITY_KEY}"},
        "wrong key": {"Authorization": f"Bearer {RELIABILITY_KEY}x"},
        "none": {},
        "basic": {"Authorization": f"Basic {RELIABILITY_KEY}"},
        "empty": {"Authorization": "Bearer"},
    }[mode]


def encode_id(number_id: str, raw: bool) -> str:
    """One path segment (as the contract says), or, ``raw``, with its ``/`` left as is."""
    return quote(number_id, safe="/" if raw else "").replace(".", "%2E")


def route(document: dict[str, Any], method: str, path: str) -> tuple[str, str] | str | None:
    """The operation that answers ``method path`` (decoded), routed as the sandbox does:
    literal paths first; a path that exists for other methods only is ``"405"``."""
    partial = False
    templates = sorted(document["paths"], key=lambda p: "{" in p)
    for template in templates:
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            if method.lower() in document["paths"][template]:
                return method, template
            partial = True
    return "405" if partial else None


def operation_of(document: dict[str, Any], method: str, template: str) -> dict[str, Any]:
    operation: dict[str, Any] = document["paths"][template][method.lower()]
    return operation


class Fuzzer:
    """Sends generated requests and checks every answer against the document."""

    def __init__(self, sandbox: RunningSandbox, document: dict[str, Any]) -> None:
        self.document = document
        self.schemas = Schemas(document)
        self.http = httpx.Client(base_url=sandbox.base_url, timeout=30)
        self.seen: list[str] = []
        self.statuses: dict[tuple[str, str], set[int]] = {}

    def close(self) -> None:
        self.http.close()
        EVIDENCE.add("fuzz responses", "\n".join(self.seen))

    def send(
        self,
        method: str,
        path: str,
        auth: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: Any = None,
        raw: bytes | None = None,
    ) -> httpx.Response:
        headers = auth_header(auth)
        content: bytes | None = raw
        if raw is None and body is not None:
            content = json.dumps(body, allow_nan=True).encode()
        if content is not None:
            headers["Content-Type"] = "application/json"
        query = httpx.QueryParams(tuple(params)) if params else None
        request = self.http.build_request(
            method, path, params=query, content=content, headers=headers
        )
        response = self.http.send(request)
        FIGURES.add("fuzz_requests")
        self.seen.append(f"{response.status_code} {response.text[:300]}")
        self.check(method, unquote(request.url.raw_path.decode().split("?")[0]), auth, response)
        return response

    def check(self, method: str, path: str, auth: str, response: httpx.Response) -> None:
        status = response.status_code
        if status >= 500:
            FIGURES.add("fuzz_5xx")
        assert status < 500, f"{method} {path}: {status} {response.text[:500]}"
        body = response.json()
        if status >= 400:
            assert isinstance(body, dict), body
            assert isinstance(body.get("error"), str) and isinstance(body.get("code"), str), body
        if auth not in ("valid", "other org") and path.startswith("/v1"):
            assert (status, body) == (401, UNAUTHORIZED), (method, path, status, body)
        answered_by = route(self.document, method, path)
        if not isinstance(answered_by, tuple):  # no such route: a JSON error is all we ask
            assert status in (401, 405 if answered_by == "405" else 404), (method, path, status)
            return
        operation = operation_of(self.document, *answered_by)
        self.statuses.setdefault(answered_by, set()).add(status)
        declared = operation["responses"].get(str(status))
        assert declared is not None, (
            f"{method} {answered_by[1]} answered {status}, which the document does not "
            f"declare ({sorted(operation['responses'])}): {body}"
        )
        schema = declared["content"]["application/json"]["schema"]
        errors = sorted(self.schemas.validator(schema).iter_errors(body), key=str)
        assert not errors, f"{method} {answered_by[1]} {status}: {errors[0].message} in {body}"


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def document(reliability_server: RunningSandbox) -> dict[str, Any]:
    response = httpx.get(f"{reliability_server.base_url}/openapi.json")
    response.raise_for_status()
    doc: dict[str, Any] = response.json()
    return doc


@pytest.fixture
def fuzzer(platform: RunningSandbox, document: dict[str, Any]) -> Iterator[Fuzzer]:
    """A sandbox with numbers to aim at, rich credits, and the fuzzer."""
    platform.control.set_credits(DEMO_ORG, "100000")
    with Client(RELIABILITY_KEY, platform.base_url) as client:
        client.submit_business_verification(VerificationSubmit.model_validate(VERIFICATION))
        for line in range(3):
            body = PhoneNumberImport(e164=f"+4930{555000 + line}", sip_trunk_id=f"t{line}")
            client.import_phone_number(body)
    with Client(OTHER_RELIABILITY_KEY, platform.base_url) as other:
        other.import_phone_number(PhoneNumberImport(e164="+4930666000", sip_trunk_id="t"))
    fuzz = Fuzzer(platform, document)
    yield fuzz
    fuzz.close()


def number_ids(platform: RunningSandbox) -> list[str]:
    ids = [n["id"] for org in ("org_demo", "org_other") for n in platform.control.list_numbers(org)]
    return sorted(ids) or ["pn_none"]


path_ids = st.one_of(
    st.text(min_size=1, max_size=30),
    st.sampled_from(
        [
            ".",
            "..",
            "%",
            "%2F",
            "%zz",
            "a/b",
            "../kyb",
            "kyb",
            "available",
            "import",
            "kyb/draft",
            "pn_" + "9" * 500,
            "\u00e9\u4e2d\U0001f4de",
            "\x00",
            " ",
            "?",
            "#",
        ]
    ),
)


# ------------------------------------------------------------------------ tests


def test_the_document_lists_the_ten_endpoints_of_the_contract(document: dict[str, Any]) -> None:
    listed = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert listed == set(ENDPOINTS)


@pytest.mark.parametrize(("method", "template"), ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
def test_fuzzing_an_endpoint_never_answers_5xx_nor_off_schema(
    platform: RunningSandbox, fuzzer: Fuzzer, method: str, template: str
) -> None:
    operation = operation_of(fuzzer.document, method, template)
    body_schema = (
        operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema")
    )
    parameters = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    ids = number_ids(platform)

    @FUZZ_SETTINGS
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        auth = data.draw(st.sampled_from(AUTH_MODES), label="auth")
        path = template
        if "{id}" in template:
            number_id = data.draw(st.one_of(st.sampled_from(ids), path_ids), label="id")
            path = template.replace("{id}", encode_id(number_id, data.draw(st.booleans())))
        params = draw_params(data, fuzzer.schemas, parameters)
        body, raw = None, None
        if body_schema is not None:
            shapes = ["valid", "valid", "valid", "invalid", "invalid", "any", "raw"]
            seed = SEED_BODIES.get((method, template))
            shape = data.draw(st.sampled_from([*shapes, "seed"] if seed is not None else shapes))
            if shape == "seed" and seed is not None:
                body = data.draw(seed, label="seed body")
            elif shape == "valid":
                body = data.draw(fuzzer.schemas.valid(body_schema), label="body")
            elif shape == "invalid":
                body = data.draw(fuzzer.schemas.invalid(body_schema), label="body")
            elif shape == "any":
                body = data.draw(json_values, label="body")
            else:
                raw = data.draw(raw_bodies, label="raw body")
        elif data.draw(st.integers(0, 9)) == 0:
            body = data.draw(json_values, label="unexpected body")
        fuzzer.send(method, path, auth, params=params, body=body, raw=raw)

    fuzz()
    answered = fuzzer.statuses.get((method, template), set())
    assert any(200 <= status < 300 for status in answered), f"never a success: {answered}"
    assert any(400 <= status < 500 for status in answered), f"never an error: {answered}"
    FIGURES.notes.append(f"fuzz {method} {template}: statuses {sorted(answered)}")


def draw_params(
    data: st.DataObject, schemas: Schemas, parameters: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Query parameters: each left out, valid, or any string; sometimes unknown ones."""
    params: list[tuple[str, str]] = []
    for parameter in parameters:
        mode = data.draw(st.sampled_from(["omit", "valid", "valid", "chaos"]))
        if mode == "valid":
            value = data.draw(schemas.valid(parameter["schema"], parameter["name"]))
            if value is not None:
                params.append((parameter["name"], str(value)))
        elif mode == "chaos":
            params.append((parameter["name"], data.draw(strange_text)))
    if data.draw(st.integers(0, 4)) == 0:
        params.append((data.draw(st.text(min_size=1, max_size=8)), data.draw(strange_text)))
    return params


def test_undeclared_methods_answer_a_json_405(platform: RunningSandbox, fuzzer: Fuzzer) -> None:
    for method, path in [
        ("PUT", "/v1/phone-numbers"),
        ("POST", "/v1/phone-numbers/kyb"),
        ("DELETE", "/v1/phone-numbers/kyb/draft"),
        ("GET", "/v1/phone-numbers/kyb/submit"),
    ]:
        assert route(fuzzer.document, method, path) == "405"
        assert fuzzer.send(method, path, "valid").status_code == 405  # with the error body


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_a_body_with_nan_or_infinity_is_not_json_and_is_refused(
    platform: RunningSandbox, fuzzer: Fuzzer, token: str
) -> None:
    template = f'"dispatchMetadataTemplate": {{"x": {token}}}'
    body = f'{{"e164": "+4930777000", "sipTrunkId": "t", {template}}}'
    response = fuzzer.send("POST", "/v1/phone-numbers/import", "valid", raw=body.encode())
    assert response.status_code == 400, response.text
