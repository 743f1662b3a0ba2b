"""The self-contained HTML report: one file, no network; navigable, filterable, searchable.

A summary first; a table of contents by document and program; one table of the findings
that need a look (most severe and most material first), filtered by verdict, severity,
document and program and searched by any text, each row expandable to its figures (YAML
and source lines) and the cited source lines with the figures marked; anchors link a
finding to its program and document. Charts: funding sources per program in the
document's unit, every program drawn with its amount written, and a note naming the
programs without a source split. All text from the data is escaped by Jinja2's
autoescaping; the only script is :data:`SCRIPT`, allowed by hash in the page's
Content-Security-Policy. Headings are in the current language (:mod:`fundaudit.i18n`).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _, language
from fundaudit.i18n.terms import severity_name, verdict_meaning, verdict_name
from fundaudit.judge import part_names_of, relation_words
from fundaudit.report import charts
from fundaudit.report.excerpts import Excerpt, excerpts
from fundaudit.report.summary import VERDICTS, cause_name, culprit_text, review_order, roots, stats
from fundaudit.runner import Audit

SCRIPT = """
(function () {
  var table = document.getElementById("findings");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var search = document.getElementById("search");
  var count = document.getElementById("shown-count");
  function chosen(name) {
    var boxes = document.querySelectorAll("input[data-filter='" + name + "']");
    var on = [];
    boxes.forEach(function (b) { if (b.checked) { on.push(b.value); } });
    return on;
  }
  function apply() {
    var verdicts = chosen("verdict"), severities = chosen("severity");
    var doc = document.getElementById("filter-document").value;
    var prog = document.getElementById("filter-program").value;
    var q = search.value.trim().toLowerCase();
    var n = 0;
    rows.forEach(function (r) {
      var ok = verdicts.indexOf(r.dataset.verdict) >= 0 && severities.indexOf(r.dataset.severity) >= 0 &&
        (!doc || r.dataset.document === doc) && (!prog || r.dataset.program === prog) &&
        (!q || r.textContent.toLowerCase().indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) { n += 1; }
    });
    count.textContent = String(n);
  }
  document.querySelectorAll("input[data-filter], select.filter").forEach(function (el) {
    el.addEventListener("change", apply);
  });
  search.addEventListener("input", apply);
  document.querySelectorAll("a[data-program]").forEach(function (a) {
    a.addEventListener("click", function () {
      document.getElementById("filter-program").value = a.dataset.program;
      apply();
    });
  });
  apply();
})();
"""

_SHOWN = (Verdict.MISMATCH, Verdict.ERROR, Verdict.INCOMPLETE, Verdict.ROUNDING)


def _sources() -> Path | None:
    folder = os.environ.get("FUNDAUDIT_SOURCES")
    return Path(folder) if folder and Path(folder).is_dir() else None


def _parts(f: Finding) -> list[tuple[str, str, str, str]]:
    """(name, figure as written, YAML line, source line) for the total and each part."""
    rows = []
    if f.total_figure is not None:
        t = f.total_figure
        rows.append((t.label.removesuffix(" total"), t.text, str(t.yaml), str(t.source)))
    for p, name in zip(f.parts, part_names_of(f), strict=True):
        rows.append((name, p.text, str(p.yaml), str(p.source)))
    return rows


def render(audit: Audit) -> str:
    env = Environment(
        loader=PackageLoader("fundaudit.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(_=_, verdict_name=verdict_name, severity_name=severity_name)
    docs = stats(audit)
    folder = _sources()
    shown = sorted(
        (f for f in audit.findings if f.verdict in _SHOWN),
        key=review_order,
    )
    program_ids = {(d.doc.id, p.name): p.id for d in docs for p in d.programs}
    excerpt_of: dict[str, list[Excerpt]] = {f.id: excerpts(f, folder) for f in shown} if folder else {}
    row_of = {f.id: i for i, f in enumerate(shown, start=1)}
    root_rows = [
        {
            "cause": cause_name(r.cause),
            "severity": r.severity,
            "text": r.text,
            "culprits": [culprit_text(fig, likely) for fig, likely in r.culprits],
            "findings": [(row_of[f.id], f.message) for f in r.findings if f.id in row_of],
        }
        for r in roots(shown)
    ]
    script_hash = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("audit.html.j2").render(
        lang="zh-CN" if language() == "zh" else "en",
        data=audit.path,
        summary=audit.summary(),
        policy=audit.tolerance.policy.value,
        verdicts=VERDICTS,
        meanings={v: verdict_meaning(v) for v in VERDICTS},
        severities=("error", "warning", "info"),
        docs=docs,
        colors=charts.COLORS,
        charts={
            "sources": {d.doc.id: charts.source_rows(d) for d in docs},
            "discrepancies": {d.doc.id: charts.discrepancy_rows(d) for d in docs},
        },
        shown=shown,
        roots=root_rows,
        program_ids=program_ids,
        parts={f.id: _parts(f) for f in shown},
        relation_words={f.id: relation_words(f.rule) for f in shown},
        excerpts=excerpt_of,
        has_sources=folder is not None,
        script=SCRIPT,
        script_hash=script_hash,
    )
