"""The rule catalogue: one module per rule, registered here and nowhere else."""

from __future__ import annotations

from fundaudit.rules import (
    column_foot,
    cross_document,
    cross_foot,
    foot,
    repeat,
    schedule,
    shares,
    stated_sum,
    table_cross_foot,
    table_foot,
    table_schedule,
    unit_cost,
)
from fundaudit.rules._base import Rule

REGISTRY: tuple[Rule, ...] = (
    foot.RULE,
    cross_foot.RULE,
    column_foot.RULE,
    schedule.RULE,
    shares.RULE,
    table_foot.RULE,
    table_cross_foot.RULE,
    table_schedule.RULE,
    unit_cost.RULE,
    stated_sum.RULE,
    repeat.RULE,
    cross_document.RULE,
)
RULES = {rule.id: rule for rule in REGISTRY}

__all__ = ["REGISTRY", "RULES", "Rule"]
