"""An output folder never costs a person a file: `report` and `export` replace only files
they wrote themselves (recognised by their own first bytes), and otherwise write nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundaudit.cli import run
from fundaudit.report import bundle

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "fixtures" / "report.yaml"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run([*argv, "--lang", "en"])
    out, err = capsys.readouterr()
    return code, out, err


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("name", bundle.FILES)
def test_report_keeps_a_persons_file_of_a_report_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_bytes("我的笔记\n".encode())
    before = _tree(out)
    code, stdout, err = _cli(capsys, "report", str(DATA), "--out", str(out))
    assert code == 2 and stdout == ""
    assert f"{out / name}: exists and fundaudit did not write it; nothing was written" in err
    assert _tree(out) == before


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_replaces_its_own_earlier_reports_in_either_language(tmp_path: Path, lang: str) -> None:
    out = tmp_path / "out"
    assert run(["report", str(DATA), "--out", str(out), "--lang", "en"]) == 0
    assert run(["report", str(DATA), "--out", str(out), "--lang", lang]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(bundle.FILES)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_keeps_a_persons_tables_and_replaces_its_own(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / f"figures.{fmt}").write_bytes(b"my,own,data\n")
    code, _out, err = _cli(capsys, "export", str(DATA), "--to", str(mine), "--format", fmt)
    assert code == 2 and f"{mine / f'figures.{fmt}'}: exists and fundaudit did not write it" in err
    assert _tree(mine) == {f"figures.{fmt}": b"my,own,data\n"}
    (mine / "manifest.json").write_text('{"owner": "me"}\n', encoding="utf-8")  # a manifest of something else
    assert _cli(capsys, "export", str(DATA), "--to", str(mine), "--format", fmt)[0] == 2
    ours = tmp_path / "ours"
    assert _cli(capsys, "export", str(DATA), "--to", str(ours), "--format", "csv")[0] == 0
    assert _cli(capsys, "export", str(DATA), "--to", str(ours), "--format", fmt)[0] == 0  # its own: replaced
    assert run(["check", str(ours)]) in (0, 1)


def test_tables_never_share_a_folder_with_the_data_they_came_from(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`export --to` the data folder put figures.parquet beside budgets.yaml; `check FOLDER` then
    read the tables, and went on reading them, stale, after the YAML was edited. Export refuses
    that folder; a folder that holds both (copied there by hand) is refused by `check`."""
    monkeypatch.setenv("FUNDAUDIT_LANG", "en")
    data = tmp_path / "data"
    data.mkdir()
    (data / "budgets.yaml").write_bytes(DATA.read_bytes())
    code, _out, err = _cli(capsys, "export", str(data / "budgets.yaml"), "--to", str(data))
    assert code == 2 and f"{data} holds budgets.yaml: the tables go into a folder of their own" in err
    assert sorted(p.name for p in data.iterdir()) == ["budgets.yaml"]
    assert _cli(capsys, "export", str(data / "budgets.yaml"), "--to", str(tmp_path / "tables"))[0] == 0
    for table in (tmp_path / "tables").iterdir():
        (data / table.name).write_bytes(table.read_bytes())
    code, _out, err = _cli(capsys, "check", str(data))
    assert code == 2 and f"{data}: holds both budgets.yaml and tables (figures.parquet, manifest.json)" in err
    assert _cli(capsys, "check", str(data / "budgets.yaml"))[0] in (0, 1)  # the data, named, is audited
    assert _cli(capsys, "check", str(tmp_path / "tables"))[0] in (0, 1)
