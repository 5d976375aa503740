"""The layout of ``engine/``: no import circles (direct or longer, top-level or inside functions), no module over
600 lines, no class over 250.

The import graph is read with :mod:`ast` from every ``engine/**/*.py``, so imports inside functions and under
``if TYPE_CHECKING:`` count as much as top-level ones: a circle hidden in a function is still a circle. Relative
imports are resolved against the importing module's package; ``from package import name`` is an import of the
submodule ``package.name`` when there is one, else of ``package`` itself.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 250


def module_names(package: Path) -> dict[str, Path]:
    """Every module under ``package`` by dotted name (a package by its own name, from its ``__init__.py``)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def imports_of(name: str, path: Path, modules: set[str]) -> set[str]:
    """The modules among ``modules`` that the module ``name`` imports, anywhere in its code."""
    is_package = path.name == "__init__.py"
    package = name.split(".") if is_package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif target in modules:
                    found.add(target)
    found.discard(name)
    return found


def import_graph(package: Path) -> dict[str, set[str]]:
    modules = module_names(package)
    return {name: imports_of(name, path, set(modules)) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return sorted(found)


def long_classes(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [(node.name, (node.end_lineno or node.lineno) - node.lineno + 1) for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and (node.end_lineno or node.lineno) - node.lineno + 1 > MAX_CLASS_LINES]


def test_no_engine_module_imports_one_that_imports_it_back_directly_or_in_a_circle() -> None:
    assert circles(import_graph(ROOT / "engine")) == []


def test_no_engine_module_is_over_600_lines() -> None:
    counts = {name: len(path.read_text(encoding="utf-8").splitlines())
              for name, path in module_names(ROOT / "engine").items()}
    assert {name: n for name, n in counts.items() if n > MAX_MODULE_LINES} == {}


def test_no_engine_class_is_over_250_lines() -> None:
    found = {name: long_classes(path) for name, path in module_names(ROOT / "engine").items()}
    assert {name: classes for name, classes in found.items() if classes} == {}


# ---- the checks themselves, on a small package written for the purpose --------------------------------------


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from .sub import b\n",
        "sub/__init__.py": "",
        "sub/b.py": "def later():\n    from ..c import thing\n",  # a function-level import, two levels up
        "c.py": "import pkg.a\nthing = 1\n",
        "d.py": "from . import c\nfrom .sub.b import later\n",  # imports into the circle, not part of it
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_relative_function_level_and_absolute_imports_are_all_edges_of_the_graph(package: Path) -> None:
    graph = import_graph(package)
    assert graph == {"pkg": set(), "pkg.a": {"pkg.sub.b"}, "pkg.sub": set(), "pkg.sub.b": {"pkg.c"},
                     "pkg.c": {"pkg.a"}, "pkg.d": {"pkg.c", "pkg.sub.b"}}


def test_a_circle_through_a_function_level_import_is_found(package: Path) -> None:
    assert circles(import_graph(package)) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_a_module_importing_itself_back_directly_is_a_circle() -> None:
    assert circles({"x": {"y"}, "y": {"x"}, "z": {"x"}}) == [["x", "y"]]


def test_a_class_longer_than_the_limit_is_reported(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_CLASS_LINES))
    path = tmp_path / "big.py"
    path.write_text(f"class Small:\n    pass\n\n\nclass Big:\n{body}\n", encoding="utf-8")
    assert long_classes(path) == [("Big", MAX_CLASS_LINES + 1)]


# ---- the public surface ------------------------------------------------------------------------------------


def test_every_public_name_of_engine_imports_and_none_is_a_subpackage_it_would_shadow() -> None:
    import engine

    subpackages = {path.parent.name for path in (ROOT / "engine").glob("*/__init__.py")}
    modules = {path.stem for path in (ROOT / "engine").glob("*.py")}
    assert set(engine.__all__) & (subpackages | modules) == set()
    missing = [name for name in engine.__all__ if getattr(engine, name, None) is None]
    assert missing == []
    assert engine.Engine.__module__ == "engine.api"


def test_importing_engine_loads_none_of_its_modules_until_a_name_is_used() -> None:
    code = ("import sys, engine; print(sorted(m for m in sys.modules if m.startswith('engine.')));"
            "from engine import Engine; print('engine.replay.runtime' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "True"]


def test_an_unknown_name_of_engine_is_an_attribute_error() -> None:
    import engine

    with pytest.raises(AttributeError, match="has no attribute 'Engin'"):
        engine.Engin  # noqa: B018
