"""A findings-heavy synthetic data set: ≈ 40 % of relations fail, every relation kind, mixed decimals.

The second shape of the benchmark (``synth.py`` is the first: a budget with a few planted
slips). Here the tables are generated directly, vectorised, at any size:

- sums (55 %) of 1–6 parts in 元/万元/亿元 with 0–4 decimals; one relation in 500 is in 元
  with a part written to six decimals (the figure that must not take the data set off the
  shared grid); ``sum-le`` (5 %); cumulative quarterly schedules (5 %);
- unit-cost products (20 %: 万元/人 with 2–4 decimals × 人 = 万元) and shares (15 %: % with
  1–2 decimals × 万元 = 万元), the total rounded to its written digits;
- every relation fails with probability ``FAILING`` (0.4): its total moved by about a tenth
  and at least a few units past any rounding allowance — so the number of mismatches is known
  exactly (:attr:`Heavy.failing`), and nothing else is a mismatch.

Every figure belongs to one relation; a relation's own integer grid always fits int64, so
the peer scripts (DuckDB, polars, pandas) can judge it exactly without Python integers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FAILING = 0.4
KIND_SHARE = (("sum", 0.55), ("sum-le", 0.05), ("cumulative", 0.05), ("unit-cost", 0.20), ("share", 0.15))
MONEY = {"元": 0, "万元": 4, "亿元": 8}
FIGURES_PER_RELATION = 3.96  # measured average, to size the data by figures


@dataclass(frozen=True)
class Heavy:
    figures: pa.Table
    relations: pa.Table
    failing: int  # relations made to fail: exactly the mismatches expected


def generate(figures: int, seed: int = 2040) -> Heavy:
    rng = np.random.default_rng(seed)
    n = max(5, round(figures / FIGURES_PER_RELATION))
    kind_names = [k for k, _ in KIND_SHARE]
    kind = rng.choice(len(KIND_SHARE), size=n, p=[s for _, s in KIND_SHARE])
    fail = rng.random(n) < FAILING
    # per relation: number of parts
    nparts = np.where(kind == 0, rng.integers(1, 7, n), 0)
    nparts = np.where(kind == 1, rng.integers(1, 5, n), nparts)
    nparts = np.where(kind == 2, 4, nparts)
    nparts = np.where(kind >= 3, 2, nparts)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(nparts, out=offsets[1:])
    m = int(offsets[-1])
    rel_of_part = np.repeat(np.arange(n), nparts)
    pos = np.arange(m) - offsets[rel_of_part]

    # ---- parts: unit, exponent, coefficient (in the unit, written digits)
    part_unit = np.empty(m, dtype=object)
    part_exp = np.zeros(m, dtype=np.int64)
    part_coef = np.zeros(m, dtype=np.int64)
    k_part = kind[rel_of_part]
    is_sum = k_part <= 1
    fine = (rng.random(n) < 0.002)[rel_of_part] & is_sum  # a 元 relation with one six-decimal part
    money_pick = rng.choice(["元", "万元", "亿元"], size=m, p=[0.2, 0.7, 0.1])
    part_unit[is_sum] = np.where(fine[is_sum], "元", money_pick[is_sum])
    for u, (lo, hi) in {"元": (-2, 0), "万元": (-2, 0), "亿元": (-4, -2)}.items():
        sel = is_sum & (part_unit == u)
        part_exp[sel] = rng.integers(lo, hi + 1, int(sel.sum()))
    part_exp[fine & (pos == 0)] = -6
    part_coef[is_sum] = rng.integers(10, 10**7, int(is_sum.sum()))
    # cumulative: running totals in 万元, 2 decimals, increasing
    cum = k_part == 2
    part_unit[cum] = "万元"
    part_exp[cum] = -2
    steps = rng.integers(1, 10**6, int(cum.sum())).reshape(-1, 4)
    part_coef[cum] = np.cumsum(steps, axis=1).reshape(-1)
    # unit cost × quantity: 万元/人 with 2–4 decimals × 人
    uc = k_part == 3
    first = uc & (pos == 0)
    second = uc & (pos == 1)
    part_unit[first], part_unit[second] = "万元/人", "人"
    part_exp[first] = -rng.integers(2, 5, int(first.sum()))
    part_coef[first] = rng.integers(1000, 60000, int(first.sum()))
    part_coef[second] = rng.integers(100, 100000, int(second.sum()))
    # share: % with 1–2 decimals × 万元 with 2 decimals
    sh = k_part == 4
    first = sh & (pos == 0)
    second = sh & (pos == 1)
    part_unit[first], part_unit[second] = "%", "万元"
    part_exp[first] = -rng.integers(1, 3, int(first.sum()))
    part_coef[first] = rng.integers(100, 10000, int(first.sum()))
    part_exp[second] = -2
    part_coef[second] = rng.integers(10**4, 10**9, int(second.sum()))

    # ---- totals
    total_unit = np.empty(n, dtype=object)
    total_exp = np.zeros(n, dtype=np.int64)
    total_coef = np.zeros(n, dtype=np.int64)
    pow_of = np.vectorize(lambda u: MONEY.get(u, 0), otypes=[np.int64])
    part_pow = np.zeros(m, dtype=np.int64)
    part_pow[is_sum | cum] = pow_of(part_unit[is_sum | cum])
    base = part_exp + part_pow
    # sums: total in 万元 (or 元 for the fine ones) at the finest digit of its parts, exactly
    sums = kind <= 1
    finest = np.minimum.reduceat(np.where(is_sum, base, 99), offsets[:-1])
    coarsest = np.maximum.reduceat(np.where(is_sum, base, -99), offsets[:-1])
    fine_rel = np.zeros(n, dtype=bool)
    fine_rel[rel_of_part[fine]] = True
    total_unit[sums] = np.where(fine_rel[sums], "元", "万元")
    t_pow = np.where(fine_rel, 0, 4)
    total_exp[sums] = finest[sums] - t_pow[sums]
    scaled = part_coef * 10 ** np.clip(base - finest[rel_of_part], 0, 18)
    exact = np.add.reduceat(np.where(is_sum, scaled, 0), offsets[:-1])
    total_coef[sums] = exact[sums]
    le = kind == 1
    total_coef[le] += rng.integers(0, 1000, int(le.sum()))  # a partial list within its total
    # cumulative: total = the last running total
    cumr = kind == 2
    total_unit[cumr] = "万元"
    total_exp[cumr] = -2
    total_coef[cumr] = part_coef[offsets[:-1][cumr] + 3]
    # products: total in 万元, 2 decimals, the exact product rounded half up
    prod = kind >= 3
    a, b = offsets[:-1][prod], offsets[:-1][prod] + 1
    pa_ = part_exp[a] - np.where(kind[prod] == 4, 2, 0)  # % is 10**-2
    shift = part_exp[b] + pa_ + 2  # the product's exponent above 10**-2 万元
    raw = part_coef[a] * part_coef[b]
    down = np.clip(-shift, 0, 18)
    total_coef[prod] = np.where(shift >= 0, raw * 10 ** np.clip(shift, 0, 18), (raw + 10**down // 2) // 10**down)
    total_unit[prod] = "万元"
    total_exp[prod] = -2

    # ---- make FAILING of them fail: far past any allowance
    t_base = total_exp + np.where(total_unit == "元", 0, 4)
    margin = 10 ** np.clip(np.maximum(coarsest, t_base) - t_base + 1, 0, 12) * 8
    bump = total_coef // 10 + margin
    up = fail & (kind != 1)
    total_coef[up] += bump[up]
    down_le = fail & (kind == 1)  # sum-le fails when the parts exceed the total
    total_coef[down_le] = 0
    # cumulative failures: half of them a drop in the third quarter instead
    drop = fail & cumr & (rng.random(n) < 0.5)
    third = offsets[:-1][drop] + 2
    part_coef[third] = 0  # below the second quarter by more than both allowances
    total_coef[drop] = part_coef[offsets[:-1][drop] + 3]

    return Heavy(
        *_tables(n, kind, kind_names, offsets, part_unit, part_exp, part_coef, total_unit, total_exp, total_coef),
        int(fail.sum()),
    )


_DIMENSION = {
    "元": "money",
    "万元": "money",
    "亿元": "money",
    "人": "people",
    "%": "percent",
    "万元/人": "money/people",
}
_POW10 = {"元": 0, "万元": 4, "亿元": 8, "人": 0, "%": 0, "万元/人": 4}


def _tables(
    n: int,
    kind: Any,
    kind_names: list[str],
    offsets: Any,
    part_unit: Any,
    part_exp: Any,
    part_coef: Any,
    total_unit: Any,
    total_exp: Any,
    total_coef: Any,
) -> tuple[pa.Table, pa.Table]:
    m = len(part_unit)
    # figures: the n totals, then the m parts
    units = np.concatenate([total_unit, part_unit])
    rel_of = np.concatenate([np.arange(n), np.repeat(np.arange(n), np.diff(offsets))])
    slot = np.concatenate(
        [np.zeros(n, dtype=np.int64), np.arange(m) - offsets[np.repeat(np.arange(n), np.diff(offsets))] + 1]
    )
    doc = rel_of // 2000
    doc_s = pc.binary_join_element_wise("d", pc.cast(pa.array(doc), pa.string()), "")
    prog_s = pc.binary_join_element_wise("p", pc.cast(pa.array(rel_of), pa.string()), "")
    label = pc.binary_join_element_wise("f", pc.cast(pa.array(slot), pa.string()), "")
    ref = pc.binary_join_element_wise(doc_s, "::", prog_s, ":", label, "")
    unit_arr = pa.array(units.tolist(), pa.string()).dictionary_encode()
    dim = pa.array([_DIMENSION[u] for u in unit_arr.dictionary.to_pylist()], pa.string())
    pw = pa.array([_POW10[u] for u in unit_arr.dictionary.to_pylist()], pa.int32())
    yaml_file = pc.binary_join_element_wise("data/", doc_s, ".yaml", "")
    figures = pa.table(
        {
            "ref": ref,
            "document": doc_s,
            "program": prog_s,
            "label": label,
            "coefficient": pa.array(np.concatenate([total_coef, part_coef]), pa.int64()),
            "exponent": pa.array(np.concatenate([total_exp, part_exp]), pa.int32()),
            "unit": unit_arr.dictionary_decode(),
            "dimension": pc.take(dim, unit_arr.indices),
            "unit_pow10": pc.take(pw, unit_arr.indices),
            "bound": pa.nulls(n + m, pa.string()),
            "note": pa.nulls(n + m, pa.string()),
            "source_file": pc.binary_join_element_wise(doc_s, ".txt", ""),
            "source_line": pa.array(rel_of % 9000 + 1, pa.int32()),
            "yaml_file": yaml_file,
            "yaml_line": pa.array(rel_of % 40000 + 1 + slot, pa.int32()),
            "stated": pa.array(np.ones(n + m, dtype=bool)),
        }
    )
    names = np.array(kind_names, dtype=object)
    rule = names[kind]
    rel_kind = np.where(kind >= 3, "product", rule)
    part_refs = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), ref.slice(n))
    empty_lists = pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], pa.string()))
    relations = pa.table(
        {
            "id": pc.binary_join_element_wise(ref.slice(0, n), "#", pa.array(rule.tolist(), pa.string()), ""),
            "rule": pa.array(rule.tolist(), pa.string()),
            "kind": pa.array(rel_kind.tolist(), pa.string()),
            "document": doc_s.slice(0, n),
            "program": prog_s.slice(0, n),
            "subject": prog_s.slice(0, n),
            "what": pa.array(rule.tolist(), pa.string()),
            "total_ref": ref.slice(0, n),
            "part_refs": part_refs,
            "missing": empty_lists,
            "empty": empty_lists,
            "yaml_file": yaml_file.slice(0, n),
            "yaml_line": pa.array(np.arange(n) % 40000 + 1, pa.int32()),
            "note": pa.nulls(n, pa.string()),
        }
    )
    return figures, relations


def write(h: Heavy, out: Path) -> None:
    import json

    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(h.figures, out / "figures.parquet", compression="zstd")
    pq.write_table(h.relations, out / "relations.parquet", compression="zstd")
    documents = len(pc.unique(h.figures["document"]))
    (out / "manifest.json").write_text(
        json.dumps({"fundaudit_tables": 1, "data": "heavy", "documents": documents, "format": "parquet"}) + "\n"
    )
