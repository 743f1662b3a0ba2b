"""A hypothesis fuzzer of the loader: whatever the bytes, a model or located errors, never a crash.

Texts start from generated budgets, the real report fixture and a table/links sample, and are
mutated with what broke the loader before (issue 17): control and invisible characters, tabs
and odd line breaks, numbers and line numbers of thousands of digits, negative zero, includes
out of the data folder (``/etc/passwd``, ``../``, a symlink), self-referencing sums, typos in
funding sources, YAML syntax. The contract checked on every example:

- ``load`` returns a :class:`Budget` or raises :class:`InvalidData`; nothing else escapes;
- every error is one printable line naming the file, with a line number (0 only for a whole
  file), no Python repr, and nothing of the file outside the data folder;
- errors of files that could not be loaded come first;
- a loaded budget holds only what every output can hold: at most 38 significant digits and
  30 decimal places, source lines 1..999,999,999, no negative money, printable one-line names.

The default suite runs a short fuzz; ``pytest -m fuzz`` runs ``FUZZ_EXAMPLES`` (default
100,000) examples of the long one.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.errors import InvalidData
from fundaudit.loader import load
from fundaudit.loader.context import MAX_LINE
from fundaudit.model import Budget
from fundaudit.numbers import MAX_DECIMALS, MAX_DIGITS

from .strategies import budgets
from .test_fmt_fuzz import _mutate as fmt_mutate

ROOT = Path(__file__).resolve().parent.parent
SECRET = "outside-secret-7f3k"
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "100000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

SAMPLE = """\
fundaudit: 1
documents:
  - id: t
    source: t.txt
    title: 测试
    include: [part.yaml]
    programs:
      - id: p
        name: 专项
        total: 6 万元 @1
        split: {中央: 4 万元 @1, 省级: 2 万元 @1}
        items:
          - {name: 甲, total: 4 万元 @2, only: 中央}
          - {name: 乙, total: 2 万元 @3, split: {省级: 2 万元 @3}}
        tables:
          - id: t1
            title: 表
            line: 4
            unit: 万元
            columns: [A, B, {name: C, unit: "万{row}"}]
            column_sums: {A: [B]}
            rows:
              - {id: a, label: 甲, line: 5, unit: 元, cells: ['1', '1', '2']}
              - {id: s, label: 合计, line: 6, unit: 元, role: total, sums: [a], cells: ['1', '1', '2']}
    relations:
      - {id: r, kind: sum, total: p:total, parts: [p:中央, p:省级]}
links:
  - {id: l, figures: ['t::p:total', 't::q:total']}
"""
PART = "programs:\n  - id: q\n    name: 又一项\n    total: 6 万元 @9\n"
BASES = [SAMPLE, (ROOT / "tests" / "fixtures" / "report.yaml").read_text(encoding="utf-8")]

HOSTILE = [
    "\t",
    "\r",
    "\x85",
    "\u2028",
    "\x00",
    "\x1b",
    "\x07",
    "\x7f",
    "\x9b",
    "\u200b",
    "\u202e",
    "\ufeff",
    "\u3000",
    "\u00a0",
    "e\u0301",
    "\ud800",
    "\\e",
    "\\u200b",
    "\\n",
    "\\0",
    "\\x85",
    "\\L",
    "9" * 39,
    "9" * 4301,
    "1" * 10_000,
    "0." + "0" * 60 + "1",
    "-0",
    "-0.00",
    "-1",
    "+1",
    "1e999",
    "@" + "9" * 60,
    "@" + "9" * 5000,
    "@0",
    "@-1",
    "万万元",
    "{row}",
    "美元",
    "省级级",
    "中\u200b央",
    "include: [/etc/passwd]",
    "include: [../secret.yaml]",
    "include: [link.yaml]",
    "include: [sub]",
    "include: [.]",
    "include: [part.yaml, part.yaml]",
    "sums: [s]",
    "sums: [a, a]",
    "{A: [A, B]}",
    "parts: [p:total]",
    "figures: ['t::p:total', 't::p:total']",
    "only: 省级级",
    "only: 中\u200b央",
    *": ¦- ¦? ¦{¦}¦[¦]¦&a ¦*a¦!!python/object ¦!t ¦#¦'¦\"¦|¦>".split("¦"),  # YAML syntax
    "\n",
    "  ",
    "    ",
    "\n  - x\n",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    ",",
    "~",
    "null",
    "<<: ",
]

# targeted edits of the sample: each turns a valid spot into one hostile class
REPLACE = [
    ("[part.yaml]", f"[{target}]")
    for target in (
        "/etc/passwd",
        "../secret.yaml",
        "link.yaml",
        "sub",
        ".",
        "/dev/zero",
        "../../../etc/hostname",
        "sub/../../secret.yaml",
        "'part.yaml\u200b'",
        "part.yaml, part.yaml",
        "budgets.yaml",
    )
] + [
    ("sums: [a]", "sums: [a, s]"),
    ("sums: [a]", "sums: [a, a]"),
    ("{A: [B]}", "{A: [A, B]}"),
    ("{A: [B]}", "{A: [B, B]}"),
    ("only: 中央", "only: 省级级"),
    ("only: 中央", 'only: "中\u200b央"'),
    ("'t::q:total']", "'t::p:total']"),
    ("unit: 元, role", "unit: 万元, role"),
    ("title: 测试", r'title: "测\e试"'),
    ("@1\n", "@" + "9" * 60 + "\n"),
    ("6 万元 @1", "-0 万元 @1"),
    ("6 万元 @1", "9" * 40 + " 万元 @1"),
    ("6 万元 @1", "0." + "0" * 40 + "6 万元 @1"),
    ("[p:中央, p:省级]", "[p:中央, p:total]"),
    ("name: 专项", "name:\t专项"),
    ("{中央: 4", '{"中\u200b央": 4'),
    ("{省级: 2", '{"Cafe\u0301": 2'),
]

MUTATIONS = st.one_of(
    st.tuples(st.just("replace"), st.integers(0, len(REPLACE) - 1), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(HOSTILE)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.text(max_size=4)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 12)),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
    st.tuples(st.just("number"), st.integers(0, 10**6), st.sampled_from(HOSTILE[22:36])),
)


def _mutate(text: str, mutations: list[tuple[str, int, object]]) -> str:
    """The command fuzzer's insert/delete/swap; "number": the next number made hostile; "replace"."""
    for kind, a, b in mutations:
        if kind == "replace":
            text = text.replace(*REPLACE[a], 1)
            continue
        if kind != "number":
            text = fmt_mutate(text, [(kind, a, b)])
            continue
        m = _NUMBER.search(text, a % len(text)) if text else None
        if m is not None:
            text = text[: m.start()] + str(b) + text[m.end() :]
    return text


