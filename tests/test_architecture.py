"""The layout is the architecture: sub-packages import only downwards, no module imports itself in a loop, and
no module grows past a size a newcomer can read. Every import counts, those inside functions too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aspo"

#: The layers, lowest first (CONTRIBUTING.md tells what each owns). A module may import its own layer and the
#: ones below; the packages of one layer (the commands' own) import none of each other.
LAYERS = (
    ("core",),
    ("office",),
    ("library",),
    ("plan",),
    ("compose",),
    ("render",),
    ("build",),
    ("review", "checks", "authoring", "measure"),
    ("cli",),
    ("__main__",),
)
MAX_LINES = 800


def _layer_of(module: str) -> tuple[int, str]:
    part = module.split(".")[1] if module.count(".") else ""
    for number, names in enumerate(LAYERS):
        if part in names:
            return number, part
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS in tests/test_architecture.py")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, int]]:
    """(aspo module imported, line) for every import in the file, at any depth: `from aspo.x import y` counts as
    aspo.x.y when that is a module, else as aspo.x."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("aspo.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("aspo"):
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.append((name if name in modules else node.module, node.lineno))
    return [(name, line) for name, line in found if name in modules and name != "aspo"]


@pytest.fixture(scope="module")
def graph() -> dict[str, list[tuple[str, int]]]:
    modules = _modules()
    return {module: _imports(module, path, modules) for module, path in modules.items() if module != "aspo"}


def test_every_import_points_to_its_own_layer_or_a_lower_one(graph):
    wrong = []
    for module, imports in graph.items():
        level, package = _layer_of(module)
        for imported, line in imports:
            their_level, their_package = _layer_of(imported)
            if their_level > level or (their_level == level and their_package != package):
                wrong.append(f"{module}:{line} imports {imported} ({package} may not import {their_package})")
    assert wrong == []


def test_no_module_imports_itself_through_others(graph):
    cycles = set()

    def visit(module: str, path: list[str]) -> None:
        for imported, _ in graph.get(module, []):
            if imported in path:
                loop = path[path.index(imported):]
                start = loop.index(min(loop))
                cycles.add(" -> ".join(loop[start:] + loop[:start] + [min(loop)]))
            elif imported not in done:
                visit(imported, path + [imported])
        done.add(module)

    done: set[str] = set()
    for module in graph:
        if module not in done:
            visit(module, [module])
    assert sorted(cycles) == []


def test_no_module_is_longer_than_a_newcomer_can_read():
    long = {str(path.relative_to(PACKAGE.parent)): lines for path in PACKAGE.rglob("*.py")
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_package_faces_are_empty_so_importing_one_loads_nothing_else():
    heavy = {str(path.relative_to(PACKAGE.parent)) for path in PACKAGE.rglob("__init__.py")
             if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.parse(path.read_text()).body)}
    assert heavy == set()


def test_the_layer_test_sees_an_upward_import(tmp_path):
    """The check itself: a module of a lower layer importing a higher one is caught."""
    fake = tmp_path / "aspo" / "core" / "x.py"
    fake.parent.mkdir(parents=True)
    fake.write_text("def f():\n    from aspo.build.builder import build\n")
    modules = {"aspo.core.x": fake, "aspo.build.builder": fake}
    imports = _imports("aspo.core.x", fake, modules)
    assert imports == [("aspo.build.builder", 2)]
    assert _layer_of("aspo.build.builder")[0] > _layer_of("aspo.core.x")[0]
