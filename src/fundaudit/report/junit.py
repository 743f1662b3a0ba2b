"""JUnit XML: one test case per relation, failures for mismatches and errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fundaudit.findings import Verdict
from fundaudit.i18n import _
from fundaudit.report.escape import xml
from fundaudit.runner import Audit


def render(audit: Audit, show_all: bool) -> str:
    del show_all  # JUnit lists every relation: a test case per relation
    suites = ET.Element("testsuites", name="fundaudit")
    by_doc: dict[str, list[ET.Element]] = {}
    counts: dict[str, list[int]] = {}
    for f in audit.findings:
        doc = f.document or "fundaudit"
        case = ET.Element(
            "testcase",
            classname=xml(f"{doc}.{f.rule}"),
            name=xml(f.id),
            file=xml(f.location.file),
            line=str(f.location.line),
        )
        c = counts.setdefault(doc, [0, 0, 0, 0])
        c[0] += 1
        if f.verdict is Verdict.MISMATCH:
            ET.SubElement(case, "failure", message=xml(f.message), type="mismatch").text = _detail(f)
            c[1] += 1
        elif f.verdict is Verdict.ERROR:
            ET.SubElement(case, "error", message=xml(f.message), type="error").text = _detail(f)
            c[2] += 1
        elif f.verdict is Verdict.INCOMPLETE:
            ET.SubElement(case, "skipped", message=xml(f.message))
            c[3] += 1
        else:
            ET.SubElement(case, "system-out").text = xml(f"{f.verdict.value}: {f.message}")
        by_doc.setdefault(doc, []).append(case)
    for doc, cases in by_doc.items():
        t, fail, err, skip = counts[doc]
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=xml(doc),
            tests=str(t),
            failures=str(fail),
            errors=str(err),
            skipped=str(skip),
        )
        suite.extend(cases)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _detail(f: object) -> str:
    from fundaudit.findings import Finding

    assert isinstance(f, Finding)
    return xml(
        f"{f.location.file}:{f.location.line}: {f.source.file}:{f.source.line}\n"
        + _("total {total} {unit}, parts sum {sum}, diff {diff}, tolerance {tol}").format(
            total=f.total, unit=f.unit, sum=f.parts_sum, diff=f.diff, tol=f.tolerance
        )
    )
