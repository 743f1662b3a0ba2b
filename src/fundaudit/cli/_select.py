"""What `check PATH` audits and which findings it shows: the data behind a path, and filters.

A path may be the entry data file, a file the entry includes (the documents that include
it are audited), a data folder (its ``budgets.yaml``) or a folder of tables from
``fundaudit export``. Filters narrow the findings shown (and the exit code) without
changing what is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from fundaudit.i18n import _

if TYPE_CHECKING:
    from fundaudit.findings import Finding
    from fundaudit.runner import Audit

TABLE_FILES = ("figures.parquet", "figures.csv", "manifest.json")
ENTRY = "budgets.yaml"


class PathError(ValueError):
    """A path that is neither data nor tables."""


@dataclass(frozen=True)
class Target:
    """The data to audit and, for an included file, the documents it belongs to."""

    path: Path
    documents: frozenset[str] | None = None  # None: every document
    included: Path | None = None


def _text(path: Path) -> str | None:
    """The text of a data file, read within the loader's limits (None for anything unreadable)."""
    from fundaudit.yamlnodes import Limits, Unreadable, read_limited

    try:
        return read_limited(path, Limits().max_bytes).decode("utf-8")
    except (Unreadable, UnicodeDecodeError):
        return None


_HEAD = 65536  # bytes read to tell an entry file from an included one (the key is near the top)


def _is_entry(path: Path, naming: str | None = None) -> bool:
    """Whether a regular file has a top-level ``fundaudit:`` key in its first 64 KiB (never blocks),
    and, with ``naming``, mentions that file name (so that only a likely includer is composed)."""
    if not path.is_file():  # a FIFO or device is never opened here
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(_HEAD)
    except OSError:
        return False
    entry = head.startswith(b"fundaudit:") or b"\nfundaudit:" in head
    return entry and (naming is None or naming.encode("utf-8", "replace") in head)


def _includes(entry: Path) -> dict[Path, set[str]]:
    """Each file an entry includes → the ids of the documents including it ("" for top-level).

    The entry is composed by the loader's own reader (no anchors, aliases or tags, bounded
    size and depth), never constructed: a hostile file beside the data cannot act here either.
    """
    from fundaudit.yamlnodes import Limits, compose

    text = _text(entry)
    root = compose(text.encode("utf-8"), str(entry), Limits())[0] if text is not None else None
    out: dict[Path, set[str]] = {}
    for key, value in _mapping(root):
        if key == "documents" and isinstance(value, yaml.SequenceNode):
            for d in value.value:
                fields = dict(_mapping(d))
                doc_id = fields.get("id")
                name = doc_id.value if isinstance(doc_id, yaml.ScalarNode) else ""
                for inc in _scalars(fields.get("include")):
                    out.setdefault((entry.parent / inc).resolve(), set()).add(str(name))
        elif key == "include":
            for inc in _scalars(value):
                out.setdefault((entry.parent / inc).resolve(), set()).add("")
    return out


