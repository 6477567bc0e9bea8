"""`pip install .` and `pip install -e .` work in a fresh virtual environment, and install no module: an application's
generic package names (domain, schema, web …) never land in site-packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERIC = ("domain", "schema", "persistence", "web", "server.py", "settings.py", "tests", "bench")

pytestmark = pytest.mark.slow  # a fresh venv and two builds


@pytest.mark.parametrize("editable", [False, True])
def test_pip_installs_the_project_without_top_level_modules(editable):
    with tempfile.TemporaryDirectory(prefix="pkg-") as folder:
        source = Path(folder) / "src"  # a copy, so the build leaves nothing in the checkout
        shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "node_modules", "var",
                                                                     "__pycache__", "*.egg-info", "build"))
        venv = Path(folder) / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps"]
        run = subprocess.run([*pip, *(["-e"] if editable else []), str(source)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr[-2000:]
        site = next((venv / "lib").glob("python3*/site-packages"))
        assert list(site.glob("aftersales_governance-*.dist-info"))
        assert [name for name in GENERIC if (site / name).exists()] == []
        probe = subprocess.run([str(venv / "bin" / "python"), "-c", "import domain"], capture_output=True,
                               cwd=folder)
        assert probe.returncode != 0  # outside the checkout, `domain` is nobody's


def test_the_lock_pins_every_package_with_its_hashes():
    """Production II (10): ``pip install --require-hashes`` installs exactly the files that were locked."""
    text = (Path(__file__).resolve().parents[1] / "requirements.lock").read_text()
    entries = [e for e in text.split("\n") if e and not e.startswith((" ", "#"))]
    assert len(entries) > 50
    for entry in entries:
        assert "==" in entry and entry.endswith("\\"), entry
    assert text.count("--hash=sha256:") >= len(entries)


def test_the_dependency_audit_says_plainly_when_it_could_not_run(tmp_path):
    """Production II (10): offline, pip-audit audits nothing and exits 0 — which CI printed as a green audit."""
    root = Path(__file__).resolve().parents[1]
    offline = tmp_path / "pip-audit"
    offline.write_text("#!/bin/sh\necho 'No known vulnerabilities found'\n"
                       "echo 'aiosqlite  Dependency not found on PyPI and could not be audited: aiosqlite (0.22.1)'\n")
    offline.chmod(0o755)
    found = tmp_path / "pip-audit-found"
    found.write_text("#!/bin/sh\necho 'Found 1 known vulnerability in 1 package'\nexit 1\n")
    found.chmod(0o755)
    run = [str(root / ".ci" / "audit-dependencies")]
    said = subprocess.run(run, env={"PIP_AUDIT": str(offline), "PATH": "/usr/bin:/bin"}, capture_output=True,
                          text=True)
    assert said.returncode == 0 and "DEPENDENCY AUDIT DID NOT RUN" in said.stdout and "NOT a pass" in said.stdout
    failed = subprocess.run(run, env={"PIP_AUDIT": str(found), "PATH": "/usr/bin:/bin"}, capture_output=True,
                            text=True)
    assert failed.returncode == 1
