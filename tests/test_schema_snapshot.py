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
CONTRACT = ROOT / "contract"  # the agreed contract, copied verbatim into the repository (D2)
AGREED = ROOT.parent / "shared"  # where the teams agree it, beside a developer's checkout (not in a clone)


def test_committed_snapshot_matches_the_served_schema():
    committed = (ROOT / "schema.graphql").read_text()
    assert committed == sdl(), "schema.graphql is stale: run `make schema` and commit it"


def test_no_contract_name_is_broken_by_what_is_served():
    """Additions are fine; what exists may not contradict the contract (names, types). Types the contract has
    that are not served yet are listed by check-contract until their issues land."""
    contract = build_schema((CONTRACT / "contract.graphql").read_text())
    served = build_schema(sdl())
    served_names = set(served.type_map)
    changes = [c for c in find_breaking_changes(contract, served)
               if c.type.name != "TYPE_REMOVED" and "was removed" not in c.description]
    assert changes == [], [c.description for c in changes]
    assert {"Node", "Money", "Decimal", "DateTime", "PageInfo", "UserError", "ErrorCode"} <= served_names


# the contract extensions built so far (contract/contract.d/)
LANDED = ("rules-2.graphql", "events.graphql", "find.graphql", "rules-3.graphql", "integrators.graphql",
          "coupons-2.graphql")


@pytest.mark.parametrize("extension", LANDED)
def test_the_contract_extensions_of_built_issues_hold(extension):
    """The committed schema against the contract extended by each built issue's names, as CI checks it."""
    tool = CONTRACT / "tools" / "check-contract"
    path = CONTRACT / "contract.d" / extension
    required = [path.parent / name.strip() for line in path.read_text().splitlines()
                if line.startswith("# requires:") for name in line.removeprefix("# requires:").split(",")]
    run = subprocess.run([sys.executable, str(tool), str(ROOT / "schema.graphql"), "--with",
                          *map(str, required), str(path)], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0 and "0 contract breaks" in run.stdout, run.stdout + run.stderr
    assert f"contract/contract.d/{extension}" in (ROOT / "Makefile").read_text(), "`make contract` (and CI) too"


def test_the_copy_of_the_contract_is_the_agreed_text():
    """contract/ is a verbatim copy, so `make contract` works in a clone; beside the agreed files it must equal
    them (a change to the contract is agreed there, then copied here)."""
    if not AGREED.is_dir():
        pytest.skip("the agreed contract is not beside this checkout (a clone): contract/ is all there is")
    pairs = [("contract.graphql", "contract.graphql"), ("tools/check-contract", "tools/check-contract")]
    pairs += [(f"contract.d/{p.name}", f"contract.d/{p.name}") for p in (AGREED / "contract.d").glob("*.graphql")]
    stale = [ours for theirs, ours in pairs
             if not (CONTRACT / ours).exists() or (CONTRACT / ours).read_bytes() != (AGREED / theirs).read_bytes()]
    assert stale == [], f"copy these from the agreed contract into contract/: {stale}"
