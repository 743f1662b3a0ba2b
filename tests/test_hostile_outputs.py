"""Issue 17, the output side: escaping per format, baselines with figures, error documents, git revisions.

Every CLI test here runs in-process through ``fundaudit.cli.run`` (the function ``main``
exits with). The invariants are asserted on every output stream, whether the loader accepts
the hostile name (and the renderers escape it) or refuses it (and the error is escaped).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from fundaudit.cli import run
from fundaudit.report import escape

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
# the hostile names, as YAML double-quoted escapes
HOSTILE = [
    r"\e[2J\e[31mred",
    r"bell\a nul\0 del\x7f c1\x9b",
    r"line\n::error file=data/x.yaml,line=1::forged",
    r"::add-mask::secret",
    r"::error file=a,line=1::forged",
    r"a`<img src=x onerror=alert(1)>`",
    r"[x](javascript:alert(1)) ![i](http://x/i.png) <b>bold</b> | cell",
    r"bidi\u202eevil\u2028sep",
]
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202e]")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hostile_data(folder: Path, name: str) -> Path:
    path = folder / "budgets.yaml"
    path.write_text(
        "fundaudit: 1\ndocuments:\n  - id: demo\n    source: demo.txt\n"
        f'    title: "{name}"\n    programs:\n      - id: p\n'
        f'        name: "{name}"\n        total: 10 万元 @1\n'
        "        split: {中央: 6 万元 @1, 省级: 5 万元 @1}\n",
        encoding="utf-8",
    )
    return path


def assert_terminal_safe(stream: str) -> None:
    """No control character but LF, no line that GitHub Actions would run as a command."""
    assert not CONTROL.search(stream.replace("\t", " ")), repr(stream)
    for line in stream.splitlines():
        assert not line.lstrip().startswith("::") or re.match(r"::(error|warning|notice) file=", line), line


# ----------------------------------------------------------------------------- escape functions


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31m", "\\x1b[31m"),
        ("a\x07\x00b\x7f\x9b", "a\\x07\\x00b\\x7f\\x9b"),
        ("x\ny\rz\tw", "x\\ny\\rz\\tw"),
        ("::error file=a::forged", "\\x3a:error file=a::forged"),
        ("  ::add-mask::s", "  \\x3a:add-mask::s"),
        ("a::b", "a::b"),
        ("evil\u202e\u2028", "evil\\u202e\\u2028"),
        ("预算 12.10 亿元", "预算 12.10 亿元"),
    ],
)
def test_text(raw: str, shown: str) -> None:
    assert escape.text(raw) == shown


def test_markdown_neutralises_links_html_and_code() -> None:
    out = escape.markdown("a`<img src=x onerror=alert(1)>` [x](javascript:alert(1)) ![i](y) | *b* _c_ \\")
    assert "<" not in out and ">" not in out
    assert "\\`" in out and "\\[x\\]" in out and "\\!\\[i\\]" in out and "\\|" in out and "\\*b\\*" in out
    assert "\\_c\\_" in out and out.endswith("\\\\")
    assert escape.markdown("000_d3ce.txt") == "000_d3ce.txt"  # an underscore inside a word is inert
    assert escape.markdown_code("sc2020") == "`sc2020`"
    assert escape.markdown_code("a`<img>`") == "a\\`&lt;img&gt;\\`"


def test_xml_removes_what_xml_1_0_forbids() -> None:
    raw = "a\x00b\x1bc\x0bd\ufffee\tf\ng"
    out = escape.xml(raw)
    ET.fromstring(f"<a b={json.dumps(out)}>{out.replace('<', '&lt;')}</a>")  # well-formed
    assert out == "a\\x00b\\x1bc\\x0bd\\ufffee\tf\ng"


def test_uri_is_percent_encoded() -> None:
    assert escape.uri("data/预算 a#b?c%.yaml") == "data/%E9%A2%84%E7%AE%97%20a%23b%3Fc%25.yaml"
    assert escape.uri("javascript:alert(1)") == "javascript%3Aalert%281%29"


# ----------------------------------------------------------------------------- every format


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_in_every_check_format(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    data = hostile_data(tmp_path, name)
    for fmt in ("text", "github", "junit", "sarif", "json"):
        code, out, err = cli(capsys, "check", str(data), "--format", fmt)
        assert code in (1, 2), err
        assert "Traceback" not in err
        assert_terminal_safe(err)
        if fmt in ("text", "github"):
            assert_terminal_safe(out)
        if fmt == "github":
            assert all(line.startswith("::") for line in out.splitlines())
        if fmt == "junit":
            ET.fromstring(out.split("\n", 1)[1])
        if fmt in ("sarif", "json"):
            doc = json.loads(out)
            if fmt == "sarif" and code == 1:
                uris = [
                    loc["physicalLocation"]["artifactLocation"]["uri"]
                    for r in doc["runs"][0]["results"]
                    for loc in r["locations"]
                ]
                assert all(re.fullmatch(r"[A-Za-z0-9/._~%-]+", u) for u in uris), uris


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_in_the_report_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str) -> None:
    data = hostile_data(tmp_path, name)
    out = tmp_path / "reports"
    code, _, err = cli(capsys, "report", str(data), "--out", str(out))
    assert code in (0, 2) and "Traceback" not in err, err
    assert_terminal_safe(err)
    if code == 2:
        return
    md = (out / "audit.md").read_text(encoding="utf-8")
    assert not CONTROL.search(md.replace("\t", " "))
    rendered = MarkdownIt("commonmark").enable("table").render(md)  # an independent Markdown parser
    assert "<img" not in rendered and "<b>" not in rendered and "<a " not in rendered, rendered
    assert "<code>" not in rendered or "onerror" not in rendered.split("<code>", 1)[1].split("</code>")[0]
    assert rendered.count("<table>") == md.count("|---") or rendered.count("<table>") >= 3
    html = (out / "audit.html").read_text(encoding="utf-8")
    assert "<img" not in html and "<b>bold" not in html
    assert (out / "audit.xlsx").stat().st_size > 0


def test_diff_and_stale_baseline_lines_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = hostile_data(tmp_path, "plain")
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    new = hostile_data(new_dir, r"x\n::error file=a::forged\e[31m")
    code, out, err = cli(capsys, "diff", str(old), str(new))
    assert code in (0, 2) and "Traceback" not in err
    assert_terminal_safe(out)
    assert_terminal_safe(err)
    base = tmp_path / "b.json"
    base.write_text(
        json.dumps(
            {
                "version": 2,
                "entries": [
                    {
                        "id": "x\n::error file=a::forged\u001b[2J",
                        "message": "\u0007",
                        "total": "1",
                        "parts": [],
                        "parts_sum": "1",
                        "diff": "0",
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, err = cli(capsys, "check", str(old), "--baseline", str(base))
    assert code == 1 and "stale baseline entry x\\n\\x3a:error" not in err  # the id is escaped whole:
    assert "stale baseline entry x\\n::error file=a::forged\\x1b[2J" in err
    assert_terminal_safe(err)


# ----------------------------------------------------------------------------- formats and errors


@pytest.mark.parametrize(
    "argv",
    [
        ["verify-sources", "--format", "xml"],
        ["coverage", "--format", "xml"],
        ["check", "--format", "xml"],
        ["diff", "b.yaml", "--format", "xml"],
        ["export", "--format", "xml"],
    ],
)
def test_an_unknown_format_is_exit_2_on_every_command(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = cli(capsys, argv[0], str(MINI), *argv[1:])
    assert code == 2 and "unknown" in err and "'xml'" in err, err
    assert out == ""


def _broken(tmp_path: Path) -> Path:
    path = tmp_path / "budgets.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").replace("total: 194.08 亿元 @1", "total: [194.08"), "utf-8")
    return path


def test_a_data_error_is_a_document_in_every_machine_format(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = _broken(tmp_path)
    code, plain_out, plain_err = cli(capsys, "check", str(data))
    assert code == 2 and plain_out == "" and str(data) in plain_err
    first = plain_err.splitlines()[0]
    for fmt in ("github", "sarif", "junit", "json"):
        code, out, err = cli(capsys, "check", str(data), "--format", fmt)
        assert code == 2 and err == plain_err, fmt  # stderr keeps the plain lines
        if fmt == "github":
            assert out.startswith("::error file=") and "title=the data could not be audited" in out
        elif fmt == "sarif":
            run_ = json.loads(out)["runs"][0]
            assert run_["results"][0]["ruleId"] == "invalid-data" and run_["results"][0]["level"] == "error"
            assert run_["invocations"][0]["executionSuccessful"] is False
            assert first.split(": ", 1)[1].split(": ", 1)[-1] in run_["results"][0]["message"]["text"]
        elif fmt == "junit":
            root = ET.fromstring(out.split("\n", 1)[1])
            assert root.get("errors") == str(len(plain_err.splitlines()) - 1)
            assert root.find(".//error") is not None
        else:
            doc = json.loads(out)
            assert doc["results"] == [] and doc["errors"][0]["file"] == str(data)


def test_a_bad_baseline_is_a_document_too(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    base.write_text("{not json", encoding="utf-8")
    code, out, err = cli(capsys, "check", str(MINI), "--baseline", str(base), "--format", "sarif")
    assert code == 2 and f"{base}:1: not a baseline JSON file" in err
    assert json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


# ----------------------------------------------------------------------------- baselines


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "budgets.yaml"
    shutil.copy(ROOT / "tests" / "fixtures" / "report.yaml", path)  # it holds mismatches
    return path


def test_a_changed_discrepancy_is_new(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    assert cli(capsys, "baseline", str(data), "--out", str(base))[0] == 0
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert doc["version"] == 2 and doc["entries"]
    entry = doc["entries"][0]
    assert {"total", "parts", "parts_sum", "diff"} <= entry.keys()
    entry["reason"] = "the document's own slip"
    base.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert cli(capsys, "check", str(data), "--baseline", str(base))[0] == 0
    # an accepted row changes: 中央 6 -> 7 (same id, another difference)
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("中央: 6 万元 @9", "中央: 7 万元 @9"), encoding="utf-8")
    code, out, err = cli(capsys, "check", str(data), "--baseline", str(base))
    assert code == 1, err
    assert "1 new (1 with changed figures)" in err and "stale baseline entry" in err
    code, out, _ = cli(capsys, "check", str(data), "--baseline", str(base), "--format", "sarif")
    states = {
        r["partialFingerprints"]["fundauditId/v1"]: r.get("baselineState")
        for r in json.loads(out)["runs"][0]["results"]
    }
    assert "updated" in states.values()
    # re-recording keeps the reason only for unchanged figures
    assert cli(capsys, "baseline", str(data), "--out", str(base))[0] == 0
    assert all(
        e["reason"] == "" for e in json.loads(base.read_text(encoding="utf-8"))["entries"] if e["id"] == entry["id"]
    )


def test_sarif_marks_accepted_results(capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    cli(capsys, "baseline", str(data), "--out", str(base))
    doc = json.loads(base.read_text(encoding="utf-8"))
    for e in doc["entries"]:
        e["reason"] = "accepted: stated so in the document"
    base.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = cli(capsys, "check", str(data), "--baseline", str(base), "--format", "sarif")
    assert code == 0
    failing = [r for r in json.loads(out)["runs"][0]["results"] if r["level"] == "error"]
    assert failing and all(r["baselineState"] == "unchanged" for r in failing)
    assert all(
        r["suppressions"]
        == [{"kind": "external", "status": "accepted", "justification": "accepted: stated so in the document"}]
        for r in failing
    )


def test_a_version_1_baseline_accepts_nothing_and_is_upgraded(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    base = tmp_path / "b.json"
    cli(capsys, "baseline", str(data), "--out", str(base))
    doc = json.loads(base.read_text(encoding="utf-8"))
    v1 = {"version": 1, "entries": [{"id": e["id"], "reason": "kept"} for e in doc["entries"]]}
    base.write_text(json.dumps(v1), encoding="utf-8")
    code, _, err = cli(capsys, "check", str(data), "--baseline", str(base))
    assert code == 1 and "version 1 baseline records no figures" in err
    assert cli(capsys, "baseline", str(data), "--out", str(base))[0] == 0
    upgraded = json.loads(base.read_text(encoding="utf-8"))
    assert upgraded["version"] == 2 and all(e["reason"] == "kept" for e in upgraded["entries"])
    assert cli(capsys, "check", str(data), "--baseline", str(base))[0] == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("/dev/zero", "not a regular file"),
        ("big", "larger than 4 MiB"),
        ('{"version": 1' + "0" * 5000 + ', "entries": []}', "more than 40 digits"),
        ('{"version": NaN, "entries": []}', "NaN is not a number"),
        ("[" * 100_000, "nested too deeply"),
        ("\xff", "not UTF-8"),
        (
            '{"version": 2, "entries": [{"id": "a", "total": 1, "parts": [], "parts_sum": "", "diff": ""}]}',
            "'total' is not a string",
        ),
        ('{"version": 2, "entries": [{"id": "a"}]}', "'parts' is not a list"),
        ("[]", "not a fundaudit baseline"),
    ],
)
def test_reading_a_baseline_is_bounded(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, content: str, expected: str
) -> None:
    if content == "/dev/zero":
        base = Path("/dev/zero")
    else:
        base = tmp_path / "b.json"
        if content == "big":
            base.write_bytes(b" " * (4 * 1024 * 1024 + 1))
        elif content == "\xff":
            base.write_bytes(b"\xff")
        else:
            base.write_text(content, encoding="utf-8")
    code, _, err = cli(capsys, "check", str(data), "--baseline", str(base))
    assert code == 2 and expected in err and "Traceback" not in err, err


def test_baseline_refuses_to_overwrite_an_unreadable_baseline(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path
) -> None:
    base = tmp_path / "b.json"
    base.write_text('{"version": 2, "entries": [{"id": 1}]}', encoding="utf-8")
    code, _, err = cli(capsys, "baseline", str(data), "--out", str(base))
    assert code == 2 and "has no 'id'" in err
    assert base.read_text(encoding="utf-8") == '{"version": 2, "entries": [{"id": 1}]}'


# ----------------------------------------------------------------------------- diff --git


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    shutil.copy(MINI, repo / "data" / "budgets.yaml")
    (repo / "data" / "links.yaml").write_text("keep me\n", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=repo, check=True)
    return repo


@pytest.mark.parametrize(
    "rev",
    ["--output=data/links.yaml", "--output=/tmp/x", "-o", "--remote=x", "HEAD:data", "HEAD\n--output=x", "", "nope"],
)
def test_a_revision_never_becomes_a_git_option(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rev: str
) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    code, _, err = cli(capsys, "diff", f"--git={rev}", "data/budgets.yaml")
    assert code == 2 and "Traceback" not in err, err
    after = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert after == before
    assert not (repo / "x").exists() and not Path("/tmp/x").exists()


def test_diff_git_still_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    path = repo / "data" / "budgets.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("13.57 亿元 @3", "13.58 亿元 @3"), encoding="utf-8")
    code, out, err = cli(capsys, "diff", "--git", "HEAD", "data/budgets.yaml")
    assert code == 0, err
    assert "1 changed" in out


# ----------------------------------------------------------------------------- fmt


def _fmt_data(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "budgets.yaml"
    text = (ROOT / "tests" / "fixtures" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("        total: 194.08 亿元 @1\n", "        total: 194.08亿元 @ 1\n" + extra, 1)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "kept",
    ["note: 12 亿元 @ 7", "note: +12", "note: 0x1F", "note: ~", "note: yes", "note: 1_000", "note: '+12'"],
)
def test_fmt_rewrites_only_figures(capsys: pytest.CaptureFixture[str], tmp_path: Path, kept: str) -> None:
    path = _fmt_data(tmp_path, f"        {kept}\n")
    code, _, err = cli(capsys, "fmt", str(path))
    if code == 2:  # the loader refuses the key: then nothing may have been written
        assert "Traceback" not in err
        assert "194.08亿元 @ 1" in path.read_text(encoding="utf-8")
        return
    assert code == 0, err
    text = path.read_text(encoding="utf-8")
    assert f"        {kept}\n" in text  # as written
    assert "total: 194.08 亿元 @1\n" in text  # the figure is respaced


def test_fmt_refuses_an_include_outside_the_data_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("programs: []\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    entry = data / "budgets.yaml"
    entry.write_text(
        "fundaudit: 1\ndocuments:\n  - id: d\n    source: d.txt\n    title: t\n    include: [../outside.yaml]\n",
        encoding="utf-8",
    )
    code, _, err = cli(capsys, "fmt", str(entry))
    assert code == 2 and "Traceback" not in err, err
    assert outside.read_text(encoding="utf-8") == "programs: []\n"


def test_fmt_on_a_tab_after_a_key_is_an_error_or_kept(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _fmt_data(tmp_path, "")
    original = path.read_text(encoding="utf-8").replace("    title: 演示文件", "    title:\t演示文件")
    path.write_text(original, encoding="utf-8")
    code, _, err = cli(capsys, "fmt", str(path))
    assert code in (0, 2) and "Traceback" not in err, err
    if code == 2:
        assert path.read_text(encoding="utf-8") == original
    else:
        assert "演示文件" in path.read_text(encoding="utf-8")


def test_fmt_keeps_the_mode_of_the_files(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = _fmt_data(tmp_path, "")
    path.chmod(0o664)
    assert cli(capsys, "fmt", str(path))[0] == 0
    assert path.stat().st_mode & 0o777 == 0o664
    assert "194.08 亿元 @1" in path.read_text(encoding="utf-8")


def test_same_data_sees_any_change_but_a_respaced_figure() -> None:
    from fundaudit.fmt import plain_data, same_data

    before = plain_data("a: 12亿元 @ 7\nb: +12\nc: [x, ~]\n")
    assert same_data(before, plain_data("a: 12 亿元 @7\nb: +12\nc: [x, ~]\n"))
    assert not same_data(before, plain_data("a: 12 亿元 @7\nb: 12\nc: [x, ~]\n"))
    assert not same_data(before, plain_data("a: 12 亿元 @7\nb: +12\nc: [x, null]\n"))
    assert not same_data(before, plain_data("b: +12\na: 12 亿元 @7\nc: [x, ~]\n"))


@pytest.mark.parametrize(
    ("argv", "fmt"),
    [
        (["check", "--format", "sarif", "--tolerance", "bogus"], "sarif"),
        (["check", "--format=junit", "--nope"], "junit"),
        (["check", "-f", "github", "a", "b"], "github"),
        (["diff", "--format", "json", "--git", "x", "a", "b", "c"], "json"),
    ],
)
def test_a_usage_error_still_writes_the_machine_document(
    capsys: pytest.CaptureFixture[str], argv: list[str], fmt: str
) -> None:
    code, out, err = cli(capsys, *argv)
    assert code == 2 and err
    if fmt in ("sarif", "json"):
        assert json.loads(out)
    elif fmt == "junit":
        assert ET.fromstring(out.split("\n", 1)[1]).find(".//error") is not None
    else:
        assert out.startswith("::error file=fundaudit,title=")
