"""Group sizes: a dataset shaped by groups has as many rows per group as the paper's n."""

from __future__ import annotations

from analysis.checks.registry import Check, fmt, reproduces
from analysis.spec.parts import Group


@reproduces(Group)
def group_sizes(groups: list[Group], spec, frame) -> list[Check]:
    if not (spec.summaries or spec.categoricals):
        return []  # cohorts and tables check their own n
    checks = []
    for gid, g in spec.groups.items():
        rows = frame[frame["group"] == gid] if "group" in frame.columns else frame
        if not g.n.is_assumption:
            checks.append(Check(f"n of {g.label}", fmt(g.n.value, 0), str(len(rows)), len(rows) == g.n.value, g.n.source))
    return checks
