"""The quick path of the loader (loader/subset.py, loader/canonical.py) against the full composer.

Differential: for every text, the line reader gives exactly the tree libyaml composes (values,
nulls, the line of every mapping, key and item) or None; and a load gives the same model and the
same errors (both languages) with the quick path as without it. The texts are included files
in the layout ``fundaudit fmt`` writes, generated with every element the loader reads, then
mutated with what breaks YAML readers (tabs, CRLF, BOM, anchors, tags, duplicate keys, odd
indents, flow/block switches, comments in odd places, quotes, multi-line strings, deep nesting,
huge lines, invalid UTF-8). A test checks that the quick path is taken on canonical files, so
that the comparison is not vacuous.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.errors import InvalidData
from fundaudit.i18n import using
from fundaudit.loader import canonical, load, subset
from fundaudit.yamlnodes import Limits, compose

ROOT = Path(__file__).resolve().parent.parent
READ = canonical.read
QUICK = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)

UNITS = ("万元", "亿元", "元", "公里", "个", "%", "户")
KEYS = ("中央", "省级", "市县", "社会", "一季度", "二季度", '"2016"', "'2017'", "a b", "x-1", "null", "true")


SPOIL = [False]  # the file being drawn may hold what the loader refuses


def _rarely(common: tuple[str, ...], rare: tuple[str, ...]) -> st.SearchStrategy[str]:
    """One of ``common``; in a spoiled file, about one time in ten one of ``rare`` (what the loader refuses)."""
    if not SPOIL[0]:
        return st.sampled_from(common)
    return st.one_of(*(st.just(c) for c in common * 3), st.sampled_from(rare))


@st.composite
def _figure(draw: st.DrawFn, line: int) -> str:
    whole = draw(_rarely(("0", "7", "12", "46659", "100000000"), ("-5", "007", "9" * 40)))
    decimals = draw(st.sampled_from(("", ".1", ".10", ".98", ".0000")))
    unit = draw(_rarely(UNITS, ("万万元", "美元")))
    at = draw(_rarely((str(line), str(line + 1)), ("0", "9" * 12)))
    form = draw(st.integers(0, 9))
    if form == 0:
        return f'{{value: "{whole}{decimals}", unit: "{unit}", line: {at}}}'
    if form == 1:
        return f"{whole}{decimals}{unit}@{at}"
    if form == 2:
        return f'"{whole}{decimals} {unit} @{at}"'
    return f"{whole}{decimals} {unit} @{at}"


@st.composite
def part_texts(draw: st.DrawFn) -> str:
    """An included file in the layout fmt writes: programs with every element the loader reads."""
    out = ["# a comment", "programs:"]
    line = 1
    SPOIL[0] = draw(st.integers(0, 3)) == 0
    for p in range(draw(st.integers(1, 3))):
        pid = draw(_rarely((f"p{p}",), ("p0", "Bad")))
        out += [f"  - id: {pid}", f"    name: 专项{p}", f"    line: {line}", f"    total: {draw(_figure(line))}"]
        keys = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True))
        entries = [f"{k}: {draw(_figure(line))}" for k in keys]
        if draw(st.booleans()):
            out.append("    split: {" + ", ".join(entries) + "}")
        else:
            out += ["    split:", *(f"      {e}" for e in entries)]
        if draw(st.booleans()):
            out += ["    schedule:", "      kind: cumulative", "      periods: {一季度: " + draw(_figure(line)) + "}"]
        if draw(st.booleans()):
            out += ["    figures:", f"      人口: {draw(_figure(line))}", f"      面积: {draw(_figure(line))}"]
        if draw(st.booleans()):
            out += ["    shares:", f"      parts: {{甲: 40 % @{line}, 乙: 60 % @{line}}}"]
        out.append("    items:")
        for i in range(draw(st.integers(0, 3))):
            line += 1
            only = f", only: {draw(st.sampled_from(('中央', '省级')))}" if draw(st.booleans()) else ""
            item = f"{{id: i{i}, name: 子项目{i}, line: {line}, total: {draw(_figure(line))}{only}}}"
            if draw(st.booleans()):
                out.append(f"      - {item}")
            else:
                out += [f"      - name: 子项目{i}", f"        total: {draw(_figure(line))}"]
        if draw(st.booleans()):
            line += 1
            columns = draw(
                st.sampled_from(("[投资, {name: 里程, unit: 公里}]", "[A, B]", '[A, {name: B, unit: "万{row}"}]'))
            )
            out += [
                "    tables:",
                "      - id: t",
                "        title: 项目表",
                f"        line: {line}",
                "        unit: 万元",
                f"        columns: {columns}",
                "        rows:",
            ]
            for r in range(draw(st.integers(1, 3))):
                line += 1
                a = draw(_rarely(("46659.38", "88.7", "0", "", "-", " 7 "), ("-3", "012", "1.5e3")))
                b = draw(st.sampled_from(("1", "2.50", "null", "~")))
                cells = f'["{a}", "{b}"]' if draw(st.booleans()) else f'["{a}", {b}]'
                extra = draw(
                    _rarely(
                        ("", ", role: total", ", unit: 元", f", id: r{r}", ", cross: false"), (", sums: [1]", ", id: x")
                    )
                )
                out.append(f"          - {{label: 行{r}, line: {line}{extra}, cells: {cells}}}")
            if draw(st.booleans()) and columns == "[A, B]":
                out.append("        column_sums: {A: [B]}")
        line += 1
    return "\n".join(out) + "\n"


HOSTILE = [
    "\t",
    "\r\n",
    "\r",
    "\ufeff",
    "\u00a0",
    "\u3000",
    "\u2028",
    "\x85",
    "\x00",
    "\u200b",
    "e\u0301",
    "&a ",
    "*a",
    "!!str ",
    "!t ",
    "? ",
    ": ",
    ":",
    "- ",
    "-",
    "#",
    " #",
    "'",
    '"',
    '\\"',
    "\\n",
    "|\n",
    ">-\n",
    "{",
    "}",
    "[",
    "]",
    ",",
    ", ",
    "~",
    "null",
    "\n",
    "\n\n",
    " ",
    "  ",
    "   ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "<<: ",
    "@",
    "`",
    "%",
    "x" * 70_000,
    "键" * 400,
    "a:b",
    "a: b",
    "\n  x",
    "\n    - x",
    "\n- x",
]

MUTATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(HOSTILE)),
        st.tuples(st.just("insert"), st.integers(0, 10**6), st.text(max_size=3)),
        st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 6)),
        st.tuples(st.just("swap"), st.integers(0, 10**6), st.integers(0, 10**6)),
        st.tuples(st.just("indent"), st.integers(0, 10**6), st.integers(-2, 2)),
    ),
    max_size=3,
)


def _mutate(text: str, mutations: list[tuple[str, int, Any]]) -> str:
    for kind, a, b in mutations:
        if not text:
            break
        i = a % len(text)
        if kind == "insert":
            text = text[:i] + str(b) + text[i:]
        elif kind == "delete":
            text = text[:i] + text[i + b :]
        else:
            lines = text.split("\n")
            x = a % len(lines)
            if kind == "swap":
                y = b % len(lines)
                lines[x], lines[y] = lines[y], lines[x]
            elif b > 0:
                lines[x] = " " * b + lines[x]
            else:
                lines[x] = lines[x][-b:] if lines[x][:-b].strip() == "" else lines[x]
            text = "\n".join(lines)
    return text


# --- the reader: the same tree as libyaml, or None


def _of_node(node: yaml.Node) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        return ("s", None if node.tag.endswith(":null") else node.value, line)
    if isinstance(node, yaml.SequenceNode):
        return ("q", line, [_of_node(x) for x in node.value])
    return ("m", line, [(k.value, k.start_mark.line + 1, _of_node(v)) for k, v in node.value])


def _of_plain(value: Any, line: int) -> Any:
    if value is None or isinstance(value, str):
        return ("s", value, line)
    if isinstance(value, list):
        lines = value.lines if isinstance(value, subset.Seq) else None
        here = value.line if isinstance(value, subset.Seq) else line
        return ("q", here, [_of_plain(x, lines[i] if lines else line) for i, x in enumerate(value)])
    lines = value.lines if isinstance(value, subset.Map) else None
    here = value.line if isinstance(value, subset.Map) else line
    pairs = []
    for key, item in value.items():
        at = lines[key] if lines else line
        pairs.append((key, at, _of_plain(item, item.line if isinstance(item, (subset.Map, subset.Seq)) else at)))
    return ("m", here, pairs)


def _same_tree(text: str) -> bool:
    """True when the reader took the text; then it must be exactly what the composer makes of it."""
    limits = Limits()
    got = subset.parse(text, limits.max_depth, limits.max_scalar)
    if got is None:
        return False
    root, errors = compose(text.encode("utf-8", "surrogatepass"), "x.yaml", limits)
    assert not errors, (text, errors)
    assert root is not None
    assert _of_plain(got, got.line) == _of_node(root)
    return True


@QUICK
@given(part_texts(), MUTATIONS)
def test_the_reader_gives_the_composers_tree_or_nothing(text: str, mutations: list[tuple[str, int, Any]]) -> None:
    _same_tree(_mutate(text, mutations))


@pytest.mark.fuzz
@LONG
@given(part_texts(), MUTATIONS)
def test_the_reader_gives_the_composers_tree_or_nothing_long(text: str, mutations: list[tuple[str, int, Any]]) -> None:
    _same_tree(_mutate(text, mutations))


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  - x\n  - {c: d, e: [f, 'g''h', \"i\"]}\n  - k: v\n    l: ~\n",
        'a: "x # y"\nb: x#y\nc: \'\'\nd: ""\n"e f": 1\n',
        "a: [null, Null, NULL, ~, 'null', \"~\"]\nb: {}\nc: []\nd:\ne: -5\n",
        "# c\n\n  # indented comment\na:\n    - x\n    -  y\n",  # two spaces after a dash: not read
        "a: 1\na: 2\n",  # duplicate key: not read
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: |\n  x\n",
        "a: b\n  c\n",  # a plain scalar over two lines
        "a: x\n# c\n  y\n",
        "a:\n- x\n",
        "a: {b: c,d: e}\n",
        "a: {b: c , d: e}\n",
        "a: [b, c]x\n",
        "a: 'x'y\n",
        "--- \na: 1\n",
        "... x: 1\n",
        "a: 1 # c\n",
        "\ufeffa: 1\n",
        "a: 1\r\n",
        "a:\tb\n",
        "a: é\n",
        "é: 1\n",
        "k" * 300 + ": 1\n",
        "a: " + "[" * 64 + "x" + "]" * 64 + "\n",
        "a: " + "x" * 70_000 + "\n",
        "a: b: c\n",
        "a: b:\n",
        "a: -\n",
        "a: - b\n",
        "a: ?b\n",
        "a: {? b: c}\n",
        "a: [b: c]\n",
        "- a\n",
        "a\n",
        "a: 'b\n  c'\n",
        'a: "b\\x41"\n',
        "a:  b\n",
        "a: b \n",
        "  a: 1\nb: 2\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n  - b: 1\n   c: 2\n",
        "a:\n  - b: 1\n    - c\n",
        "a: {b: http://x}\n",
        "a: http://x\n",
        "a: x:\n",
        "a: %x\n",
        "a: @x\n",
        "a: `x`\n",
    ],
)
def test_the_reader_on_odd_yaml(text: str) -> None:
    _same_tree(text)


def test_the_reader_takes_the_canonical_layout() -> None:
    text = (ROOT / "tests" / "fixtures" / "canonical-part.yaml").read_text(encoding="utf-8")
    assert _same_tree(text)


# --- the load: the same model and the same errors with the quick path as without


def _dump(x: Any) -> Any:
    if dataclasses.is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, *((f.name, _dump(getattr(x, f.name))) for f in dataclasses.fields(x)))
    if isinstance(x, (list, tuple)):
        return tuple(_dump(v) for v in x)
    if isinstance(x, yaml.Node):
        return ("yaml", x.tag, x.start_mark.line, _dump(x.value) if isinstance(x.value, list) else x.value)
    return x


def _outcome(entry: Path) -> Any:
    try:
        return _dump(load(entry))
    except InvalidData as exc:
        return [str(e) for e in exc.errors]


ENTRY = """\
fundaudit: 1
documents:
  - id: d
    source: d.txt
    title: 测试
    include: [a.yaml, b.yaml]
    relations:
      - {id: r, kind: sum, total: p0:total, parts: [p0:中央]}
