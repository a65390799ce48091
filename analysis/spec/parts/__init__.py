"""The building blocks of a study spec: numbers with provenance, and each kind of published figure.

| kind | model | dataset it shapes |
|---|---|---|
| group sizes | :class:`Group` | rows per group |
| means and SDs (or medians and IQRs) | :class:`Summary` | continuous columns (exact moments) or integer ones (SPRITE) |
| correlations, or only their sign / significance / exact p | :class:`Correlation` | the correlation matrix |
| counts of a category per group | :class:`Categorical` | a categorical column with exact counts |
| contingency tables | :class:`Table` | individual rows whose cross-tabulation is the table |
| a test statistic, one kind per test (t, F, U, chi-square, z, Fisher p, RR) | ``Reported*`` | checked on the dataset |
| a cohort with exact event counts and (assumed) effects | :class:`Cohort` | one row per athlete or player-match |
| significance of a cohort predictor (no OR published) | :class:`ReportedAssociation` | cohorts redrawn until it holds |
| rates with exposure | :class:`Rates` | one row per unit (club-season) with events and exposure |
| effect estimates with CIs | :class:`Effect` | none: inputs to meta-analysis and forensics |
| regression coefficients (b, SE, t, p) | :class:`RegressionCoefficient` | none: checked by the forensics |
| percentages with their counts | :class:`Proportion` | none: checked by the forensics |
| findings printed only as direction and significance | :class:`Statement` | none: restated, and checked |

Each is a :class:`Figure` (see :mod:`analysis.spec.parts.base` for the interface). A ``reported_tests:`` entry is
the kind its ``kind`` names: :class:`ReportedT`, :class:`ReportedF`, :class:`ReportedU`, :class:`ReportedChiSquare`,
:class:`ReportedZ`, :class:`ReportedFisherP`, :class:`ReportedRiskRatio`, each a :class:`ReportedStatistic`.
"""

from analysis.spec.parts.base import (
    Citation,
    Figure,
    Quantity,
    SlotKey,
    SlotQuantity,
    Source,
    Strict,
    Variable,
    display_row,
)
from analysis.spec.parts.cohort import Cohort, CohortCovariate, CohortOutcome, ReportedAssociation
from analysis.spec.parts.correlation import Correlation, correlation_key
from analysis.spec.parts.effect import Effect, Proportion
from analysis.spec.parts.group import Group
from analysis.spec.parts.rates import Rates
from analysis.spec.parts.regression import RegressionCoefficient
from analysis.spec.parts.reported import GroupTest, ReportedStatistic, TableTest
from analysis.spec.parts.reported_chi2 import ReportedChiSquare
from analysis.spec.parts.reported_f import ReportedF
from analysis.spec.parts.reported_fisher import ReportedFisherP
from analysis.spec.parts.reported_paired import ReportedPairedT
from analysis.spec.parts.reported_rr import ReportedRiskRatio
from analysis.spec.parts.reported_t import ReportedT
from analysis.spec.parts.reported_u import ReportedU
from analysis.spec.parts.reported_z import ReportedZ
from analysis.spec.parts.statement import Statement
from analysis.spec.parts.summary import Categorical, Summary
from analysis.spec.parts.table import Table

__all__ = ["Categorical", "Citation", "Cohort", "CohortCovariate", "CohortOutcome", "Correlation", "Effect", "Figure",
           "Group", "GroupTest", "Proportion", "Quantity", "Rates", "RegressionCoefficient",
           "ReportedAssociation", "ReportedChiSquare", "ReportedF", "ReportedFisherP", "ReportedPairedT",
           "ReportedRiskRatio", "ReportedStatistic", "ReportedT", "ReportedU", "ReportedZ", "SlotKey",
           "SlotQuantity", "Source", "Statement", "Strict", "Summary", "Table", "TableTest", "Variable",
           "correlation_key", "display_row"]
