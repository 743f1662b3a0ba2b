"""Lossless formatting, and fuzzing: whatever the input, findings or clear errors, never a crash.

``pytest -m fuzz`` runs the long job (FUZZ_EXAMPLES, default 10,000 examples); the default
suite runs a smaller number.
"""

from __future__ import annotations

import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.cli import app
from fundaudit.errors import InvalidData
from fundaudit.findings import Verdict
from fundaudit.fmt import format_text, signature
from fundaudit.loader import load
from fundaudit.runner import run

from .strategies import Generated, budgets

ROOT = Path(__file__).resolve().parent.parent
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
LONG = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10000")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _load_text(tmp: Path, text: str, name: str = "budgets.yaml") -> object:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return load(path)


@QUICK
@given(budgets())
def test_generated_budgets_hold(tmp_path_factory: pytest.TempPathFactory, g: Generated) -> None:
    audit = run(load(_write(tmp_path_factory, g.text)))
    assert not audit.failed
    assert {f.verdict for f in audit.findings} <= {Verdict.MATCH}


@QUICK
@given(budgets())
def test_fmt_is_lossless_and_idempotent(tmp_path_factory: pytest.TempPathFactory, g: Generated) -> None:
    once = format_text(g.text)
    assert format_text(once) == once
    assert signature(load(_write(tmp_path_factory, once))) == signature(load(_write(tmp_path_factory, g.text)))


def test_fmt_on_the_real_data_is_stable() -> None:
    from fundaudit.fmt import data_files

    for path in data_files(ROOT / "data" / "budgets.yaml"):
        text = path.read_text(encoding="utf-8")
        once = format_text(text)
        assert format_text(once) == once, path


def _write(factory: pytest.TempPathFactory, text: str) -> Path:
    path = factory.mktemp("g") / "budgets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


NUMBER = re.compile(r"(\d+(?:\.\d+)?) (亿元|万元|元) @")


@st.composite
def one_figure_changed(draw: st.DrawFn) -> tuple[Generated, str, int]:
    g = draw(budgets())
    matches = list(NUMBER.finditer(g.text))
    k = draw(st.integers(min_value=0, max_value=len(matches) - 1))
    m = matches[k]
    old = m.group(1)
    digits = old.replace(".", "")
    bumped = str(int(digits) + draw(st.integers(min_value=1, max_value=999)))
    if "." in old:
        decimals = len(old.split(".")[1])
        bumped = bumped.rjust(decimals + 1, "0")
        bumped = f"{bumped[:-decimals]}.{bumped[-decimals:]}"
    text = g.text[: m.start(1)] + bumped + g.text[m.end(1) :]
    return Generated(text, g.n_programs), g.text, g.text[: m.start()].count("\n") + 1


@QUICK
@given(one_figure_changed())
def test_changing_one_figure_breaks_only_its_relations(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Generated, str, int]
) -> None:
    changed, original, _line = case
    a, b = load(_write(tmp_path_factory, original)), load(_write(tmp_path_factory, changed.text))
    diff = {f.ref for f in b.figures} - {0}
    moved = [
        r
        for r in diff
        if {(f.ref, f.value.text()) for f in a.figures if f.ref == r}
        != {(f.ref, f.value.text()) for f in b.figures if f.ref == r}
    ]
    assert len(moved) == 1
    before = {f.id: f for f in run(a).findings}
    after = {f.id: f for f in run(b).findings}
    assert before.keys() == after.keys()
    touched = {
        fid
        for fid, f in after.items()
        if moved[0] in {f.total_figure.ref if f.total_figure else "", *(p.ref for p in f.parts)}
    }
    assert touched, "the changed figure takes part in some relation"
    for fid, f in after.items():
        if fid in touched:
            assert f.verdict in (Verdict.MISMATCH, Verdict.ROUNDING)
        else:
            assert f.verdict is before[fid].verdict


def _cli(path: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = app(["check", str(path)], standalone_mode=False)
        except SystemExit as exc:  # pragma: no cover - typer may raise instead of returning
            code = exc.code
    return int(code or 0), err.getvalue()


MUTATIONS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 40)),
    st.tuples(
        st.just("insert"),
        st.integers(0, 10**6),
        st.sampled_from(
            [
                ":",
                "- ",
                "{",
                "}",
                "[",
                "]",
                "&a ",
                "*a",
                "!!python/object ",
                "\t",
                "\n",
                "  ",
                "#",
                "'",
                '"',
                "@",
                "1e9",
                "亿元",
                "@-1",
                "١",
                "\x00",
                "\ufeff",
                "%",
                ",",
                "  - x\n",
                "? ",
                "|",
                ">",
            ]
        ),
    ),
    st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
)


def _mutate(text: str, mutations: list[tuple[str, int, object]]) -> str:
    for kind, a, b in mutations:
        if not text:
            break
        i = a % len(text)
        if kind == "delete":
            text = text[:i] + text[i + int(b) :]  # type: ignore[call-overload]
        elif kind == "insert":
            text = text[:i] + str(b) + text[i:]
        else:
            j = int(b) % len(text)  # type: ignore[call-overload]
            lines = text.split("\n")
            x, y = i % len(lines), j % len(lines)
            lines[x], lines[y] = lines[y], lines[x]
            text = "\n".join(lines)
    return text


def _fuzz_once(tmp: Path, text: str) -> None:
    path = tmp / "budgets.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code, err = _cli(path)
    assert code in (0, 1, 2)
    assert "Traceback" not in err
    if code == 2:
        for line in err.strip().splitlines()[:-1]:
            assert re.match(r"^\S+:\d+: ", line), line  # every error carries a location
    # loading is deterministic
    try:
        a = signature(load(path))
        assert signature(load(path)) == a
    except InvalidData as exc:
        try:
            load(path)
        except InvalidData as again:
            assert again.errors == exc.errors


@QUICK
@given(budgets(), st.lists(MUTATIONS, min_size=1, max_size=4))
def test_fuzz_generated(tmp_path_factory: pytest.TempPathFactory, g: Generated, muts: list) -> None:  # type: ignore[type-arg]
    _fuzz_once(tmp_path_factory.mktemp("f"), _mutate(g.text, muts))


REAL = (ROOT / "tests" / "fixtures" / "report.yaml").read_text(encoding="utf-8")


@QUICK
@given(st.lists(MUTATIONS, min_size=1, max_size=6))
def test_fuzz_text_of_a_real_file(tmp_path_factory: pytest.TempPathFactory, muts: list) -> None:  # type: ignore[type-arg]
    _fuzz_once(tmp_path_factory.mktemp("r"), _mutate(REAL, muts))


@pytest.mark.fuzz
@LONG
@given(budgets(), st.lists(MUTATIONS, min_size=1, max_size=6))
def test_fuzz_long(tmp_path_factory: pytest.TempPathFactory, g: Generated, muts: list) -> None:  # type: ignore[type-arg]
    _fuzz_once(tmp_path_factory.mktemp("l"), _mutate(g.text if len(muts) % 2 else REAL, muts))


def test_fmt_keeps_every_figure_of_the_real_data(tmp_path: Path) -> None:
    """load(fmt(x)) == load(x) on the real data: same references, digits, units and source lines."""
    import shutil

    from fundaudit.fmt import data_files

    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    before = signature(load(copy / "budgets.yaml"))
    for path in data_files(copy / "budgets.yaml"):
        path.write_text(format_text(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert signature(load(copy / "budgets.yaml")) == before
