"""What each study design can and cannot show, in plain words, for the reports.

>>> "which came first" in design_limits("cross-sectional")
True
"""

LIMITS = {
    "cross-sectional": "Both things were measured once, at the same time, so the data cannot show which came first: "
                       "either could drive the other (pain, for one, can make people guard and stiffen), or a third "
                       "factor (age, activity) could drive both. A correlation is an association, not a cause.",
    "case-control": "People who already had back pain were compared with people who did not. A difference shows an "
                    "association; it cannot show that the tightness came before the pain, and tightness may be a "
                    "consequence of pain or of inactivity that pain brings.",
    "cohort": "Following people forward orders exposure before outcome, but unmeasured confounders can still explain "
              "an association.",
    "case-series": "A series of treated or examined cases without a comparison group describes what happened to "
                   "them; it cannot show what would have happened otherwise, so it shows neither a cause nor an "
                   "effect of treatment.",
    "surveillance": "Injury surveillance counts injuries and exposure; it shows rates and associations, not mechanisms.",
    "rct": "Random allocation supports a causal effect of the intervention as delivered, on the outcome measured.",
    "meta-analysis": "A pooled estimate is only as good as the studies pooled and shares their design limits.",
    "review": "A review summarises other studies and inherits their design limits.",
}


def design_limits(design: str) -> str:
    """A plain-words statement of what ``design`` cannot show."""
    return LIMITS[design]
