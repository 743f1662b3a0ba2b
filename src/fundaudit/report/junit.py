"""JUnit XML: one test case per relation, failures for mismatches and errors."""

from __future__ import annotations

import io
import tempfile
import xml.etree.ElementTree as ET
from array import array
from typing import TextIO

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.report.escape import xml
from fundaudit.report.pieces import Words, worded
from fundaudit.runner import Audit

_SPOOL = 8 * 1024 * 1024  # bytes of serialised cases kept in memory before they go to disk
_MARK = "@@cases@@"


def _case(f: Finding | Words, doc: str) -> tuple[ET.Element, int]:
    """The test case of one finding, and which count it adds to (1 failure, 2 error, 3 skipped, 0 none)."""
    case = ET.Element(
        "testcase",
        classname=xml(f"{doc}.{f.rule}"),
        name=xml(f.id),
        file=xml(f.location.file),
        line=str(f.location.line),
    )
    if f.verdict is Verdict.MISMATCH:
        ET.SubElement(case, "failure", message=xml(f.message), type="mismatch").text = _detail(f)
        return case, 1
    if f.verdict is Verdict.ERROR:
        ET.SubElement(case, "error", message=xml(f.message), type="error").text = _detail(f)
        return case, 2
    if f.verdict is Verdict.INCOMPLETE:
        ET.SubElement(case, "skipped", message=xml(f.message))
        return case, 3
    ET.SubElement(case, "system-out").text = xml(f"{f.verdict.value}: {f.message}")
    return case, 0


def write(audit: Audit, show_all: bool, out: TextIO) -> None:
    """Write the report as :func:`render` does, a test case as each finding is worded.

    A suite's counts come before its cases, so the serialised cases wait in a temporary
    file (spilled to disk past a few MiB), each suite's as offsets into it: memory stays flat.
    """
    del show_all  # JUnit lists every relation: a test case per relation
    cases: dict[str, array[int]] = {}  # document -> (offset, length) of its cases in ``spool``
    counts: dict[str, list[int]] = {}
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
        for f in (f for _chunk, findings in worded(audit, True) for f in findings):  # worded in bulk
            doc = f.document or "fundaudit"
            case, kind = _case(f, doc)
            ET.indent(case, level=2)
            data = ET.tostring(case, encoding="unicode").encode("utf-8", "surrogateescape")
            c = counts.setdefault(doc, [0, 0, 0, 0])
            c[0] += 1
            if kind:
                c[kind] += 1
            cases.setdefault(doc, array("q")).extend((size, len(data)))
            spool.write(data)
            size += len(data)
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if not cases:
            out.write(ET.tostring(ET.Element("testsuites", name="fundaudit"), encoding="unicode") + "\n")
            return
        out.write('<testsuites name="fundaudit">')
        for doc, where in cases.items():
            t, fail, err, skip = counts[doc]
            suite = ET.Element(
                "testsuite",
                name=xml(doc),
                tests=str(t),
                failures=str(fail),
                errors=str(err),
                skipped=str(skip),
            )
            suite.text = _MARK
            opening = ET.tostring(suite, encoding="unicode").split(_MARK)[0]
            out.write(f"\n  {opening}")
            for k in range(0, len(where), 2):
                spool.seek(where[k])
                out.write("\n    ")
                out.write(spool.read(where[k + 1]).decode("utf-8", "surrogateescape"))
            out.write("\n  </testsuite>")
        out.write("\n</testsuites>\n")


def render(audit: Audit, show_all: bool) -> str:
    buf = io.StringIO()
    write(audit, show_all, buf)
    return buf.getvalue()


def _detail(f: Finding | Words) -> str:
    return xml(
        f"{f.location.file}:{f.location.line}: {f.source.file}:{f.source.line}\n"
        + _("total {total} {unit}, parts sum {sum}, diff {diff}, tolerance {tol}").format(
            total=f.total, unit=f.unit, sum=f.parts_sum, diff=f.diff, tol=f.tolerance
        )
    )
