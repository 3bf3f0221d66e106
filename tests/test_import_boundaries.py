"""Package boundaries: no module of ``pulumi_speko`` imports another package's private module.

A private module (``_props``, ``_session``…) may change without notice; what a package
offers its neighbours is what its ``__init__`` exports.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pulumi_speko
import pytest

PACKAGE_ROOT = Path(pulumi_speko.__file__).parent


def _package_of(path: Path, root: Path) -> tuple[str, ...]:
    """The package a source file under ``root`` belongs to, e.g. ``('pulumi_speko', 'audit')``."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return parts[:-1]


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return found


def _private_owner(dotted: str) -> tuple[str, ...] | None:
    """The package whose private module ``dotted`` names (None when none is private)."""
    parts = dotted.split(".")
    for index, part in enumerate(parts[:-1]):
        if index > 0 and part.startswith("_") and not part.startswith("__"):
            return tuple(parts[:index])
    return None


def _foreign_private_imports(path: Path, root: Path = PACKAGE_ROOT) -> list[str]:
    importer = _package_of(path, root)
    problems = []
    for line, dotted in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
        owner = _private_owner(dotted)
        foreign = owner is not None and importer[: len(owner)] != owner
        if dotted.startswith("pulumi_speko.") and foreign:
            problems.append(f"{path.relative_to(root)}:{line}: {dotted}")
    return problems


def test_no_module_imports_another_packages_private_module() -> None:
    problems = [
        problem
        for path in sorted(PACKAGE_ROOT.rglob("*.py"))
        for problem in _foreign_private_imports(path)
    ]
    assert problems == []


def test_the_check_catches_a_foreign_private_import(tmp_path: Path) -> None:
    """The scan itself: a foreign private import is reported, a sibling's is not."""
    root = tmp_path / "pulumi_speko"
    (root / "audit").mkdir(parents=True)
    (root / "resources").mkdir()
    (root / "audit" / "drift.py").write_text(
        "from pulumi_speko.resources._props import same_value\n"
        "from pulumi_speko.resources import number_outputs\n"
        "from pulumi_speko._version import __version__\n"
    )
    (root / "resources" / "phone_number.py").write_text(
        "from pulumi_speko.resources._props import same_value\n"
    )
    assert _foreign_private_imports(root / "audit" / "drift.py", root) == [
        "audit/drift.py:1: pulumi_speko.resources._props.same_value"
    ]
    assert _foreign_private_imports(root / "resources" / "phone_number.py", root) == []


@pytest.mark.parametrize(
    ("package", "names"),
    [
        (
            "pulumi_speko.resources",
            ["ConfiguredProvider", "Session", "SpekoProviderError", "calls_use", "is_unknown"],
        ),
        ("pulumi_speko.resources", ["number_outputs", "same_value"]),
        ("pulumi_speko.resources", ["DEFAULT", "DESCRIPTION", "REPLACES"]),
    ],
)
def test_what_neighbours_use_is_exported_by_the_package(package: str, names: list[str]) -> None:
    module = importlib.import_module(package)
    for name in names:
        assert name in module.__all__
        assert getattr(module, name) is not None
