"""What the renderers of ``audit``, ``drift`` and ``discover`` share: picking one by its
``--format`` name, the head of the JSON documents, and counting nouns in prose."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

__all__ = ["ApiReport", "json_document", "json_report", "plural", "render_as"]

Subject = TypeVar("Subject")


def render_as(
    renderers: Mapping[str, Callable[[Subject], str]], subject: Subject, output_format: str
) -> str:
    """``subject`` printed by the renderer named ``output_format``; :class:`ValueError`
    naming the formats there are when it is none of them."""
    renderer = renderers.get(output_format)
    if renderer is None:
        choices = ", ".join(renderers)
        raise ValueError(f"unknown format {output_format!r}; choose one of {choices}")
    return renderer(subject)


def plural(count: int, noun: str) -> str:
    """``1 number``, ``3 numbers``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


class ApiReport(Protocol):
    """A report on a stack (``None``: no stack export given) against the API."""

    @property
    def stack(self) -> str | None:
        """The stack's name."""

    @property
    def project(self) -> str | None:
        """The stack's project."""

    @property
    def base_url(self) -> str:
        """The API root that was asked."""


def json_report(schema_version: int, report: ApiReport, **fields: Any) -> str:
    """The JSON document of a report against the API: its schema version, stack, project
    and API root, then ``fields``."""
    head = {"stack": report.stack, "project": report.project, "base_url": report.base_url}
    return json_document(schema_version, {**head, **fields})


def json_document(schema_version: int, fields: Mapping[str, Any]) -> str:
    """``fields`` and ``schema_version`` as JSON: indented, keys sorted, a final newline."""
    document = {**fields, "schema_version": schema_version}
    return json.dumps(document, indent=2, sort_keys=True, default=str) + "\n"
