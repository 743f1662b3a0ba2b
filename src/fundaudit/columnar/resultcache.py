"""A cache of each included file's findings as written, so that a check after editing one file words only that one.

When a large data set is checked from the blocks of the loader's cache
(:mod:`fundaudit.loader.fast`) with the JSON or JSON Lines format and nothing that selects
findings (no filter, baseline, ``--confirmed-only`` or materiality order), each file's share
of the output depends on nothing but its block, the tolerance, the language, ``--all`` and
fundaudit's code: every relation of a block is derived from that file alone and located in it,
its failing relations are diagnosed as their own groups (:mod:`fundaudit.columnar.diagnoses`
groups relations by the YAML file their figures are in), and findings are listed by file,
then line, then id. So :func:`outcome` audits one block on its own and keeps:

- how many of its relations have each verdict and how many figures it states (the summary is
  their sum);
- whether a finding of it has severity ``error``, or ``warning`` or worse (the exit code);
- the JSON object of each finding it shows, in order, as the JSON document lists them.

:func:`fundaudit.loader.fast.quick_check` writes the document from the files' outcomes in
the order of their paths. A block whose findings could not be told apart this way (a relation
located in another file, a cause that could not run, a crashed rule) has no outcome, and the
check goes the usual way.

Each outcome is one entry in ``results/`` of fundaudit's cache folder
(:func:`fundaudit.cachefiles.folder`; ``FUNDAUDIT_CACHE=off`` turns it off), under a SHA-256
of its block's key (:func:`fundaudit.loader.cache.key`: the file's bytes, path, document,
source and language, and the code), the tolerance, the language, ``--all``, the Python
version and fundaudit's code. An entry is a head line repeating the format and the key and
carrying a SHA-256 of the rest, a line of JSON (whole numbers and booleans only), then the
findings' text: an entry that is damaged, truncated, stored under another name, or not of
that shape is not used (the file's block is audited again and the entry written anew). The
folder keeps the :data:`KEEP` most recently used entries (at most :data:`SIZE` bytes) and is
safe to delete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundaudit import cachefiles
from fundaudit.findings import FAILING, VERDICT_CODE
from fundaudit.tolerance import Tolerance

if TYPE_CHECKING:
    from fundaudit.columnar.blocks import Block

FORMAT = 1  # bumped when the entry layout changes
KEEP = 8192  # entries kept: one per state of each file and set of options, the most recently used
SIZE = 1 << 30  # the entries kept add up to at most this many bytes
LIMIT = 256 << 20  # an entry larger than this is not read
SUFFIX = "result"
ENTRY = re.compile(r"[0-9a-f]{64}\.result")  # the only files this cache reads, writes or deletes
SEPARATOR = b",\n    "  # between two results of the JSON document (jsonout.write): a JSON object has no line break
LEVELS = ("error", "warning")  # the severities --fail-on takes, in the order of Outcome.fails


@dataclass(frozen=True)
class Outcome:
    """One included file's share of a check (see the module's docstring)."""

    counts: tuple[int, ...]  # relations of each verdict code
    figures: int  # figures stated
    fails: tuple[bool, ...]  # a finding of severity LEVELS[k] or worse
    texts: bytes  # each finding shown, as its JSON object in UTF-8, joined by SEPARATOR (b"" when none)
    shown: int  # findings shown


def where() -> Path | None:
    """The folder of this cache (``None``: caching is off)."""
    base = cachefiles.folder()
    return None if base is None else base / "results"


def key(digest: str, tolerance: Tolerance, lang: str, show_all: bool) -> str:
    """The key of the outcome of the block stored under ``digest`` with these options."""
    context = [FORMAT, cachefiles.code_digest(), sys.version, digest, repr(tolerance), lang, show_all]
    return hashlib.sha256(json.dumps(context, ensure_ascii=False).encode()).hexdigest()


def outcome(block: Block, digest: str, tolerance: Tolerance, show_all: bool) -> Outcome | None:
    """The outcome of auditing ``block`` (stored under ``digest``) on its own, or None (see the module's docstring).

    Raises ValueError when the block's tables are damaged.
    """
    import numpy as np

    from fundaudit.causes.localise import Result
    from fundaudit.columnar.blocks import join
    from fundaudit.columnar.diagnoses import diagnose_groups
    from fundaudit.report.pieces import results
    from fundaudit.runner import judge

    figures, relations = block.tables()
    file = block.meta.get("file")
    located = {x for name in ("yaml_file",) for t in (figures, relations) for x in _values(t, name)}
    if located - {file}:
        return None  # a relation or a figure of another file: its place among the findings is not this file's
    columns = join(str(file), 1, [block], [digest])
    audit = judge(columns, tolerance)
    if audit.crashes:
        return None
    codes = audit.codes
    failing = np.flatnonzero(np.isin(codes, [VERDICT_CODE[v] for v in FAILING]))
    if audit._in_groups:
        bulk = audit.bulk
    else:  # fewer relations than a large audit: diagnosed by group all the same, as the whole check diagnoses them
        bulk = diagnose_groups(columns, failing, tolerance)
        audit.__dict__["diagnoses"] = Result(bulk.found(failing.tolist()) if len(failing) else {}, bulk.notes)
    if bulk.notes:
        return None  # a cause that could not run (its note goes in the document's head)
    texts = [text for chunk in results(audit, show_all) for text in chunk]
    if any("\n" in text for text in texts):
        return None
    try:
        data = "\n".join(texts).encode("utf-8")
    except UnicodeEncodeError:  # (a file name the system gave as bytes it could not decode)
        return None
    counts = np.bincount(np.asarray(codes, dtype=np.int64), minlength=len(VERDICT_CODE)).tolist()
    return Outcome(
        tuple(int(n) for n in counts),
        columns.stated_figures,
        tuple(audit.fails(level) for level in LEVELS),
        data.replace(b"\n", SEPARATOR),
        len(texts),
    )


def _values(table: Any, name: str) -> set[str]:
    """The texts of a dictionary-encoded column (each chunk's dictionary)."""
    return {x for chunk in table.column(name).chunks for x in chunk.dictionary.to_pylist()}


def read(folder: Path | None, digest: str) -> Outcome | None:
    """The outcome stored under ``digest``, or None (none, or not sound)."""
    sealed = cachefiles.read_sealed(folder, f"{digest}.{SUFFIX}", LIMIT, FORMAT, digest)
    if sealed is None:
        return None
    line, data = sealed
    try:
        got = cachefiles.whole(line)
        counts, figures, fails, shown = got["counts"], got["figures"], got["fails"], got["shown"]
        if not (
            type(counts) is list
            and len(counts) == len(VERDICT_CODE)
            and all(type(n) is int and n >= 0 for n in counts)
            and type(figures) is int
            and figures >= 0
            and type(fails) is list
            and len(fails) == len(LEVELS)
            and all(type(b) is bool for b in fails)
            and type(shown) is int
            and shown >= 0
        ):
            return None
        lines = data.count(b"\n")
        if (lines + 1 if data else 0) != shown or data.count(SEPARATOR) != lines:
            return None
        if data and not (data.startswith(b"{") and data.endswith(b"}")):
            return None
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    with contextlib.suppress(OSError):  # used again: kept among the newest
        os.utime(folder / f"{digest}.{SUFFIX}")  # type: ignore[operator]
    return Outcome(tuple(counts), figures, tuple(fails), data, shown)


def write(folder: Path | None, entries: list[tuple[str, Outcome]]) -> None:
    """Store each outcome under its key; any failure is passed over."""
    if folder is None or not entries:
        return
    wrote = False
    for digest, got in entries:
        line = {"counts": list(got.counts), "figures": got.figures, "fails": list(got.fails), "shown": got.shown}
        data = cachefiles.seal(FORMAT, digest, json.dumps(line).encode() + b"\n" + got.texts)
        wrote = cachefiles.write(folder, f"{digest}.{SUFFIX}", data) or wrote
    if wrote:
        cachefiles.prune(folder, ENTRY, KEEP, SIZE)
