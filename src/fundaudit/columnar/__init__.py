"""Budgets as columns, for data at national scale.

- :mod:`~fundaudit.columnar.arrays`: figures and relations as numpy columns (built from a
  loaded budget or read from tables);
- :mod:`~fundaudit.columnar.schema`: the columns of the Parquet/CSV tables;
  :mod:`~fundaudit.columnar.write` writes them (``export``), :mod:`~fundaudit.columnar.read`
  reads and checks them into columns (``check DIR``);
- :mod:`~fundaudit.columnar.numpy_engine`: every verdict in one vectorised pass over exact int64;
- :mod:`~fundaudit.columnar.sql_engine`: the same verdicts as one SQL query, run in DuckDB or Spark;
- :mod:`~fundaudit.columnar.order`: the order findings are shown in, from the columns, so that
  they are worded and written a chunk at a time;
- :mod:`~fundaudit.columnar.diagnoses`: the failing relations of large data diagnosed by
  independent groups (:mod:`~fundaudit.columnar.group`, in worker processes).

The exact reference that all of them agree with is :mod:`fundaudit.judge`.
"""
