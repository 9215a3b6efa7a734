"""pyright (basic mode) finds no error in symc/, dialects/, passes/ and tools/.

The three folders are installed as ``symc.dialects``, ``symc.passes`` and ``symc.tools``
(setuptools ``package-dir``), which pyright cannot follow through an editable install; it runs
on a tree of links that has the installed layout, so every import resolves to the source.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = {"dialects": ROOT / "dialects", "passes": ROOT / "passes", "tools": ROOT / "tools"}


def _mirror(source: Path, target: Path) -> int:
    """Folders as in ``source``, a link to each of its Python files (pyright does not walk
    linked folders); returns how many."""
    count = 0
    for path in source.rglob("*.py"):
        relative = path.relative_to(source)
        if "__pycache__" in relative.parts or (source.name == "symc"
                                               and relative.parts[0] in FOLDERS):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).symlink_to(path)
        count += 1
    return count


def _layout(where: Path) -> int:
    """``where/symc``: symc/ with the three folders inside it; returns the number of files."""
    package = where / "symc"
    count = _mirror(ROOT / "symc", package)
    for name, folder in FOLDERS.items():
        count += _mirror(folder, package / name)
    (where / "pyrightconfig.json").write_text(json.dumps({
        "include": ["symc"], "exclude": ["**/__pycache__"], "typeCheckingMode": "basic",
        "pythonVersion": "3.11",
    }))
    return count


@pytest.mark.slow
def test_pyright_basic_finds_no_error(tmp_path):
    pyright = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyright")
    if pyright is None:
        pytest.skip("pyright is not installed (the 'test' extra installs it)")
    files = _layout(tmp_path)
    env = {**os.environ, "PYRIGHT_PYTHON_IGNORE_WARNINGS": "1"}
    result = subprocess.run([pyright, "--pythonpath", sys.executable, "--outputjson"],
                            cwd=tmp_path, capture_output=True, text=True, env=env)
    report = json.loads(result.stdout)
    errors = [f"{d['file'].replace(str(tmp_path) + '/', '')}:{d['range']['start']['line'] + 1}: "
              f"{d['message']}" for d in report["generalDiagnostics"]
              if d["severity"] == "error"]
    assert report["summary"]["filesAnalyzed"] == files > 60
    assert not errors, "\n".join(errors)
