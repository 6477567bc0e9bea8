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
