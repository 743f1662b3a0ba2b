"""The relation evaluation as one SQL query, run by DuckDB or by Spark.

One query, shared by both engines, gives every relation its verdict from the two tables of
:mod:`fundaudit.columnar.schema` (``figures``, ``relations``) and a ``pow10`` table (k, 10**k as
DECIMAL(38, 0)). Only the explosion of each relation's part list into rows is written per
dialect (DuckDB's ``UNNEST … WITH ORDINALITY``, Spark's ``posexplode``). Amounts are
DECIMAL(38, 0) on each relation's integer grid, as in :mod:`fundaudit.columnar.numpy_engine`; never float.

Unit-cost products (few, and needing unit algebra) and any relation the query leaves
without a verdict are judged by the reference :func:`fundaudit.judge.explain` on the driver.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from fundaudit.tolerance import Policy, Tolerance

if TYPE_CHECKING:
    import pyarrow as pa

    from fundaudit.columnar.arrays import Columns

ENGINES = ("native", "duckdb", "spark")
_MAX_POW = 37

TERMS = {
    "duckdb": """
        SELECT r.id, 0 AS pos, r.total_ref AS ref, 1 AS sign FROM relations r
        UNION ALL
        SELECT r.id, u.pos AS pos, u.ref AS ref, -1 AS sign
        FROM relations r, UNNEST(r.part_refs) WITH ORDINALITY AS u(ref, pos)""",
    "spark": """
        SELECT r.id, 0 AS pos, r.total_ref AS ref, 1 AS sign FROM relations r
        UNION ALL
        SELECT r.id, u.pos + 1 AS pos, u.ref AS ref, -1 AS sign
        FROM relations r LATERAL VIEW posexplode(r.part_refs) u AS pos, ref""",
}

QUERY = """
WITH t AS ({terms}),
j AS (
    SELECT t.id, t.pos, t.sign, f.coefficient, f.exponent + f.unit_pow10 AS e,
           f.exponent < 0 AS decimals, f.dimension
    FROM t JOIN figures f ON t.ref = f.ref
),
g AS (SELECT id, MIN(e) - 1 AS grid, COUNT(DISTINCT dimension) AS dims FROM j GROUP BY id),
s AS (
    SELECT j.id, j.pos, j.sign,
           CAST(j.coefficient AS DECIMAL(38, 0)) * p.p AS v,
           CASE WHEN {half} THEN 5 * q.p ELSE CAST(0 AS DECIMAL(38, 0)) END AS a
    FROM j JOIN g ON j.id = g.id
    JOIN pow10 p ON p.k = j.e - g.grid
    JOIN pow10 q ON q.k = j.e - g.grid - 1
),
x AS (SELECT id, SUM(sign * v) AS diff, SUM(a) AS tol, MAX(pos) AS last FROM s GROUP BY id),
w AS (
    SELECT id, pos, v, a,
           LAG(v) OVER (PARTITION BY id ORDER BY pos) AS pv,
           LAG(a) OVER (PARTITION BY id ORDER BY pos) AS pa
    FROM s
),
c AS (
    SELECT w.id,
           MAX(CASE WHEN w.pos >= 2 AND w.pv - w.v > w.pa + w.a THEN 1 ELSE 0 END) AS bad,
           MAX(CASE WHEN w.pos = 0 THEN w.v END) - MAX(CASE WHEN w.pos = x.last THEN w.v END) AS diff,
           MAX(CASE WHEN w.pos = 0 THEN w.a END) + MAX(CASE WHEN w.pos = x.last THEN w.a END) AS tol
    FROM w JOIN x ON w.id = x.id
    GROUP BY w.id
)
SELECT r.id,
    CASE
        WHEN size(r.missing) > 0 THEN 'incomplete'
        WHEN r.kind = 'product' THEN NULL
        WHEN g.dims > 1 THEN 'error'
        WHEN x.diff IS NULL THEN NULL
        WHEN r.kind = 'cumulative' THEN
            CASE WHEN c.bad = 1 THEN 'mismatch' WHEN c.diff = 0 THEN 'match'
                 WHEN ABS(c.diff) <= c.tol THEN 'rounding' ELSE 'mismatch' END
        WHEN r.kind = 'sum-le' THEN
            CASE WHEN x.diff = 0 THEN 'match' WHEN x.diff > 0 THEN 'within'
                 WHEN -x.diff <= x.tol THEN 'rounding' ELSE 'mismatch' END
        ELSE
            CASE WHEN x.diff = 0 THEN 'match' WHEN ABS(x.diff) <= x.tol THEN 'rounding'
                 WHEN size(r.empty) > 0 AND x.diff > 0 THEN 'incomplete' ELSE 'mismatch' END
    END AS verdict
