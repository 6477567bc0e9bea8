"""schema.graphql is the printed served schema; `make schema` rewrites it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema
from graphql.utilities import find_breaking_changes

from schema import sdl

ROOT = Path(__file__).resolve().parent.parent


def test_committed_snapshot_matches_the_served_schema():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_no_contract_name_is_broken_by_what_is_served():
    """Additions are fine; what exists may not contradict the contract (names, types). Types the contract has
    that are not served yet are listed by check-contract until their issues land."""
    contract_path = ROOT.parent / "shared" / "contract.graphql"
    if not contract_path.exists():
        pytest.skip("../shared/contract.graphql is not beside this checkout")
    contract = build_schema(contract_path.read_text())
    served = build_schema(sdl())
    served_names = set(served.type_map)
    changes = [c for c in find_breaking_changes(contract, served)
               if c.type.name != "TYPE_REMOVED" and "was removed" not in c.description]
    assert changes == [], [c.description for c in changes]
    assert {"Node", "Money", "Decimal", "DateTime", "PageInfo", "UserError", "ErrorCode"} <= served_names


# the contract extensions of the issues built so far (../shared/contract.d/)
LANDED = ("rules-2.graphql", "events.graphql", "find.graphql", "rules-3.graphql")


@pytest.mark.parametrize("extension", LANDED)
def test_the_contract_extensions_of_built_issues_hold(extension):
    """The committed schema against the contract extended by each built issue's names, as CI checks it."""
    tool = ROOT.parent / "shared" / "tools" / "check-contract"
    path = ROOT.parent / "shared" / "contract.d" / extension
    if not tool.exists() or not path.exists():
        pytest.skip("../shared/ is not beside this checkout")
    required = [path.parent / name.strip() for line in path.read_text().splitlines()
                if line.startswith("# requires:") for name in line.removeprefix("# requires:").split(",")]
    run = subprocess.run([sys.executable, str(tool), str(ROOT / "schema.graphql"), "--with",
                          *map(str, required), str(path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "0 contract breaks" in run.stdout, run.stdout + run.stderr
    assert f"contract.d/{extension}" in (ROOT / ".ci" / "run").read_text(), "CI must check it too"
