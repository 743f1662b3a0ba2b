"""The Markdown audit report: per document, per program, findings tables (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from fundaudit.findings import Finding, Verdict
from fundaudit.report.escape import markdown, markdown_code
from fundaudit.report.summary import SHOWN, VERDICTS, DocStats, location, stats
from fundaudit.runner import Audit

EXPLAIN = """\
**Verdicts.** `match`: exact. `rounding`: the difference is no larger than the rounding the
stated digits allow. `within`: a list the document calls partial does not exceed its total.
`mismatch`: beyond the rounding allowance — a real discrepancy in the document (or in the
transcription). `incomplete`: a part is not stated, or empty table cells may hold the rest,
so the relation cannot be decided. `error`: the check could not run.

**Tolerance rule** (policy `{policy}`). A figure written `12.10` stands for any value that
rounds to it, so it may be off by half a unit of its last written digit (±0.005). A
relation's tolerance is that half-unit of the total plus the same for each part. Integers
written without decimals count as exact (policy `digits`); `digits-all` gives them a
half-unit too; `exact` allows no rounding.
"""


def findings_table(findings: list[Finding]) -> str:
    rows = []
    for f in findings:
        yaml_loc, src = location(f)
        rows.append(
            [
                f.severity,
                f.verdict.value,
                markdown(f.subject),
                markdown(f.rule),
                markdown(f"{f.total} {f.unit}".strip()),
                markdown(f.parts_sum),
                markdown(f.diff),
                markdown(f.tolerance),
                markdown(yaml_loc),
                markdown(src),
            ]
        )
    headers = [
        "severity",
        "verdict",
        "program / item",
        "relation",
        "total",
        "sum of parts",
        "difference",
        "tolerance",
        "YAML",
        "source",
    ]
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def _doc_section(d: DocStats) -> list[str]:
    out = [f"## {markdown(d.doc.title)}", ""]
    meta = (
        f"{markdown_code(d.doc.id)} · source {markdown_code(d.doc.source)} · "
        f"{markdown(d.doc.issuer or '')} · {markdown(d.doc.date or '')}"
    )
    out.append(meta.rstrip(" ·"))
    out.append("")
    rows = [[markdown(p.name), p.figures, p.relations, *(p.counts[v] for v in VERDICTS)] for p in d.programs]
    rows.append(["**total**", d.figures, d.relations, *(d.counts[v] for v in VERDICTS)])
    out.append(
        tabulate(rows, headers=["program", "figures", "relations", *VERDICTS], tablefmt="github", disable_numparse=True)
    )
    out.append("")
    shown = [f for f in d.findings if f.verdict in SHOWN]
    out.append(f"### Findings ({len(shown)})")
    out.append("")
    out.append(findings_table(shown) if shown else "No mismatch, incomplete relation or error.")
    out.append("")
    for f in shown:
        if f.verdict is Verdict.MISMATCH:
            out.append(f"- {markdown_code(f.id)}: {markdown(f.message)}")
    if any(f.verdict is Verdict.MISMATCH for f in shown):
        out.append("")
    rounding = [f for f in d.findings if f.verdict is Verdict.ROUNDING]
    if rounding:
        out.append(f"### Differences within rounding ({len(rounding)})")
        out.append("")
        out.append(findings_table(rounding))
        out.append("")
    return out


def render(audit: Audit) -> str:
    s = audit.summary()
    lines = [
        "# fundaudit audit report",
        "",
        f"Data {markdown_code(audit.path)} · {s['documents']} documents · {s['figures']} figures · "
        f"{s['relations']} relations checked · tolerance policy `{audit.tolerance.policy.value}`",
        "",
        tabulate([[s[v] for v in VERDICTS]], headers=list(VERDICTS), tablefmt="github", disable_numparse=True),
        "",
        EXPLAIN.format(policy=audit.tolerance.policy.value),
    ]
    docs = stats(audit)
    rows = [
        [markdown(d.doc.id), markdown(d.doc.title), d.figures, d.relations, *(d.counts[v] for v in VERDICTS)]
        for d in docs
    ]
    lines += [
        tabulate(
            rows,
            headers=["document", "title", "figures", "relations", *VERDICTS],
            tablefmt="github",
            disable_numparse=True,
        ),
        "",
    ]
    for d in docs:
        lines += _doc_section(d)
    return "\n".join(lines).rstrip() + "\n"
