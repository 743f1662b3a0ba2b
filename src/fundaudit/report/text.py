"""Text output: one finding a line, ``yaml_file:line: source_file:line: verdict [rule] message``.

Where a YAML file's figures all cite one source file (a document's own YAML), the line names
the source by its line only (``原文第243行`` / ``source line 243``): the YAML path says which
document it is; ``verbose`` names the file every time. The verdict is named in the current
language (:mod:`fundaudit.i18n`); ``verbose`` adds the full arithmetic under each finding:
every figure with its YAML and source line.

A diagnosed finding ends with its cause and, when the diagnosis proposes one, the likely
correction (``… [unit-slip] likely 10000 万元``), so that the line stays short; ``verbose``
adds the diagnosis in words under the arithmetic. The summary counts the findings and the
roots they come from (one slip, one root).
"""

from __future__ import annotations

import io
import os
from collections import Counter
from collections.abc import Iterable
from typing import TextIO

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.i18n.terms import cause_term, severity_name, verdict_name
from fundaudit.judge import arithmetic
from fundaudit.report.escape import text
from fundaudit.report.pieces import Words, diagnosed, per_chunk
from fundaudit.runner import Audit, RelationList


def diagnosis_suffix(f: Finding | Words, verbose: bool = False) -> str:
    """`` [cause] likely X`` for a diagnosed finding (``: text`` too when ``verbose``), else nothing.

    The cause is named in the current language; nothing is added when no cause is found or the
    cause only repeats the verdict (``revised``), no likely value when it is
    the sum of several parts the line shows for the total; the likely figure's line when it is
    not on the finding's own source line (a cell of another row that a 合计 carries)."""
    d = diagnosed(f)
    if d is None or (d.cause in ("unexplained", f.verdict.value) and not verbose):  # nothing to add
        return ""
    cause, said_text, likely_value = d.cause, d.text, d.likely
    first_ref, first_source = (None, None) if d.figure is None else d.figure[:2]
    if isinstance(f, Words):
        total_ref: str | None = f.total_ref
        parts = len(f.listed)
    else:
        total_ref = None if f.total_figure is None else f.total_figure.ref
        parts = len(f.parts)
    is_sum = (
        total_ref is not None and parts > 1 and first_ref == total_ref and likely_value == f"{f.parts_sum} {f.unit}"
    )
    said = likely_value is None or (is_sum and not verbose)  # "the total should be the sum the line shows"
    likely = ""
    if not said:
        at = first_source  # the figure likely wrong: named by its line when not on this one
        assert at is not None  # a likely value is a culprit's
        if not at.file or at == f.source:
            likely = " " + _("likely {value}").format(value=likely_value)
        else:
            where = _("line {line}").format(line=at.line) if at.file == f.source.file else f"{at.file}:{at.line}"
            likely = " " + _("likely {value} ({where})").format(value=likely_value, where=where)
    return f" [{cause_term(cause)}]{likely}: {said_text}" if verbose else f" [{cause_term(cause)}]{likely}"


class Roots:
    """What :func:`roots_line` needs of each finding, gathered as findings stream past."""

    def __init__(self) -> None:
        self.diagnosed = 0
        self.roots: dict[str, tuple[str, str]] = {}  # root -> severity and cause of its first finding

    def add(self, f: Finding | Words) -> None:
        self.merge(self.seen([f]))

    @staticmethod
    def seen(findings: Iterable[Finding | Words]) -> list[tuple[str, str, str]]:
        """The root, severity and cause of each diagnosed finding, in order (:meth:`merge` adds them)."""
        return [(d.root, f.severity, d.cause) for f in findings if (d := diagnosed(f)) is not None]

    def merge(self, seen: list[tuple[str, str, str]]) -> None:
        """Count each diagnosed finding :meth:`seen` gave, in its order: its root's first severity and cause kept."""
        self.diagnosed += len(seen)
        for root, severity, cause in seen:
            self.roots.setdefault(root, (severity, cause))

    def line(self) -> str | None:
        """``97 findings from 69 roots: 40 error, 29 warning; causes: …`` (None when none is diagnosed)."""
        roots = self.roots
        if not roots:
            return None
        severities = Counter(severity for severity, _cause in roots.values())
        causes = Counter(cause for _severity, cause in roots.values())
        return _("{findings} findings from {roots} roots: {severities}; causes: {causes}").format(
            findings=self.diagnosed,
            roots=len(roots),
            severities=_(", ").join(f"{n} {severity_name(s)}" for s, n in sorted(severities.items())),
            causes=_(", ").join(
                f"{cause_term(c)} {n}" for c, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0]))
            ),
        )


