"""Dependencies point inward — schema → domain ← persistence (README, Design). Read from the source's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FORBIDDEN = {
    "domain": {
        "schema",
        "web",
        "persistence",
        "PIL",
        "server",
        "settings",
        "strawberry",
        "sqlmodel",
        "sqlalchemy",
        "starlette",
        "alembic",
        "psycopg",
        "aiosqlite",
        "httpx",
        "jwt",
        "graphql",
        "uvicorn",
    },
    "schema": {"persistence", "web", "server", "sqlmodel", "sqlalchemy", "alembic", "psycopg", "aiosqlite"},
    "persistence": {"schema", "web", "server", "strawberry", "graphql", "starlette"},
    "web": {"persistence", "server", "sqlmodel", "sqlalchemy", "alembic", "psycopg", "aiosqlite"},
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_inward(layer):
    files = sorted((ROOT / layer).rglob("*.py"))
    assert files, f"no source in {layer}/"
    wrong = {str(f.relative_to(ROOT)): sorted(imports_of(f) & FORBIDDEN[layer]) for f in files}
    assert {f: bad for f, bad in wrong.items() if bad} == {}


def test_the_checker_sees_imports(tmp_path):
    """A rule that cannot fail is a defect: make sure a forbidden import is found."""
    sample = tmp_path / "x.py"
    sample.write_text("import sqlalchemy.orm\nfrom persistence.db import Database\nfrom . import y\n")
    assert imports_of(sample) == {"sqlalchemy", "persistence"}
