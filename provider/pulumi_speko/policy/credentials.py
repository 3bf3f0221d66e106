"""Recognising keys that look like credentials, at any depth of a dispatch template.

A dispatch metadata template is stored in plain text: in Pulumi state and on the
platform, and it is handed to the agent on every call. A credential put there leaks.

A key is compared after normalising it: split into words at separators (``_``, ``-``,
``.``, spaces, …) and at camelCase boundaries, lower-cased. It looks like a credential
when

- the words joined together (``"x-API-Key"`` -> ``"xapikey"``) contain one of
  :data:`CREDENTIAL_FRAGMENTS`, or
- one of its words is one of :data:`CREDENTIAL_WORDS` (short terms that would match
  innocent keys as fragments: ``auth`` is in ``author`` and ``authority``).

So ``apiKey``, ``API_KEY``, ``api-key``, ``apikey``, ``x-api-key``, ``authToken``,
``Authorization``, ``client_secret``, ``db_password``, ``passwd``, ``privateKey``,
``bearer``, ``aws_access_key_id``, ``credentials``, ``jwt``, ``auth`` all match; ``author``,
``authority_name``, ``customer_tier``, ``language`` do not. A key like ``tokenizer``
does match (it contains ``token``); rename such a key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

__all__ = [
    "CREDENTIAL_FRAGMENTS",
    "CREDENTIAL_WORDS",
    "credential_key_paths",
    "looks_like_credential",
]

CREDENTIAL_FRAGMENTS: Final[tuple[str, ...]] = (
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "accesskey",
    "signingkey",
    "encryptionkey",
    "credential",
    "bearer",
    "authorization",
    "sessionkey",
)
"""Substrings that mark a key as a credential wherever they appear in it."""

CREDENTIAL_WORDS: Final[frozenset[str]] = frozenset(
    {"auth", "oauth", "creds", "pwd", "jwt", "otp", "hmac"}
)
"""Whole words that mark a key as a credential (too short to match as fragments)."""

# Runs of capitals before a capitalised word (``API`` in ``APIKey``), capitalised or
# lower-case words, remaining capitals, digit runs.
_WORD_RE: Final = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def _words(key: str) -> list[str]:
    return [word.lower() for word in _WORD_RE.findall(key)]


def looks_like_credential(key: str) -> bool:
    """Whether a dictionary key names a credential (see the module docstring)."""
    words = _words(key)
    joined = "".join(words)
    return any(fragment in joined for fragment in CREDENTIAL_FRAGMENTS) or any(
        word in CREDENTIAL_WORDS for word in words
    )


def credential_key_paths(template: Any) -> list[str]:
    """The paths (``crm.apiKey``, ``hooks[0].token``) of credential-like keys in a value."""
    return list(_walk(template, ""))


def _walk(value: Any, path: str) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else str(key)
            if looks_like_credential(str(key)):
                yield child_path
            yield from _walk(child, child_path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, f"{path}[{index}]")
