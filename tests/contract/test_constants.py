"""``pulumi_speko.constants`` imports nothing and agrees with the OpenAPI document, and the
typed copies that must stay Literals (client and sandbox) agree with it."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any, get_args

import pytest
from pulumi_speko import constants, credentials
from pulumi_speko.api import models
from pulumi_speko.policy import rules
from pulumi_speko.resources import business_verification, phone_number, sip_trunk_phone_number
from pulumi_speko.sandbox import model as sandbox_model

from .spec import load_document

DOCUMENT = load_document()
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]


def test_constants_module_imports_nothing() -> None:
    tree = ast.parse(Path(constants.__file__).read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
    assert imports == []


def test_constants_agree_with_the_document() -> None:
    assert SCHEMAS["E164"]["pattern"] == constants.E164_PATTERN
    assert tuple(SCHEMAS["Direction"]["enum"]) == constants.DIRECTIONS
    assert tuple(SCHEMAS["Source"]["enum"]) == constants.SOURCES
    assert tuple(SCHEMAS["VerificationStatus"]["enum"]) == constants.VERIFICATION_STATUSES
    assert tuple(SCHEMAS["SubmissionStatus"]["enum"]) == constants.SUBMISSION_STATUSES
    assert DOCUMENT["servers"][0]["url"] == constants.DEFAULT_BASE_URL
    assert set(constants.DIRECTIONS) > constants.INBOUND_DIRECTIONS
    assert set(constants.DIRECTIONS) > constants.OUTBOUND_DIRECTIONS


@pytest.mark.parametrize(
    ("literal", "values"),
    [
        (models.Direction, constants.DIRECTIONS),
        (models.Source, constants.SOURCES),
        (models.VerificationStatus, constants.VERIFICATION_STATUSES),
        (models.SubmissionStatus, constants.SUBMISSION_STATUSES),
        (sandbox_model.Direction, constants.DIRECTIONS),
        (sandbox_model.Source, constants.SOURCES),
        (sandbox_model.OverviewStatus, constants.VERIFICATION_STATUSES),
        (sandbox_model.VerificationStatus, constants.SUBMISSION_STATUSES),
    ],
)
def test_typed_literals_spell_the_shared_values(literal: Any, values: tuple[str, ...]) -> None:
    assert get_args(literal) == values


def test_every_layer_uses_the_shared_values() -> None:
    assert phone_number.TYPE_TOKEN == constants.PHONE_NUMBER_TYPE
    assert sip_trunk_phone_number.TYPE_TOKEN == constants.SIP_TRUNK_PHONE_NUMBER_TYPE
    assert business_verification.TYPE_TOKEN == constants.BUSINESS_VERIFICATION_TYPE
    assert rules.E164_PATTERN.pattern == models.E164_PATTERN == constants.E164_PATTERN
    assert credentials.DEFAULT_BASE_URL == constants.DEFAULT_BASE_URL


@pytest.mark.parametrize("e164", ["+14155550100\n", "+1415555010\u0664", "+0123456789"])
def test_policy_still_refuses_what_the_pattern_refuses(e164: str) -> None:
    assert rules.E164_PATTERN.fullmatch(e164) is None
    assert re.fullmatch(constants.E164_PATTERN, e164) is None
