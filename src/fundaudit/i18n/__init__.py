"""Person-facing text in Chinese (the default) and English, from one gettext catalogue.

Messages are written in the code in English and marked for extraction::

    from fundaudit.i18n import _, pgettext

    _("{n} findings").format(n=3)          # a message with named placeholders
    pgettext("verdict", "mismatch")        # a short word whose sense needs a context

Text defined before it is shown (a rule's title, a template) is marked ``N_("…")`` or
``NP_(context, "…")`` and translated where it is shown (``_(title)``). Names and documents
the code holds as values come from their registries: a verdict, severity or cause is named
``pgettext(kind, id)`` (:mod:`fundaudit.i18n.terms`), a rule's, cause's or draft
extractor's module docstring is read with ``pgettext("doc", doc)`` (an extractor's title with
``_``), a command's docstring is its help.

The Chinese catalogue is ``locale/zh/LC_MESSAGES/fundaudit.po`` (the source, reviewed by a
person) compiled to ``fundaudit.mo`` beside it (committed, so that a plain ``pip install``
has it; a test fails when the ``.mo`` is older than the ``.po``). English is the message
itself. ``python -m fundaudit.i18n.build`` (needs Babel, in ``.[dev]``) extracts the
messages of the code and the HTML template, and the values of the registries above, into
the ``.po`` (new ones untranslated, existing translations kept) and compiles it.

The language is ``--lang`` of the command line, else ``$FUNDAUDIT_LANG``, else Chinese.
Only the standard library's :mod:`gettext` runs at run time (a few milliseconds).
Machine outputs (JSON keys, ids, SARIF rule ids, verdict values) never go through here.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
DOMAIN = "fundaudit"
LOCALE_DIR = Path(__file__).parent / "locale"

_loaded: dict[str, gettext.NullTranslations] = {}
_from_env: dict[str, str] = {}  # $FUNDAUDIT_LANG as set -> the language it names
_current: list[str] = []  # the language set explicitly; empty: $FUNDAUDIT_LANG or the default


class LanguageError(ValueError):
    """A language fundaudit has no catalogue for."""


def _normalise(lang: str) -> str:
    code = lang.strip().lower().replace("-", "_").split(".")[0]
    if code in ("zh", "zh_cn", "zh_hans", "cn", "chinese", "中文"):
        return "zh"
    if code in ("en", "en_us", "en_gb", "english"):
        return "en"
    raise LanguageError(f"unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")


def language() -> str:
    """The language person-facing text is in now."""
    if _current:
        return _current[-1]
    raw = os.environ.get("FUNDAUDIT_LANG", "")
    known = _from_env.get(raw)
    if known is None:  # normalised once per value: this runs for every message of every finding
        env = raw.strip()
        known = _from_env[raw] = _normalise(env) if env else DEFAULT
    return known


def set_language(lang: str | None) -> str:
    """Use ``lang`` (``zh`` | ``en``, or ``None`` for ``$FUNDAUDIT_LANG`` / Chinese) from now on."""
    _current.clear()
    if lang is not None:
        _current.append(_normalise(lang))
    return language()


@contextmanager
def using(lang: str) -> Iterator[str]:
    """Person-facing text in ``lang`` inside the block (reports rendered in both languages)."""
    _current.append(_normalise(lang))
    try:
        yield _current[-1]
    finally:
        _current.pop()


def translations(lang: str | None = None) -> gettext.NullTranslations:
    """The catalogue of ``lang`` (default: the current language); English is the identity."""
    code = language() if lang is None else _normalise(lang)
    if code not in _loaded:
        if code == "en":
            _loaded[code] = gettext.NullTranslations()
        else:
            with open(LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as fh:
                _loaded[code] = gettext.GNUTranslations(fh)
    return _loaded[code]


def _(message: str) -> str:
    """``message`` in the current language."""
    return translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, in the sense given by ``context``."""
    return translations().pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (translate it with ``_`` later)."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` in ``context`` for the catalogue (translate it with ``pgettext`` later)."""
    return message
