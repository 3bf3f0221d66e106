"""Every client the package builds comes from ``credentials.client_for`` (one settings path)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).parents[1] / "provider" / "pulumi_speko"


def _builds_api_client(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Client"
    )


def test_only_client_for_constructs_the_api_client() -> None:
    builders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(_builds_api_client(node) for node in ast.walk(ast.parse(path.read_text())))
    )
    assert builders == ["credentials.py"]
