"""revised: a supersedes link whose figures differ is the verdict revised (a warning)."""

from __future__ import annotations

from fundaudit.findings import REVISED_BY, Verdict
from fundaudit.judge import explain
from tests.causes.helpers import diagnoses, fig, rel


def test_the_2020_notice_revises_the_three_year_schedule() -> None:
    r = rel(
        "links::sc-2020-villages#cross-document",
        fig("sc2020::notice:退出村", "300 个", 7),
        fig("sc3yr::targets/villages:schedule/2020", "173 个", 36),
        rule="cross-document",
        note=f"{REVISED_BY}sc2020 000.txt:7: 2020 年贫困村退出",
    )
    f = explain(r)
    assert f.verdict is Verdict.REVISED and f.severity == "warning"
    d = diagnoses(r)[r.id]
    assert d.cause == "revised" and d.severity == "warning" and "sc2020 000.txt:7" in d.text


def test_an_equal_link_stays_a_mismatch() -> None:
    r = rel("l", fig("a::x:y", "300 个"), fig("b::x:y", "173 个"), rule="cross-document", note="same")
    assert explain(r).verdict is Verdict.MISMATCH
