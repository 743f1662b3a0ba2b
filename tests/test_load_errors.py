"""Bad input: every problem reported at once as file:line: message, exit code 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.errors import InvalidData, LoadError
from fundaudit.loader import load
from fundaudit.yamlnodes import Limits, _check_tree, _Loader, _shallow, compose


def errors_of(path: Path) -> list[str]:
    with pytest.raises(InvalidData) as exc:
        load(path)
    return [f"{Path(e.file).name}:{e.line}: {e.message}" for e in exc.value.errors]


PROGRAM = """\
programs:
  - id: p
    name: 专项
    total: {total}
"""


@pytest.mark.parametrize(
    ("total", "message"),
    [
        ("12.1 美元 @3", "budgets.yaml:9: p total: unknown unit '美元'"),
        (
            "12,1 亿元 @3",
            "budgets.yaml:9: 专项 total: number '12,1' has a thousands separator; write the digits only",
        ),
        ("12.1 亿元", "budgets.yaml:9: 专项 total: figure '12.1 亿元' has no source line (@LINE)"),
        ("12.1", "budgets.yaml:9: 专项 total: figure '12.1' has no unit"),
        ("12.1 亿元 @x", "budgets.yaml:9: 专项 total: source line 'x' must be a positive whole number"),
        ("[1, 2]", "budgets.yaml:9: 专项 total must be a figure ('<number> <unit> @<line>'), not a list"),
        (
            "1e5 亿元 @3",
            "budgets.yaml:9: 专项 total: number '1e5' has an exponent; write the digits as stated",
        ),
    ],
)
def test_bad_figures(write: Callable[[str], Path], total: str, message: str) -> None:
    message = message.replace("p total", "专项 total")
    assert errors_of(write(PROGRAM.format(total=total))) == [message]


def test_all_errors_at_once(write: Callable[[str], Path]) -> None:
    path = write("""\
        programs:
          - id: p
            name: 专项
            total: 1 亿元 @1
            colour: red
            items:
              - {id: a, name: 甲, total: 1 亿元 @2}
              - {id: a, name: 乙, total: 1 亿元 @3}
          - id: p
            name: 又一个
          - id: Bad Id
            name: x
        relations:
          - {id: r, kind: sum, total: p:total, parts: [p/zz:total]}
        """)
    assert errors_of(path) == [
        "budgets.yaml:10: unknown key 'colour' in a program (allowed: drafted, figures, id, items, items_partial, "
        "line, name, note, only, schedule, shares, split, split_partial, tables, total)",
        "budgets.yaml:13: duplicate figure 't::p/a:total' (first at line 12)",
        "budgets.yaml:13: duplicate item id 'a' under p (first at line 12)",
        "budgets.yaml:14: duplicate program id 'p' (first at line 7)",
        "budgets.yaml:16: program id 'Bad Id' must match [a-z0-9][a-z0-9_-]*",
        "budgets.yaml:19: reference 'p/zz:total' names no figure",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "budgets.yaml:1: file is empty"),
        ("- a\n- b\n", "budgets.yaml:1: the entry file must be a mapping, not a list"),
        ("a: [1\n", "budgets.yaml:2: invalid YAML at column 1: did not find expected ',' or ']'"),
        (
            "fundaudit: 1\nfundaudit: 1\ndocuments: []\n",
            "budgets.yaml:2: duplicate key 'fundaudit' (first at line 1)",
        ),
        (
            "fundaudit: !!python/object:os.system 1\ndocuments: []\n",
            "budgets.yaml:1: YAML tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
        ),
        (
            "x: &a [1]\ny: *a\n",
            "budgets.yaml:1: YAML anchors (&name) are not allowed",
        ),
        ("fundaudit: 2\ndocuments: []\n", "budgets.yaml:1: unsupported format version '2' (expected 1)"),
    ],
)
def test_bad_yaml(write: Callable[..., Path], text: str, message: str) -> None:
    got = errors_of(write(text, raw=True))
    assert message in got, got


def test_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "budgets.yaml"
    path.write_bytes(b"fundaudit: 1\ndocuments: []\n# \xff\xfe\n")
    assert errors_of(path) == ["budgets.yaml:3: not UTF-8 text"]


def test_cli_exit_2_and_no_traceback(write: Callable[[str], Path]) -> None:
    path = write(PROGRAM.format(total="12.1 亿元"))
    proc = subprocess.run([sys.executable, "-m", "fundaudit", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "budgets.yaml:9: 专项 total: figure '12.1 亿元' has no source line (@LINE)" in proc.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x: " + "[" * 200 + "]" * 200 + "\n", "nesting deeper than 64"),  # flow, on one line
        ("x:\n" + "".join("  " * k + "- \n" for k in range(100)), "nesting deeper than 64"),  # block
        ("x:\n" + "- " * 100 + "1\n", "nesting deeper than 64"),  # compact sequences on one line
        ("x:\n" + "[\n" * 200 + "]\n" * 200, "invalid YAML"),  # a flow at column 0 under a key
    ],
)
def test_deep_nesting_is_refused_not_a_crash(write: Callable[..., Path], text: str, message: str) -> None:
    """libyaml's composer recurses in C: too deep an input is refused before it, never a crash."""
    got = errors_of(write(text, raw=True))
    assert any(message in e for e in got), got


