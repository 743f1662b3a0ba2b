"""`fundaudit draft` and `fundaudit check DOCUMENT` on the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fundaudit.cli import app
from fundaudit.loader import load
from tests.conftest import DATA, ROOT, sources_dir

runner = CliRunner()
DOCS = Path(__file__).parent / "docs"
SEEDS = sources_dir()


def test_draft_writes_a_loadable_verified_draft(tmp_path: Path) -> None:
    out = tmp_path / "d"
    result = runner.invoke(app, ["draft", str(DOCS / "county_plan.txt"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "drafted 22 figures" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["budgets.yaml", "county-plan.yaml"]
    budget = load(out / "budgets.yaml")
    assert budget.documents[0].source == "county_plan.txt"
    verified = runner.invoke(app, ["verify-sources", str(out / "budgets.yaml"), "--sources", str(DOCS)])
    assert verified.exit_code == 0, verified.output
    assert "0 unverified" in verified.output
    coverage = runner.invoke(app, ["coverage", str(out / "budgets.yaml"), "--sources", str(DOCS)])
    assert coverage.exit_code == 0, coverage.output


def test_draft_of_a_web_page_writes_the_text_it_cites(tmp_path: Path) -> None:
    out = tmp_path / "d"
    assert runner.invoke(app, ["draft", str(DOCS / "quarters.html"), "--out", str(out)]).exit_code == 0
    assert (out / "quarters.txt").read_text(encoding="utf-8").startswith("某市 2023 年")
    verified = runner.invoke(app, ["verify-sources", str(out / "budgets.yaml"), "--sources", str(out)])
    assert verified.exit_code == 0 and "0 unverified" in verified.output


def test_check_a_document_drafts_in_memory_and_audits() -> None:
    result = runner.invoke(app, ["check", str(DOCS / "slip.txt")])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].split(": ", 1)[1].startswith("slip.txt:5: mismatch (drafted, unconfirmed) [cross-foot]")
    assert "2 mismatch" in lines[-1]
    clean = runner.invoke(app, ["check", str(DOCS / "county_plan.txt")])
    assert clean.exit_code == 0, clean.output


def test_confirmed_only_leaves_drafted_relations_out() -> None:
    result = runner.invoke(app, ["check", "--confirmed-only", str(DOCS / "slip.txt")])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 1  # only the summary: every relation was drafted


def test_confirming_removes_the_mark(tmp_path: Path) -> None:
    out = tmp_path / "d"
    runner.invoke(app, ["draft", str(DOCS / "slip.txt"), "--out", str(out)])
    part = out / "slip.yaml"
    part.write_text(
        "\n".join(line for line in part.read_text(encoding="utf-8").splitlines() if "drafted:" not in line) + "\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", "--confirmed-only", str(out / "budgets.yaml")])
    assert result.exit_code == 1
    assert "(drafted, unconfirmed)" not in result.output
    assert "slip.yaml:9: source line 5: mismatch [cross-foot]" in result.output


def test_a_document_that_cannot_be_read_exits_2(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"not a zip")
    for args in (["draft", str(tmp_path / "x.docx")], ["check", str(tmp_path / "x.docx")], ["draft", "none.txt"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_list_prints_the_extractors() -> None:
    assert runner.invoke(app, ["draft"]).exit_code == 2
    result = runner.invoke(app, ["draft", "--list"])
    assert result.exit_code == 0
    assert "figures: Figures of running text" in result.output
    assert "requires ['figure']" in result.output


def test_checking_yaml_does_not_import_the_drafter() -> None:
    probe = (
        "import json, sys\nsys.argv = ['fundaudit', 'check', 'data/budgets.yaml']\nfrom fundaudit.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    modules = set(json.loads(proc.stderr.strip().splitlines()[-1]))
    assert not {m for m in modules if m.startswith(("fundaudit.draft", "docx", "bs4", "pdfplumber", "pdfminer"))}


@pytest.mark.skipif(SEEDS is None, reason="FUNDAUDIT_SOURCES is not set")
def test_against_lists_what_the_hand_encoding_lacks(tmp_path: Path) -> None:
    assert SEEDS is not None
    seed = next(SEEDS.glob("002_*.txt"))
    result = runner.invoke(app, ["draft", str(seed), "--against", str(DATA)])
    assert result.exit_code in (0, 1), result.output
    lines = result.output.splitlines()
    assert lines[-1].startswith(f"{seed.name}: hand encoding lacks ")
    for line in lines[:-1]:
        assert line.startswith(seed.name + ":")
        assert "the hand encoding lacks" in line or "the draft reads" in line


@pytest.mark.skipif(SEEDS is None, reason="FUNDAUDIT_SOURCES is not set")
def test_score_prints_the_measures() -> None:
    assert SEEDS is not None
    seed = next(SEEDS.glob("004_*.txt"))
    result = runner.invoke(app, ["draft", str(seed), "--score", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "figure recall" in result.output and "6/7 (85.7 %)" in result.output


def test_against_a_document_the_data_does_not_have() -> None:
    result = runner.invoke(app, ["draft", str(DOCS / "slip.txt"), "--against", str(DATA)])
    assert result.exit_code == 2
    assert "no document has the source slip.txt" in result.output


def test_a_second_draft_never_replaces_the_first_without_force(tmp_path: Path) -> None:
    """A person's confirmations live in the draft: drafting again refuses, and writes nothing."""
    from fundaudit.cli import run

    doc = tmp_path / "plan.txt"
    doc.write_text("一、总体目标\n全年计划投资 27 亿元，其中：中央 20 亿元、省级 7 亿元。\n", encoding="utf-8")
    out = tmp_path / "d"
    assert run(["draft", str(doc), "--out", str(out)]) == 0
    entry = out / "budgets.yaml"
    entry.write_text(entry.read_text(encoding="utf-8") + "# confirmed by a person\n", encoding="utf-8")
    assert run(["draft", str(doc), "--out", str(out)]) == 2
    assert entry.read_text(encoding="utf-8").endswith("# confirmed by a person\n")
    assert run(["draft", str(doc), "--out", str(out), "--force"]) == 0
    assert "# confirmed by a person" not in entry.read_text(encoding="utf-8")


@pytest.mark.skipif(SEEDS is None, reason="FUNDAUDIT_SOURCES is not set")
def test_score_lists_what_it_counts_as_missed_and_false() -> None:
    from fundaudit.draft.score import score

    assert SEEDS is not None
    hand = load(DATA)
    for name in ("002_*.txt", "000_*.txt"):
        s = score(next(SEEDS.glob(name)), hand)
        assert len(s.missed_mismatches) == s.mismatches_hand - s.mismatches_found
        assert len(s.false_alarms_found) == s.false_alarms
        assert all(r.total.source.file == s.source for r in s.missed_mismatches)
