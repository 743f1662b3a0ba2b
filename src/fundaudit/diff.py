"""What changed between two versions of the data: figures and verdicts, for a reviewer.

Figures are matched by reference (``doc::path:name``); a figure whose digits, unit or source
line changed is listed with both versions. Relations are matched by stable id; those whose
verdict changed (or that appeared or disappeared) are listed.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundaudit.i18n import _
from fundaudit.i18n.terms import verdict_name
from fundaudit.model import Budget, Figure
from fundaudit.report.escape import text
from fundaudit.runner import run


@dataclass(frozen=True, slots=True)
class FigureChange:
    ref: str
    old: Figure | None
    new: Figure | None


@dataclass(frozen=True, slots=True)
class VerdictChange:
    id: str
    old: str | None
    new: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Diff:
    added: tuple[Figure, ...]
    removed: tuple[Figure, ...]
    changed: tuple[FigureChange, ...]
    verdicts: tuple[VerdictChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.verdicts)


def _key(fig: Figure) -> tuple[str, str, int]:
    return fig.value.text(), fig.unit.text, fig.source.line


def compare(old: Budget, new: Budget) -> Diff:
    """Figures added, removed and changed, and relations whose verdict changed."""
    a = {f.ref: f for f in old.figures}
    b = {f.ref: f for f in new.figures}
    changed = tuple(FigureChange(ref, a[ref], b[ref]) for ref in a.keys() & b.keys() if _key(a[ref]) != _key(b[ref]))
    va = {f.id: f for f in run(old).findings}
    vb = {f.id: f for f in run(new).findings}
    verdicts = []
    for fid in sorted(va.keys() | vb.keys()):
        fa, fb = va.get(fid), vb.get(fid)
        old_v = fa.verdict.value if fa else None
        new_v = fb.verdict.value if fb else None
        shown = fb or fa
        if old_v != new_v and shown is not None:
            verdicts.append(VerdictChange(fid, old_v, new_v, shown.message))
    return Diff(
        added=tuple(b[r] for r in sorted(b.keys() - a.keys())),
        removed=tuple(a[r] for r in sorted(a.keys() - b.keys())),
        changed=tuple(sorted(changed, key=lambda c: c.ref)),
        verdicts=tuple(verdicts),
    )


def _fig(f: Figure | None) -> str:
    return "-" if f is None else text(f"{f.text} @{f.source.file}:{f.source.line} ({f.yaml})")


def to_text(d: Diff) -> str:
    """The diff for a terminal or a CI log: every field from the data escaped (``escape.text``)."""
    lines = [f"+ {text(f.ref)} = {_fig(f)}" for f in d.added]
    lines += [f"- {text(f.ref)} = {_fig(f)}" for f in d.removed]
    lines += [f"~ {text(c.ref)}: {_fig(c.old)} -> {_fig(c.new)}" for c in d.changed]
    absent = _("absent")
    lines += [
        f"! {text(v.id)}: {verdict_name(v.old) if v.old else absent} -> {verdict_name(v.new) if v.new else absent}: "
        f"{text(v.message)}"
        for v in d.verdicts
    ]
    lines.append(
        _("{added} figures added, {removed} removed, {changed} changed; {verdicts} verdicts changed").format(
            added=len(d.added), removed=len(d.removed), changed=len(d.changed), verdicts=len(d.verdicts)
        )
    )
    return "\n".join(lines) + "\n"


def to_json(d: Diff) -> dict[str, Any]:
    def fj(f: Figure | None) -> dict[str, Any] | None:
        if f is None:
            return None
        return {
            "value": f.value.text(),
            "unit": f.unit.text,
            "source": {"file": f.source.file, "line": f.source.line},
            "location": {"file": f.yaml.file, "line": f.yaml.line},
        }

    return {
        "added": [{"ref": f.ref, **(fj(f) or {})} for f in d.added],
        "removed": [{"ref": f.ref, **(fj(f) or {})} for f in d.removed],
        "changed": [{"ref": c.ref, "old": fj(c.old), "new": fj(c.new)} for c in d.changed],
        "verdicts": [{"id": v.id, "old": v.old, "new": v.new, "message": v.message} for v in d.verdicts],
    }


class GitError(RuntimeError):
    """The data could not be read from a git revision."""


def resolve_revision(rev: str, top: Path) -> str:
    """The commit ``rev`` names, as a full hash; a revision can never be read as a git option.

    ``rev`` is refused when it starts with ``-`` and is otherwise passed after
    ``--end-of-options``, as ``REV^{commit}`` (so a tree, blob or path is refused too).
    """
    if not rev or rev.startswith("-") or any(c in rev for c in "\0\n\r"):
        raise GitError(
            _("{rev}: not a git revision (it may not start with '-' or hold a line break)").format(rev=text(rev))
        )
    proc = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        cwd=top,
        capture_output=True,
        text=True,
    )
    commit = proc.stdout.strip()
    if proc.returncode or not commit or commit.startswith("-"):
        raise GitError(_("{rev}: no such commit in {top}").format(rev=text(rev), top=top))
    return commit


def checkout_at(rev: str, path: Path, into: Path) -> Path:
    """Extract the folder holding ``path`` as of git revision ``rev`` into ``into``; return the entry path."""
    path = path.resolve()
    try:
        top = Path(
            subprocess.run(
                ["git", "rev-parse", "--show-toplevel"],
                cwd=path.parent,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        rel_dir = path.parent.relative_to(top)
        commit = resolve_revision(rev, top)
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit, "--", str(rel_dir)],
            cwd=top,
            capture_output=True,
            check=True,
        ).stdout
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) else str(exc.stderr)
        raise GitError(
            _("git could not provide {name} at {rev}: {message}").format(
                name=path.name, rev=text(rev), message=text(message.strip())
            )
        ) from None
    except (OSError, ValueError) as exc:
        raise GitError(_("cannot use git here: {exc}").format(exc=exc)) from None
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(into, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise GitError(
            _("{rev}: the data folder cannot be extracted: {error}").format(rev=text(rev), error=text(exc))
        ) from None
    return into / rel_dir / path.name


def temporary_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="fundaudit-diff-")
