"""The summary-of-findings table's text for one outcome row (issue #29): the relative effect as a table prints it."""

from __future__ import annotations

import math

from analysis.claims.results import OutcomeSummary

__all__ = ["effect_text"]


#: Said of a direction count whose studies were turned to their entries' claimed direction (opposite conventions).
TURNED = ", each study turned to the claimed direction"


def effect_text(row: OutcomeSummary) -> str:
    """The relative effect as a summary-of-findings table prints it: a ratio back on its own scale, with the 95% CI
    and how it was obtained ("RR 2.10 (1.40 to 3.15); pooled, 3 studies"), or the direction-of-effect count.

    >>> effect_text(OutcomeSummary(None, [], None, None, ""))
    'no estimate'
    """
    e = row.effect
    if not e:
        return "no estimate"
    if e.get("estimate") is None:
        c = e.get("direction_count") or {}
        up = c.get("positive", 0)
        ways = ("the claimed way", "the other way") if e.get("oriented") else ("up", "down")
        turned = TURNED if e.get("oriented") else ""
        if e.get("turned"):
            turned += f", {', '.join(e['turned'])} turned to the outcome's convention"
        return (f"not pooled: {up} stud{'y points' if up == 1 else 'ies point'} {ways[0]}, {c.get('negative', 0)} "
                f"{ways[1]} (direction of effect{turned}, sign test p = {c.get('p', 1):.2g})")
    f = math.exp if e.get("ratio") else (lambda x: x)
    measure = str(e["measure"]).replace("log ", "")
    low, high = e["ci"]
    how = f"pooled, {e['k']} studies" if e.get("pooled") else "one study"
    if e.get("i2") is not None:
        how += f", I² {e['i2']:.0f}%"
    return f"{measure} {f(e['estimate']):.2f} ({f(low):.2f} to {f(high):.2f}); {how}"