_values = st.recursive(
    st.one_of(st.integers(0, 9), st.sampled_from(["a", "b]", "[c", "{d}", "e: f", "#g"])),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["k", "l", "m"]), inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_values, st.sampled_from([True, False, None]), st.integers(2, 12))
def test_the_cheap_depth_bound_is_sound(value: object, flow: bool | None, limit: int) -> None:
    """Whenever the cheap bound lets a text skip the parser's event pass, it truly nests less deep."""
    text = yaml.safe_dump({"x": value}, default_flow_style=flow, allow_unicode=True)
    if not _shallow(text, limit):
        return
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    assert deepest < limit, (text, deepest)


@settings(max_examples=300, deadline=None)
@given(
    _values,
    st.sampled_from([True, False, None]),
    st.sampled_from(["", "!t ", "!!str ", "!!python/name:x "]),
    st.integers(1, 6),
)
def test_skipping_the_tree_check_loses_nothing(value: object, flow: bool | None, tag: str, max_scalar: int) -> None:
    """compose skips the node-tree check only when that check could find nothing."""
    text = yaml.safe_dump({"x": value, "y": "z"}, default_flow_style=flow, allow_unicode=True)
    text = text.replace("y: ", "y: " + tag, 1)
    limits = Limits(max_scalar=max_scalar)
    root, errors = compose(text.encode(), "f.yaml", limits)
    full: list[LoadError] = []
    _check_tree(yaml.compose(text, Loader=_Loader), "f.yaml", limits, full)
    assert errors == full
    assert (root is None) == bool(full)


def test_a_broken_included_file_prints_first_and_its_follow_ons_in_one_line(tmp_path: Path) -> None:
    """Issue 17: one indentation error in funds.yaml gave 22 'names no figure' errors before it."""
    import shutil

    root = Path(__file__).resolve().parent.parent
    shutil.copytree(root / "data", tmp_path / "data")
    funds = tmp_path / "data" / "sc2020" / "funds.yaml"
    lines = funds.read_text(encoding="utf-8").split("\n")
    lines[21] = " " + lines[21]  # line 22, one space too deep
    funds.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load(tmp_path / "data" / "budgets.yaml")
    got = [str(e).replace(str(tmp_path / "data") + "/", "") for e in exc.value.errors]
    assert got == [
        "sc2020/funds.yaml:22: invalid YAML at column 8: did not find expected '-' indicator",
        "links.yaml:9: 22 references name no figure (first here); not checked further because "
        "sc2020/funds.yaml could not be loaded",
    ]


def test_a_long_scalar_is_never_echoed_in_full(write: Callable[..., Path]) -> None:
    long = "长" * 5000
    got = errors_of(write(f"fundaudit: 1\ndocuments: []\ninclude: {long}\n", raw=True))
    assert got == [f"budgets.yaml:3: include must be a list, not the scalar '{'长' * 60}' (… 5000 characters)"]
