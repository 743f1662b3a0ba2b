"""The Markdown audit report: summary, findings to review (most severe and largest first),
then per document its programs, findings and differences within rounding (tabulate).

Headings and verdicts are in the current language (:mod:`fundaudit.i18n`).
"""

from __future__ import annotations

from tabulate import tabulate

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.i18n.terms import severity_name, verdict_meaning, verdict_name
from fundaudit.report.escape import markdown, markdown_code
from fundaudit.report.summary import (
    SHOWN,
    VERDICTS,
    DocStats,
    cause_name,
    culprit_text,
    location,
    review_order,
    roots,
    stats,
)
from fundaudit.runner import Audit


def _explain(policy: str) -> str:
    colon, stop = _(": "), _(". ")
    verdicts = "".join(f"**{verdict_name(v)}** (`{v}`){colon}{verdict_meaning(v)}{stop}" for v in VERDICTS)
    tolerance = _(
        "A figure written 12.10 may be off by half a unit of its last written digit (±0.005); a relation's "
        "tolerance is that half-unit of the total plus the same for each part. Integers written without "
        "decimals count as exact (policy digits)."
    )
    return f"{verdicts}\n\n**{_('Tolerance.')}** {tolerance} (`{policy}`)\n"


def findings_table(findings: list[Finding]) -> str:
    rows = []
    for f in findings:
        yaml_loc, src = location(f)
        rows.append(
            [
                verdict_name(f.verdict.value),
                markdown(f.message),
                markdown(f"{f.total} {f.unit}".strip()),
                markdown(f.parts_sum),
                markdown(f.diff),
                markdown(yaml_loc),
                markdown(src),
            ]
        )
    headers = [_("verdict"), _("finding"), _("total"), _("sum of parts"), _("difference"), _("YAML"), _("source")]
    return tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)


def _doc_section(d: DocStats) -> list[str]:
    out = [f"## {markdown(d.doc.title)}", ""]
    meta = (
        f"{markdown_code(d.doc.id)} · {_('source')} {markdown_code(d.doc.source)} · "
        f"{markdown(d.doc.issuer or '')} · {markdown(d.doc.date or '')}"
    )
    out.append(meta.rstrip(" ·"))
    out.append("")
    rows = [[markdown(p.name), p.figures, p.relations, *(p.counts[v] for v in VERDICTS)] for p in d.programs]
    rows.append([f"**{_('total')}**", d.figures, d.relations, *(d.counts[v] for v in VERDICTS)])
    headers = [_("program"), _("figures"), _("relations"), *map(verdict_name, VERDICTS)]
    out.append(tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True))
    out.append("")
    rounding = [f for f in d.findings if f.verdict is Verdict.ROUNDING]
    if rounding:
        heading = _("Differences within rounding")
        out.append(f"### {heading} ({len(rounding)})")
        out.append("")
        out.append(findings_table(rounding))
        out.append("")
    return out


def _roots_section(audit: Audit) -> list[str]:
    """Discrepancies grouped by root: the cause, the culprit with its source line, the correction."""
    found = roots(audit.findings)
    if not found:
        return []
    rows = []
    for r in found:
        culprits = [culprit_text(fig, likely) for fig, likely in r.culprits]
        rows.append(
            [
                markdown(cause_name(r.cause)),
                severity_name(r.severity),
                markdown(r.text),
                markdown(_("; ").join(c for c, _l in culprits)),
                markdown(_("; ").join(likely for _c, likely in culprits if likely)),
                len(r.findings),
            ]
        )
    headers = [_("cause"), _("severity"), _("diagnosis"), _("culprit"), _("likely correction"), _("findings resolved")]
    heading = _("Discrepancies by root")
    return [
        f"## {heading} ({len(found)})",
        "",
        tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True),
        "",
    ]


def render(audit: Audit) -> str:
    s = audit.summary()
    policy = audit.tolerance.policy.value
    lines = [
        f"# {_('fundaudit audit report')}",
        "",
        f"{_('Data')} {markdown_code(audit.path)} · {s['documents']} {_('documents')} · "
        f"{s['figures']} {_('figures')} · {s['relations']} {_('relations checked')} · "
        f"{_('tolerance policy')} `{policy}`",
        "",
        tabulate(
            [[s[v] for v in VERDICTS]],
            headers=[verdict_name(v) for v in VERDICTS],
            tablefmt="github",
            disable_numparse=True,
        ),
        "",
        _explain(policy),
    ]
    docs = stats(audit)
    rows = [
        [markdown(d.doc.id), markdown(d.doc.title), d.figures, d.relations, *(d.counts[v] for v in VERDICTS)]
        for d in docs
    ]
    lines += [
        tabulate(
            rows,
            headers=[_("document"), _("title"), _("figures"), _("relations"), *map(verdict_name, VERDICTS)],
            tablefmt="github",
            disable_numparse=True,
        ),
        "",
    ]
    lines += _roots_section(audit)
    failing = sorted(
        (f for f in audit.findings if f.verdict in SHOWN),
        key=review_order,
    )
    lines += [f"## {_('Findings to review')} ({len(failing)})", ""]
    by_severity: dict[str, list[Finding]] = {}
    for f in failing:
        by_severity.setdefault(f.severity, []).append(f)
    for severity, group in by_severity.items():
        lines += [f"### {severity_name(severity)} ({len(group)})", "", findings_table(group), ""]
    if not failing:
        lines += [_("No mismatch, incomplete relation or error."), ""]
    for d in docs:
        lines += _doc_section(d)
    return "\n".join(lines).rstrip() + "\n"