def roots_line(findings: Iterable[Finding]) -> str | None:
    """``97 findings from 69 roots: 40 error, 29 warning; causes: …`` (None when none is diagnosed)."""
    roots = Roots()
    for f in findings:
        roots.add(f)
    return roots.line()


def own_sources(audit: Audit) -> dict[str, str]:
    """Each YAML file whose figures all cite one source file, with that file (none for tables).

    Only a YAML file a person can open counts: a document checked directly is drafted into a
    temporary one, and then its own name is the reference.
    """
    if audit.budget is None:
        return {}
    pairs: Iterable[tuple[str, str]]
    if not isinstance(audit.columns, RelationList):  # the model's figures are the stated rows: read
        import numpy as np  # without loading the model (large YAML is checked from the cache's blocks)

        from fundaudit.columnar.arrays import take

        f = audit.columns.figures
        rows = np.flatnonzero(f.stated).tolist()
        pairs = set(zip(take(f.yaml_file, rows), take(f.source_file, rows), strict=True))
    else:
        pairs = ((fig.yaml.file, fig.source.file) for fig in audit.budget.figures)
    cited: dict[str, set[str]] = {}
    for yaml, source in pairs:
        cited.setdefault(yaml, set()).add(source)
    return {yaml: next(iter(files)) for yaml, files in cited.items() if len(files) == 1 and os.path.isfile(yaml)}


def write(audit: Audit, show_all: bool, out: TextIO, verbose: bool = False) -> None:
    """Write the findings as they are worded, then the summary (memory stays flat)."""
    roots = Roots()
    own = {} if verbose else own_sources(audit)
    memo: dict[str, str] = {}  # texts of the language looked up once a write, not once a line
    if verbose:  # the arithmetic lists every figure: the findings as model objects
        for f in audit.iter_shown(show_all):
            roots.add(f)
            lines = [_line(f, own, memo)]
            lines.extend(text(line) for line in arithmetic(f))
            if f.diagnosis is not None and f.diagnosis.text != f.hint:  # the arithmetic shows the hint
                lines.append(text(f"      {f.diagnosis.text}"))
            out.write("\n".join(lines) + "\n")
    else:

        def written(_chunk: object, findings: list[Finding | Words]) -> tuple[str, list[tuple[str, str, str]]]:
            return "".join([_line(w, own, memo) + "\n" for w in findings]), Roots.seen(findings)

        for block, seen in per_chunk(audit, show_all, written):  # a chunk at a time, worded in bulk
            roots.merge(seen)
            out.write(block)
    s = audit.summary()
    counts = _(", ").join(f"{s[v.value]} {verdict_name(v.value)}" for v in Verdict)
    out.write(
        _("{documents} documents, {figures} figures, {relations} relations: {counts}").format(
            documents=s["documents"], figures=s["figures"], relations=s["relations"], counts=counts
        )
        + (_("; ") + roots_text if (roots_text := roots.line()) else "")
        + "\n"
    )


def _line(f: Finding | Words, own: dict[str, str], memo: dict[str, str] | None = None) -> str:
    """A finding's line: ``yaml_file:line: source: verdict [rule] message [cause] likely X``.

    ``memo``: the texts of the current language already looked up (verdict names …), kept
    across the lines of one write."""
    if memo is None:
        memo = {}
    source, location = f.source, f.location
    src = f"{text(source.file)}:{source.line}" if source.file else "-"
    if source.file and own.get(location.file) == source.file:
        said = memo.get("\0source")
        if said is None:
            said = memo["\0source"] = _("source line {line}")
        src = said.format(line=source.line)
    mark = " (" + _("drafted, unconfirmed") + ")" if f.drafted else ""
    value = f.verdict.value
    name = memo.get(value)
    if name is None:
        name = memo[value] = verdict_name(value)
    return (
        f"{text(location.file)}:{location.line}: {src}: "
        f"{name}{mark} [{f.rule}] {text(f.message)}{text(diagnosis_suffix(f))}"
    )


def render(audit: Audit, show_all: bool, verbose: bool = False) -> str:
    buf = io.StringIO()
    write(audit, show_all, buf, verbose)
    return buf.getvalue()