FROM relations r
LEFT JOIN g ON r.id = g.id
LEFT JOIN x ON r.id = x.id
LEFT JOIN c ON r.id = c.id
"""

_HALF = {Policy.DIGITS: "j.decimals", Policy.DIGITS_ALL: "TRUE", Policy.EXACT: "FALSE"}


def query(dialect: str, tolerance: Tolerance) -> str:
    """The verdict query in ``dialect`` (duckdb | spark) for the tolerance policy."""
    sql = QUERY.replace("{terms}", TERMS[dialect]).replace("{half}", _HALF[tolerance.policy])
    if dialect == "duckdb":
        sql = sql.replace("size(", "len(")
    return sql


def _pow10() -> pa.Table:
    from decimal import Decimal

    import pyarrow as pa

    return pa.table(
        {
            "k": pa.array(range(_MAX_POW + 1), pa.int32()),
            "p": pa.array([Decimal(10**k) for k in range(_MAX_POW + 1)], pa.decimal128(38, 0)),
        }
    )


def duckdb_verdicts(figures: pa.Table, relations: pa.Table, tolerance: Tolerance) -> pa.Table:
    """(id, verdict) of every relation, evaluated by DuckDB over Arrow tables (zero copy)."""
    import duckdb

    con = duckdb.connect()
    con.register("figures", figures)
    con.register("relations", relations)
    con.register("pow10", _pow10())
    return con.sql(query("duckdb", tolerance)).to_arrow_table()


def spark_session(master: str | None = None) -> Any:
    """A Spark session: ``master`` or $FUNDAUDIT_SPARK_MASTER (default ``local[*]``).

    Spark's own console progress bar is off (fundaudit's progress line shows the stage, and only
    on a terminal: a bar written into a piped or logged stderr is noise), and its log says only
    errors once the session is up."""
    import warnings

    with warnings.catch_warnings():  # pyspark warns, at import, of a pandas version it has not tested
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\b")
        from pyspark.sql import SparkSession

        master = master or os.environ.get("FUNDAUDIT_SPARK_MASTER", "local[*]")
        session = (
            SparkSession.builder.master(master)
            .appName("fundaudit")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", os.environ.get("FUNDAUDIT_SPARK_PARTITIONS", "8"))
            .getOrCreate()
        )
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_verdicts(tables_dir: Path, tolerance: Tolerance, spark: Any = None) -> pa.Table:
    """(id, verdict) of every relation, evaluated by Spark over the Parquet files of a directory."""
    import pyarrow as pa
    from pyspark.sql.types import DecimalType, IntegerType, StructField, StructType

    spark = spark or spark_session()
    spark.read.parquet(str(tables_dir / "figures.parquet")).createOrReplaceTempView("figures")
    spark.read.parquet(str(tables_dir / "relations.parquet")).createOrReplaceTempView("relations")
    schema = StructType([StructField("k", IntegerType()), StructField("p", DecimalType(38, 0))])
    from decimal import Decimal

    spark.createDataFrame([(k, Decimal(10**k)) for k in range(_MAX_POW + 1)], schema).createOrReplaceTempView("pow10")
    rows = spark.sql(query("spark", tolerance)).collect()
    return pa.table({"id": [r["id"] for r in rows], "verdict": [r["verdict"] for r in rows]})


def codes(cols: Columns, result: pa.Table, tolerance: Tolerance) -> np.ndarray[Any, Any]:
    """Verdict codes in the order of ``cols``' relations; the reference judges what SQL left open."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from fundaudit.columnar.numpy_engine import CODE, VERDICTS
    from fundaudit.judge import explain

    ids = pa.array([cols.relations.id[i] for i in range(len(cols.relations))], pa.string())
    where = pc.index_in(ids, value_set=result["id"].combine_chunks())
    verdict = pc.take(result["verdict"], pc.fill_null(where, 0))
    verdict = pc.if_else(pc.is_null(where), pa.scalar(None, pa.string()), verdict)
    names = pa.array([v.value for v in VERDICTS])
    out = pc.index_in(verdict, value_set=names).to_numpy(zero_copy_only=False)
    open_ = np.flatnonzero(np.isnan(out)) if out.dtype.kind == "f" else np.array([], dtype=np.int64)
    result_codes = np.where(np.isnan(out), 0, out).astype(np.int8) if out.dtype.kind == "f" else out.astype(np.int8)
    open_rows = open_.tolist()
    for i, relation in zip(open_rows, cols.relations_at(open_rows), strict=True):
        result_codes[i] = CODE[explain(relation, tolerance).verdict]
    return result_codes


def engine(name: str, tables_dir: Path | None = None, spark_master: str | None = None) -> Any:
    """The verdict function of an engine, for :func:`fundaudit.runner.judge`.

    ``tables_dir``: the Parquet directory the columns were read from (Spark reads the files;
    DuckDB reads them too instead of converting the columns back to Arrow).
    """

    def run(cols: Columns, tolerance: Tolerance) -> np.ndarray[Any, Any]:
        import tempfile

        from fundaudit.columnar import write as writing

        if name == "duckdb":
            if tables_dir is not None and (tables_dir / "figures.parquet").exists():
                import pyarrow.parquet as pq

                fig = pq.read_table(tables_dir / "figures.parquet")
                rel = pq.read_table(tables_dir / "relations.parquet")
            else:
                fig, rel = writing.tables(cols)
            return codes(cols, duckdb_verdicts(fig, rel, tolerance), tolerance)
        if tables_dir is not None and (tables_dir / "figures.parquet").exists():
            return codes(cols, spark_verdicts(tables_dir, tolerance, spark_session(spark_master)), tolerance)
        with tempfile.TemporaryDirectory(prefix="fundaudit-") as tmp:
            writing.write(cols, Path(tmp), "parquet")
            return codes(cols, spark_verdicts(Path(tmp), tolerance, spark_session(spark_master)), tolerance)

    return run
