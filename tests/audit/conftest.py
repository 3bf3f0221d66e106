"""Stack-export fixtures shaped like real ``pulumi stack export`` output.

``dev-stack.json`` (deployment v3): the stack resource, the default ``pulumi-python``
provider the dynamic resources use, an AWS provider and bucket of another package, a
submitted BusinessVerification, two managed PhoneNumbers (one protected and ready, one
unprotected, inbound without routing, needing action), two SipTrunkPhoneNumbers (one
with a secret dispatch template and a forwarding issue, one without a label), secret
``__provider`` ciphertexts throughout, and two pending operations (a speko create, an
AWS update). ``legacy-v1-stack.json``: a version 1 deployment with one SIP number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def _secret_texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("4dabf18193072939515e22adb298388d") == SECRET_SIG:
            yield from (str(v) for k, v in value.items() if k in ("ciphertext", "plaintext"))
            return
        for child in value.values():
            yield from _secret_texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from _secret_texts(child)


@pytest.fixture
def dev_export_path() -> Path:
    """The realistic v3 export."""
    return FIXTURES / "dev-stack.json"


@pytest.fixture
def legacy_export_path() -> Path:
    """The version 1 export."""
    return FIXTURES / "legacy-v1-stack.json"


@pytest.fixture
def dev_ciphertexts(dev_export_path: Path) -> list[str]:
    """Every secret ciphertext in the v3 export (plus the secrets provider's salt)."""
    document = json.loads(dev_export_path.read_text())
    texts = sorted(set(_secret_texts(document)))
    assert len(texts) == 7  # five resources' __provider, a template, a pending create
    return [*texts, document["deployment"]["secrets_providers"]["state"]["salt"]]
