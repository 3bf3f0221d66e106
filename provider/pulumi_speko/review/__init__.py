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

from typing import TYPE_CHECKING

from pulumi_speko._lazy import lazy_getattr

# public name -> module that defines it (loaded on first use, like pulumi_speko.api)
_EXPORTS: dict[str, str] = {
    "Preview": "pulumi_speko.review.preview",
    "PreviewError": "pulumi_speko.review.preview",
    "build_review": "pulumi_speko.review.changes",
    "load_preview": "pulumi_speko.review.preview",
    "parse_preview_text": "pulumi_speko.review.preview",
    "render_json": "pulumi_speko.review.json_output",
    "render_markdown": "pulumi_speko.review.markdown",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from pulumi_speko.review.changes import build_review as build_review
    from pulumi_speko.review.json_output import render_json as render_json
    from pulumi_speko.review.markdown import render_markdown as render_markdown
    from pulumi_speko.review.preview import Preview as Preview
    from pulumi_speko.review.preview import PreviewError as PreviewError
    from pulumi_speko.review.preview import load_preview as load_preview
    from pulumi_speko.review.preview import parse_preview_text as parse_preview_text

__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
