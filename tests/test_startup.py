"""The command line imports only what the command needs (issue: fast checks of hand-kept data)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "pandas", "pyarrow", "pydantic", "pandera", "jinja2", "openpyxl", "ruamel")

_PROBE = """
import json, sys
sys.argv = ["fundaudit", *sys.argv[1:]]
from fundaudit.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}), file=sys.stderr)
"""


def _imports(*args: str) -> tuple[int, set[str]]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=ROOT)
    last = json.loads(proc.stderr.strip().splitlines()[-1])
    return last["code"], set(last["modules"])


def _exported(tmp_path: Path) -> Path:
    """The mini fixture exported as a directory of Parquet tables."""
    out = tmp_path / "tables"
    subprocess.run(
        [sys.executable, "-m", "fundaudit", "export", "tests/fixtures/mini.yaml", "--to", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


@pytest.mark.parametrize("fmt", ["json", "text", "github"])
def test_checking_the_real_data_imports_no_heavy_library(fmt: str) -> None:
    code, modules = _imports("check", "data/budgets.yaml", "--format", fmt)
    assert code == 1  # the real data has slips: the check ran to the end
    assert not modules & set(HEAVY), sorted(modules & set(HEAVY))


def test_checking_tables_does_import_the_columnar_stack(tmp_path: Path) -> None:
    """The probe can see an import: a directory of tables needs pyarrow and numpy."""
    out = _exported(tmp_path)
    _, modules = _imports("check", str(out))
    assert {"numpy", "pyarrow"} <= modules
    assert "pandas" not in modules  # 0.2 s of start-up: pyarrow imports it for pa.array() on a list


def test_checking_tables_without_a_names_column_imports_no_pandas(tmp_path: Path) -> None:
    """Tables written by other tools may lack ``names``: it is filled without importing pandas."""
    import pyarrow.parquet as pq

    out = _exported(tmp_path)
    rel = out / "relations.parquet"
    pq.write_table(pq.read_table(rel).drop_columns(["names"]), rel)
    code, modules = _imports("check", str(out))
    assert code in (0, 1)
    assert {"numpy", "pyarrow"} <= modules
    assert "pandas" not in modules
