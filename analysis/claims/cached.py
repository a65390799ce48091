"""``run_claim`` with its result cached on disk, keyed by the claim, the specs it reads, the code and the options.

The key holds the claim as validated (every field), the sha256 of each study spec its evidence reads, the code
fingerprint (this package's source and templates, Python's and the numeric packages' versions), the ensemble size
and the seed: change any of them and the claim runs again. See :mod:`analysis.core.cache` for where the cache
lives and how to turn it off. A result is stored as a pickle (it holds data frames, datasets and typed records),
which :mod:`analysis.core.cache` unpickles only when the entry is signed with the user's own cache key: a planted or
damaged entry is discarded and recomputed, never unpickled.

>>> from analysis.claims.model import load_claim
>>> claim = load_claim("stretching-reduces-pain")
>>> key = claim_key(claim, 10, None)
>>> len(key), key == claim_key(claim, 10, None), key == claim_key(claim, 11, None)
(64, True, False)
"""

from __future__ import annotations

import pickle
from typing import Callable

from analysis.claims.engine import DEFAULT_ENSEMBLE_DRAWS, run_claim
from analysis.claims.model import Claim
from analysis.claims.results import ClaimResult
from analysis.core import cache
from analysis.spec.model import study_files

KIND = "claim-result"


def claim_key(claim: Claim, ensemble_draws: int, seed: int | None) -> str:
    """The cache key of ``run_claim(claim, ensemble_draws=..., seed=...)`` on study-shaped data."""
    files = study_files()
    studies = sorted({ev.study for ev in claim.evidence})
    specs = [f"{sid}:{files[sid].sha256 if sid in files else 'missing'}" for sid in studies]
    return cache.digest(cache.code_fingerprint(), claim.model_dump_json(), ensemble_draws, seed, *specs)


def cached_run_claim(claim: Claim, ensemble_draws: int = DEFAULT_ENSEMBLE_DRAWS,
                     seed: int | None = None, on_entry: Callable[[str], None] | None = None) -> tuple[ClaimResult, str]:
    """``(run_claim(claim, ...), key)``, from the cache when the same claim, specs, code and options ran before.

    ``on_entry`` is called as each evidence entry runs (a cold run only; see :func:`run_claim`).

    An entry that is not signed with this cache's key is never unpickled (see :func:`analysis.core.cache.read`);
    one that is signed but cannot be read back is discarded, said once, recomputed and replaced.
    """
    key = claim_key(claim, ensemble_draws, seed)
    blob = cache.read(KIND, key)  # signature checked: bytes this user's own run wrote
    if blob is not None:
        try:
            result = pickle.loads(blob)  # noqa: S301 - signed by this user's key, see analysis.core.cache
            if isinstance(result, ClaimResult):
                return result, key
        except Exception:  # noqa: BLE001 - a damaged entry is recomputed, never trusted
            pass
        cache.discard(KIND, key, "signed but not a claim result")
    result = run_claim(claim, ensemble_draws=ensemble_draws, seed=seed, on_entry=on_entry)
    cache.write(KIND, key, pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return result, key
