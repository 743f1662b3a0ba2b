"""The words every output shares: verdict, severity and cause names, in the current language.

The values (``mismatch``, ``error``, ``digit-typo``) stay the machine names in JSON, SARIF
and ids; a person reads ``pgettext(kind, value)``: the value is its own message id, and
``python -m fundaudit.i18n.build`` puts every verdict, severity and cause of the code into
the catalogue, so that no name is listed twice. Chinese terms follow audit practice: 相符
(agrees), 尾差 (a rounding difference), 部分列举 (a list the document calls partial, within
its total), 不符 (does not agree), 无法核对 (cannot be checked), 错误 (the check could not
run), 已修订 (a later document revised the figure).
"""

from __future__ import annotations

from fundaudit.i18n import NP_, pgettext

# What each verdict means, in one sentence (the glossary of the reports).
MEANINGS = {
    "match": NP_("verdict meaning", "exact"),
    "rounding": NP_("verdict meaning", "off by no more than the rounding the stated digits allow"),
    "within": NP_("verdict meaning", "a list the document calls partial does not exceed its total"),
    "mismatch": NP_("verdict meaning", "beyond the rounding allowance: a real discrepancy"),
    "incomplete": NP_(
        "verdict meaning", "a part is not stated, or empty table cells may hold the rest: cannot be decided"
    ),
    "error": NP_("verdict meaning", "the check could not run"),
    "revised": NP_("verdict meaning", "a later document states it differently: superseded, not a slip"),
}


def verdict_name(value: str) -> str:
    """The verdict ``value`` (``match`` …) as a person reads it."""
    return pgettext("verdict", value)


def severity_name(value: str) -> str:
    """The severity ``value`` (``ok`` | ``info`` | ``warning`` | ``error``) as a person reads it."""
    return pgettext("severity", value)


def cause_term(value: str) -> str:
    """The cause ``value`` (``digit-typo`` …) in a few words for a count (its id in English; its
    title, a sentence, is the cause's ``title``)."""
    return pgettext("cause", value)


def verdict_meaning(value: str) -> str:
    """One sentence saying what the verdict means."""
    meaning = MEANINGS.get(value)
    return pgettext("verdict meaning", meaning) if meaning else ""


def display_width(text: str) -> int:
    """Columns the text takes in a terminal or a spreadsheet (CJK characters take two)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
