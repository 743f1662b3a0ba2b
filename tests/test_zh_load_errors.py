"""Errors in the data read in Chinese name the element in Chinese: no English word of the
code's own (``document``, ``relation``, ``figure``) is left in a Chinese sentence; YAML keys
(quoted or listed), Unicode character names and the YAML parser's own words may stay."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fundaudit import i18n
from fundaudit.errors import InvalidData
from fundaudit.loader import load

BAD = Path(__file__).resolve().parent / "bad"
KEYS = {
    # the format's keys and values, which a person types as they are
    *"total partial split items schedule figure figures drafted tables documents product shares programs".split(),
    *"include relations cumulative issuer title links amount source approx bound value sources equal".split(),
    *"incremental periods parts line note unit kind name only column sums same per date id all sign".split(),
    *"column_sums items_partial split_partial foot cross rows schedules detail subtotal rate".split(),
    *"false true ASCII YAML NFC Unicode".split(),
}


def _messages(name: str) -> list[str]:
    with i18n.using("zh"), pytest.raises(InvalidData) as info:
        load(BAD / name)
    return [e.message for e in info.value.errors]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("document-missing-source.yaml", "文件条目（documents 中的一项） 缺少 'source'"),
        ("relation-unknown-key.yaml", "关系（relation） 中有未知的键"),
        ("figure-long-form-missing-line.yaml", "数字 专项 total 缺少 'line'"),
    ],
)
def test_an_element_is_named_in_chinese(name: str, expected: str) -> None:
    assert any(expected in m for m in _messages(name)), _messages(name)


def test_no_english_word_of_the_code_in_a_chinese_error() -> None:
    left: dict[str, str] = {}
    for path in sorted(BAD.glob("*.yaml")):
        try:
            messages = _messages(path.name)
        except Exception:  # a file that loads is no concern here
            continue
        for message in messages:
            if "YAML 格式错误" in message:
                continue  # the parser's own words
            plain = re.sub(r"\S*/\S*|'[^']*'|\"[^\"]*\"|（[^）]*）|\([^)]*\)|U\+[0-9A-F]{4}[^）]*", "", message)
            plain = re.sub(r"[：:]\s*[a-z_, -]+(之一)?$|可用：[^）]*", "", plain)
            for word in re.findall(r"[A-Za-z][A-Za-z_]{3,}", plain):
                if word not in KEYS and not word.isupper():
                    left.setdefault(word, f"{path.name}: {message}")
    assert left == {}, left
