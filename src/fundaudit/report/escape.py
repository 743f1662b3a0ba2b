"""One escaping function per output format; every renderer passes every field from the data through it.

The data (names, ids, file names, messages that quote them) is untrusted text. Each output
has its own dangerous characters:

- ``text`` (terminal, CI logs, stderr): control characters (C0, DEL, C1), line and paragraph
  separators and bidirectional overrides are shown as visible escapes (``\\x1b``, ``\\n``,
  ``\\u202e``), so nothing can move the cursor, ring, clear the screen, start a new line or
  reorder what is shown; a field that would start a line with ``::`` (a GitHub Actions
  workflow command such as ``::error …::`` or ``::add-mask::``) has its first colon escaped.
- ``github_data`` / ``github_property``: ``text``, then the runner's own escapes
  (``%``, CR, LF; and ``:`` ``,`` in properties).
- ``markdown``: ``text``, then HTML (``& < >``) as entities and Markdown's active
  punctuation (backslash, backtick, ``* [ ] |``, ``!`` and ``_`` outside a word) backslash-escaped, so no
  link (``[x](javascript:…)``), image, raw HTML, code span or table cell break can form.
  ``markdown_code`` keeps a plain id in a code span and escapes anything else as ``markdown``.
- ``xml``: characters XML 1.0 forbids (C0 but tab/LF/CR, surrogates, U+FFFE/U+FFFF) replaced
  by their visible escape; ElementTree escapes ``& < > "`` itself (``xml_attribute`` and
  ``xml_text`` do as it does, for XML written as text).
- ``spreadsheet``: ``xml``, then a leading ``= + - @`` neutralised as in CSV (``'`` prefix).
- ``uri``: a relative file path percent-encoded as a URI reference (RFC 3986) for SARIF's
  ``artifactLocation.uri``; ``/`` separates segments, anything else not unreserved is encoded.

JSON output needs none of these: ``json.dumps`` escapes every control character, and the
digits and names stay exactly as written for machines to compare.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# C0 controls, DEL, C1 controls, NEL, line/paragraph separators, bidi embeddings/overrides/isolates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_LINE_COMMAND = re.compile(r"^(\s*):")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_MD_ACTIVE = re.compile(r"([\\`*\[\]|!]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def _visible(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: object) -> str:
    """Plain text safe on a terminal and in a CI log: one line, no control, no workflow command."""
    out = _UNSAFE.sub(_visible, str(value))
    if out.lstrip().startswith("::"):
        out = _LINE_COMMAND.sub(lambda m: m.group(1) + "\\x3a", out, count=1)
    return out


def text_tab(value: object) -> str:
    """``text`` that keeps tabs (for aligned columns of our own making)."""
    return "\t".join(text(part) for part in str(value).split("\t"))


def github_data(value: object) -> str:
    """The message part of a GitHub Actions workflow command."""
    return text(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(value: object) -> str:
    """A property (``file=``, ``title=``) of a GitHub Actions workflow command."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


def markdown(value: object) -> str:
    """Inline Markdown text (a table cell, a list item, a heading): shown as written, never active."""
    out = text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_ACTIVE.sub(r"\\\1", out)


_PLAIN_CODE = re.compile(r"[^`|\\<>&\s\x00-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069]+\Z")


def markdown_code(value: object) -> str:
    """A code span for a plain id or file name; anything else escaped as ``markdown`` text."""
    raw = str(value)
    if raw and _PLAIN_CODE.match(raw):
        return f"`{raw}`"
    return markdown(raw)


def _xml_visible(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xml(value: object) -> str:
    """Text allowed in XML 1.0 (ElementTree escapes the markup characters itself)."""
    return _XML_ILLEGAL.sub(_xml_visible, str(value))


_ATTRIBUTE = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)
_CHARACTERS = _ATTRIBUTE[:3]


def xml_attribute(value: object) -> str:
    """``xml``, then quoted for an attribute value as ElementTree writes one (``& < > "``, CR,
    LF and tab as references), for XML written without building elements."""
    out = xml(value)
    for raw, escaped in _ATTRIBUTE:
        if raw in out:  # rare: a test is cheaper than a replacement (and than str.translate)
            out = out.replace(raw, escaped)
    return out


def xml_text(value: object) -> str:
    """``xml``, then the markup characters ``& < >`` escaped as ElementTree writes element text."""
    out = xml(value)
    for raw, escaped in _CHARACTERS:
        if raw in out:
            out = out.replace(raw, escaped)
    return out


def spreadsheet(value: object) -> str:
    """An Excel cell: ``xml`` (the workbook is XML 1.0) and formula neutralisation (``safe.neutralise``)."""
    from fundaudit.report.safe import neutralise

    return neutralise(xml(value))


def uri(path: object) -> str:
    """A relative file path as a percent-encoded URI reference (for SARIF)."""
    return quote(str(path), safe="/")