"""


def _count_quick(monkeypatch: pytest.MonkeyPatch, taken: list[bool]) -> None:
    """From now on, note in ``taken`` whether the quick path took each file it was given."""

    def counted(*args: Any) -> Any:
        got = READ(*args)
        taken.append(got is not None)
        return got

    monkeypatch.setattr(canonical, "read", counted)


def _both(tmp: Path, monkeypatch: pytest.MonkeyPatch, a: str, b: str) -> tuple[int, Any]:
    """The outcomes of loading ``a`` and ``b`` (included by one document) with and without the quick path."""
    (tmp / "budgets.yaml").write_text(ENTRY, encoding="utf-8")
    (tmp / "a.yaml").write_bytes(a.encode("utf-8", "surrogatepass"))
    (tmp / "b.yaml").write_bytes(b.encode("utf-8", "surrogatepass"))
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.chdir(tmp)
    taken: list[bool] = []

    def quick() -> None:
        _count_quick(monkeypatch, taken)

    outcomes = _both_ways(tmp / "budgets.yaml", quick, lambda: monkeypatch.setattr(canonical, "read", _never))
    return sum(taken), outcomes


def _never(*args: Any) -> None:
    """The quick path, turned off."""


def _both_ways(entry: Path, quick: Callable[[], None], full: Callable[[], None]) -> list[Any]:
    """The outcomes of loading ``entry`` (en, zh) after ``quick()``; the same after ``full()``."""
    outcomes = []
    for lang in ("en", "zh"):
        with using(lang):
            quick()
            fast = _outcome(entry)
            full()
            assert _outcome(entry) == fast, lang
        outcomes.append(fast)
    return outcomes


@QUICK
@given(part_texts(), part_texts(), MUTATIONS)
def test_a_load_is_the_same_with_the_quick_path(
    tmp_path_factory: pytest.TempPathFactory, a: str, b: str, mutations: list[tuple[str, int, Any]]
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _both(tmp_path_factory.mktemp("q"), monkeypatch, a, _mutate(b, mutations))


def test_the_quick_path_is_taken_on_canonical_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "tests" / "fixtures" / "canonical-part.yaml").read_text(encoding="utf-8")
    other = text.replace("id: p0", "id: p9").replace("id: p1", "id: p8")
    taken, outcomes = _both(tmp_path, monkeypatch, text, other)
    assert taken == 4  # both files, both languages
    assert not isinstance(outcomes[0], list)  # a model, not errors
    # a figure given twice across the files: the same errors either way
    taken, outcomes = _both(tmp_path, monkeypatch, text, text)
    assert taken == 4 and isinstance(outcomes[0], list) and "duplicate" in outcomes[0][0]


def test_the_quick_path_on_the_benchmark_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import yamlset
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    entry = yamlset.write(3000, tmp_path / "set", 3)
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    taken: list[bool] = []
    _count_quick(monkeypatch, taken)
    fast = _outcome(entry)
    monkeypatch.setattr(canonical, "read", _never)
    assert taken and all(taken)
    assert fast == _outcome(entry)


def test_the_real_data_loads_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    fast = _outcome(ROOT / "data" / "budgets.yaml")
    monkeypatch.setattr(canonical, "read", _never)
    assert fast == _outcome(ROOT / "data" / "budgets.yaml")


@pytest.mark.parametrize("spoil", [False, True])
def test_files_parsed_by_workers_load_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spoil: bool) -> None:
    """With the cache off, workers build each file's part and send its plain values (the cache entry's); the
    model and the errors are the same."""
    from fundaudit.loader import parallel

    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import yamlset
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    entry = yamlset.write(6000, tmp_path / "set", 6)
    if spoil:  # an error in a file a worker reads, another that is not in the layout fmt writes
        names = sorted(p for p in entry.parent.glob("p*.yaml"))
        first = names[0].read_text(encoding="utf-8")
        names[0].write_text(first.replace("@1\n", "@0\n", 1), encoding="utf-8")
        names[1].write_text(names[1].read_text(encoding="utf-8").replace("\n", "\r\n"), encoding="utf-8")
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.setenv("FUNDAUDIT_JOBS", "1")
    alone = _outcome(entry)
    monkeypatch.setenv("FUNDAUDIT_JOBS", "2")
    monkeypatch.setattr(parallel, "PARALLEL", 0)
    built: list[bool] = []  # for each file a worker read: whether its part was used
    real = parallel._from_builder

    def spy(*args: Any) -> Any:
        done = real(*args)

        def recorded() -> Any:
            got = done()
            built.append(got is not None)
            return got

        return recorded

    monkeypatch.setattr(parallel, "_from_builder", spy)
    claim = parallel._claim  # this process takes no file: the workers read them all
    monkeypatch.setattr(parallel, "_claim", lambda claims, at, who: who != parallel._HERE and claim(claims, at, who))
    assert _outcome(entry) == alone
    assert any(built)  # a worker built a part that was used
    assert isinstance(alone, list) == spoil
    if spoil:
        assert not all(built)  # and the files with an error were read again, here


def _entry_outcomes(tmp: Path, monkeypatch: pytest.MonkeyPatch, programs: str) -> tuple[int, Any]:
    """Outcomes of an entry file whose document holds ``programs`` (an included file's text, indented),
    with and without the quick path (both languages), and how often the quick path built them."""
    head = "fundaudit: 1\ndocuments:\n  - id: d\n    source: d.txt\n    title: t\n    include: [b.yaml]\n"
    body = "\n".join("    " + line if line else line for line in programs.split("\n"))
    (tmp / "budgets.yaml").write_bytes((head + body).encode("utf-8", "surrogatepass"))
    (tmp / "b.yaml").write_text("programs:\n  - id: other\n    name: 又一项\n    total: 6 万元 @9\n", encoding="utf-8")
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.chdir(tmp)
    built: list[bool] = []
    real_entry, real_programs = canonical.entry, canonical.programs

    def counted(*args: Any) -> Any:
        got = real_programs(*args)
        built.append(got is not None)
        return got

    def quick() -> None:
        monkeypatch.setattr(canonical, "entry", real_entry)
        monkeypatch.setattr(canonical, "programs", counted)

    outcomes = _both_ways(tmp / "budgets.yaml", quick, lambda: monkeypatch.setattr(canonical, "entry", _never))
    return sum(built), outcomes


@QUICK
@given(part_texts(), MUTATIONS)
def test_an_entry_file_loads_the_same_with_the_quick_path(
    tmp_path_factory: pytest.TempPathFactory, text: str, mutations: list[tuple[str, int, Any]]
) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _entry_outcomes(tmp_path_factory.mktemp("e"), monkeypatch, _mutate(text, mutations))


def test_the_quick_path_builds_the_programs_of_a_canonical_entry_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (ROOT / "tests" / "fixtures" / "canonical-part.yaml").read_text(encoding="utf-8")
    built, outcomes = _entry_outcomes(tmp_path, monkeypatch, text)
    assert built == 2 and not isinstance(outcomes[0], list)
