"""Plain-words definitions of the technical terms a claim page uses (shown in a collapsible glossary).

>>> "SESOI" in dict(GLOSSARY)
True
"""

from __future__ import annotations

import re

from markupsafe import Markup

#: (term, definition), in the order a reader meets them on a page.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("GRADE certainty", "How sure we can be that the true effect is close to what the studies show: high, moderate, "
                        "low or very low (the GRADE working group's scale)."),
    ("published / identified / restated / assumed",
     "What a result rests on: numbers as the paper printed them; a reconstruction that the printed numbers pin "
     "down; a repeat of the paper's own significance statement (direction only); or values the paper did not "
     "report (a sensitivity analysis, never evidence)."),
    ("SESOI", "Smallest effect size of interest: the smallest effect that would matter to a patient or a clinician; "
              "a smaller one counts as no effect worth the name."),
    ("95% CI", "Confidence interval: the range of true effects compatible with the data at the 95% level."),
    ("equivalence test (TOST)", "Two one-sided tests that an effect lies within plus or minus the SESOI: how a "
                                "study shows an effect is negligible, which a non-significant p cannot."),
    ("Hedges' g / SMD", "A difference between two groups in units of their standard deviation (0.2 small, 0.5 "
                        "medium, 0.8 large, by Cohen's convention)."),
    ("r", "Pearson's correlation, from -1 to 1; 0.1 small, 0.3 medium, 0.5 large."),
    ("OR / RR / HR", "Odds ratio, risk ratio, hazard ratio: how many times more likely (or faster) the outcome is "
                     "with the factor than without; 1 means no difference."),
    ("BF10", "Bayes factor: how many times more likely the data are if there is an effect than if there is none."),
    ("Fisher z", "The transformation that gives a correlation's confidence interval."),
    ("Wald interval", "An interval of plus or minus 1.96 standard errors around an estimate (on the log scale "
                      "for ratios)."),
    ("REML, random effects", "Pooling studies while allowing their true effects to differ; REML estimates how much "
                             "they differ (tau-squared)."),
    ("I-squared", "The share of the spread between studies' results that is more than chance; 50% or more is "
                  "substantial."),
    ("prediction interval", "Where the effect of a new, similar study would probably fall."),
    ("Hodges-Lehmann", "A median-based estimate of the shift between two groups, robust to outliers."),
    ("GRIM / GRIMMER / statcheck", "Forensic checks: whether a mean or SD is possible for whole-number data at "
                                   "that n, and whether a printed p fits its test statistic."),
    ("synthetic reconstruction", "A dataset built to reproduce a study's published summary figures; it shows "
                                 "nothing those figures do not contain."),
)


#: Abbreviations and jargon marked with ``<abbr title=...>`` wherever a page prints them (hover or long-press).
ABBREVIATIONS: dict[str, str] = {
    "SESOI": dict(GLOSSARY)["SESOI"],
    "TOST": dict(GLOSSARY)["equivalence test (TOST)"],
    "BF10": dict(GLOSSARY)["BF10"],
    "REML": dict(GLOSSARY)["REML, random effects"],
    "Hodges-Lehmann": dict(GLOSSARY)["Hodges-Lehmann"],
    "Fisher z": dict(GLOSSARY)["Fisher z"],
    "Wald": dict(GLOSSARY)["Wald interval"],
    "SMD": dict(GLOSSARY)["Hedges' g / SMD"],
    "Hedges' g": dict(GLOSSARY)["Hedges' g / SMD"],
    "GRIM": dict(GLOSSARY)["GRIM / GRIMMER / statcheck"],
    "GRIMMER": dict(GLOSSARY)["GRIM / GRIMMER / statcheck"],
    "statcheck": dict(GLOSSARY)["GRIM / GRIMMER / statcheck"],
    "GRADE": dict(GLOSSARY)["GRADE certainty"],
}
_ESCAPED = {str(Markup.escape(t)): t for t in ABBREVIATIONS}  # matched in escaped text: "Hedges&#39; g"
_TERMS = re.compile(r"(?<![\w-])(" + "|".join(re.escape(t) for t in sorted(_ESCAPED, key=len, reverse=True))
                    + r")(?![\w-])")


def explain_terms(text) -> Markup:
    """``text`` (escaped) with each abbreviation wrapped in ``<abbr title="its definition">``.

    >>> "<abbr" in str(explain_terms("Hedges' g = 1.9"))
    True
    >>> str(explain_terms("SESOI of 0.2 <b>")).endswith('">SESOI</abbr> of 0.2 &lt;b&gt;')
    True
    """
    escaped = Markup.escape(text)
    return Markup(_TERMS.sub(lambda m: str(Markup('<abbr title="{}">{}</abbr>').format(
        ABBREVIATIONS[_ESCAPED[m.group(1)]], Markup(m.group(1)))), escaped))
