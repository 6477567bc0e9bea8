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


def commits_outside_in_transaction(root: Path) -> list[str]:
    """Every ``….commit()`` call in the domain's services but ``in_transaction``'s own."""
    found = []
    for path in sorted((root / "domain").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return [where for where in found if not where.startswith("domain/shared/uow.py:")]


def test_services_run_every_transaction_one_way():
    """A service writes through ``domain.shared.uow.in_transaction`` (run, commit, run again on a lost race), never
    by committing a unit of work itself: one way to read, one way to find a rule."""
    assert commits_outside_in_transaction(ROOT) == []


def test_the_transaction_check_sees_a_commit(tmp_path):
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "x.py").write_text("async def f(uow):\n    async with uow:\n        await uow.commit()\n")
    assert commits_outside_in_transaction(tmp_path) == ["domain/x.py:3"]
