"""`fundaudit explain ID`: one relation in full — parts, locations, the source text, verdict."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _audit, _usage, use_language
from fundaudit.i18n import N_


def explain(
    finding_id: Annotated[str, typer.Argument(metavar="ID", help=N_("A finding id, or a unique part of one."))],
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    sources: Annotated[Path | None, typer.Option(help=N_("Source documents folder (else $FUNDAUDIT_SOURCES)."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Explain one relation: each figure with its YAML and source line, the cited source text, the verdict."""
    from fundaudit.i18n import _
    from fundaudit.i18n.terms import verdict_meaning, verdict_name
    from fundaudit.judge import arithmetic
    from fundaudit.provenance import SourcesError, sources_dir
    from fundaudit.report.excerpts import excerpts
    from fundaudit.rules import REGISTRY
    from fundaudit.tolerance import DEFAULT

    use_language(lang)
    audit = _audit(path, DEFAULT)
    found = [f for f in audit.findings if f.id == finding_id]
    if not found:
        found = [f for f in audit.findings if finding_id in f.id]
    if not found:
        _usage(
            _("no finding with an id containing {id!r} (ids: `fundaudit check --all -f json`)").format(id=finding_id)
        )
    if len(found) > 1:
        from fundaudit.report.escape import text as escaped

        for candidate in found[:20]:  # the ids to choose from, one a line, before the error
            print(f"  {escaped(candidate.id)}", file=sys.stderr)
        more = _(" (… {n} more)").format(n=len(found) - 20) if len(found) > 20 else ""
        _usage(
            _("{n} findings match {id!r}; give one of the ids above{more}").format(
                n=len(found), id=finding_id, more=more
            )
        )
    f = found[0]
    titles = {r.id: r.title for r in REGISTRY}
    out = [
        f.id,
        f"{verdict_name(f.verdict.value)} — {verdict_meaning(f.verdict.value)}",
        f"[{f.rule}] {_(titles[f.rule]) if f.rule in titles else ''}".rstrip(),
        f"{f.location}: {f.message}",
        "",
        _("Figures (YAML line, source line):"),
        *arithmetic(f),
    ]
    diagnosis = getattr(f, "diagnosis", None)
    if diagnosis is not None:
        from fundaudit.i18n.terms import severity_name
        from fundaudit.report.summary import cause_name, culprit_text

        out += [
            "",
            _("Diagnosis:"),
            f"    {cause_name(str(diagnosis.cause))} ({severity_name(str(diagnosis.severity))})",
        ]
        out.append(f"    {diagnosis.text}")
        for c in getattr(diagnosis, "figures", ()):
            culprit, likely = culprit_text(c.figure, c.likely)
            out.append(f"    {culprit} → {likely}" if likely else f"    {culprit}")
    out += ["", _("Source text (figures marked 【】):")]
    try:
        folder = sources_dir(sources)
    except SourcesError as exc:
        out.append(f"    {exc}")
    else:
        for ex in excerpts(f, folder):
            out.append(f"    {ex.file}:{ex.line}: {ex.text()}")
    from fundaudit.report.escape import text

    sys.stdout.write("\n".join(text(line) for line in out) + "\n")  # no control character reaches the terminal
