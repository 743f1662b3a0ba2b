"""pandas frames of figures, relations and findings, each with its pandera schema.

Amounts are never float: ``value`` holds :class:`decimal.Decimal` objects exactly as written,
and ``coefficient`` / ``exponent`` the same value as an exact integer with its scale
(``value = coefficient × 10**exponent``). The schemas reject a float amount column.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from fundaudit.findings import Verdict


@contextmanager
def _no_pyspark_warning() -> Iterator[None]:
    """pandera imports pyspark.pandas when pyspark is installed (fundaudit's Spark engine): on
    import and again on its first validation. pyspark then warns that it does not support
    pandas 3 — about a module no frame of fundaudit uses; a notebook saw it on every first
    ``to_frame()``, and ``-W error`` made it an exception."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield


with _no_pyspark_warning():
    import pandera.pandas as pa


def _validated(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` validated by ``schema`` (every error at once), without pyspark's warning."""
    with _no_pyspark_warning():
        return schema.validate(frame, lazy=True)


if TYPE_CHECKING:
    from fundaudit.findings import Finding
    from fundaudit.model import Budget


def _all_decimal(series: pd.Series) -> bool:
    return bool(series.map(lambda v: isinstance(v, Decimal) or v is None).all())


def _all_int(series: pd.Series) -> bool:
    return bool(series.map(lambda v: isinstance(v, int) and not isinstance(v, bool)).all())


DECIMAL = pa.Check(_all_decimal, element_wise=False, error="amounts must be exact Decimal, never float")
EXACT_INT = pa.Check(_all_int, element_wise=False, error="must be exact Python integers")

FIGURES_SCHEMA = pa.DataFrameSchema(
    {
        "ref": pa.Column(str, unique=True),
        "document": pa.Column(str),
        "program": pa.Column(str),
        "label": pa.Column(str),
        "value": pa.Column(object, DECIMAL),
        "text": pa.Column(str),
        "coefficient": pa.Column(object, EXACT_INT),
        "exponent": pa.Column(int),
        "unit": pa.Column(str),
        "dimension": pa.Column(str),
        "unit_pow10": pa.Column(int),
        "source_file": pa.Column(str),
        "source_line": pa.Column(int, pa.Check.ge(1)),
        "yaml_file": pa.Column(str),
        "yaml_line": pa.Column(int, pa.Check.ge(1)),
    },
    strict=True,
    name="figures",
)

FINDINGS_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, unique=True),
        "rule": pa.Column(str),
        "verdict": pa.Column(str, pa.Check.isin([v.value for v in Verdict])),
        "severity": pa.Column(str),
        "document": pa.Column(str),
        "program": pa.Column(str),
        "subject": pa.Column(str),
        "total": pa.Column(object, DECIMAL, nullable=True),
        "parts_sum": pa.Column(object, DECIMAL, nullable=True),
        "diff": pa.Column(object, DECIMAL, nullable=True),
        "tolerance": pa.Column(object, DECIMAL, nullable=True),
        "unit": pa.Column(str),
        "n_parts": pa.Column(int),
        "source_file": pa.Column(str),
        "source_line": pa.Column(int),
        "yaml_file": pa.Column(str),
        "yaml_line": pa.Column(int),
        "message": pa.Column(str),
        "cause": pa.Column(str),
        "root": pa.Column(str),
        "likely": pa.Column(str),
        "diagnosis": pa.Column(str),
        "materiality": pa.Column(object, DECIMAL),
    },
    strict=True,
    name="findings",
)


def _typed(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Give every column its schema dtype (an empty frame has none); exact columns stay object."""
    types: dict[str, Any] = {}
    for name, col in schema.columns.items():
        dtype = str(col.dtype)
        types[name] = object if dtype == "object" else ("int64" if "int" in dtype else "str")
    return frame.astype(types)


def _program(ref: str) -> str:
    return ref.split("::", 1)[1].split(":", 1)[0].split("/", 1)[0]


def figures_frame(budget: Budget) -> pd.DataFrame:
    """Every figure of the budget, one row each, validated by :data:`FIGURES_SCHEMA`."""
    rows: list[dict[str, Any]] = [
        {
            "ref": f.ref,
            "document": f.ref.split("::", 1)[0],
            "program": _program(f.ref),
            "label": f.label,
            "value": f.value.to_decimal(),
            "text": f.value.text(),
            "coefficient": f.value.coefficient,
            "exponent": f.value.exponent,
            "unit": f.unit.text,
            "dimension": f.unit.dimension,
            "unit_pow10": f.unit.pow10,
            "source_file": f.source.file,
            "source_line": f.source.line,
            "yaml_file": f.yaml.file,
            "yaml_line": f.yaml.line,
        }
        for f in budget.figures
    ]
    frame = _typed(pd.DataFrame(rows, columns=list(FIGURES_SCHEMA.columns)), FIGURES_SCHEMA)
    return _validated(FIGURES_SCHEMA, frame)


def _dec(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def findings_frame(findings: tuple[Finding, ...]) -> pd.DataFrame:
    """Findings as a frame validated by :data:`FINDINGS_SCHEMA` (decimal columns are Decimal).

    A diagnosed finding carries its ``cause``, ``root`` (shared by the findings one slip
    explains), ``likely`` correction and ``diagnosis`` in words; ``materiality`` is the size
    of its difference in the base unit (元, 人 …), the order of the review views.
    """
    from fundaudit.report.summary import materiality

    rows = [
        {
            "id": f.id,
            "rule": f.rule,
            "verdict": f.verdict.value,
            "severity": f.severity,
            "document": f.document,
            "program": f.program,
            "subject": f.subject,
            "total": _dec(f.total),
            "parts_sum": _dec(f.parts_sum),
            "diff": _dec(f.diff),
            "tolerance": _dec(f.tolerance),
            "unit": f.unit,
            "n_parts": len(f.parts),
            "source_file": f.source.file,
            "source_line": f.source.line,
            "yaml_file": f.location.file,
            "yaml_line": f.location.line,
            "message": f.message,
            "cause": f.diagnosis.cause if f.diagnosis else "",
            "root": f.diagnosis.root if f.diagnosis else "",
            "likely": (f.diagnosis.likely or "") if f.diagnosis else "",
            "diagnosis": f.diagnosis.text if f.diagnosis else "",
            "materiality": materiality(f),
        }
        for f in findings
    ]
    frame = _typed(pd.DataFrame(rows, columns=list(FINDINGS_SCHEMA.columns)), FINDINGS_SCHEMA)
    return _validated(FINDINGS_SCHEMA, frame)


RELATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, unique=True),
        "rule": pa.Column(str),
        "kind": pa.Column(str, pa.Check.isin(["sum", "sum-le", "cumulative", "product"])),
        "document": pa.Column(str),
        "program": pa.Column(str),
        "subject": pa.Column(str),
        "total_ref": pa.Column(str),
        "part_refs": pa.Column(object),
        "missing": pa.Column(int),
        "yaml_file": pa.Column(str),
        "yaml_line": pa.Column(int),
    },
    strict=True,
    name="relations",
)


def relations_frame(budget: Budget) -> pd.DataFrame:
    """Every relation the rules derive (before evaluation), validated by :data:`RELATIONS_SCHEMA`."""
    from fundaudit.rules import REGISTRY

    rows = [
        {
            "id": r.id,
            "rule": r.rule,
            "kind": r.kind,
            "document": r.document,
            "program": r.program,
            "subject": r.subject,
            "total_ref": r.total.ref,
            "part_refs": tuple(p.ref for p in r.parts),
            "missing": len(r.missing),
            "yaml_file": r.yaml.file,
            "yaml_line": r.yaml.line,
        }
        for rule in REGISTRY
        for r in rule.derive(budget)
    ]
    frame = _typed(pd.DataFrame(rows, columns=list(RELATIONS_SCHEMA.columns)), RELATIONS_SCHEMA)
    return _validated(RELATIONS_SCHEMA, frame)
