"""D2: nothing the repository ships points outside it. A clone has no ``../shared/``: the rules are explained in
``docs/rules.md``, the contract is copied into ``contract/``, and README, GraphiQL's welcome tab, the schema's
descriptions, Makefile targets and the code cite those.

Exempt: ``contract/`` (a verbatim copy of the agreed files, which mention where they are agreed) and ``.ci/run``
(which, beside the agreed files, checks that the copy still equals them)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from schema import sdl

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(r"\.\./shared|SPEC\.md|STACK-NOTES")
EXEMPT = ("contract/", ".ci/run", "tests/test_self_contained.py")


def shipped() -> list[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.splitlines() if not name.startswith(EXEMPT)]


def test_no_shipped_file_points_outside_the_repository():
    found = []
    for name in shipped():
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".ico", ".woff2", ".lock", ".mo"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{name}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)]
    assert found == []


def test_the_served_schema_cites_no_outside_document():
    assert not OUTSIDE.search(sdl())


def test_every_rule_the_code_cites_is_explained_in_docs_rules():
    """Every rule number cited in the schema's descriptions is a heading entry of docs/rules.md."""
    explained = set(re.findall(r"\*\*([A-Z]\d{1,2})\b", (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")))
    cited = set(re.findall(r"\b([ACWNGEFVDH]\d{1,2})\b", sdl()))
    assert cited - explained == set()