def _mapping(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(k.value, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _scalars(node: yaml.Node | None) -> list[str]:
    if not isinstance(node, yaml.SequenceNode):
        return []
    return [n.value for n in node.value if isinstance(n, yaml.ScalarNode)]


def target(path: Path) -> Target:
    """What to audit for ``path`` (see the module documentation)."""
    if path.is_dir():
        if any((path / name).exists() for name in TABLE_FILES):
            if (path / ENTRY).is_file():  # `export --to` the data folder: which did the reader mean?
                raise PathError(
                    _(
                        "{path}: holds both {entry} and tables ({tables}): give {data} to audit the data, "
                        "or move the tables into a folder of their own"
                    ).format(
                        path=path,
                        entry=ENTRY,
                        tables=", ".join(n for n in TABLE_FILES if (path / n).exists()),
                        data=path / ENTRY,
                    )
                )
            return Target(path)
        if (path / ENTRY).is_file():
            return Target(path / ENTRY)
        raise PathError(
            _("{path}: neither a data folder (with {entry}) nor a folder of tables (with {tables})").format(
                path=path, entry=ENTRY, tables=_(" or ").join(TABLE_FILES[:2])
            )
        )
    if not path.exists() or path.suffix not in (".yaml", ".yml") or _is_entry(path) or _text(path) is None:
        return Target(path)  # the loader names what is wrong with it (too large, a FIFO, not UTF-8 …)
    wanted = path.resolve()
    for folder in (wanted.parent, *wanted.parents):
        for entry in sorted(folder.glob("*.y*ml")):
            docs = _includes(entry).get(wanted) if _is_entry(entry, wanted.name) else None
            if docs is not None:
                shown = entry
                if not path.is_absolute() and entry.is_relative_to(Path.cwd()):
                    shown = entry.relative_to(Path.cwd())
                return Target(shown, frozenset(d for d in docs if d) or None, path)
        if (folder / ".git").exists():
            break
    return Target(path)  # no entry includes it: the loader says what is wrong with it as an entry


@dataclass(frozen=True)
class Filters:
    """Which findings to show; every given filter must hold (values within one filter: any)."""

    verdicts: frozenset[str] = frozenset()
    rules: frozenset[str] = frozenset()
    documents: frozenset[str] = frozenset()
    programs: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()

    @property
    def active(self) -> bool:
        return any((self.verdicts, self.rules, self.documents, self.programs, self.severities))

    def keep(self, f: Finding) -> bool:
        return self._keeps(f.id, f.verdict.value, f.rule, f.document, f.program, f.severity if self.severities else "")

    def _keeps(self, rid: str, verdict: str, rule: str, document: str, program: str, severity: str) -> bool:
        """The one test of a finding, given its fields (``severity`` read only when filtered on)."""
        if self.programs:
            program_id = rid.split("::", 1)[-1].split("#", 1)[0].split("/", 1)[0]
            if not {program, program_id} & self.programs:
                return False
        return (
            (not self.verdicts or verdict in self.verdicts)
            and (not self.rules or rule in self.rules)
            and (not self.documents or document in self.documents)
            and (not self.severities or severity in self.severities)
        )

    def hidden_in(self, audit: Audit, show_all: bool) -> frozenset[str]:
        """The ids of the findings :meth:`~fundaudit.runner.Audit.iter_shown` gives that these
        filters hide. A large audit's are read from its columns (verdict codes, rules,
        documents, programs, and the diagnoses' severities only when filtered on): no finding
        is worded to be hidden."""
        chunks = audit.chunks(show_all)
        if chunks is None:
            return frozenset(f.id for f in audit.iter_shown(show_all) if not self.keep(f))
        from fundaudit.columnar.arrays import Columns, take
        from fundaudit.findings import FAILING, VERDICT_OF_CODE, severity_of

        cols, codes = audit.columns, audit.codes
        assert isinstance(cols, Columns) and not isinstance(codes, list)  # chunks are of columnar audits
        rel = cols.relations
        hidden: set[str] = set()
        for chunk in chunks:
            rows = [c for c in chunk if isinstance(c, int)]
            hidden.update(f.id for f in chunk if not isinstance(f, int) and not self.keep(f))
            verdicts = [VERDICT_OF_CODE[c] for c in codes[rows].tolist()]
            ids = take(rel.id, rows)
            severities = [""] * len(rows)
            if self.severities:  # a diagnosed failing finding takes its cause's (Finding.severity)
                failing = [(r, rid) for r, rid, v in zip(rows, ids, verdicts, strict=True) if v in FAILING]
                found = audit.bulk.encoded(*zip(*failing, strict=True)) if failing else {}  # no Diagnosis built
                severities = [
                    severity_of(v, found[rid][0] if rid in found else None)
                    for rid, v in zip(ids, verdicts, strict=True)
                ]
            for rid, v, rule, document, program, severity in zip(
                ids,
                verdicts,
                take(rel.rule, rows),
                take(rel.document, rows),
                take(rel.program, rows),
                severities,
                strict=True,
            ):
                if not self._keeps(rid, v.value, rule, document, program, severity):
                    hidden.add(rid)
        return frozenset(hidden)


def _values(given: Iterable[str] | None) -> list[str]:
    """Values of a repeatable option; each may also list several, comma-separated."""
    return [v.strip() for item in given or () for v in item.split(",") if v.strip()]


def filters(
    verdicts: Iterable[str] | None,
    rules: Iterable[str] | None,
    documents: Iterable[str] | None,
    programs: Iterable[str] | None,
    severities: Iterable[str] | None,
) -> Filters:
    """Filters from the command line; verdicts and severities by value or by their name in any language."""
    from fundaudit.findings import SEVERITY, Verdict
    from fundaudit.i18n import LANGUAGES, using
    from fundaudit.i18n.terms import severity_name, verdict_name
    from fundaudit.rules import REGISTRY

    def known(given: list[str], values: Iterable[str], name: object, what: str) -> frozenset[str]:
        values = list(values)
        by_name = {}
        for lang in LANGUAGES:
            with using(lang):
                by_name.update({name(v): v for v in values})  # type: ignore[operator]
        out = set()
        for g in given:
            if g not in values and g not in by_name:
                raise PathError(
                    _("unknown {what} {value!r} (choose from {choices})").format(
                        what=what, value=g, choices=", ".join(values)
                    )
                )
            out.add(by_name.get(g, g))
        return frozenset(out)

    rule_ids = [r.id for r in REGISTRY]
    return Filters(
        verdicts=known(_values(verdicts), [v.value for v in Verdict], verdict_name, _("verdict")),
        rules=known(_values(rules), rule_ids, lambda v: v, _("rule")),
        documents=frozenset(_values(documents)),
        programs=frozenset(_values(programs)),
        severities=known(_values(severities), sorted(set(SEVERITY.values())), severity_name, _("severity")),
    )
