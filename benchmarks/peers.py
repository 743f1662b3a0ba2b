"""Peer scripts, end to end: read both tables, judge every relation, write the failing ones as JSON.

What a competent analyst would write in DuckDB, polars or pandas for the same audit: every
relation kind (sums, partial sums, cumulative schedules, products and shares), each on its
own integer grid one below its finest written digit, rounding allowances of half a unit of
each figure's last decimal (policy ``digits``), and the product bound
``|a|·δb + |b|·δa + δa·δb + δt``. DuckDB computes in HUGEINT; polars and pandas in int64,
which holds every relation of the generated data sets (``heavy.py`` and ``synth.py``) but
not data in general — and none of them checks dimensions, units or missing parts, or words
a finding: they write the id, verdict, locations and the difference on the relation's grid.

    python benchmarks/peers.py duckdb|polars|pandas TABLES_DIR OUT.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FIELDS = ("id", "rule", "verdict", "document", "program", "total_ref", "yaml_file", "yaml_line", "diff", "tol", "grid")

DUCKDB = """
CREATE TEMP TABLE p10 AS SELECT range AS k, CAST('1' || repeat('0', range::INTEGER) AS HUGEINT) AS p FROM range(38);
CREATE TEMP TABLE j AS
WITH t AS (
    SELECT id, kind, 0 AS pos, total_ref AS ref FROM read_parquet('{rel}')
    UNION ALL
    SELECT id, kind, u.pos AS pos, u.ref AS ref
    FROM read_parquet('{rel}') r, UNNEST(r.part_refs) WITH ORDINALITY AS u(ref, pos)
)
SELECT t.id, t.kind, t.pos, CAST(f.coefficient AS HUGEINT) AS c, f.exponent AS x,
       f.exponent + f.unit_pow10 AS e,
       f.exponent + f.unit_pow10 - CASE WHEN f.dimension = 'percent' THEN 2 ELSE 0 END AS fe
FROM t JOIN read_parquet('{fig}') f ON t.ref = f.ref;
CREATE TEMP TABLE verdicts AS
WITH g AS (SELECT id, min(e) - 1 AS grid FROM j WHERE kind <> 'product' GROUP BY id),
s AS (
    SELECT j.id, j.kind, j.pos, g.grid, j.c * p.p AS v, CASE WHEN j.x < 0 THEN 5 * q.p ELSE 0 END AS a
    FROM j JOIN g ON j.id = g.id JOIN p10 p ON p.k = j.e - g.grid JOIN p10 q ON q.k = j.e - g.grid - 1
),
agg AS (
    SELECT id, any_value(kind) AS kind, any_value(grid) AS grid,
           sum(CASE WHEN pos = 0 THEN v ELSE -v END) AS diff, sum(a) AS tol, max(pos) AS last
    FROM s GROUP BY id
),
w AS (
    SELECT id, pos, v, a, lag(v) OVER (PARTITION BY id ORDER BY pos) AS pv,
           lag(a) OVER (PARTITION BY id ORDER BY pos) AS pa
    FROM s WHERE kind = 'cumulative'
),
c AS (
    SELECT w.id, max(CASE WHEN w.pos >= 2 AND w.pv - w.v > w.pa + w.a THEN 1 ELSE 0 END) AS bad,
           max(CASE WHEN w.pos = 0 THEN w.v END) - max(CASE WHEN w.pos = x.last THEN w.v END) AS diff,
           max(CASE WHEN w.pos = 0 THEN w.a END) + max(CASE WHEN w.pos = x.last THEN w.a END) AS tol
    FROM w JOIN agg x ON w.id = x.id GROUP BY w.id
),
sums AS (
    SELECT agg.id, agg.grid, coalesce(c.diff, agg.diff) AS diff, coalesce(c.tol, agg.tol) AS tol,
        CASE
            WHEN c.bad = 1 THEN 'mismatch'
            WHEN agg.kind = 'sum-le' THEN
                CASE WHEN agg.diff = 0 THEN 'match' WHEN agg.diff > 0 THEN 'within'
                     WHEN -agg.diff <= agg.tol THEN 'rounding' ELSE 'mismatch' END
            WHEN coalesce(c.diff, agg.diff) = 0 THEN 'match'
            WHEN abs(coalesce(c.diff, agg.diff)) <= coalesce(c.tol, agg.tol) THEN 'rounding'
            ELSE 'mismatch'
        END AS verdict
    FROM agg LEFT JOIN c ON agg.id = c.id
),
pr AS (
    SELECT id,
        max(CASE WHEN pos = 0 THEN c END) AS ct, max(CASE WHEN pos = 1 THEN c END) AS ca,
        max(CASE WHEN pos = 2 THEN c END) AS cb, max(CASE WHEN pos = 0 THEN e END) AS et,
        max(CASE WHEN pos = 1 THEN fe END) AS ea, max(CASE WHEN pos = 2 THEN fe END) AS eb,
        bool_or(pos = 0 AND x < 0) AS ht, bool_or(pos = 1 AND x < 0) AS ha, bool_or(pos = 2 AND x < 0) AS hb
    FROM j WHERE kind = 'product' GROUP BY id
),
pe AS (SELECT *, least(ea + eb - 2, et - 1) AS g FROM pr),
prods AS (
    SELECT pe.id, pe.g AS grid, pe.ct * p1.p - pe.ca * pe.cb * p2.p AS diff,
        (CASE WHEN hb THEN 5 * abs(ca) * p3.p ELSE 0 END) + (CASE WHEN ha THEN 5 * abs(cb) * p3.p ELSE 0 END)
        + (CASE WHEN ha AND hb THEN 25 * p4.p ELSE 0 END) + (CASE WHEN ht THEN 5 * p5.p ELSE 0 END) AS tol
    FROM pe JOIN p10 p1 ON p1.k = et - g JOIN p10 p2 ON p2.k = ea + eb - g JOIN p10 p3 ON p3.k = ea + eb - 1 - g
    JOIN p10 p4 ON p4.k = ea + eb - 2 - g JOIN p10 p5 ON p5.k = et - 1 - g
)
SELECT id, grid, diff, tol, verdict FROM sums
UNION ALL
SELECT id, grid, diff, tol,
       CASE WHEN diff = 0 THEN 'match' WHEN abs(diff) <= tol THEN 'rounding' ELSE 'mismatch' END FROM prods;
