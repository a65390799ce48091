"""GRADE's words for one outcome: the size word from the outcome's thresholds and the informative statement a
reviewer signs (GRADE guidelines 26, Santesso 2020, J Clin Epidemiol 119:126): high "X reduces Y", moderate
"X probably reduces Y", low "X may reduce Y", very low "The evidence is very uncertain about the effect of X on Y"
(no direction). For a prognostic factor or an association the words are "is associated with", never a cause.

Used by :mod:`analysis.claims.grade` (which re-exports both) and :mod:`analysis.claims.outcomes`.
"""

from __future__ import annotations

__all__ = ["size_word", "informative_statement"]


def size_word(estimate: float | None, thresholds: tuple[float, float, float]) -> str:
    """The size of an effect from the outcome's thresholds (small, moderate, large, on the analysis scale):
    "little or no difference" below the smallest, then "small", "moderate", "large"."""
    if estimate is None:
        return "unknown size"
    small, moderate, large = thresholds
    size = abs(estimate)
    if size < small:
        return "little or no difference"
    if size < moderate:
        return "small"
    if size < large:
        return "moderate"
    return "large"


def informative_statement(certainty: str, size: str, exposure: str, outcome: str, direction: int,
                          associational: bool = False) -> str:
    """GRADE's informative statement (Santesso 2020): the certainty word times the size word; at very low
    certainty no direction and no size ("The evidence is very uncertain about the effect of X on Y").

    ``associational``: the outcome asks about a prognostic factor or an association, not an intervention's effect;
    the statement then says "is associated with", never that the factor causes the outcome (observational designs
    neither confirm nor refute a cause; GRADE guidelines 28 words prognostic findings as associations).

    >>> informative_statement("low", "little or no difference", "Stretching", "pain", 0)
    'Stretching may result in little to no difference in pain'
    >>> informative_statement("very low", "large", "Age", "hamstring strains", 1)
    'The evidence is very uncertain about the effect of age on hamstring strains'
    >>> informative_statement("moderate", "large", "Older age", "hamstring strains", 1, associational=True)
    'Older age is probably associated with more hamstring strains (a large association)'
    >>> informative_statement("low", "unknown size", "Tighter hamstrings", "new low back pain", 1, associational=True)
    'Tighter hamstrings may be associated with more new low back pain (size not known)'
    """
    clause = exposure if exposure[1:2].isupper() else exposure[:1].lower() + exposure[1:]  # "NSAIDs" stays
    if certainty == "very low":
        if associational:
            return f"The evidence is very uncertain about the association between {clause} and {outcome}"
        return f"The evidence is very uncertain about the effect of {clause} on {outcome}"
    hedge = {"high": "", "moderate": "probably ", "low": "may "}[certainty]
    if associational:
        linked = {"high": "is associated with", "moderate": "is probably associated with",
                  "low": "may be associated with"}[certainty]
        if size == "little or no difference" or direction == 0:
            return f"{exposure} {linked} little to no difference in {outcome}"
        more = "more" if direction > 0 else "less"
        if size == "unknown size":
            return f"{exposure} {linked} {more} {outcome} (size not known)"
        # the size is the association's (an OR, or an SMD of the factor between people with and without the
        # outcome), not a change in the outcome: "a large increase in strains" would misread an SMD of age
        return f"{exposure} {linked} {more} {outcome} ({'an' if size[0] in 'aeiou' else 'a'} {size} association)"
    if size == "little or no difference" or direction == 0:
        verb = {"high": "results", "moderate": "results", "low": "result"}[certainty]
        return f"{exposure} {hedge}{verb} in little to no difference in {outcome}"
    change = "increase" if direction > 0 else "reduction"
    if size == "unknown size":
        verb = {"high": "increases" if direction > 0 else "reduces", "moderate": "increases" if direction > 0 else
                "reduces", "low": "increase" if direction > 0 else "reduce"}[certainty]
        return f"{exposure} {hedge}{verb} {outcome} (size not known)"
    verb = "results" if certainty in ("high", "moderate") else "result"
    article = "an" if size[0] in "aeiou" else "a"
    return f"{exposure} {hedge}{verb} in {article} {size} {change} in {outcome}"
