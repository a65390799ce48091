"""GRADE's words for one outcome: the size word from the outcome's thresholds and the informative statement a
reviewer signs (GRADE guidelines 26, Santesso 2020, J Clin Epidemiol 119:126): high "X reduces Y", moderate
"X probably reduces Y", low "X may reduce Y", very low "The evidence is very uncertain about the effect of X on Y"
(no direction). For a prognostic factor or an association the words are "is associated with", never a cause.

Used by :mod:`analysis.claims.grade` (which re-exports both) and :mod:`analysis.claims.outcomes`.
"""

from __future__ import annotations

__all__ = ["size_word", "informative_statement", "proportion_statement", "percent"]


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


def percent(value: float) -> str:
    """A proportion as a statement prints it: whole percent, one decimal below 10% ("61%", "1.4%").

    >>> percent(0.6122), percent(0.014), percent(0.0)
    ('61%', '1.4%', '0%')
    """
    shown = 100 * value
    return f"{shown:.1f}%" if 0 < shown < 9.95 else f"{shown:.0f}%"


def proportion_statement(certainty: str, population: str, outcome: str, estimate: float | None = None,
                         ci: tuple[float, float] | None = None, spread: tuple[float, float, int] | None = None) -> str:
    """GRADE's informative statement for a prevalence or another proportion (Santesso 2020, worded for a single
    proportion): the proportion with its 95% CI, hedged by the certainty; at very low certainty no number ("The
    evidence is very uncertain about the proportion of ... with ...").

    ``spread``: proportions not pooled, ``(lowest, highest, studies)``: the statement gives their range.

    >>> proportion_statement("low", "patients with L5 root compression", "pain on the back of the leg", 60 / 98,
    ...                      (0.5085, 0.7090))
    'About 61% (95% CI 51% to 71%) of patients with L5 root compression may have pain on the back of the leg'
    >>> proportion_statement("very low", "nurses", "the lower crossed pattern", 0.24, (0.20, 0.30))
    'The evidence is very uncertain about the proportion of nurses with the lower crossed pattern'
    >>> proportion_statement("moderate", "young adults", "the lower crossed pattern", spread=(0.243, 0.361, 3))
    'Between 24% and 36% of young adults probably have the lower crossed pattern (3 studies, not pooled)'
    """
    if certainty == "very low":
        return f"The evidence is very uncertain about the proportion of {population} with {outcome}"
    have = {"high": "have", "moderate": "probably have", "low": "may have"}[certainty]
    if estimate is not None and ci is not None:
        return (f"About {percent(estimate)} (95% CI {percent(ci[0])} to {percent(ci[1])}) of {population} {have} "
                f"{outcome}")
    if spread is not None:
        low, high, k = spread
        return f"Between {percent(low)} and {percent(high)} of {population} {have} {outcome} ({k} studies, not pooled)"
    return f"How many {population} have {outcome} is not known: no study printed a CI or the count behind it"