COPY (
    SELECT r.id, r.rule, v.verdict, r.document, r.program, r.total_ref, r.yaml_file, r.yaml_line,
           CAST(v.diff AS VARCHAR) AS diff, CAST(v.tol AS VARCHAR) AS tol, v.grid
    FROM verdicts v JOIN read_parquet('{rel}') r ON r.id = v.id
    WHERE v.verdict = 'mismatch' ORDER BY r.yaml_file, r.yaml_line, r.id
) TO '{out}' (FORMAT JSON, ARRAY true);
SELECT verdict, count(*) FROM verdicts GROUP BY verdict;
"""


def duckdb_peer(tables: Path, out: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect()
    sql = DUCKDB.format(fig=tables / "figures.parquet", rel=tables / "relations.parquet", out=out)
    statements = [s for s in sql.split(";") if s.strip()]
    for s in statements[:-1]:
        con.execute(s)
    return {str(k): int(v) for k, v in con.execute(statements[-1]).fetchall()}


def polars_peer(tables: Path, out: Path) -> dict[str, int]:
    import polars as pl

    fig = pl.read_parquet(
        tables / "figures.parquet", columns=["ref", "coefficient", "exponent", "unit_pow10", "dimension"]
    ).with_columns(
        e=pl.col("exponent") + pl.col("unit_pow10"),
        fe=pl.col("exponent") + pl.col("unit_pow10") - pl.when(pl.col("dimension") == "percent").then(2).otherwise(0),
        half=pl.col("exponent") < 0,
    )
    rel = pl.read_parquet(tables / "relations.parquet")
    totals = rel.select("id", "kind", pos=pl.lit(0, pl.Int64), ref="total_ref")
    parts = (
        rel.select("id", "kind", "part_refs")
        .with_columns(pos=pl.int_ranges(1, pl.col("part_refs").list.len() + 1))
        .explode("part_refs", "pos")
        .rename({"part_refs": "ref"})
    )
    terms = pl.concat([totals, parts.select("id", "kind", "pos", "ref")]).join(fig, on="ref", how="left")
    pow10 = pl.Series([10**k for k in range(19)], dtype=pl.Int64)

    def p10(k: pl.Expr) -> pl.Expr:
        return k.map_batches(lambda s: pow10.gather(s), return_dtype=pl.Int64)

    s = (
        terms.filter(pl.col("kind") != "product")
        .with_columns(grid=pl.col("e").min().over("id") - 1)
        .with_columns(
            v=pl.col("coefficient") * p10(pl.col("e") - pl.col("grid")),
            a=pl.when(pl.col("half")).then(5 * p10(pl.col("e") - pl.col("grid") - 1)).otherwise(0),
        )
        .sort("id", "pos")
        .with_columns(
            drop=pl.col("v").shift(1).over("id") - pl.col("v"), band=pl.col("a").shift(1).over("id") + pl.col("a")
        )
    )
    sums = s.group_by("id").agg(
        kind=pl.col("kind").first(),
        grid=pl.col("grid").first(),
        sdiff=(pl.when(pl.col("pos") == 0).then(pl.col("v")).otherwise(-pl.col("v"))).sum(),
        stol=pl.col("a").sum(),
        cdiff=pl.col("v").first() - pl.col("v").last(),
        ctol=pl.col("a").first() + pl.col("a").last(),
        bad=((pl.col("pos") >= 2) & (pl.col("drop") > pl.col("band"))).any(),
    )
    cum = pl.col("kind") == "cumulative"
    diff = pl.when(cum).then(pl.col("cdiff")).otherwise(pl.col("sdiff"))
    tol = pl.when(cum).then(pl.col("ctol")).otherwise(pl.col("stol"))
    sums = sums.select(
        "id",
        "grid",
        diff=diff,
        tol=tol,
        verdict=pl.when(cum & pl.col("bad"))
        .then(pl.lit("mismatch"))
        .when(pl.col("kind") == "sum-le")
        .then(
            pl.when(pl.col("sdiff") == 0)
            .then(pl.lit("match"))
            .when(pl.col("sdiff") > 0)
            .then(pl.lit("within"))
            .when(-pl.col("sdiff") <= pl.col("stol"))
            .then(pl.lit("rounding"))
            .otherwise(pl.lit("mismatch"))
        )
        .when(diff == 0)
        .then(pl.lit("match"))
        .when(diff.abs() <= tol)
        .then(pl.lit("rounding"))
        .otherwise(pl.lit("mismatch")),
    )
    p = terms.filter(pl.col("kind") == "product")
    wide = (
        p.filter(pl.col("pos") == 0)
        .select("id", ct="coefficient", et="e", ht="half")
        .join(p.filter(pl.col("pos") == 1).select("id", ca="coefficient", ea="fe", ha="half"), on="id")
        .join(p.filter(pl.col("pos") == 2).select("id", cb="coefficient", eb="fe", hb="half"), on="id")
        .with_columns(grid=pl.min_horizontal(pl.col("ea") + pl.col("eb") - 2, pl.col("et") - 1))
    )
    sp = pl.col("ea") + pl.col("eb") - pl.col("grid")
    prods = wide.select(
        "id",
        "grid",
        diff=pl.col("ct") * p10(pl.col("et") - pl.col("grid")) - pl.col("ca") * pl.col("cb") * p10(sp),
        tol=pl.when(pl.col("hb")).then(5 * pl.col("ca").abs() * p10(sp - 1)).otherwise(0)
        + pl.when(pl.col("ha")).then(5 * pl.col("cb").abs() * p10(sp - 1)).otherwise(0)
        + pl.when(pl.col("ha") & pl.col("hb")).then(25 * p10(sp - 2)).otherwise(0)
        + pl.when(pl.col("ht")).then(5 * p10(pl.col("et") - pl.col("grid") - 1)).otherwise(0),
    ).with_columns(
        verdict=pl.when(pl.col("diff") == 0)
        .then(pl.lit("match"))
        .when(pl.col("diff").abs() <= pl.col("tol"))
        .then(pl.lit("rounding"))
        .otherwise(pl.lit("mismatch"))
    )
    verdicts = pl.concat([sums.select("id", "grid", "diff", "tol", "verdict"), prods.select(sums.columns)])
    failing = (
        verdicts.filter(pl.col("verdict") == "mismatch")
        .join(rel.select("id", "rule", "document", "program", "total_ref", "yaml_file", "yaml_line"), on="id")
        .with_columns(pl.col("diff").cast(pl.String), pl.col("tol").cast(pl.String))
        .sort("yaml_file", "yaml_line", "id")
        .select(FIELDS)
    )
    out.write_text(json.dumps(failing.to_dicts(), ensure_ascii=False), encoding="utf-8")
    return {str(k): int(v) for k, v in verdicts.group_by("verdict").len().iter_rows()}


def pandas_peer(tables: Path, out: Path) -> dict[str, int]:
    import numpy as np
    import pandas as pd

    fig = pd.read_parquet(
        tables / "figures.parquet", columns=["ref", "coefficient", "exponent", "unit_pow10", "dimension"]
    )
    rel = pd.read_parquet(tables / "relations.parquet")
    fig["e"] = fig["exponent"] + fig["unit_pow10"]
    fig["fe"] = fig["e"] - np.where(fig["dimension"] == "percent", 2, 0)
    fig["half"] = fig["exponent"] < 0
    pow10 = np.array([10**k for k in range(19)], dtype=np.int64)
    parts = rel[["id", "kind", "part_refs"]].explode("part_refs").rename(columns={"part_refs": "ref"})
    parts["pos"] = parts.groupby("id").cumcount() + 1
    totals = pd.DataFrame({"id": rel["id"], "kind": rel["kind"], "ref": rel["total_ref"], "pos": 0})
    terms = pd.concat([totals, parts], ignore_index=True).merge(fig, on="ref", how="left")
    s = terms[terms["kind"] != "product"].sort_values(["id", "pos"]).copy()
    s["grid"] = s.groupby("id")["e"].transform("min") - 1
    shift = (s["e"] - s["grid"]).to_numpy()
    s["v"] = s["coefficient"].to_numpy() * pow10[shift]
    s["a"] = np.where(s["half"].to_numpy(), 5 * pow10[np.maximum(shift - 1, 0)], 0)
    s["sv"] = np.where(s["pos"].to_numpy() == 0, s["v"], -s["v"])
    g = s.groupby("id", sort=False)
    s["bad"] = (s["pos"] >= 2) & (g["v"].shift(1) - s["v"] > g["a"].shift(1) + s["a"])
    agg = g.agg(
        kind=("kind", "first"),
        grid=("grid", "first"),
        sdiff=("sv", "sum"),
        stol=("a", "sum"),
        vfirst=("v", "first"),
        vlast=("v", "last"),
        afirst=("a", "first"),
        alast=("a", "last"),
        bad=("bad", "any"),
    )
    cum = (agg["kind"] == "cumulative").to_numpy()
    diff = np.where(cum, agg["vfirst"] - agg["vlast"], agg["sdiff"])
    tol = np.where(cum, agg["afirst"] + agg["alast"], agg["stol"])
    sd, st = agg["sdiff"].to_numpy(), agg["stol"].to_numpy()
    plain = np.where(diff == 0, "match", np.where(np.abs(diff) <= tol, "rounding", "mismatch"))
    le = np.where(sd == 0, "match", np.where(sd > 0, "within", np.where(-sd <= st, "rounding", "mismatch")))
    verdict = np.where(cum & agg["bad"].to_numpy(), "mismatch", np.where(agg["kind"] == "sum-le", le, plain))
    sums = pd.DataFrame({"id": agg.index, "grid": agg["grid"].to_numpy(), "diff": diff, "tol": tol, "verdict": verdict})
    p = terms[terms["kind"] == "product"]
    w = (
        p[p["pos"] == 0][["id", "coefficient", "e", "half"]]
        .rename(columns={"coefficient": "ct", "e": "et", "half": "ht"})
        .merge(
            p[p["pos"] == 1][["id", "coefficient", "fe", "half"]].rename(
                columns={"coefficient": "ca", "fe": "ea", "half": "ha"}
            ),
            on="id",
        )
        .merge(
            p[p["pos"] == 2][["id", "coefficient", "fe", "half"]].rename(
                columns={"coefficient": "cb", "fe": "eb", "half": "hb"}
            ),
            on="id",
        )
    )
    grid = np.minimum(w["ea"] + w["eb"] - 2, w["et"] - 1).to_numpy()
    sp = (w["ea"] + w["eb"]).to_numpy() - grid
    stt = w["et"].to_numpy() - grid
    ca, cb, ct = w["ca"].to_numpy(), w["cb"].to_numpy(), w["ct"].to_numpy()
    ha, hb, ht = w["ha"].to_numpy(), w["hb"].to_numpy(), w["ht"].to_numpy()
    pdiff = ct * pow10[stt] - ca * cb * pow10[sp]
    ptol = (
        np.where(hb, 5 * np.abs(ca) * pow10[sp - 1], 0)
        + np.where(ha, 5 * np.abs(cb) * pow10[sp - 1], 0)
        + np.where(ha & hb, 25 * pow10[sp - 2], 0)
        + np.where(ht, 5 * pow10[stt - 1], 0)
    )
    pv = np.where(pdiff == 0, "match", np.where(np.abs(pdiff) <= ptol, "rounding", "mismatch"))
    prods = pd.DataFrame({"id": w["id"], "grid": grid, "diff": pdiff, "tol": ptol, "verdict": pv})
    verdicts = pd.concat([sums, prods], ignore_index=True)
    failing = verdicts[verdicts["verdict"] == "mismatch"].merge(
        rel[["id", "rule", "document", "program", "total_ref", "yaml_file", "yaml_line"]], on="id"
    )
    failing["diff"] = failing["diff"].astype(str)
    failing["tol"] = failing["tol"].astype(str)
    failing = failing.sort_values(["yaml_file", "yaml_line", "id"])[list(FIELDS)]
    out.write_text(failing.to_json(orient="records", force_ascii=False), encoding="utf-8")
    return {str(k): int(v) for k, v in verdicts["verdict"].value_counts().items()}


PEERS = {"duckdb": duckdb_peer, "polars": polars_peer, "pandas": pandas_peer}

if __name__ == "__main__":
    name, tables, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(PEERS[name](tables, out)))
