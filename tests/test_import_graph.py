"""No import cycle between any two modules of cryoneuro, counted honestly.

grimp (import-linter's graph) sees every import, also those inside functions: moving an
import into a function does not hide a cycle from this test. Imports under
``if TYPE_CHECKING:`` are left out (they never run; the app map contract leaves them out
too)."""

from __future__ import annotations

import sys

import grimp
import pytest


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("cryoneuro", exclude_type_checking_imports=True, cache_dir=None)


def strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm over the module graph: the components of more than one module
    are the import cycles."""
    sys.setrecursionlimit(max(10_000, sys.getrecursionlimit()))
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in edges[module]:
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return [c for c in found if len(c) > 1]


def _describe(graph, component: list[str]) -> str:
    members = set(component)
    lines = []
    for module in component:
        for imported in sorted(graph.find_modules_directly_imported_by(module) & members):
            for detail in graph.get_import_details(importer=module, imported=imported):
                lines.append(
                    f"  {module}:{detail['line_number']} {detail['line_contents'].strip()}"
                )
    return "\n".join(lines)


def test_it_finds_a_cycle_when_there_is_one():
    cyclic = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        cyclic.add_module(name)
    cyclic.add_import(importer="pkg.a", imported="pkg.b")
    cyclic.add_import(importer="pkg.b", imported="pkg.a")
    cyclic.add_import(importer="pkg.c", imported="pkg.a")
    assert strongly_connected(cyclic) == [["pkg.a", "pkg.b"]]


def test_it_sees_imports_inside_functions(graph):
    # followup's AppConfig.ready() imports its receivers inside the function
    assert "cryoneuro.followup.receivers" in graph.find_modules_directly_imported_by(
        "cryoneuro.followup.apps"
    )


def test_no_module_of_the_package_imports_itself_back(graph):
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles:\n" + "\n\n".join(_describe(graph, c) for c in cycles)
