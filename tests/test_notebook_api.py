"""The notebook API: frames validated by pandera, filtering, HTML display, the example notebook."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pandera.errors
import pytest

import fundaudit
from fundaudit.frames import FIGURES_SCHEMA

FIXTURE = Path(__file__).parent / "fixtures" / "mini.yaml"
ROOT = Path(__file__).resolve().parent.parent


def test_figures_frame_is_exact() -> None:
    frame = fundaudit.load(FIXTURE).figures()
    assert len(frame) == 11
    row = frame.set_index("ref").loc["demo::edu:total"]
    assert row["value"] == Decimal("194.08") and isinstance(row["value"], Decimal)
    assert (row["coefficient"], row["exponent"], row["text"]) == (19408, -2, "194.08")


def test_schema_rejects_a_float_amount_column() -> None:
    frame = fundaudit.load(FIXTURE).figures()
    frame["value"] = frame["value"].astype(float)
    with pytest.raises(pandera.errors.SchemaErrors, match="never float"):
        FIGURES_SCHEMA.validate(frame, lazy=True)


def test_findings_filter_frame_and_html() -> None:
    findings = fundaudit.audit(fundaudit.load(FIXTURE))
    assert len(findings) == 7
    rounding = findings.filter(verdict="rounding")
    assert {f.id for f in rounding} == {"demo::edu#column-foot:市县", "demo::edu/2#cross-foot"}
    assert len(findings.filter(program="edu")) == 7 and len(findings.filter(document="nope")) == 0
    frame = rounding.to_frame()
    assert list(frame["diff"]) == [Decimal("0.01"), Decimal("0.01")]
    html = findings._repr_html_()
    assert "<table>" in html and "教育扶贫专项" in html


def test_relations_frame() -> None:
    rel = fundaudit.load(FIXTURE).relations()
    assert set(rel["rule"]) == {"foot", "cross-foot", "column-foot"}
    assert rel.set_index("id").loc["demo::edu#foot", "part_refs"] == ("demo::edu/1:total", "demo::edu/2:total")


def test_example_notebook_runs() -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(ROOT / "examples" / "audit.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(ROOT / "examples")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]


def test_filters_take_any_iterable_and_audit_takes_a_tolerance() -> None:
    findings = fundaudit.audit(FIXTURE)
    as_tuple = findings.filter(verdict=("rounding", "mismatch"))
    assert len(findings.filter(verdict=["rounding", "mismatch"])) == len(as_tuple) > 0
    assert len(findings.filter(verdict={"rounding"}, document=iter(["demo"]))) == 2
    assert findings.summary["rounding"] == 2 and isinstance(findings.failed, fundaudit.api.Findings)
    exact = fundaudit.audit(FIXTURE, tolerance="exact")
    assert exact.summary["rounding"] == 0 and exact.summary["mismatch"] > findings.summary["mismatch"]


def test_to_frame_carries_the_diagnosis_and_materiality() -> None:
    frame = fundaudit.audit(ROOT / "data" / "budgets.yaml").failed.to_frame()
    assert {"cause", "root", "likely", "diagnosis", "materiality"} <= set(frame.columns)
    assert (frame["cause"] != "").all()  # every failing finding is diagnosed (unexplained at worst)
    assert all(isinstance(v, Decimal) for v in frame["materiality"])
    jobs = frame.set_index("id").loc["bz2018::industry/targets/r243#table-foot:新增困难群众就业人数"]
    assert (jobs["cause"], jobs["likely"], jobs["materiality"]) == ("stale-total", "1000 名", Decimal(300))


def test_frames_warn_of_nothing_they_do_not_use() -> None:
    """pandera imports pyspark.pandas when pyspark is installed, and pyspark warned (FutureWarning,
    pandas 3) on every first ``to_frame()`` of a notebook: an exception under ``-W error``."""
    program = (
        "import fundaudit; b = fundaudit.load('data/budgets.yaml'); f = fundaudit.audit(b); "
        "print(len(f.to_frame()), len(f.filter(verdict='mismatch').to_frame()))"
    )
    proc = subprocess.run(
        [sys.executable, "-W", "error", "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr[-2000:]
    assert int(proc.stdout.split()[1]) > 0
