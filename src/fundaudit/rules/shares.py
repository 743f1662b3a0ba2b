"""shares — percentage splits sum to 100 %, and stated amounts match their shares.

A split stated in percentages (中央、省级财政安排 85%，县级财政安排 15%) must reach 100 %;
a list the document itself calls partial (主要有五类 …) must not exceed 100 %. Where the
node also states the amount of a share's key in its funding-source split, that amount must
equal the total × the share.
"""

from __future__ import annotations

from collections.abc import Iterator

from fundaudit.findings import Relation
from fundaudit.i18n import N_
from fundaudit.model import Budget, Figure, Loc
from fundaudit.numbers import Written
from fundaudit.rules._base import Rule, find_split, node_figure, walk
from fundaudit.units import parse_unit


def derive(budget: Budget) -> Iterator[Relation]:
    for at in walk(budget):
        shares = at.node.shares
        if shares is None or not shares.parts:
            continue
        first = shares.parts[0]
        hundred = Figure(
            ref=f"{at.ref}:shares=100%",
            label="100 %",
            value=Written(100, 0),
            unit=parse_unit("%"),
            source=first.source,
            yaml=Loc(shares.yaml.file, shares.yaml.line),
        )
        yield Relation(
            id=f"{at.ref}#shares",
            rule="shares",
            kind="sum-le" if shares.partial else "sum",
            total=hundred,
            parts=shares.parts,
            subject=at.subject,
            what="percentage shares sum to 100 %" + (" (partial list)" if shares.partial else ""),
            document=at.doc.id,
            program=at.program,
            location=shares.yaml,
        )
        base = node_figure(at.node, shares.of)
        if base is None:
            continue
        for share in shares.parts:
            entry = find_split(at.node.split, share.label)
            if entry is None or entry.amount is None:
                continue
            yield Relation(
                id=f"{at.ref}#shares:{share.label}",
                rule="shares",
                kind="product",
                total=entry.amount,
                parts=(base, share),
                subject=at.subject,
                what=f"{share.label} amount = {shares.of} × its share",
                document=at.doc.id,
                program=at.program,
            )


RULE = Rule("shares", N_("Percentage splits reach 100 % and match their amounts"), derive, __doc__ or "")
