"""unit_cost — unit cost × quantity: 每户补助 5200 元 … 1390 户 … 共需 722.8 万元.

In one sentence, a rate (a figure with a unit such as 元/户, see ``figures``),
a quantity counted in that word (户, 亩, 人, or 万户 …) and a money figure named as the whole
(共, 共计, 合计, 总, 需, 计划投入, 资金, 投资 …) make a product: whole = rate × quantity. The
rate's unit is written as money/word (``5200 元/户``) so the units multiply out. A product
whose parts multiply to less than half or more than twice the whole is not claimed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._words import amount, dimension, sentences, unit_ok
from fundaudit.draft.model import Block, Claim, Fig, Outline, Paragraph

_PER = re.compile(r"每(?:年|月)?(?:每)?([\u4e00-\u9fff])[\u4e00-\u9fff]{0,8}$")
_WHOLE = re.compile(r"(共|合计|总|需|计划|投入|资金|投资|安排|补助)")


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, Paragraph):
        return
    figs = [f for f in ctx.figs.get(index, []) if f.offset >= 0]
    for sentence in sentences(block.text, figs):
        rates = [(f, w) for f in sentence if (w := rate_word(block.text, f)) is not None]
        for rate, word in rates:
            qty = next((f for f in sentence if f is not rate and f.unit.endswith(word) and f.unit != rate.unit), None)
            whole = next(
                (
                    f
                    for f in sentence
                    if f not in (rate, qty)
                    and dimension(f.unit) == "money"
                    and _WHOLE.search(f.label)
                    and f.offset > rate.offset
                ),
                None,
            )
            if qty is None or whole is None:
                continue
            money = rate.unit.split("/")[0]
            product = amount(rate.value, money) * amount(qty.value, qty.unit) / amount("1", word)
            total = amount(whole.value, whole.unit)
            if total <= 0 or not total / 2 <= product <= total * 2:
                continue
            if "/" not in rate.unit:
                rate = replace(rate, unit=f"{rate.unit}/{word}")  # the figure as a rate, so units multiply out
            yield Claim("product", "unit_cost", whole, (rate, qty), ("rate", "quantity"), whole.label, "", index)


def rate_word(text: str, fig: Fig) -> str | None:
    """The counting word of a rate: 户 for ``每户补助 5200 元`` or ``5200 元/户``; None when not a rate."""
    if "/" in fig.unit:
        return fig.unit.split("/", 1)[1]
    if dimension(fig.unit) != "money":
        return None
    before = re.split(r"[，,。；;]", text[max(0, fig.offset - 14) : fig.offset])[-1].replace(" ", "")
    m = _PER.search(before)
    return m.group(1) if m and unit_ok(f"{fig.unit}/{m.group(1)}") else None


EXTRACTOR = Extractor(
    "unit_cost",
    "Unit cost × quantity",
    frozenset({"paragraph"}),
    frozenset({"figure"}),
    frozenset({"product"}),
    extract,
    __doc__ or "",
)
