"""Analysis kinds: one class per kind, each owning everything about it (see :mod:`.base`).

| kind | data | primary effect |
|---|---|---|
| ``correlation`` | rows of one group | Pearson r |
| ``two_group`` | rows with ``group`` | Hedges' g (groups[0] - groups[1]) |
| ``risk_ratio`` | rows with an exposure and an outcome column | RR (Katz) |
| ``effect`` | a published estimate with its CI (no dataset) | the published estimate |
| ``logistic`` | cohort rows | OR of ``covariate`` adjusted for ``adjust`` |
| ``rate_interaction`` | per-row outcomes, or age band x outcome counts with exposure | age x factor rate-ratio interaction |
| ``cox`` | cohort rows | HR of ``covariate`` for time to ``outcome`` |
| ``paired`` | rows of one group measured twice (``before``, ``after``) | mean change (paired t) |
| ``statement`` | a finding printed as direction and significance only (no dataset) | none: restated direction |

Importing this package registers every kind in :data:`KINDS`.
"""

from analysis.claims.kinds import (  # noqa: F401
    correlation,
    cox,
    effect,
    logistic,
    paired,
    rate_interaction,
    risk_ratio,
    statement,
    two_group,
)
from analysis.claims.kinds.base import (
    KINDS,
    EvidenceKind,
    Outcome,
    Plot,
    make_evidence,
    parse_evidence,
    register,
)

__all__ = ["KINDS", "EvidenceKind", "Plot", "Outcome", "make_evidence", "parse_evidence", "register"]
