"""A budget document given where a command expects data: drafted in memory by the commands
that only read it, refused (and left untouched) by the one that rewrites its data (``fmt``)."""

from __future__ import annotations

import hashlib
import inspect
from pathlib import Path

import pytest

from fundaudit.cli import COMMANDS, run

PLAN = "全年计划投资10亿元，其中：中央5亿元、省级4亿元。\n"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    doc = tmp_path / "plan.txt"
    doc.write_text(PLAN, encoding="utf-8")
    return doc


@pytest.mark.parametrize("check", [[], ["--check"]])
def test_fmt_refuses_a_document_and_leaves_it_as_it_was(
    capsys: pytest.CaptureFixture[str], plan: Path, check: list[str]
) -> None:
    before = hashlib.sha256(plan.read_bytes()).hexdigest()
    code, out, err = _cli(capsys, "fmt", str(plan), *check)
    assert code == 2 and out == ""
    assert f"{plan} is a budget document, not fundaudit data: `fundaudit draft {plan}`" in err
    assert "Traceback" not in err and "tab" not in err
    assert hashlib.sha256(plan.read_bytes()).hexdigest() == before
    assert sorted(p.name for p in plan.parent.iterdir()) == ["plan.txt"]


def test_diff_of_a_document_against_nothing_lists_its_drafted_figures(
    capsys: pytest.CaptureFixture[str], plan: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("没有数字的一段话。\n", encoding="utf-8")
    code, out, err = _cli(capsys, "diff", str(empty), str(plan))
    assert code == 0, err
    added = [line for line in out.splitlines() if line.startswith("+ ")]
    assert len(added) == 3 and all("@plan.txt:1" in line for line in added)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "plan.txt"]  # nothing written beside


def test_verify_sources_of_a_document_finds_every_drafted_figure_on_its_line(
    capsys: pytest.CaptureFixture[str], plan: Path
) -> None:
    code, out, err = _cli(capsys, "verify-sources", str(plan), "--sources", str(plan.parent), "--lang", "en")
    assert code == 0, out + err
    assert out.startswith("3 figures, 0 unverified")


@pytest.mark.parametrize("command", [name for name, _f in COMMANDS if name != "schema"])
def test_every_command_that_speaks_to_a_person_takes_lang(capsys: pytest.CaptureFixture[str], command: str) -> None:
    names = {p.name for p in inspect.signature(dict(COMMANDS)[command]).parameters.values()}
    assert "lang" in names
    code, _out, err = _cli(capsys, command, *(["some-id"] if command == "explain" else []), "--lang", "fr")
    assert code == 2 and "unknown language 'fr' (choose from zh, en)" in err and "Traceback" not in err


def test_a_document_checked_directly_names_its_draft_as_draft_would_write_it(
    capsys: pytest.CaptureFixture[str], plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    first = _cli(capsys, "check", "plan.txt", "--format", "json")
    again = _cli(capsys, "check", "plan.txt", "--format", "json")
    assert first == again and first[0] == 1  # the same bytes every run: no temporary path
    assert '"location": {"file": "plan.txt.draft/plan.yaml", "line": 9}' in first[1]
    assert _cli(capsys, "draft", "plan.txt", "--out", "plan.txt.draft")[0] == 0  # the file it names, line for line
    written = (tmp_path / "plan.txt.draft" / "plan.yaml").read_text(encoding="utf-8").splitlines()
    assert "10" in written[8] and "total" in written[8]


def test_verify_sources_of_a_word_file_reads_its_own_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(PLAN.strip())
    document.save(str(tmp_path / "plan.docx"))
    code, out, err = _cli(capsys, "verify-sources", str(tmp_path / "plan.docx"), "--lang", "en")
    assert code == 0, out + err
    assert out.startswith("3 figures, 0 unverified")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.docx"]


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_draft_never_replaces_hand_data_even_with_force(
    capsys: pytest.CaptureFixture[str], plan: Path, tmp_path: Path, force: list[str]
) -> None:
    """A careless `draft NEW.txt --out data --force` must not wipe the hand encoding's entry."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "budgets.yaml").write_text(
        'fundaudit: "1"\ndocuments:\n  - id: a\n    source: a.txt\n    title: A\n    include: [a.yaml, plan.yaml]\n',
        encoding="utf-8",
    )
    (data / "plan.yaml").write_text("programs: []\n", encoding="utf-8")  # a person's file of the same name
    before = _tree(data)
    code, out, err = _cli(capsys, "draft", str(plan), "--out", str(data), *force, "--lang", "en")
    assert code == 2 and out == ""
    assert f"{data / 'budgets.yaml'}: is not the entry of a draft of this document (it lists other data)" in err
    assert "nothing was written" in err
    assert _tree(data) == before


def test_draft_never_replaces_a_persons_file_without_a_draft_entry(
    capsys: pytest.CaptureFixture[str], plan: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "plan.yaml").write_text("programs: []\n", encoding="utf-8")
    code, _out, err = _cli(capsys, "draft", str(plan), "--out", str(out_dir), "--force", "--lang", "en")
    assert code == 2 and f"{out_dir / 'plan.yaml'}: has no draft's entry beside it" in err
    assert (out_dir / "plan.yaml").read_text(encoding="utf-8") == "programs: []\n"


def test_draft_never_replaces_the_document_it_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GB18030 text drafted into its own folder: its UTF-8 copy would have its name."""
    doc = tmp_path / "gb.txt"
    doc.write_bytes(PLAN.encode("gb18030"))
    monkeypatch.chdir(tmp_path)
    for force in ([], ["--force"]):
        code, _out, err = _cli(capsys, "draft", "gb.txt", "--out", ".", *force, "--lang", "en")
        assert code == 2 and "gb.txt: is the document being drafted: a draft never replaces it" in err
    assert doc.read_bytes() == PLAN.encode("gb18030")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gb.txt"]


def test_force_still_replaces_an_earlier_draft_a_person_edited(
    capsys: pytest.CaptureFixture[str], plan: Path, tmp_path: Path
) -> None:
    out_dir = tmp_path / "d"
    assert _cli(capsys, "draft", str(plan), "--out", str(out_dir))[0] == 0
    part = out_dir / "plan.yaml"
    part.write_text(part.read_text(encoding="utf-8") + "# confirmed by a person\n", encoding="utf-8")
    assert _cli(capsys, "draft", str(plan), "--out", str(out_dir))[0] == 2
    assert _cli(capsys, "draft", str(plan), "--out", str(out_dir), "--force")[0] == 0
    assert "# confirmed by a person" not in part.read_text(encoding="utf-8")


def test_the_command_line_knows_exactly_the_drafters_document_suffixes() -> None:
    from fundaudit.cli._common import DOCUMENT_SUFFIXES
    from fundaudit.draft.readers import READERS

    assert sorted(DOCUMENT_SUFFIXES) == sorted(READERS)
