"""Text output: one finding a line, ``yaml_file:line: source_file:line: message``, then a summary.

A diagnosed finding ends with its cause and, when the diagnosis proposes one, the likely
correction: ``… [unit-slip] likely 10000 万元: …``. The summary counts findings and the roots
they come from (one slip, one root).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from fundaudit.findings import Finding, Verdict
from fundaudit.runner import Audit


def diagnosis_suffix(f: Finding) -> str:
    d = f.diagnosis
    if d is None:
        return ""
    likely = f" likely {d.likely}" if d.likely else ""
    return f" [{d.cause}]{likely}: {d.text}"


def roots_line(findings: Sequence[Finding]) -> str | None:
    """``86 findings from 41 roots: 23 error, 18 warning; causes: …`` (None when none is diagnosed)."""
    diagnosed = [f for f in findings if f.diagnosis is not None]
    if not diagnosed:
        return None
    roots: dict[str, Finding] = {}
    for f in diagnosed:
        assert f.diagnosis is not None
        roots.setdefault(f.diagnosis.root, f)
    severities = Counter(f.severity for f in roots.values())
    causes = Counter(f.diagnosis.cause for f in roots.values() if f.diagnosis is not None)
    return (
        f"{len(diagnosed)} findings from {len(roots)} roots: "
        + ", ".join(f"{n} {s}" for s, n in sorted(severities.items()))
        + "; causes: "
        + ", ".join(f"{c} {n}" for c, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])))
    )


def render(audit: Audit, show_all: bool) -> str:
    lines = []
    shown = audit.shown(show_all)
    for f in shown:
        src = f"{f.source.file}:{f.source.line}" if f.source.file else "-"
        lines.append(f"{f.location}: {src}: {f.verdict.value} [{f.rule}] {f.message}{diagnosis_suffix(f)}")
    s = audit.summary()
    lines.append(
        f"{s['documents']} documents, {s['figures']} figures, {s['relations']} relations: "
        + ", ".join(f"{s[v.value]} {v.value}" for v in Verdict)
    )
    roots = roots_line(shown)
    if roots:
        lines.append(roots)
    lines.extend(f"note: {n}" for n in audit.diagnoses.notes if any(f.diagnosis for f in shown))
    return "\n".join(lines) + "\n"
