"""The layering of the design, read from the code's imports: data flows one way, lower layers
never import upper ones, and no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("extractors", "rules", "pipeline", "api")
# Which top-level packages each may import; anything not listed is an upward import.
ALLOWED = {
    "extractors": {"extractors"},
    "rules": {"rules", "extractors"},
    "pipeline": {"pipeline", "rules", "extractors"},
    "api": {"api", "pipeline", "rules", "extractors"},
    "bench": {"bench", "pipeline", "rules", "extractors", "api"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str) -> set[str]:
    """Every module `path` imports at run time, wherever the import sits (a function-level
    import is still a dependency); imports only for type checking are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    files = {
        _module_name(path): path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    return {
        module: {name for name in _imports(path, module) if name in files and name != module}
        for module, path in files.items()
    }


def test_no_layer_imports_a_layer_above_it() -> None:
    graph = _graph((*PACKAGES, "bench"))
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    )
    assert upward == []


def test_bench_uses_only_the_document_generator_of_the_tests() -> None:
    # The generator lives under tests/ (fixtures are made by the project's own code) and the
    # benchmarks measure on its documents; test modules themselves are no library for them.
    offending = sorted(
        f"{_module_name(path)} imports {name}"
        for path in (ROOT / "bench").rglob("*.py")
        for name in _imports(path, _module_name(path))
        if name.startswith("tests.") and not name.startswith("tests.docgen")
    )
    assert offending == []


def test_no_test_module_imports_another() -> None:
    # What tests share lives in tests/support (helpers) and tests/conftest.py (fixtures, which
    # pytest provides by name); a test module imported by another runs its tests' module
    # code twice and ties one folder's tests to another's.
    def is_test_module(name: str) -> bool:
        parts = name.split(".")
        return parts[0] == "tests" and any(
            part.startswith("test_") or part == "conftest" for part in parts
        )

    offending = sorted(
        f"{_module_name(path)} imports {name}"
        for path in (ROOT / "tests").rglob("*.py")
        for name in _imports(path, _module_name(path))
        if is_test_module(name)
    )
    assert offending == []


def test_no_import_cycles() -> None:
    graph = _graph(PACKAGES)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                walk(target)
        stack.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    # A package's __init__ importing its own submodules is how a package presents itself,
    # not a cycle between modules.
    real = [
        cycle
        for cycle in cycles
        if not any(
            b.startswith(a + ".") or a.startswith(b + ".")
            for a, b in zip(cycle, cycle[1:], strict=False)
        )
    ]
    assert [" -> ".join(cycle) for cycle in real] == []


def _status_assignments(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [
                element
                for target in node.targets
                for element in (target.elts if isinstance(target, ast.Tuple) else [target])
            ]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and any(
                isinstance(arg, ast.Constant) and arg.value == "status" for arg in node.args[1:2]
            )
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
        ):
            lines.append(node.lineno)
        lines += [
            node.lineno
            for target in targets
            if isinstance(target, ast.Attribute) and target.attr == "status"
        ]
    return lines


def test_only_the_lifecycle_moves_a_document_between_statuses() -> None:
    lifecycle = ROOT / "pipeline" / "lifecycle.py"
    elsewhere = sorted(
        f"{path.relative_to(ROOT)}:{line}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path != lifecycle and "migrations" not in path.parts
        for line in _status_assignments(path)
    )
    assert elsewhere == []
    assert _status_assignments(lifecycle)


def _literal_confidences(path: Path) -> list[int]:
    """Lines where a field's confidence is written as a bare number instead of a named level:
    the confidence argument of `Found(…)` or `….found(…)`, or a value stored in `confidence[…]`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def bare(node: ast.expr | None) -> bool:
        if isinstance(node, ast.IfExp):
            return bare(node.body) or bare(node.orelse)
        # 1.0 asks for words without capping them; a level is a fraction below it.
        return isinstance(node, ast.Constant) and isinstance(node.value, float) and node.value < 1

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else None
            name = node.func.attr if isinstance(node.func, ast.Attribute) else name
            if name in {"Found", "found"} and len(node.args) >= 3 and bare(node.args[2]):
                lines.append(node.lineno)
        elif isinstance(node, ast.Assign) and bare(node.value):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and isinstance(target.value, ast.Attribute)
                    and target.value.attr == "confidence"
                ):
                    lines.append(node.lineno)
    return lines


def test_field_confidences_are_named_levels() -> None:
    fields = ROOT / "extractors" / "fields"
    bare = sorted(
        f"{path.relative_to(ROOT)}:{line}"
        for path in fields.rglob("*.py")
        if path.name != "confidence.py"
        for line in _literal_confidences(path)
    )
    assert bare == []
