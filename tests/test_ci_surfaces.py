"""Output formats, baseline, diff and schema: what CI pipelines and editors rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import yaml

from fundaudit.schema import SCHEMA

FIXTURE = Path(__file__).parent / "fixtures" / "mini.yaml"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "fundaudit", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "budgets.yaml"
    shutil.copy(FIXTURE, path)
    return path


def break_figure(path: Path, old: str, new: str) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def test_broken_edit_names_yaml_and_source_line(data: Path) -> None:
    line = break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")
    proc = cli("check", str(data))
    assert proc.returncode == 1
    mismatches = [ln for ln in proc.stdout.splitlines() if " mismatch " in ln]
    assert any(ln.startswith(f"{data}:{line}: source line 1: mismatch [column-foot]") for ln in mismatches), mismatches
    assert any("[cross-foot]" in ln for ln in mismatches)
    verbose = cli("check", "-v", str(data)).stdout  # -v names the source file too
    assert f"{data}:{line}: demo.txt:1: mismatch [column-foot]" in verbose


def test_github_annotations(data: Path) -> None:
    line = break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")
    out = cli("check", str(data), "--format", "github").stdout.splitlines()
    # on the planted figure's line, titled with the check and the cause (one digit changed)
    assert f"::error file={data},line={line},title=column-foot mismatch [digit-typo]::" in "\n".join(out)
    assert all(ln.startswith(("::error ", "::warning ", "::notice ")) for ln in out)


def sarif_required_subset() -> dict[str, object]:
    """The SARIF 2.1.0 schema's required properties for what fundaudit emits."""
    location = {
        "type": "object",
        "required": ["physicalLocation"],
        "properties": {
            "physicalLocation": {
                "type": "object",
                "required": ["artifactLocation", "region"],
                "properties": {
                    "artifactLocation": {"type": "object", "required": ["uri"]},
                    "region": {"type": "object", "properties": {"startLine": {"type": "integer", "minimum": 1}}},
                },
            }
        },
    }
    return {
        "type": "object",
        "required": ["version", "runs"],
        "properties": {
            "version": {"const": "2.1.0"},
            "runs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["tool", "results"],
                    "properties": {
                        "tool": {
                            "type": "object",
                            "required": ["driver"],
                            "properties": {"driver": {"type": "object", "required": ["name"]}},
                        },
                        "results": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["message", "ruleId", "locations"],
                                "properties": {
                                    "level": {"enum": ["none", "note", "warning", "error"]},
                                    "kind": {
                                        "enum": ["pass", "fail", "open", "review", "informational", "notApplicable"]
                                    },
                                    "message": {"type": "object", "required": ["text"]},
                                    "locations": {"type": "array", "items": location},
                                    "relatedLocations": {"type": "array", "items": location},
                                },
                            },
                        },
                    },
                },
            },
        },
    }


def test_sarif(data: Path) -> None:
    break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")
    doc = json.loads(cli("check", str(data), "--format", "sarif").stdout)
    jsonschema.validate(doc, sarif_required_subset())
    errors = [r for r in doc["runs"][0]["results"] if r["level"] == "error"]
    assert errors and all(
        r["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "demo.txt" for r in errors
    )


def test_junit_one_case_per_relation(data: Path) -> None:
    break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")
    xml = cli("check", str(data), "--format", "junit").stdout
    root = ET.fromstring(xml)
    cases = root.findall(".//testcase")
    summary = json.loads(cli("check", str(data), "--format", "json").stdout)["summary"]
    assert len(cases) == summary["relations"]
    failures = [c for c in cases if c.find("failure") is not None]
    assert len(failures) == summary["mismatch"] > 0


def test_baseline_flow(data: Path, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")  # a "real slip" we accept
    assert cli("baseline", str(data), "--out", str(base)).returncode == 0
    entries = json.loads(base.read_text(encoding="utf-8"))["entries"]
    assert entries and all(e["reason"] == "" for e in entries)
    # accepted slips: exit 0
    assert cli("check", str(data), "--baseline", str(base)).returncode == 0
    # a new slip: exit 1, naming it
    line = break_figure(data, "40 亿元 @2", "41 亿元 @2")
    proc = cli("check", str(data), "--baseline", str(base), "-v")
    assert proc.returncode == 1
    assert f"{data}:{line} " in proc.stdout  # -v names the broken figure by its path and line
    # the accepted slip removed: its entry is reported stale
    break_figure(data, "41 亿元 @2", "40 亿元 @2")
    break_figure(data, "55.68 亿元 @1", "54.68 亿元 @1")
    proc = cli("check", str(data), "--baseline", str(base))
    assert proc.returncode == 0
    assert "stale baseline entry demo::edu#column-foot:省级" in proc.stderr


def test_diff(data: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    shutil.copy(data, old)
    break_figure(data, "54.68 亿元 @1", "55.68 亿元 @1")
    proc = cli("diff", str(old), str(data), "--format", "json")
    doc = json.loads(proc.stdout)
    assert [c["ref"] for c in doc["changed"]] == ["demo::edu:省级"]
    assert doc["changed"][0]["old"]["value"] == "54.68" and doc["changed"][0]["new"]["value"] == "55.68"
    assert {v["id"] for v in doc["verdicts"]} >= {"demo::edu#column-foot:省级", "demo::edu#cross-foot"}


def test_diff_against_git(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    shutil.copy(FIXTURE, repo / "data" / "budgets.yaml")
    env = ["-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", *env, "add", "."], cwd=repo, check=True)
    subprocess.run(["git", *env, "commit", "-qm", "x"], cwd=repo, check=True)
    break_figure(repo / "data" / "budgets.yaml", "13.58 亿元 @1", "13.59 亿元 @1")
    proc = cli("diff", "--git", "HEAD", "data/budgets.yaml", cwd=repo)
    assert proc.returncode == 0, proc.stderr
    assert "~ demo::edu:市县: 13.58 亿元" in proc.stdout


def test_schema_accepts_valid_and_rejects_invalid(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    data_dir = Path(__file__).resolve().parent.parent / "data"
    for path in [FIXTURE, *sorted(data_dir.rglob("*.yaml"))]:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "coverage-ignore.yaml":
            continue
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (path, errors[:3])
    bad = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    bad["documents"][0]["programs"][0]["total"] = "194.08 亿元"  # no source line
    assert not validator.is_valid(bad)
    bad["documents"][0]["programs"][0]["total"] = "194.08 亿元 @1"
    bad["documents"][0]["programs"][0]["colour"] = "red"  # unknown key
    assert not validator.is_valid(bad)
    bad["documents"][0]["programs"][0].pop("colour")
    bad["documents"][0]["id"] = "Bad Id"
    assert not validator.is_valid(bad)


def test_schema_command_prints_the_schema() -> None:
    assert json.loads(cli("schema").stdout) == json.loads(json.dumps(SCHEMA))
