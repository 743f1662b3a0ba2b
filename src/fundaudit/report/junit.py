"""JUnit XML: one test case per relation, failures for mismatches and errors."""

from __future__ import annotations

import io
import tempfile
import xml.etree.ElementTree as ET
from array import array
from typing import TextIO

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.report.escape import xml, xml_attribute, xml_text
from fundaudit.report.pieces import Words, per_chunk
from fundaudit.runner import Audit

_SPOOL = 8 * 1024 * 1024  # bytes of serialised cases kept in memory before they go to disk
_MARK = "@@cases@@"


def _case(f: Finding | Words, doc: str) -> tuple[str, int]:
    """The test case of one finding as XML, indented at level 2 (as ``ET.indent`` and
    ``ET.tostring`` would write its element), and which count it adds to (1 failure, 2 error,
    3 skipped, 0 none)."""
    at = f.location
    head = (
        f'<testcase classname="{xml_attribute(f"{doc}.{f.rule}")}" name="{xml_attribute(f.id)}" '
        f'file="{xml_attribute(at.file)}" line="{at.line}">\n      '
    )
    tail = "\n    </testcase>"
    message = xml_attribute(f.message)
    if f.verdict is Verdict.MISMATCH:
        return f'{head}<failure message="{message}" type="mismatch">{_detail(f)}</failure>{tail}', 1
    if f.verdict is Verdict.ERROR:
        return f'{head}<error message="{message}" type="error">{_detail(f)}</error>{tail}', 2
    if f.verdict is Verdict.INCOMPLETE:
        return f'{head}<skipped message="{message}" />{tail}', 3
    return f"{head}<system-out>{xml_text(f'{f.verdict.value}: {f.message}')}</system-out>{tail}", 0


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

        def made(_chunk: object, findings: list[Finding | Words]) -> list[tuple[str, bytes, int]]:
            block = []
            for f in findings:
                doc = f.document or "fundaudit"
                case, kind = _case(f, doc)
                block.append((doc, case.encode("utf-8", "surrogateescape"), kind))
            return block

        for doc, data, kind in (c for block in per_chunk(audit, True, made) for c in block):  # worded in bulk
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
    return xml_text(
        f"{f.location.file}:{f.location.line}: {f.source.file}:{f.source.line}\n"
        + _("total {total} {unit}, parts sum {sum}, diff {diff}, tolerance {tol}").format(
            total=f.total, unit=f.unit, sum=f.parts_sum, diff=f.diff, tol=f.tolerance
        )
    )