_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with an include, a sub-folder and a symlink out, beside a secret file."""
    top = tmp_path_factory.mktemp("fuzz")
    (top / "secret.yaml").write_text(f"programs: {SECRET}\n{SECRET}: [{SECRET}]\n", encoding="utf-8")
    data = top / "data"
    data.mkdir()
    (data / "part.yaml").write_text(PART, encoding="utf-8")
    (data / "sub").mkdir()
    (data / "link.yaml").symlink_to(top / "secret.yaml")
    return data


_REPR = re.compile(r"Node\(|object at 0x|<[a-zA-Z_.]+ object|Traceback")


def _check(folder: Path, text: str) -> None:
    path = folder / "budgets.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    try:
        budget = load(path)
    except InvalidData as exc:
        assert exc.errors, "InvalidData without errors"
        stages = [e.stage for e in exc.errors]
        assert stages == sorted(stages), "a file's own failure must print first"
        for e in exc.errors:
            line = str(e)
            assert e.message and e.line >= 0 and isinstance(e.file, str)
            assert line.isprintable(), repr(line)
            assert SECRET not in line, line
            assert not _REPR.search(line), line
            assert Path(e.file).resolve().is_relative_to(folder.resolve()), line  # only data-folder files
        return
    _check_budget(budget)


def _check_budget(budget: Budget) -> None:
    for fig in budget.figures:
        digits = len(str(abs(fig.value.coefficient)))
        assert digits <= MAX_DIGITS, fig
        assert fig.value.decimals <= MAX_DECIMALS, fig
        assert 1 <= fig.source.line <= MAX_LINE, fig
        assert fig.yaml.line >= 1, fig
        assert not (fig.unit.is_money and fig.value.coefficient < 0), fig
        assert fig.label.isprintable() and fig.ref.isprintable(), fig
    for doc in budget.documents:
        for program in doc.programs:
            for node in program.walk():
                assert node.name.isprintable(), node.name
                assert node.only is None or node.only.isprintable()


@QUICK
@given(budgets(), st.lists(MUTATIONS, min_size=1, max_size=4))
def test_fuzz_generated_budgets(folder: Path, g: object, muts: list[tuple[str, int, object]]) -> None:
    _check(folder, _mutate(g.text, muts))  # type: ignore[attr-defined]


@QUICK
@given(st.sampled_from(BASES), st.lists(MUTATIONS, min_size=1, max_size=6))
def test_fuzz_samples(folder: Path, base: str, muts: list[tuple[str, int, object]]) -> None:
    _check(folder, _mutate(base, muts))


def test_the_unmutated_samples_load(folder: Path) -> None:
    """The fuzzer's starting points are valid: the mutations, not the samples, make errors."""
    (folder / "budgets.yaml").write_text(SAMPLE, encoding="utf-8")
    budget = load(folder / "budgets.yaml")
    assert len(budget.figures) == 13
    _check_budget(budget)


@pytest.mark.fuzz
@LONG
@given(
    st.one_of(st.sampled_from(BASES), budgets().map(lambda g: g.text)),
    st.lists(MUTATIONS, min_size=1, max_size=6),
)
def test_fuzz_loader_long(folder: Path, base: str, muts: list[tuple[str, int, object]]) -> None:
    _check(folder, _mutate(base, muts))
