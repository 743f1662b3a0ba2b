"""A content-addressed cache of diagnoses, so that checking unchanged data again skips them.

The key is a SHA-256 of everything the diagnosis reads — each failing relation, every
relation its figures sit in, the figures near them (each with id, rule, kind, digits, unit,
YAML and source line), the tolerance, the language of the words — and of the code that
computes it (every module of fundaudit and the message catalogue, read once per run). The
same key gives the same diagnoses by construction; any edit to the data or to fundaudit's
code gives a new key.

Entries are JSON (never pickle: a cache file is data, not code) in the user's cache folder
(:func:`folder`; never beside the data), or in ``$FUNDAUDIT_CACHE_DIR``;
``FUNDAUDIT_CACHE=off`` turns the cache off. The folder keeps the newest :data:`KEEP`
entries and is safe to delete; the cache reads, writes and deletes no file but its own
entries. A cache that cannot be read or written (a read-only folder, a damaged or oversized
entry, a folder that is a symbolic link) is passed over silently: the diagnosis is computed
as if there were none, and no error changes a verdict.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from fundaudit import cachefiles
from fundaudit.cachefiles import code_digest
from fundaudit.cachefiles import folder as folder  # where the diagnoses are kept
from fundaudit.causes._base import Applicability, Culprit, Diagnosis
from fundaudit.findings import Relation
from fundaudit.model import Figure
from fundaudit.tolerance import Tolerance

FORMAT = 1  # bumped when the entry layout changes
KEEP = 32  # entries kept: one per state of the data and language checked, the newest
ENTRY = re.compile(r"[0-9a-f]{64}\.json")  # the only files the cache reads, writes or deletes
LIMIT = 64 * 2**20  # an entry larger than this is not read (the real data's is about 100 KB)


def key(
    failing: Sequence[Relation],
    uses: Mapping[str, Sequence[Relation]],
    nearby: Mapping[str, Sequence[Figure]],
    tolerance: Tolerance,
    language: str,
) -> str:
    h = hashlib.sha256()
    h.update(f"{FORMAT}\0{code_digest()}\0{tolerance!r}\0{language}\0".encode())
    done: dict[int, bytes] = {}  # a relation's or figure's bytes by identity, made once (they recur)

    def once(item: Relation | Figure) -> bytes:
        data = done.get(id(item))
        if data is None:
            data = done[id(item)] = _relation(item, once) if isinstance(item, Relation) else _figure(item)
        return data

    for rel in failing:
        h.update(b"F" + once(rel))
    for ref in sorted(uses):
        h.update(b"U" + ref.encode())
        for rel in uses[ref]:
            h.update(once(rel))
    for file in sorted(nearby):
        h.update(b"N" + file.encode())
        for fig in nearby[file]:
            h.update(once(fig))
    return h.hexdigest()


def read(
    where: Path | None,
    digest: str,
    uses: Mapping[str, Sequence[Relation]],
    nearby: Mapping[str, Sequence[Figure]],
) -> dict[str, Diagnosis] | None:
    """The diagnoses stored under ``digest``, or ``None`` (none stored, or unreadable).

    Their figures are found among those the key was made of (``uses`` and ``nearby``).
    """
    data = cachefiles.read(where, f"{digest}.json", LIMIT)
    if data is None:
        return None
    try:
        raw = json.loads(data.decode("utf-8"))
        by_ref = {f.ref: f for rels in uses.values() for rel in rels for f in (rel.total, *rel.parts)}
        by_ref.update((f.ref, f) for figs in nearby.values() for f in figs)
        return {rid: _diagnosis(d, by_ref) for rid, d in raw["diagnoses"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(where: Path | None, digest: str, diagnoses: Mapping[str, Diagnosis]) -> None:
    """Store ``diagnoses`` under ``digest``, atomically; any failure is passed over."""
    text = json.dumps(
        {"format": FORMAT, "diagnoses": {rid: _plain(d) for rid, d in diagnoses.items()}}, ensure_ascii=False
    )
    if cachefiles.write(where, f"{digest}.json", text.encode("utf-8")):
        cachefiles.prune(where, ENTRY, KEEP)  # the oldest states of the data go first


def _figure(f: Figure) -> bytes:
    return (
        f"{f.ref}\0{f.label}\0{f.value.coefficient}e{f.value.exponent}\0{f.unit.text}\0{f.source.file}:{f.source.line}"
        f"\0{f.yaml.file}:{f.yaml.line}\0{f.bound}\0{f.note}\0{f.drafted}\1"
    ).encode()


def _relation(r: Relation, figure: Callable[[Figure], bytes] = _figure) -> bytes:
    head = f"{r.id}\0{r.rule}\0{r.kind}\0{r.missing}\0{r.empty}\0{r.note}\0{r.names}\0{r.location}\0".encode()
    return head + b"".join(figure(f) for f in (r.total, *r.parts)) + b"\2"


def _plain(d: Diagnosis) -> dict[str, object]:
    return {
        "cause": d.cause,
        "severity": d.severity,
        "root": d.root,
        "text": d.text,
        "figures": [[c.figure.ref, c.likely] for c in d.figures],
        "explains": list(d.explains),
        "applicability": d.applicability.name,
        "corrections": d.corrections,
    }


def _diagnosis(d: Mapping[str, object], by_ref: Mapping[str, Figure]) -> Diagnosis:
    figures = d["figures"]
    explains = d["explains"]
    if not isinstance(figures, list) or not isinstance(explains, list):
        raise TypeError("a damaged cache entry")
    return Diagnosis(
        cause=str(d["cause"]),
        severity=str(d["severity"]),
        root=str(d["root"]),
        text=str(d["text"]),
        figures=tuple(Culprit(by_ref[str(ref)], None if likely is None else str(likely)) for ref, likely in figures),
        explains=tuple(str(x) for x in explains),
        applicability=Applicability[str(d["applicability"])],
        corrections=int(str(d["corrections"])),
    )
