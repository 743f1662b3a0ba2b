"""The tables' schemas: the columns of ``figures`` and ``relations`` as Parquet (or CSV) holds them.

A directory holds ``figures.parquet`` and ``relations.parquet`` (or ``figures.csv`` and
``relations.csv``) and optionally ``manifest.json`` (docs/columnar.md):

figures: ``ref`` (unique), ``document``, ``program``, ``label``, ``coefficient`` (int64, or
DECIMAL(38, 0) when a value does not fit), ``exponent`` (int32): the amount is exactly
``coefficient × 10**exponent`` in ``unit`` — ``12.10`` is 1210 and −2, never a float;
``unit``, ``dimension``, ``unit_pow10``, ``bound``, ``note`` (nullable), ``source_file``,
``source_line``, ``yaml_file``, ``yaml_line``, ``stated`` (false for a constant a rule supplies),
``drafted`` (nullable, may be absent: the draft pattern that read a figure no person has confirmed).

relations: ``id`` (unique), ``rule``, ``kind`` (sum | sum-le | cumulative | product),
``document``, ``program``, ``subject``, ``what``, ``total_ref``, ``part_refs`` (list of refs;
in CSV one cell joined by U+001F), ``missing``, ``empty`` (lists of names), ``yaml_file``,
``yaml_line`` (0: where its total stands), ``note``; in Parquet, optionally ``total_row`` and
``part_rows`` (the figure rows of the refs, an index ``export`` writes: see ``ROW_KEYS``).

:mod:`fundaudit.columnar.write` writes them (``fundaudit export``), :mod:`fundaudit.columnar.read`
reads and checks them (``fundaudit check DIR``).
"""

from __future__ import annotations

import pyarrow as pa

LIST_SEP = "\x1f"  # ASCII unit separator: a list cell of CSV (names may hold "|")
FORMATS = ("parquet", "csv")
MAX_LISTED = 20  # rows listed per kind of problem, then a count
MAX_EXPONENT = 1000  # |exponent|: far beyond any budget; keeps every scaled amount printable
MAX_DIGITS = 76  # digits of a coefficient: what DECIMAL(76, 0) holds (YAML allows 40)

FIGURES = pa.schema(
    [
        ("ref", pa.string()),
        ("document", pa.string()),
        ("program", pa.string()),
        ("label", pa.string()),
        ("coefficient", pa.int64()),
        ("exponent", pa.int32()),
        ("unit", pa.string()),
        ("dimension", pa.string()),
        ("unit_pow10", pa.int32()),
        ("bound", pa.string()),
        ("note", pa.string()),
        ("source_file", pa.string()),
        ("source_line", pa.int32()),
        ("yaml_file", pa.string()),
        ("yaml_line", pa.int32()),
        ("stated", pa.bool_()),
        ("drafted", pa.string()),
    ]
)
RELATIONS = pa.schema(
    [
        ("id", pa.string()),
        ("rule", pa.string()),
        ("kind", pa.string()),
        ("document", pa.string()),
        ("program", pa.string()),
        ("subject", pa.string()),
        ("what", pa.string()),
        ("total_ref", pa.string()),
        ("part_refs", pa.list_(pa.string())),
        ("missing", pa.list_(pa.string())),
        ("empty", pa.list_(pa.string())),
        ("names", pa.list_(pa.string())),
        ("yaml_file", pa.string()),
        ("yaml_line", pa.int32()),
        ("note", pa.string()),
    ]
)
# Optional in a Parquet relations table: the figure rows (0-based) of ``total_ref`` and of
# each of ``part_refs``, as ``fundaudit export`` writes them. They are an index, never the
# data: used only when every row key agrees with its ref (then the refs need not be hashed
# to find their rows); otherwise they are ignored and the refs are linked as without them.
ROW_KEYS = pa.schema([("total_row", pa.int64()), ("part_rows", pa.list_(pa.int64()))])
NULLABLE = {"bound", "note", "drafted"}
LISTS = ("part_refs", "missing", "empty", "names")
