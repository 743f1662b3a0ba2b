"""Extract the messages into the catalogue and compile it: ``python -m fundaudit.i18n.build``.

``--check`` writes nothing and exits 1 when the catalogue lacks a message of the code, has a
message without translation, or the committed ``.mo`` differs from the compiled ``.po``.
Needs Babel (``pip install -e '.[dev]'``); the package itself reads the ``.mo`` with the
standard library only.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from fundaudit.i18n import DOMAIN, LOCALE_DIR

PACKAGE = Path(__file__).resolve().parent.parent
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # fixed dates: the same messages give the same files
KEYWORDS = {"_": None, "N_": None, "NP_": ((1, "c"), 2), "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("**/templates/**.j2", "jinja2.ext:babel_extract")]


def extract() -> Catalog:
    """Every marked message of the package's code and templates."""
    catalog = Catalog(project="fundaudit", domain=DOMAIN, charset="utf-8", creation_date=STAMP, revision_date=STAMP)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
    ):
        catalog.add(message, None, [(f"fundaudit/{filename}", lineno)], auto_comments=comments, context=context or None)
    for context, message, where in terms():
        catalog.add(message, None, [(where, 0)], context=context or None)
    return catalog


def terms() -> list[tuple[str, str, str]]:
    """The names and documents the code holds as values: ``(context, message, where)``.

    Verdict, severity and cause names (their message is the machine name, see
    :mod:`fundaudit.i18n.terms`), the documentation of every rule, cause and draft extractor
    (its module docstring, read with ``pgettext("doc", …)``), each extractor's title (read
    with ``_``) and every command's help (its docstring), each taken from its one registry.
    """
    from fundaudit.causes import REGISTRY as CAUSES
    from fundaudit.cli import COMMANDS
    from fundaudit.draft.extract import PIPELINE
    from fundaudit.findings import SEVERITY_RANK, Verdict
    from fundaudit.rules import REGISTRY as RULES

    found = [("verdict", v.value, "fundaudit/findings.py") for v in Verdict]
    found += [("severity", s, "fundaudit/findings.py") for s in SEVERITY_RANK]
    found += [("cause", c.id, f"fundaudit/causes/{c.id.replace('-', '_')}.py") for c in CAUSES]
    found += [("doc", c.doc, f"fundaudit/causes/{c.id.replace('-', '_')}.py") for c in CAUSES if c.doc]
    found += [("doc", r.doc, f"fundaudit/rules/{r.id.replace('-', '_')}.py") for r in RULES if r.doc]
    for ex in PIPELINE:
        where = f"fundaudit/draft/extract/{ex.extract.__module__.rsplit('.', 1)[-1]}.py"
        found += [("", ex.title, where)] + ([("doc", ex.doc, where)] if ex.doc else [])
    found += [
        ("", inspect.getdoc(fn) or "", f"fundaudit/cli/{fn.__module__.rsplit('.', 1)[-1]}.py") for _n, fn in COMMANDS
    ]
    return found


def po_path(lang: str = "zh") -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(lang: str = "zh") -> Catalog:
    with po_path(lang).open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def po_text(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)
    return out.getvalue()


def translated(message: Message) -> bool:
    """Whether every form of the message (one string, or each plural form) is translated."""
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(forms) and all(forms)


def problems(lang: str = "zh") -> list[str]:
    """What is wrong with the committed catalogue of ``lang`` (empty when it is current)."""
    catalog = read(lang)
    found = []
    for message in extract():
        if not message.id:
            continue
        have = catalog.get(message.id, message.context)
        if have is None:
            found.append(f"{po_path(lang)}: missing message {message.id!r} (run python -m fundaudit.i18n.build)")
        elif not translated(have) or have.fuzzy:
            found.append(f"{po_path(lang)}: message {message.id!r} has no reviewed translation")
    mo = po_path(lang).with_suffix(".mo")
    if not mo.is_file() or mo.read_bytes() != compiled(catalog):
        found.append(f"{mo}: stale (run python -m fundaudit.i18n.build)")
    return found


def main(argv: list[str]) -> int:
    if "--check" in argv:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    template = extract()
    path = po_path()
    catalog = (
        read()
        if path.is_file()
        else Catalog(locale="zh", domain=DOMAIN, project="fundaudit", creation_date=STAMP, revision_date=STAMP)
    )
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(po_text(catalog))
    path.with_suffix(".mo").write_bytes(compiled(read()))
    untranslated = [m.id for m in read() if m.id and not translated(m)]
    for message in untranslated:
        print(f"{path}: untranslated: {message!r}", file=sys.stderr)
    print(f"{path}: {len(read()) - 1} messages, {len(untranslated)} untranslated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
