"""hamstring-evidence: test popular claims about hamstrings and back pain against data.

The public API, in the order of the flow spec -> dataset -> analysis -> verdict -> report:

>>> from analysis import load_study, build_dataset, load_claim, run_claim
>>> spec = load_study("S2")
>>> dataset = build_dataset(spec, seed=1)
>>> result = run_claim(load_claim("hamstring-stiffness-lbp"), ensemble_draws=10)
>>> result.verdict.label
'association supported; causation not established'
"""

__version__ = "0.1.0"

from .claims import load_claim, load_claims  # noqa: E402
from .engine import run_claim  # noqa: E402
from .generate import build_dataset  # noqa: E402
from .specs import load_study  # noqa: E402

__all__ = ["load_study", "build_dataset", "load_claim", "load_claims", "run_claim", "__version__"]
