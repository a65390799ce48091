"""The real datasets of the validation set: where each comes from, its licence, and how it is read.

Every file is individual-level, openly licensed and in the repository, so a validation run needs no network:
R's ``datasets``, ``MASS`` and ``survival`` packages exported once by ``data/validation/real/export.R`` (R and
package versions in ``data/validation/real/versions.json``), and the injury log in ``data/real/injurytools/``.

Examples
--------
>>> DATASETS["cars"].licence
'GPL-2 | GPL-3 (R datasets package)'
>>> len(read_real("cars"))
50
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.core.errors import InputError
from analysis.core.paths import default_data_dir

#: The folder of exported R datasets: the checkout's ``data/validation/real`` or the copy shipped in the wheel (never
#: a ``--data-dir`` registry's: the validation set tests the method, not a registry).
REAL_DIR = default_data_dir() / "validation" / "real"
INJURY_DIR = default_data_dir() / "real" / "injurytools"

_R = "GPL-2 | GPL-3 (R datasets package)"
_MASS = "GPL-2 | GPL-3 (R package MASS)"
_SURVIVAL = "LGPL-2 | LGPL-2.1 | LGPL-3 (R package survival)"


@dataclass(frozen=True)
class RealDataset:
    """One real dataset: its file, what it is, where it comes from and under which licence."""

    name: str
    path: Path
    title: str
    source: str
    licence: str


def _r(name: str, title: str, source: str, licence: str = _R) -> RealDataset:
    return RealDataset(name, REAL_DIR / f"{name}.csv", title, source, licence)


DATASETS: dict[str, RealDataset] = {d.name: d for d in [
    _r("toothgrowth", "Guinea pig tooth growth by vitamin C supplement (n = 60)",
       "Crampton EW (1947) J Nutr 33:491-504; R datasets::ToothGrowth"),
    _r("plantgrowth", "Plant dried weight under a control and two treatments (n = 30)",
       "Dobson AJ (1983) An Introduction to Statistical Modelling, Chapman & Hall; R datasets::PlantGrowth"),
    _r("mtcars", "Motor Trend road tests of 32 cars (1973-74)",
       "Henderson R, Velleman P (1981) Biometrics 37:391-411; R datasets::mtcars"),
    _r("chickwts", "Chick weights after six weeks by feed supplement (n = 71)",
       "Anonymous (1948) Biometrika 35:214; R datasets::chickwts"),
    _r("cars", "Speed and stopping distance of 50 cars (1920s)",
       "Ezekiel M (1930) Methods of Correlation Analysis, Wiley; R datasets::cars"),
    _r("faithful", "Old Faithful geyser: eruption time and waiting time (n = 272)",
       "Haerdle W (1991) Smoothing Techniques with Implementation in S, Springer; R datasets::faithful"),
    _r("trees", "Girth, height and volume of 31 felled black cherry trees",
       "Ryan TA, Joiner BL, Ryan BF (1976) The Minitab Student Handbook, Duxbury; R datasets::trees"),
    _r("iris", "Anderson's iris flowers, three species (n = 150)",
       "Fisher RA (1936) Ann Eugen 7:179-188; R datasets::iris"),
    _r("sleep", "Extra sleep of 10 patients on each of two drugs (crossover)",
       "Cushny AR, Peebles AR (1905) J Physiol 32:501-510; R datasets::sleep"),
    _r("titanic", "Passengers and crew of the Titanic: sex, age, survival (n = 2201)",
       "Dawson RJM (1995) J Stat Educ 3(3); R datasets::Titanic, expanded to one row per person"),
    _r("ucbadmissions", "UC Berkeley graduate admissions 1973 by gender (n = 4526)",
       "Bickel PJ, Hammel EA, O'Connell JW (1975) Science 187:398-403; R datasets::UCBAdmissions, one row per "
       "applicant"),
    _r("birthwt", "Risk factors of low birth weight, Baystate Medical Center 1986 (n = 189)",
       "Hosmer DW, Lemeshow S (1989) Applied Logistic Regression, Wiley; R MASS::birthwt", _MASS),
    _r("cats", "Body and heart weight of 144 adult cats",
       "Fisher RA (1947) Biometrika 34:141-155; R MASS::cats", _MASS),
    _r("anorexia", "Weight of young women with anorexia before and after treatment (n = 72)",
       "Hand DJ et al. (1993) A Handbook of Small Data Sets, Chapman & Hall; R MASS::anorexia", _MASS),
    _r("pima", "Pima Indian women tested for diabetes, training set (n = 200)",
       "Smith JW et al. (1988) Proc Annu Symp Comput Appl Med Care 261-265; R MASS::Pima.tr", _MASS),
    _r("lung", "NCCTG advanced lung cancer survival (n = 228)",
       "Loprinzi CL et al. (1994) J Clin Oncol 12:601-607; R survival::lung", _SURVIVAL),
    _r("veteran", "Veterans' Administration lung cancer trial (n = 137)",
       "Kalbfleisch JD, Prentice RL (1980) The Statistical Analysis of Failure Time Data, Wiley; R survival::veteran",
       _SURVIVAL),
    _r("flchain", "Serum free light chains and mortality, Olmsted County residents aged 50 or more (n = 7874): age and "
       "cause of death", "Dispenzieri A et al. (2012) Mayo Clin Proc 87:517-523; R survival::flchain", _SURVIVAL),
    RealDataset("injurytools", INJURY_DIR / "exposures.csv",
                "A professional football club's first team, two seasons: player-seasons and injuries (42 rows)",
                "R package injurytools 1.0.3 (raw_df_exposures, raw_df_injuries), collected from a public transfer "
                "website; data/real/injurytools/README.md", "MIT (R package injurytools)"),
]}


def read_real(name: str) -> pd.DataFrame:
    """A real dataset as a frame (for ``injurytools``: one row per player-season with ``hamstring`` = 1 when the
    player had a hamstring injury that season and ``older`` = "yes" at age 28 or more).

    Raises
    ------
    InputError
        When the name is unknown or its file is missing (naming the file).
    """
    if name not in DATASETS:
        raise InputError("validation", "dataset", f"unknown real dataset {name!r}; known: {', '.join(DATASETS)}")
    path = DATASETS[name].path
    if not path.is_file():
        raise InputError(path, "(file)", "missing: run `Rscript data/validation/real/export.R` from the checkout")
    if name != "injurytools":
        return pd.read_csv(path)
    seasons = pd.read_csv(path)
    injuries = pd.read_csv(INJURY_DIR / "injuries.csv")
    hurt = set(map(tuple, injuries.loc[injuries["injury"] == "Hamstring Injury", ["player", "season"]].to_numpy()))
    seasons["hamstring"] = [int((p, s) in hurt) for p, s in zip(seasons["player"], seasons["season"])]
    seasons["hamstring_label"] = seasons["hamstring"].map({1: "yes", 0: "no"})
    seasons["older"] = (seasons["age"] >= 28).map({True: "yes", False: "no"})
    seasons["group"] = seasons["hamstring"].map({1: "injured", 0: "uninjured"})
    return seasons
