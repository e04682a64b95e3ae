"""The package layout's import rules, checked from the source so they cannot drift.

1. No import cycle between geoconflict's modules, counting imports inside functions
   (imports under ``if TYPE_CHECKING:`` do not count: they never run).
2. A stage package reaches another stage only through that stage's ``__init__``:
   ``from ..events import read_events``, never ``from ..events._ingest import ...``.
   The same holds for the top-level modules, the CLI and the demo.
3. geoconflict's own imports sit at the top of each file; only third-party libraries
   are imported inside functions (so that ``geoconflict --help`` stays fast).
4. A stage ``__init__.py`` holds only its docstring, imports and ``__all__``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "geoconflict"
STAGES = ("geocoder", "events", "geoparse", "proximity", "webmap", "io", "raster", "roads")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class _Imports(ast.NodeVisitor):
    """Every geoconflict import of one file: (target module, line, inside a function)."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool]] = []
        self._depth = 0

    def _function(self, node: ast.AST) -> None:
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] == "geoconflict":
                self.found.append((alias.name, node.lineno, self._depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.package.split(".")
            if node.level > 1:
                base = base[: len(base) - node.level + 1]
            module = ".".join(base + ([node.module] if node.module else []))
        elif node.module and node.module.split(".")[0] == "geoconflict":
            module = node.module
        else:
            return
        for alias in node.names:
            # "from . import x" imports the module x when there is one
            candidate = f"{module}.{alias.name}"
            target = candidate if candidate in _all_modules() else module
            self.found.append((target, node.lineno, self._depth > 0))


_MODULES: dict[str, Path] = {}


def _all_modules() -> dict[str, Path]:
    if not _MODULES:
        for path in sorted(PACKAGE.rglob("*.py")):
            _MODULES[_module_name(path)] = path
    return _MODULES


def _imports() -> dict[str, list[tuple[str, int, bool]]]:
    out = {}
    for module, path in _all_modules().items():
        visitor = _Imports(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
        out[module] = [(t, line, inner) for t, line, inner in visitor.found if t != module]
    return out


def _stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else None


def test_every_stage_is_a_package() -> None:
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage


def test_no_import_cycles() -> None:
    graph = {m: sorted({t for t, _, _ in found if t in _MODULES}) for m, found in _imports().items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in graph[node]:
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    assert cycles == []


def test_stages_meet_only_through_their_init() -> None:
    reaching_in = []
    for module, found in _imports().items():
        for target, line, _ in found:
            stage = _stage(target)
            if stage and stage != _stage(module) and target != f"geoconflict.{stage}":
                reaching_in.append(f"{_MODULES[module].relative_to(PACKAGE)}:{line}: {target}")
    assert reaching_in == []


def test_own_imports_at_the_top() -> None:
    inside = [f"{_MODULES[module].relative_to(PACKAGE)}:{line}: {target}"
              for module, found in _imports().items()
              for target, line, inner in found if inner]
    assert inside == []


@pytest.mark.parametrize("stage", STAGES)
def test_stage_init_holds_only_imports(stage: str) -> None:
    tree = ast.parse((PACKAGE / stage / "__init__.py").read_text(encoding="utf-8"))
    body = tree.body[1:] if ast.get_docstring(tree) else tree.body
    for node in body:
        is_all = isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [
            "__all__"]
        assert isinstance(node, ast.Import | ast.ImportFrom) or is_all, ast.dump(node)[:80]
