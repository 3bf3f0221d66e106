"""``pulumi-speko review``: a preview as a pull-request comment about money, risk and routing.

- :mod:`~pulumi_speko.review.preview`: reading ``pulumi preview --json`` (the digest) and
  the engine-event stream, both type families normalised to one;
- :mod:`~pulumi_speko.review.model` and :mod:`~pulumi_speko.review.changes`: the
  per-resource changes computed from old and new inputs;
- :mod:`~pulumi_speko.review.pricing`: what purchases cost (state, live search, caps);
- :mod:`~pulumi_speko.review.markdown`, :mod:`~pulumi_speko.review.json_output`: output;
- :mod:`~pulumi_speko.review.gates`: ``--fail-on`` for CI;
- :mod:`~pulumi_speko.review.command`: the subcommand.
"""

from __future__ import annotations

from pulumi_speko.review.changes import build_review
from pulumi_speko.review.json_output import render_json
from pulumi_speko.review.markdown import render_markdown
from pulumi_speko.review.preview import Preview, PreviewError, load_preview, parse_preview_text

__all__ = [
    "Preview",
    "PreviewError",
    "build_review",
    "load_preview",
    "parse_preview_text",
    "render_json",
    "render_markdown",
]
