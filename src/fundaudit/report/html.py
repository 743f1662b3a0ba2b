"""The self-contained HTML report: one file, no network, sortable tables, SVG charts.

All text from the data is escaped by Jinja2's autoescaping; the only script is the table
sorter below, allowed by hash in the page's Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib

from jinja2 import Environment, PackageLoader, select_autoescape

from fundaudit.findings import Verdict
from fundaudit.report import charts
from fundaudit.report.summary import VERDICTS, stats
from fundaudit.runner import Audit

SORTER = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var asc = th.getAttribute("data-order") !== "asc";
      var num = function (s) { var n = parseFloat(s); return isNaN(n) ? null : n; };
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent.trim(), y = b.cells[col].textContent.trim();
        var nx = num(x), ny = num(y);
        var c = (nx !== null && ny !== null) ? nx - ny : x.localeCompare(y, "zh");
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
      th.setAttribute("data-order", asc ? "asc" : "desc");
    });
  });
});
"""

_SHOWN = (Verdict.MISMATCH, Verdict.ERROR, Verdict.INCOMPLETE, Verdict.ROUNDING)


def render(audit: Audit) -> str:
    env = Environment(
        loader=PackageLoader("fundaudit.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    docs = stats(audit)
    script_hash = base64.b64encode(hashlib.sha256(SORTER.encode("utf-8")).digest()).decode("ascii")
    return env.get_template("audit.html.j2").render(
        data=audit.path,
        summary=audit.summary(),
        policy=audit.tolerance.policy.value,
        verdicts=VERDICTS,
        docs=docs,
        colors=charts.COLORS,
        charts={
            "sources": {d.doc.id: charts.source_rows(d) for d in docs},
            "discrepancies": {d.doc.id: charts.discrepancy_rows(d) for d in docs},
        },
        findings={d.doc.id: [f for f in d.findings if f.verdict in _SHOWN] for d in docs},
        script=SORTER,
        script_hash=script_hash,
    )
