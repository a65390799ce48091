"""The validation set: each case is one analysis of a real dataset, published as a paper would print it.

A :class:`Case` names the real dataset, the frame the analysis reads (the dataset's own rows, in the toolkit's
column names), the spec a paper would give (:mod:`analysis.validation.publish`) and the evidence entry that tests
it, in the form a claim file writes one. What each paper prints is said in ``printed``; anything else is an
assumption with a range chosen before the data were seen.

Examples
--------
>>> len(CASES) >= 20
True
>>> sorted({c.kind for c in CASES})
['correlation', 'cox', 'logistic', 'paired', 'rate_interaction', 'risk_ratio', 'two_group']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import pandas as pd

from analysis.validation import publish as pub
from analysis.validation.sources import DATASETS, read_real


@dataclass(frozen=True)
class Case:
    """One analysis of the validation set."""

    id: str
    kind: str
    dataset: str
    what: str
    #: What the "paper" prints, in words.
    printed: str
    #: The real rows the analysis reads (toolkit column names).
    frame: Callable[[], pd.DataFrame]
    #: The spec a paper would give, from those rows.
    spec: Callable[[pd.DataFrame], dict]
    #: The evidence entry's fields (without ``id`` and ``study``).
    evidence: dict

    def evidence_entry(self) -> dict:
        """The evidence entry as a claim file writes it."""
        return {"id": self.id.lower(), "study": self.id, "question": self.what, "analysis": self.kind,
                **self.evidence}


def _rows(name: str, query: str | None = None) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        frame = read_real(name)
        return frame.query(query).reset_index(drop=True) if query else frame
    return load


def _all(name: str, query: str | None = None) -> Callable[[], pd.DataFrame]:
    """A single-group frame (``group`` = "all"), for correlations and paired comparisons."""
    def load() -> pd.DataFrame:
        return _rows(name, query)().assign(group="all")
    return load


def _source(name: str) -> str:
    return DATASETS[name].source.split(";")[0]


def _two(cid, name, what, variable, groups, unit, sesoi=0.2, sd_printed=True, query=None, direction="positive"):
    printed = "n, mean and SD per group, Student t with df and p" if sd_printed else "n and mean per group (no SD)"
    return Case(cid, "two_group", name, what, printed, _rows(name, query),
                lambda f: pub.two_group(cid, what, _source(name), f, variable, groups, unit, sd_printed),
                {"variable": variable, "groups": list(groups), "direction": direction, "sesoi": sesoi,
                 "sesoi_reason": "Cohen's (1988) small standardised difference."})


def _cor(cid, name, what, x, y, units, direction, r_printed=True, query=None):
    printed = "n, means and SDs, Pearson r" if r_printed else "n, means and SDs; r only as its significance"
    return Case(cid, "correlation", name, what, printed, _all(name, query),
                lambda f: pub.correlation(cid, what, _source(name), f, x, y, units, r_printed),
                {"group": "all", "x": x, "y": y, "direction": direction, "sesoi": 0.1,
                 "sesoi_reason": "Cohen's (1988) small correlation."})


def _rr(cid, name, what, exposure, exposed, outcome, event, direction):
    return Case(cid, "risk_ratio", name, what, "the 2x2 table of counts", _rows(name),
                lambda f: pub.table(cid, what, _source(name), f, exposure, outcome, exposed, event),
                {"exposure": exposure, "exposed": exposed, "outcome": outcome, "event": event,
                 "direction": direction, "sesoi": 1.2, "sesoi_reason": "A 20% higher or lower risk."})


def _pair(cid, name, what, before, after, unit, sesoi, direction, test_printed=True, query=None):
    printed = ("n, mean and SD before and after, paired t with df and p, mean change and its SD" if test_printed
               else "n, mean and SD before and after (no paired test)")
    return Case(cid, "paired", name, what, printed, _all(name, query),
                lambda f: pub.paired(cid, what, _source(name), f, before, after, unit, test_printed),
                {"group": "all", "before": before, "after": after, "direction": direction, "sesoi": sesoi,
                 "sesoi_reason": f"A change of {sesoi:g} {unit}."})


def _logit(cid, name, what, outcome, covariates, covariate, sesoi, direction, hide=None):
    """A logistic model ``outcome ~ covariates``; ``hide`` = (covariate, assumed OR dict): that OR printed only as
    its significance, as an abstract says "an independent predictor"."""
    adjust = [c for c in covariates if c != covariate]

    def spec(f):
        fits = pub.or_fit(f, outcome, list(covariates))
        ors = {c: math.exp(fits[c][0]) for c in covariates}
        if hide is not None:
            hidden, quantity = hide
            ors[hidden] = quantity
            s = pub.cohort(cid, what, _source(name), f, outcome, covariates, ors, fits)
            log_or, p = fits[hidden]
            s["cohort"]["outcomes"][0]["reported"].append(
                {"covariate": hidden, "significant": bool(p < 0.05), "adjusted": True, "source": pub.SOURCE,
                 **({"direction": "positive" if log_or > 0 else "negative"} if p < 0.05 else {})})
            return s
        return pub.cohort(cid, what, _source(name), f, outcome, covariates, ors, fits)

    printed = ("n, events, covariate means/SDs or proportions, adjusted ORs with p" if hide is None else
               f"as a full table, but the OR of {hide[0]} only as 'an independent predictor' (significance)")
    return Case(cid, "logistic", name, what, printed, _rows(name), spec,
                {"outcome": outcome, "covariate": covariate, "adjust": adjust, "direction": direction,
                 "sesoi": sesoi, "sesoi_reason": "A 20% change in the odds (per unit)."})


def _cox(cid, name, what, covariates, covariate, direction):
    adjust = [c for c in covariates if c != covariate]

    def frame():
        return read_real(name).rename(columns={"time": "days_to_died"})

    def spec(f):
        from statsmodels.duration.survfunc import SurvfuncRight

        hrs = pub.hr_fit(f, "days_to_died", "died", list(covariates))
        median = float(SurvfuncRight(f["days_to_died"], f["died"]).quantile(0.5))
        ors = {c: pub.assumed(hr, lo, hi, "the paper printed a hazard ratio, not an odds ratio: the printed HR as the "
                                          "OR's value and its 95% CI as the range")
               for c, (hr, lo, hi) in hrs.items()}
        s = pub.cohort(cid, what, _source(name), f, "died", covariates, ors, {}, time=("days_to_died", median))
        return s

    return Case(cid, "cox", name, what, "n, deaths, covariate means/SDs or proportions, adjusted HRs with 95% CIs, "
                                        "median survival", frame, spec,
                {"time": "days_to_died", "outcome": "died", "covariate": covariate, "adjust": adjust,
                 "censor_at": 1100, "direction": direction, "sesoi": 1.2, "sesoi_reason": "A 20% higher or lower hazard."})


#: The rate cases' question: deaths per person by cause and 10-year age band (the kind counts each row as one unit of
#: exposure, so these are deaths per person enrolled, not per person-year), cardiorespiratory (circulatory and
#: respiratory) against cancer deaths as the reference. Chosen before any rate was seen.
_CAUSES = {"circulatory": "cardiorespiratory", "respiratory": "cardiorespiratory", "neoplasm": "cancer"}
_AGE_BANDS = [50.0, 60.0, 70.0, 80.0, 90.0, 110.0]


def _rate(cid, name, what, table_printed):
    """The age x cause interaction of a Poisson rate model (``rate_interaction``): does the age gradient of
    cardiorespiratory deaths differ from that of cancer deaths? Printed either as the rate table itself (deaths by
    cause per age band, with the people in each band) or as an abstract prints a cohort (age mean, SD and range,
    deaths by cause, an odds ratio per year of age for each cause)."""
    outcomes = list(_CAUSES)

    def spec(f):
        if table_printed:
            return pub.rate_table(cid, what, _source(name), f, "age", _AGE_BANDS, outcomes)
        return pub.rate_cohort(cid, what, _source(name), f, "age", outcomes)

    printed = ("deaths by cause per 10-year age band, with the people in each band" if table_printed else
               "n, age mean, SD and range, deaths by cause, an OR per year of age for each cause with p")
    return Case(cid, "rate_interaction", name, what, printed, _rows(name), spec,
                {"outcomes": dict(_CAUSES), "factor": "cause", "reference": "cancer",
                 "level_labels": {"cardiorespiratory": "cardiorespiratory deaths", "cancer": "cancer deaths"},
                 "age_bands": list(_AGE_BANDS), "direction": "positive", "sesoi": 1.1,
                 "sesoi_reason": "A 10% steeper rise per 10-year age band."})


CASES: list[Case] = [
    _two("V01", "toothgrowth", "Tooth length, orange juice vs ascorbic acid", "len", ("OJ", "VC"), "mm"),
    _two("V02", "plantgrowth", "Plant weight, treatment 2 vs control", "weight", ("trt2", "ctrl"), "g"),
    _two("V03", "mtcars", "Miles per gallon, manual vs automatic", "mpg", ("manual", "automatic"), "mpg"),
    _two("V04", "chickwts", "Chick weight, casein vs horsebean feed", "weight", ("casein", "horsebean"), "g"),
    _two("V05", "cats", "Heart weight, male vs female cats", "hwt", ("male", "female"), "g"),
    _two("V06", "birthwt", "Birth weight, non-smoking vs smoking mothers", "bwt", ("nonsmoker", "smoker"), "g"),
    _two("V07", "injurytools", "Age, player-seasons with vs without a hamstring injury", "age",
         ("injured", "uninjured"), "years"),
    _two("V08", "iris", "Sepal width, virginica vs versicolor (SDs not printed)", "sepal_width",
         ("virginica", "versicolor"), "cm", sd_printed=False),
    _two("V09", "cats", "Body weight, male vs female cats (SDs not printed)", "bwt", ("male", "female"), "kg",
         sd_printed=False),
    _cor("V10", "cars", "Speed and stopping distance", "speed", "dist", ("mph", "ft"), "positive"),
    _cor("V11", "faithful", "Eruption time and waiting time", "eruptions", "waiting", ("min", "min"), "positive"),
    _cor("V12", "trees", "Girth and height of cherry trees", "girth", "height", ("in", "ft"), "positive"),
    _cor("V13", "mtcars", "Weight and miles per gallon", "wt", "mpg", ("1000 lb", "mpg"), "negative"),
    _cor("V14", "iris", "Sepal length and width, setosa", "sepal_length", "sepal_width", ("cm", "cm"), "positive",
         query="group == 'setosa'"),
    _cor("V15", "trees", "Height and volume (r not printed, significant)", "height", "volume", ("ft", "cu ft"),
         "positive", r_printed=False),
    _cor("V16", "mtcars", "Rear axle ratio and quarter-mile time (r not printed, n.s.)", "drat", "qsec",
         ("ratio", "s"), "positive", r_printed=False),
    _rr("V17", "birthwt", "Low birth weight by maternal smoking", "group", "smoker", "low_label", "yes", "positive"),
    _rr("V18", "titanic", "Survival of women vs men on the Titanic", "sex", "female", "survived", "yes", "positive"),
    _rr("V19", "ucbadmissions", "Admission of women vs men, Berkeley 1973", "gender", "female", "admitted", "yes",
        "negative"),
    _rr("V20", "injurytools", "Hamstring injury in a season, players 28 or older vs younger", "older", "yes",
        "hamstring_label", "yes", "positive"),
    _pair("V21", "sleep", "Extra sleep on drug 2 vs drug 1 (crossover)", "extra_drug1", "extra_drug2", "hours", 0.5,
          "positive"),
    _pair("V22", "anorexia", "Weight before and after family therapy", "prewt", "postwt", "lb", 1.0, "positive",
          query="group == 'FT'"),
    _pair("V23", "anorexia", "Weight before and after CBT (no paired test printed)", "prewt", "postwt", "lb", 1.0,
          "positive", test_printed=False, query="group == 'CBT'"),
    _logit("V24", "birthwt", "Low birth weight: maternal smoking, adjusted for age", "low",
           {"smoke": "binary", "age": "normal"}, "smoke", 1.2, "positive"),
    _logit("V25", "pima", "Diabetes: plasma glucose, adjusted for BMI", "type", {"glu": "normal", "bmi": "normal"},
           "glu", 1.01, "positive"),
    _logit("V26", "birthwt", "Low birth weight: smoking (OR printed only as significant)", "low",
           {"smoke": "binary", "age": "normal"}, "smoke", 1.2, "positive",
           hide=("smoke", pub.assumed(2.0, 1.1, 5.0, "not printed; an OR called significant, in a range typical "
                                                     "of risk factors"))),
    _cox("V27", "lung", "Survival in advanced lung cancer: female vs male, adjusted for age", {"female": "binary",
         "age": "normal"}, "female", "negative"),
    _cox("V28", "veteran", "Survival in the VA lung cancer trial: Karnofsky score, adjusted for treatment",
         {"karno": "normal", "test_drug": "binary"}, "karno", "negative"),
    _rate("V29", "flchain", "Deaths by age: cardiorespiratory vs cancer (rate table printed)", table_printed=True),
    _rate("V30", "flchain", "Deaths by age: cardiorespiratory vs cancer (ORs per year of age printed)",
          table_printed=False),
]
