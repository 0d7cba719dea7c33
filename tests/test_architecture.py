"""Layers you can draw: every project module is parsed (``ast``, no import is run) and its
imports are checked against the layer order, bottom to top:

    utilities → offices → sources → cities → exchanges, awards → the site apps
    (dashboard, search, loader, operations) → sister_cities (settings, URLs) → benchmarks

A module may import its own layer's app and the layers below; ``utilities`` imports no
app. No two project modules import each other in a cycle, and a function-level import
outside tests needs a ``# cycle:`` comment on its line saying why it cannot be avoided.
Test modules (``tests/``, ``<app>/tests/``, ``conftest.py``) may use any app (they build
the registry to test it), but not in a cycle with the code they test.

``offices`` sits below ``sources``: reports and citations are kept by an office (their
admin, import and API use the office rule), and the rule reads each model's own
declaration, so ``offices`` needs nothing from the apps above it. ``sources`` sits below
``cities`` with no exception: a report's Chinese place is reached through the model field
(``SourceReport.chinese_place``), embedded with the place's one brief serializer found by
name (``utilities.api.fields.brief_serializer_for``) and filtered with the one tree filter
(``utilities.filtersets.ChinesePlaceFilterSet``), never by importing ``cities``.
"""

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

LAYERS = [
    {"utilities"},
    {"offices"},
    {"sources"},
    {"cities"},
    {"exchanges", "awards", "notices"},
    {"dashboard", "search", "loader", "operations"},
    {"sister_cities"},  # settings and root URLs wire the site apps together
    # The benchmark serves the whole site with settings and URLs that extend the project's.
    {"benchmarks"},
]
LAYER_OF = {app: index for index, apps in enumerate(LAYERS) for app in apps}
SKIPPED_DIRS = {".venv", "migrations", "node_modules", "static", "templates", "fixtures"}


def project_modules():
    """Every project module: ``{dotted name: path}``."""
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in parts):
            continue
        if parts[0] not in LAYER_OF and parts[0] not in {"tests", "conftest.py", "manage.py"}:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = project_modules()


def is_test_module(name):
    parts = name.split(".")
    return parts[0] in {"tests", "conftest"} or "tests" in parts or parts[-1] == "conftest"


def resolve(name, node, is_package):
    """The absolute module names an import statement refers to."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = name.split(".")
        base = base if is_package else base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    # "from package import module" names a module; "from module import name" does not.
    names = [f"{prefix}.{alias.name}" for alias in node.names]
    return [candidate if candidate in MODULES else prefix for candidate in names]


def imports_of(name, path):
    """``[(imported module, line, at module level, line text)]`` for project modules."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source, filename=str(path))
    top_level = {id(node) for node in tree.body}
    # Imports inside "if TYPE_CHECKING:" or try/except at module level count as top level.
    for node in tree.body:
        if isinstance(node, ast.If | ast.Try):
            top_level |= {id(child) for child in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        for target in resolve(name, node, path.name == "__init__.py"):
            found.append((target, node.lineno, id(node) in top_level, lines[node.lineno - 1]))
    return found


IMPORTS = {name: imports_of(name, path) for name, path in MODULES.items()}


def app_of(module):
    return module.split(".")[0]


def project_targets(name):
    """The project modules ``name`` imports (the nearest existing package for a name)."""
    targets = set()
    for target, _line, _top, _text in IMPORTS[name]:
        while target and target not in MODULES:
            target = target.rpartition(".")[0]
        if target and target != name:
            targets.add(target)
    return targets


def test_the_layers_cover_every_app():
    apps = {app_of(name) for name in MODULES} - {"tests", "conftest", "manage"}
    assert apps <= set(LAYER_OF), f"apps without a layer: {apps - set(LAYER_OF)}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not is_test_module(n)))
def test_a_module_imports_only_its_layer_and_below(name):
    own = app_of(name)
    if own not in LAYER_OF:
        return  # manage.py
    wrong = []
    for target, line, _top, _text in IMPORTS[name]:
        app = app_of(target)
        if app not in LAYER_OF or app == own:
            continue
        if own == "utilities" or LAYER_OF[app] >= LAYER_OF[own]:
            wrong.append(f"line {line}: {target}")
    assert not wrong, f"{name} imports an app at its own layer or above: {wrong}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not is_test_module(n)))
def test_no_function_level_import_without_a_reason(name):
    hidden = [
        f"line {line}: {text.strip()}"
        for _target, line, top, text in IMPORTS[name]
        if not top and "# cycle:" not in text
    ]
    assert not hidden, f"{name} imports inside a function: {hidden}"


def test_no_import_cycle_between_modules():
    graph = {name: project_targets(name) for name in MODULES}
    # Tarjan's strongly connected components.
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, f"modules importing each other: {cycles}"


def test_the_check_itself_sees_imports():
    """The parser finds what it must judge (a check that sees nothing cannot fail)."""
    assert "cities.models" in MODULES and "utilities.trees" in MODULES
    assert "utilities.trees" in project_targets("cities.models")
    assert LAYER_OF["offices"] < LAYER_OF["cities"]
    graph = defaultdict(set, {name: project_targets(name) for name in MODULES})
    assert any(graph.values())
