"""The code stays lint-clean and formatted (ruff is a test dependency)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff(command) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "generator", "tests", "scripts", "benchmarks"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_readme_stays_short() -> None:
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 250, f"README.md has {len(lines)} lines; move the detail to a page under docs/"


def _nav_pages(entries: list) -> list[str]:
    """The page files a MkDocs nav lists, however deeply nested."""
    pages: list[str] = []
    for entry in entries:
        values = entry.values() if isinstance(entry, dict) else [entry]
        for value in values:
            pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_every_docs_page_is_in_the_nav() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = _nav_pages(config["nav"])
    pages = sorted(p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md"))
    assert sorted(listed) == pages


def _imports(package: str) -> dict[str, set[str]]:
    """Module -> the modules of `package` (e.g. generator.batch) it imports, at the top or inside a function."""
    import ast

    root = ROOT / package.replace(".", "/")
    graph: dict[str, set[str]] = {}
    for path in root.rglob("*.py"):
        module = ".".join((package, *path.relative_to(root).with_suffix("").parts)).removesuffix(".__init__")
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package + "."):
                found.add(node.module)
        graph[module] = found
    return graph


@pytest.mark.parametrize("package", ["generator.batch", "generator.fhir"])
def test_no_import_cycles_in_a_package(package) -> None:
    graph, done = _imports(package), set()

    def visit(module: str, trail: tuple[str, ...]) -> None:
        assert module not in trail, f"import cycle: {' -> '.join((*trail, module))}"
        if module not in done:
            for imported in sorted(graph.get(module, ())):
                visit(imported, (*trail, module))
            done.add(module)

    for module in sorted(graph):
        visit(module, ())


@pytest.mark.parametrize("folder", ["benchmarks", "scripts"])
def test_scripts_import_what_the_package_has(folder) -> None:
    """The benchmark and helper scripts run outside the test suite: each name they import from the package exists."""
    import ast
    import importlib

    for path in sorted((ROOT / folder).glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                module = importlib.import_module(node.module)
                for alias in node.names:
                    assert hasattr(module, alias.name) or importlib.util.find_spec(f"{node.module}.{alias.name}"), (
                        f"{path.name}: from {node.module} import {alias.name}"
                    )
