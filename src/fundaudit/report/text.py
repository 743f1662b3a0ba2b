"""Text output: one finding a line, ``yaml_file:line: source_file:line: verdict [rule] message``.

The verdict is named in the current language (:mod:`fundaudit.i18n`); ``verbose`` adds the
full arithmetic under each finding: every figure with its YAML and source line.
"""

from __future__ import annotations

from fundaudit.findings import Verdict
from fundaudit.i18n import _
from fundaudit.i18n.terms import verdict_name
from fundaudit.judge import arithmetic
from fundaudit.report.escape import text
from fundaudit.runner import Audit


def render(audit: Audit, show_all: bool, verbose: bool = False) -> str:
    lines = []
    for f in audit.shown(show_all):
        src = f"{text(f.source.file)}:{f.source.line}" if f.source.file else "-"
        mark = " (" + _("drafted, unconfirmed") + ")" if f.drafted else ""
        lines.append(
            f"{text(f.location.file)}:{f.location.line}: {src}: "
            f"{verdict_name(f.verdict.value)}{mark} [{f.rule}] {text(f.message)}"
        )
        if verbose:
            lines.extend(text(line) for line in arithmetic(f))
    s = audit.summary()
    counts = _(", ").join(f"{s[v.value]} {verdict_name(v.value)}" for v in Verdict)
    lines.append(
        _("{documents} documents, {figures} figures, {relations} relations: {counts}").format(
            documents=s["documents"], figures=s["figures"], relations=s["relations"], counts=counts
        )
    )
    return "\n".join(lines) + "\n"
