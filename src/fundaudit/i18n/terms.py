"""The words every output shares: verdict and severity names, in the current language.

The values (``mismatch``, ``error``) stay the machine names in JSON, SARIF and ids; these
are what a person reads. Chinese terms follow audit practice: 相符 (agrees), 尾差 (a
rounding difference), 部分列举 (a list the document calls partial, within its total),
不符 (does not agree), 无法核对 (cannot be checked), 错误 (the check could not run),
已修订 (a later document revised the figure).
"""

from __future__ import annotations

from fundaudit.i18n import pgettext


def verdict_name(value: str) -> str:
    """The verdict ``value`` (``match`` …) as a person reads it."""
    names = {
        "match": pgettext("verdict", "match"),
        "rounding": pgettext("verdict", "rounding"),
        "within": pgettext("verdict", "within"),
        "mismatch": pgettext("verdict", "mismatch"),
        "incomplete": pgettext("verdict", "incomplete"),
        "error": pgettext("verdict", "error"),
        "revised": pgettext("verdict", "revised"),
    }
    return names.get(value, value)


def verdict_meaning(value: str) -> str:
    """One sentence saying what the verdict means."""
    meanings = {
        "match": pgettext("verdict meaning", "exact"),
        "rounding": pgettext("verdict meaning", "off by no more than the rounding the stated digits allow"),
        "within": pgettext("verdict meaning", "a list the document calls partial does not exceed its total"),
        "mismatch": pgettext("verdict meaning", "beyond the rounding allowance: a real discrepancy"),
        "incomplete": pgettext(
            "verdict meaning", "a part is not stated, or empty table cells may hold the rest: cannot be decided"
        ),
        "error": pgettext("verdict meaning", "the check could not run"),
        "revised": pgettext("verdict meaning", "a later document states it differently: superseded, not a slip"),
    }
    return meanings.get(value, "")


def severity_name(value: str) -> str:
    """The severity ``value`` (``ok`` | ``info`` | ``warning`` | ``error``) as a person reads it."""
    names = {
        "ok": pgettext("severity", "ok"),
        "info": pgettext("severity", "info"),
        "warning": pgettext("severity", "warning"),
        "error": pgettext("severity", "error"),
    }
    return names.get(value, value)


def display_width(text: str) -> int:
    """Columns the text takes in a terminal or a spreadsheet (CJK characters take two)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
