"""The fast paths' boundary: outside ``schema/execution/`` and ``persistence/fastread/`` no module imports a private
name of graphql-core, Strawberry or SQLAlchemy, or reads a private attribute of anything but itself; the few
library internals used elsewhere are the ones ``tests/test_pinned_internals.py`` pins there (``ELSEWHERE``)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOUNDARY = (ROOT / "schema" / "execution", ROOT / "persistence" / "fastread")
LIBRARIES = ("graphql", "strawberry", "sqlalchemy", "sqlmodel")
# a subclass's use of its library base's own private members, pinned in ELSEWHERE
INHERITED = {("web/subscriptions.py", "_task_done"), ("web/tracing.py", "_tracer"),
             ("web/tracing.py", "_span_holder"), ("schema/__init__.py", "_schema")}


def application_files() -> list[Path]:
    files = [ROOT / name for name in ("server.py", "settings.py", "manage.py", "demo.py")]
    for package in ("domain", "persistence", "schema", "web"):
        files += [path for path in (ROOT / package).rglob("*.py")
                  if not any(path.is_relative_to(inside) for inside in BOUNDARY)
                  and "migrations" not in path.parts]
    return files


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def own_names(tree: ast.AST) -> set[str]:
    """The private names a module defines itself (its classes' methods and attributes, its functions)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if private(name)}


def crossings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), str(path))
    where = path.relative_to(ROOT).as_posix()
    ours = own_names(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in LIBRARIES:
            parts = (node.module or "").split(".")
            names = [alias.name for alias in node.names]
            if any(private(part) for part in parts) or any(private(name) for name in names):
                found.append(f"{where}:{node.lineno}: from {node.module} import {', '.join(names)}")
        elif isinstance(node, ast.Attribute) and private(node.attr) and node.attr not in ours \
                and (where, node.attr) not in INHERITED:
            found.append(f"{where}:{node.lineno}: .{node.attr}")
    return found


def test_no_library_internal_is_used_outside_the_fast_paths_boundary():
    found = [line for path in application_files() for line in crossings(path)]
    assert found == [], "move these into schema/execution/ or persistence/fastread/ (and pin them):\n" + \
        "\n".join(found)


def test_the_check_sees_a_private_import_and_a_private_attribute(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from sqlalchemy.sql.compiler import _CompileLabel\n"
                      "from graphql.execution import executor\n"
                      "key = statement._generate_cache_key()\n"
                      "class Mine:\n    def _own(self):\n        return self._own\n")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert [line.split(": ", 1)[1] for line in crossings(sample)] == [
            "from sqlalchemy.sql.compiler import _CompileLabel", "._generate_cache_key"]
    finally:
        ROOT = saved
