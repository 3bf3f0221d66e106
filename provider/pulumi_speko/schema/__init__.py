"""The Pulumi package schema (``schema.json``) of ``speko``, generated from the code.

:func:`generate_schema` builds it from the Args dataclasses, the Resource classes, the
wire models and the functions; :func:`render_schema` is the committed text. The
``pulumi-speko schema`` command prints, writes or checks it.
"""

from __future__ import annotations

from typing import Any


def generate_schema() -> dict[str, Any]:
    """The package schema, as a JSON-ready dict."""
    from pulumi_speko.schema.generate import generate_schema as generate

    return generate()


def render_schema() -> str:
    """The schema as committed in ``schema.json``: sorted keys, 2-space indent, newline."""
    from pulumi_speko.schema.generate import render_schema as render

    return render()


__all__ = ["generate_schema", "render_schema"]
