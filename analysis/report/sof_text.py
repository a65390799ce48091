"""The summary-of-findings table's text for one outcome row (issue #29): the relative effect as a table prints it."""

from __future__ import annotations

import math

from analysis.claims.grade_statements import percent
from analysis.claims.results import OutcomeSummary

__all__ = ["effect_text", "proportion_text"]


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
    if e.get("measure") == "proportion":
        return proportion_text(e)
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


def proportion_text(e: dict) -> str:
    """A proportion outcome's cell: the proportion with its 95% CI (pooled, one study, or each study's when not
    pooled) and the threshold the claim names.

    >>> proportion_text({"estimate": 60 / 98, "ci": [0.5085, 0.7090], "pooled": False, "k": 1, "threshold": 0.5,
    ...                  "side": "above", "lines": [{"study": "S98", "events": 60, "n": 98}], "method": "single"})
    '61% (51% to 71%); one study (S98: 60 of 98); the claim: above 50%'
    """
    claim = f"the claim: {e['side']} {percent(e['threshold'])}"
    each = e.get("lines") or []
    if e.get("estimate") is None:
        if not each:
            return f"no study printed a CI or the count behind its proportion; {claim}"
        shown = "; ".join(f"{x['study']} {percent(x['estimate'])} ({percent(x['ci'][0])} to {percent(x['ci'][1])})"
                          for x in each)
        return f"{e['method'].split(';')[0]}: {shown}; {claim}"
    low, high = e["ci"]
    if e.get("pooled"):
        how = f"pooled on the logit scale, {e['k']} studies" + (f", I² {e['i2']:.0f}%" if e.get("i2") is not None else "")
        if e.get("prediction_interval"):
            how += f", prediction interval {percent(e['prediction_interval'][0])} to {percent(e['prediction_interval'][1])}"
    else:
        counts = f": {each[0]['events']} of {each[0]['n']}" if each and each[0].get("events") is not None else ""
        how = f"one study ({each[0]['study'] if each else ''}{counts})"
    return f"{percent(e['estimate'])} ({percent(low)} to {percent(high)}); {how}; {claim}"
