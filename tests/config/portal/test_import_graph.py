"""No import circles between the project's own modules (STYLE.md, "Shape: one room per thing").

The graph is read from the source with ``ast``; nothing is imported. Its nodes are the
modules of the packages ``config``, ``sites_registry``, ``moderation`` and ``records``
(migrations and tests left out), a package standing for its ``__init__.py``. Its edges
are the ``import`` and ``from ... import`` statements anywhere in a module: at module
level, inside functions and methods (a deferred import is still a dependency, only a
hidden one), and under ``if TYPE_CHECKING:``. Modules named by string are not counted:
``importlib.import_module`` in ``config.portal.portal_apps`` (the apps' plug-in hooks),
``include("app.urls")``, settings.

How a statement becomes edges:

- ``import a.b.c`` and ``from a.b.c import name`` depend on ``a.b.c`` (relative imports
  are resolved against the importing module first).
- ``from a.b import c`` where ``a.b.c`` is a module depends on ``a.b.c``, not on ``a.b``.
- ``from pkg import Name`` where ``pkg/__init__.py`` is a *re-export init* depends on the
  submodule the init takes ``Name`` from. A re-export init holds nothing but a
  docstring, imports and ``__all__``: it adds no code of its own, so an edge to it would
  only make every pair of its submodules look like a circle.
- Importing ``a.b.c`` also runs the ``__init__`` of ``a`` and ``a.b``. That counts as a
  dependency on such an init only when the init does more than re-export (it defines
  things or runs code, like ``moderation.importers`` with its ``FORMATS``) and the
  importing module lies outside that package (inside it, the init is already running).

A cycle is reported with the file and line of each import that makes it.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("config", "sites_registry", "moderation", "records")
LEFT_OUT_DIRS = {"migrations", "tests", "__pycache__"}


@dataclass(frozen=True)
class Edge:
    target: str
    path: str
    line: int


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if LEFT_OUT_DIRS & set(path.relative_to(ROOT).parts):
                continue
            modules[_module_name(path)] = path
    return modules


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _is_reexport_init(tree: ast.Module) -> bool:
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]:
            continue
        return False
    return True


def _absolute(module: str, is_package: bool, level: int, name: str | None) -> str:
    if not level:
        return name or ""
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


class Graph:
    def __init__(self):
        self.modules = project_modules()
        self.trees = {name: ast.parse(path.read_text(), str(path)) for name, path in self.modules.items()}
        self.reexport_inits = {
            name
            for name, path in self.modules.items()
            if _is_package(path) and _is_reexport_init(self.trees[name])
        }
        self.edges: dict[str, list[Edge]] = defaultdict(list)
        for name in self.modules:
            self._read(name)

    def _reexported_from(self, package: str, attribute: str, seen: frozenset = frozenset()) -> str:
        """The submodule a re-export init takes ``attribute`` from (the init itself if unsure)."""
        if package not in self.reexport_inits or package in seen:
            return package
        for node in self.trees[package].body:
            if isinstance(node, ast.ImportFrom):
                source = _absolute(package, True, node.level, node.module)
                for alias in node.names:
                    if (alias.asname or alias.name) != attribute:
                        continue
                    if f"{source}.{alias.name}" in self.modules:
                        return f"{source}.{alias.name}"
                    if source in self.modules:
                        return self._reexported_from(source, alias.name, seen | {package})
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname == attribute and alias.name in self.modules:
                        return alias.name
        return package

    def _targets(self, importer: str, imported: str, names: list[str]) -> list[str]:
        """Project modules that importing ``names`` from ``imported`` depends on."""
        parts = imported.split(".")
        while parts and ".".join(parts) not in self.modules:
            parts.pop()  # ``import moderation.models.X`` where X is a name, not a module
        if not parts:
            return []
        found = ".".join(parts)
        targets = []
        # Ancestor inits that run code of their own, when entered from outside.
        for depth in range(1, len(parts)):
            ancestor = ".".join(parts[:depth])
            if (
                ancestor in self.modules
                and ancestor not in self.reexport_inits
                and not (importer == ancestor or importer.startswith(ancestor + "."))
            ):
                targets.append(ancestor)
        if found != imported or not names:
            targets.append(found)
            return targets
        for name in names:
            if f"{found}.{name}" in self.modules:
                submodule = f"{found}.{name}"
                if found not in self.reexport_inits and not importer.startswith(found + "."):
                    targets.append(found)  # ``from pkg import sub`` runs pkg's own code first
                targets.append(submodule)
            else:
                targets.append(self._reexported_from(found, name))
        return targets

    def _read(self, name: str) -> None:
        path = self.modules[name]
        is_package = _is_package(path)
        shown = str(path.relative_to(ROOT))
        for node in ast.walk(self.trees[name]):
            if isinstance(node, ast.Import):
                pairs = [(alias.name, []) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                imported = _absolute(name, is_package, node.level, node.module)
                pairs = [(imported, [alias.name for alias in node.names if alias.name != "*"])]
            else:
                continue
            for imported, names in pairs:
                if imported.split(".")[0] not in PACKAGES:
                    continue
                for target in self._targets(name, imported, names):
                    if target != name and all(e.target != target for e in self.edges[name]):
                        self.edges[name].append(Edge(target, shown, node.lineno))

    def strongly_connected(self) -> list[list[str]]:
        """Tarjan's components of more than one module, each sorted, in sorted order."""
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        components = []

        def visit(node: str) -> None:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
            for edge in self.edges[node]:
                if edge.target not in index:
                    visit(edge.target)
                    low[node] = min(low[node], low[edge.target])
                elif edge.target in on_stack:
                    low[node] = min(low[node], index[edge.target])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

        for node in sorted(self.modules):
            if node not in index:
                visit(node)
        return sorted(components)

    def cycles(self, limit: int = 200) -> list[list[Edge]]:
        """Simple cycles, each from its smallest module, found inside the components."""
        found: list[list[Edge]] = []
        for component in self.strongly_connected():
            members = set(component)
            for start in component:
                # Only cycles whose smallest module is ``start``: each cycle once.
                allowed = {m for m in members if m >= start}
                path: list[Edge] = []

                def walk(node: str, visited: set[str], start=start, allowed=allowed, path=path) -> None:
                    for edge in self.edges[node]:
                        if len(found) >= limit:
                            return
                        if edge.target == start:
                            found.append([*path, edge])
                        elif edge.target in allowed and edge.target not in visited:
                            path.append(edge)
                            walk(edge.target, visited | {edge.target})
                            path.pop()

                walk(start, {start})
        return found


def describe(graph: Graph, cycle: list[Edge]) -> str:
    modules = [cycle[-1].target, *(edge.target for edge in cycle)]
    lines = [" -> ".join(modules)]
    for source, edge in zip(modules, cycle, strict=False):
        lines.append(f"    {source} imports {edge.target} ({edge.path}:{edge.line})")
    return "\n".join(lines)


def test_the_graph_reads_imports_inside_functions_and_resolves_submodules():
    graph = Graph()
    targets = {name: {edge.target for edge in edges} for name, edges in graph.edges.items()}
    # ``from config.portal import roles`` is the module roles, not the package.
    assert "config.portal.roles" in targets["config.portal.views"]
    assert "config.portal" not in targets["config.portal.views"]
    # ``from moderation.models import Comment``: the re-export init is looked through.
    assert "moderation.models" not in targets.get("moderation.capture.search", set())
    # The import inside AppConfig.ready() counts.
    assert "config.portal.lookups" in targets["config.portal.apps"]


def test_no_import_cycles_between_project_modules():
    graph = Graph()
    cycles = graph.cycles()
    report = "\n".join(describe(graph, cycle) for cycle in cycles)
    assert not cycles, f"{len(cycles)} import cycle(s) between project modules:\n{report}"
