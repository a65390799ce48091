"""Claims: the registry of claims (:mod:`.model`), the analysis kinds that test them (:mod:`.kinds`), the engine that
runs them (:mod:`.engine`) and the verdict rule (:mod:`.verdicts`)."""

from analysis.claims.model import Claim, Evidence, load_claim, load_claims

__all__ = ["Claim", "Evidence", "load_claim", "load_claims"]
