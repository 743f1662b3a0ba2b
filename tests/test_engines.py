"""The same verdicts from every engine: native (numpy), DuckDB and Spark, one shared SQL query."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundaudit.cli import app
from fundaudit.columnar import read as reading
from fundaudit.columnar import sql_engine as sqlengine
from fundaudit.columnar import write as writing
from fundaudit.model import Budget
from fundaudit.runner import judge
from fundaudit.tolerance import Policy, Tolerance

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import heavy
import synth

runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def _spark_stopped() -> Iterator[None]:
    """The Spark session stopped once this module is done: its JVM otherwise stays up, busy,
    through the rest of the suite (about a fifth of a core)."""
    yield
    if "pyspark" in sys.modules:
        from pyspark.sql import SparkSession

        session = SparkSession.getActiveSession()
        if session is not None:
            session.stop()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, synth.Budget]:
    out = tmp_path_factory.mktemp("synthetic")
    budget = synth.generate(100_000)
    synth.write_tables(budget, out / "tables", str(out / "budgets.yaml"))
    return out / "tables", budget


def _json(path: Path, *args: str) -> dict[str, object]:
    result = runner.invoke(app, ["check", str(path), "--all", "--format", "json", *args])
    assert result.exit_code == 1, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("policy", list(Policy))
def test_duckdb_verdicts_equal_native_on_the_real_data(real_budget: Budget, policy: Policy) -> None:
    from fundaudit.columnar.arrays import from_relations
    from fundaudit.rules import REGISTRY

    relations = [r for rule in REGISTRY for r in rule.derive(real_budget)]
    cols = from_relations(real_budget.path, 5, real_budget.figures, relations)
    tolerance = Tolerance(policy)
    native = judge(cols, tolerance).codes
    fig, rel = writing.tables(cols)
    duck = judge(
        cols, tolerance, engine=lambda c, t: sqlengine.codes(c, sqlengine.duckdb_verdicts(fig, rel, t), t)
    ).codes
    assert (duck == native).all()
    assert len(native) > 800


def test_duckdb_engine_from_the_cli(synthetic: tuple[Path, synth.Budget]) -> None:
    tables, budget = synthetic
    native = _json(tables)
    duck = _json(tables, "--engine", "duckdb")
    assert duck == native
    summary = native["summary"]
    assert isinstance(summary, dict)
    assert summary["figures"] == synth.shape(100_000).figures
    expected = budget.expected()
    assert (summary["mismatch"], summary["rounding"]) == (expected["mismatch"], expected["rounding"])


def test_spark_local_mode_gives_the_native_findings(synthetic: tuple[Path, synth.Budget]) -> None:
    pytest.importorskip("pyspark")
    tables, _ = synthetic
    spark = sqlengine.spark_session("local[2]")
    # Spark's own console bar would be written into a piped or logged stderr (fundaudit's shows the stage)
    assert spark.sparkContext.getConf().get("spark.ui.showConsoleProgress") == "false"
    cols = reading.read(tables)
    native = judge(cols)
    via_spark = judge(cols, engine=lambda c, t: sqlengine.codes(c, sqlengine.spark_verdicts(tables, t, spark), t))
    assert (via_spark.codes == native.codes).all()

    def words(audit: object) -> list[tuple[str, str, str]]:
        return [(f.id, f.verdict.value, f.message) for f in audit.shown(False)]  # type: ignore[attr-defined]

    assert words(via_spark) == words(native)
    assert len(native.codes) > 30_000


@pytest.fixture(scope="module")
def heavy_tables(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, heavy.Heavy]:
    """The benchmark's findings-heavy shape at 10^5 figures: 40 % failing, products and shares."""
    out = tmp_path_factory.mktemp("heavy") / "tables"
    data = heavy.generate(100_000)
    heavy.write(data, out)
    return out, data


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_sql_engines_agree_with_native_on_the_findings_heavy_shape(
    heavy_tables: tuple[Path, heavy.Heavy], engine: str
) -> None:
    """Every relation kind (unit costs and shares included), mixed decimals, 40 % failing."""
    tables, data = heavy_tables
    cols = reading.read(tables)
    native = judge(cols)
    fig, rel = writing.tables(cols)
    if engine == "duckdb":
        via = judge(cols, engine=lambda c, t: sqlengine.codes(c, sqlengine.duckdb_verdicts(fig, rel, t), t))
    else:
        pytest.importorskip("pyspark")
        spark = sqlengine.spark_session("local[2]")
        via = judge(cols, engine=lambda c, t: sqlengine.codes(c, sqlengine.spark_verdicts(tables, t, spark), t))
    assert (via.codes == native.codes).all()
    counts = native.counts
    assert counts["mismatch"] == data.failing  # every planted slip, and nothing else
    assert len(native.codes) > 20_000


def test_benchmark_smoke_finds_every_planted_slip(tmp_path: Path) -> None:
    """CI runs the benchmark at 10^4 figures: every stage runs and the planted slips are found."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--work", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    for shape in ("budget", "heavy"):
        row = next(line for line in proc.stdout.splitlines() if line.startswith(f"| {shape} |"))
        assert row.endswith("| True | True |"), row
    assert "- every planted slip found, DuckDB, polars and pandas agreeing: met" in proc.stdout
