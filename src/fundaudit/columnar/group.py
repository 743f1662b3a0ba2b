"""One group of failing relations diagnosed — in a worker process, or in the main one.

Kept apart from :mod:`fundaudit.columnar.diagnoses` so that a worker imports only the
diagnosis (no numpy, no tables): it gets one group's relations and sends back their
diagnoses, pickled.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence

from fundaudit.findings import Relation
from fundaudit.model import Figure
from fundaudit.tolerance import Tolerance

_ALLOWED: list[bool] = []  # set by the command line, whose main module a worker may start again


def allow_workers() -> None:
    """Let large diagnoses run in worker processes (the command line calls this).

    A worker is a new interpreter (``spawn``) that imports the caller's main module again;
    a script that runs its work at import time (no ``if __name__ == "__main__":``) would run
    it once more in every worker. So a library caller gets workers only when it asks for
    them with ``$FUNDAUDIT_JOBS``; the ``fundaudit`` command, whose main module is safe to
    import, allows them here.
    """
    _ALLOWED[:] = [True]


def workers_allowed() -> bool:
    return bool(_ALLOWED)


def inputs(failing: Sequence[Relation]) -> tuple[dict[str, list[Relation]], dict[str, list[Figure]]]:
    """``uses`` (figure ref -> the relations it sits in) and ``nearby`` (YAML file -> its figures)
    of failing relations that are their own pool (data read from tables)."""
    uses: dict[str, list[Relation]] = {}
    for rel in failing:
        for f in (rel.total, *rel.parts):
            uses.setdefault(f.ref, []).append(rel)
    near: dict[str, dict[str, Figure]] = {}
    files = {rel.total.yaml.file for rel in failing}
    for rel in failing:
        for fig in (rel.total, *rel.parts):
            if fig.yaml.file in files:
                near.setdefault(fig.yaml.file, {}).setdefault(fig.ref, fig)
    return uses, {file: list(figs.values()) for file, figs in near.items()}


def diagnose_group(failing: Sequence[Relation], tolerance: Tolerance, lang: str) -> tuple[bytes, tuple[str, ...]] | str:
    """One group's pickled diagnoses and notes, or the words of the crash (in a worker, or here).

    ``lang``: the language of the diagnoses' words (a worker does not know ``--lang``).
    """
    from fundaudit.causes.localise import diagnose
    from fundaudit.i18n import using

    uses, nearby = inputs(failing)
    with using(lang):
        try:
            result = diagnose(failing, uses, tolerance, nearby=nearby)
        except Exception as exc:  # as the whole run: a crash drops every diagnosis, verdicts stand
            return f"diagnosis could not run: {type(exc).__name__}: {exc}"
    return pickle.dumps(result.diagnoses, protocol=pickle.HIGHEST_PROTOCOL), result.notes
