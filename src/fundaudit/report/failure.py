"""When the data cannot be audited: the errors as a document of the chosen output format.

A CI job that runs ``check --format sarif > fundaudit.sarif`` must get a valid SARIF file
that shows why, not an empty one; likewise GitHub annotations, a JUnit error per problem,
a JSON document with ``errors``. The plain ``file:line: message`` lines still go to stderr
(the command line prints them); the text format adds nothing to stdout.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fundaudit import __version__
from fundaudit.report.escape import github_data, github_property, uri, xml

RULE = "invalid-data"
TITLE = "the data could not be audited"


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason the data was not audited: where (file, line 0 when unknown) and what."""

    file: str
    line: int
    message: str


def _github(problems: Sequence[Problem], data: str) -> str:
    lines = []
    for p in problems:
        where = f"file={github_property(p.file)}" + (f",line={p.line}" if p.line > 0 else "")
        lines.append(f"::error {where},title={github_property(TITLE)}::{github_data(p.message)}")
    return "\n".join(lines) + "\n"


def _location(p: Problem) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(p.file), "uriBaseId": "%SRCROOT%"}}
    if p.line > 0:
        physical["region"] = {"startLine": p.line}
    return {"physicalLocation": physical}


def _sarif(problems: Sequence[Problem], data: str) -> str:
    from fundaudit.report.sarif import SCHEMA

    results = [
        {"ruleId": RULE, "level": "error", "kind": "fail", "message": {"text": p.message}, "locations": [_location(p)]}
        for p in problems
    ]
    notifications = [
        {"level": "error", "message": {"text": f"{p.file}:{p.line}: {p.message}"}, "locations": [_location(p)]}
        for p in problems
    ]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fundaudit",
                        "version": __version__,
                        "rules": [{"id": RULE, "shortDescription": {"text": TITLE}}],
                    }
                },
                "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": notifications}],
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _junit(problems: Sequence[Problem], data: str) -> str:
    suites = ET.Element("testsuites", name="fundaudit", tests=str(len(problems)), errors=str(len(problems)))
    suite = ET.SubElement(
        suites, "testsuite", name=xml(data), tests=str(len(problems)), failures="0", errors=str(len(problems))
    )
    for p in problems:
        case = ET.SubElement(
            suite, "testcase", classname=f"fundaudit.{RULE}", name=xml(f"{p.file}:{p.line}"), file=xml(p.file)
        )
        ET.SubElement(case, "error", message=xml(p.message), type=RULE).text = xml(f"{p.file}:{p.line}: {p.message}")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _json(problems: Sequence[Problem], data: str) -> str:
    from fundaudit.report.jsonout import SCHEMA_VERSION

    doc = {
        "version": SCHEMA_VERSION,
        "data": data,
        "errors": [{"file": p.file, "line": p.line, "message": p.message} for p in problems],
        "summary": None,
        "results": [],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _jsonl(problems: Sequence[Problem], data: str) -> str:
    """One line: the JSON document's errors, compact (a JSON Lines reader skips no result)."""
    from fundaudit.report.jsonout import SCHEMA_VERSION

    errors = [{"file": p.file, "line": p.line, "message": p.message} for p in problems]
    return json.dumps({"version": SCHEMA_VERSION, "data": data, "errors": errors}, ensure_ascii=False) + "\n"


def _text(problems: Sequence[Problem], data: str) -> str:
    return ""  # the lines are on stderr already


_BY_FORMAT = {"github": _github, "sarif": _sarif, "junit": _junit, "json": _json, "jsonl": _jsonl, "text": _text}


def render(fmt: str, problems: Sequence[Problem], data: str) -> str:
    """The document that tells a CI system the data of ``data`` was not audited, and why."""
    return _BY_FORMAT.get(fmt, _text)(problems, data)
