"""Preview fixtures shaped like ``pulumi preview --json`` (the digest) and ``pulumi up
--json`` (one engine event per line), and a runner of ``pulumi-speko review``.

- ``pr-preview.json``: a pull request's preview without ``--show-sames``: a purchase by
  area code with price caps, a purchase by E.164 whose new state carries its price, an
  in-place routing update of a protected number (no ``diffReasons``, ``detailedDiff``
  null, new state without outputs), a replace by area-code change (the new state copies
  the old outputs), releases of a protected and an unprotected number, a verification
  resubmit, a SIP import with an unknown agent id and a secret dispatch template, and an
  AWS bucket (not speko's). ``__provider`` is ``"[secret]"`` throughout.
- ``show-sames.json``: ``--show-sames``: the stack, the provider, two unchanged speko
  resources, one label update of a number with a secret template.
- ``replacement-steps.json``: ``--show-replacement-steps``: delete-replaced, replace,
  create-replacement of one SIP number that keeps its E.164.
- ``native-camelcase.json``: the native plugin's ``speko:index:PhoneNumber`` (camelCase,
  with ``diffReasons`` and ``detailedDiff``).
- ``up-events.jsonl``: the engine-event stream: prelude, pre-events of the planning
  pass (a create seen again while executing), a diagnostic, outputs, summary.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from previews import ReviewRun
from pulumi_speko.cli import main


@pytest.fixture(autouse=True)
def no_credentials_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reviews never see a developer's own key or config."""
    for name in ("SPEKO_API_KEY", "SPEKO_BASE_URL", "PULUMI_CONFIG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def review(capsys: pytest.CaptureFixture[str]) -> ReviewRun:
    """Run ``pulumi-speko review ARGS``; returns (exit status, stdout, stderr)."""

    def run(*argv: str | Path) -> tuple[int, str, str]:
        status = main(["review", *(str(arg) for arg in argv)])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def review_json(review: ReviewRun) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Run the command with ``--format json``; returns (exit status, document)."""

    def run(*argv: str | Path) -> tuple[int, dict[str, Any]]:
        status, out, _ = review(*argv, "--format", "json")
        return status, json.loads(out)

    return run
