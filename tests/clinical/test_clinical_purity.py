"""The clinical layer is pure: no Django, no physics internals."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import cryoneuro.clinical

PACKAGE = Path(cryoneuro.clinical.__file__).parent


def test_it_imports_no_django_in_any_module() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("django"), f"{path.name} imports {name}"
                assert not name.startswith("cryoneuro.physics"), f"{path.name} imports {name}"


def test_it_loads_without_pulling_django_in() -> None:
    code = (
        "import sys, cryoneuro.clinical, cryoneuro.clinical.cli; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    src = str(PACKAGE.parents[1])
    result = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": src}, check=False)
    assert result.returncode == 0


def test_it_keeps_the_docstring_examples_true() -> None:
    import doctest

    from cryoneuro.clinical import analgesics, regeneration

    for module in (analgesics, regeneration):
        failures, tried = doctest.testmod(module)
        assert tried > 0 and failures == 0, module.__name__
