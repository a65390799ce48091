"""Build datasets shaped like a published study.

One entry point, :func:`build_dataset`, dispatches on what the spec describes:

- groups with summaries and categoricals: exact-moment continuous blocks
  (:mod:`.continuous`), integer scales by SPRITE (:mod:`.integer`), categorical counts;
  values outside a variable's bounds, and datasets that miss a reported test statistic
  (e.g. a Mann-Whitney U), are rejected and redrawn from the same seeded stream;
- contingency tables (:mod:`.tables`); a cohort with exact event counts (:mod:`.cohort`),
  redrawn until the associations the paper reports (significant or not) hold; rates with
  exposure (:mod:`.rates`).

The same spec and seed always give the same dataset.

Examples
--------
>>> from analysis.spec.model import load_study
>>> ds = build_dataset(load_study("S2"), seed=1)
>>> float(round(ds.frame.loc[ds.frame.group == "lbp", "ake_tightness"].mean(), 2))
31.63
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from analysis.core.errors import ReconstructionError
from analysis.generate.cohort import cohort_rows, reproduces_associations, reproduces_printed_odds_ratios
from analysis.generate.continuous import correlation_matrix, draw_block, exact_scores, moments, within_bounds
from analysis.generate.integer import sprite
from analysis.generate.rates import rate_rows
from analysis.generate.tables import table_rows
from analysis.spec.assumptions import Slot, assumption_slots, value_of
from analysis.spec.model import StudySpec
from analysis.spec.parts.group import derived_sizes

__all__ = ["Dataset", "build_dataset", "correlation_matrix", "exact_scores", "moments", "mann_whitney_u"]

MAX_ATTEMPTS = 20_000
MAX_COHORT_ATTEMPTS = 2_000  # each is a cohort draw plus a logistic fit per reported association (~1.5 ms)
#: Further cohort draws tried for one that also gives back the printed odds ratios, once the associations hold.
MAX_SIZE_ATTEMPTS = 5
#: Cohort draws aimed at the printed odds ratios before the draws go on without aiming (see _cohort_frame).
MAX_CALIBRATED_ATTEMPTS = 20
SYNTHETIC_COLUMN = "data_origin"


@dataclass
class Dataset:
    """A generated dataset and everything needed to say how it was made."""

    frame: pd.DataFrame
    study_id: str
    seed: int
    assumptions: list[dict]
    attempts: int
    notes: list[str] = field(default_factory=list)

    @cached_property
    def sha256(self) -> str:
        """:func:`frame_sha256` of the dataset, computed once (several evidence entries share a dataset, and a large
        one takes a while to write out)."""
        return frame_sha256(self.frame)


def frame_sha256(frame: pd.DataFrame) -> str:
    """sha256 of a table as CSV (no index): what a result says it was computed on."""
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()


def mann_whitney_u(a: np.ndarray, b: np.ndarray) -> float:
    """The smaller of the two Mann-Whitney U statistics (ties count one half)."""
    diff = a[:, None] - b[None, :]
    u_a = float((diff > 0).sum() + 0.5 * (diff == 0).sum())
    return min(u_a, a.size * b.size - u_a)


def _reported_u_match(spec: StudySpec, parts: dict[str, pd.DataFrame]) -> bool:
    for t in spec.reported_tests:
        if t.kind == "mann_whitney_u":
            a = parts[t.groups[0]][t.variable].to_numpy(float)
            b = parts[t.groups[1]][t.variable].to_numpy(float)
            decimals = t.decimals if t.decimals is not None else 0
            if round(mann_whitney_u(a, b), decimals) != round(t.value, decimals):
                return False
    return True


def _categorical_column(spec: StudySpec, cat, rng: np.random.Generator, overrides: dict[str, float]) -> np.ndarray:
    levels = list(cat.counts)
    counts = [int(round(value_of(cat.counts[lv], cat.key(lv), overrides)))
              for lv in levels[:-1]]
    rest = spec.n(cat.group) - sum(counts)
    if rest < 0 or any(c < 0 for c in counts):
        raise ReconstructionError(f"{spec.id}: counts of {cat.variable} in {cat.group} exceed n = {spec.n(cat.group)}")
    return rng.permutation(np.repeat(levels, [*counts, rest]))


def _draw_group(spec: StudySpec, group: str, rng: np.random.Generator, overrides: dict[str, float]) -> pd.DataFrame | None:
    names, X = draw_block(spec, group, rng, overrides)
    if not within_bounds(spec, names, X):
        return None
    part = pd.DataFrame(X, columns=names)
    for name in spec.integer_variables(group):
        var = spec.variables[name]
        s = spec.summary(group, name)
        low, high = var.bounds if var.bounds else (0, 10 * s.target_mean + 10 * s.target_sd)
        part[name] = sprite(rng, spec.n(group), value_of(s.mean, s.key("mean"), overrides),
                            value_of(s.sd, s.key("sd"), overrides), low, high, var.step or 1.0,
                            mean_decimals=s.mean.precision if not s.mean.is_assumption else None,
                            sd_decimals=s.sd.precision if not s.sd.is_assumption else None,
                            sd_window=0.5 * 10**-s.se.precision * spec.n(group) ** 0.5
                            if s.sd_derived and not s.se.is_assumption else None)
    for cat in spec.categoricals:
        if cat.group == group:
            part[cat.variable] = _categorical_column(spec, cat, rng, overrides)
    part = part[[c for c in spec.group_variables(group) if c in part] +
                [c for c in part.columns if c not in spec.group_variables(group)]]
    return part


def _group_frame(spec: StudySpec, rng: np.random.Generator, overrides: dict[str, float], max_attempts: int):
    groups = [g for g in spec.groups if spec.group_variables(g) or any(c.group == g for c in spec.categoricals)]
    for attempt in range(1, max_attempts + 1):
        parts = {}
        for group in groups:
            part = _draw_group(spec, group, rng, overrides)
            if part is None:
                break
            parts[group] = part
        else:
            if _reported_u_match(spec, parts):
                blocks = [p.assign(group=g) for g, p in parts.items()]
                frame = pd.concat(blocks, ignore_index=True)
                return frame[["group", *[c for c in frame.columns if c != "group"]]], attempt
    raise ReconstructionError(
        f"{spec.id}: no dataset within the variables' bounds that reproduces the reported tests was found in "
        f"{max_attempts} attempts; the published figures may be impossible together"
    )


def _cohort_frame(spec: StudySpec, rng: np.random.Generator, overrides: dict[str, float], max_attempts: int):
    """The first cohort draw where every reported association holds and every printed OR comes back.

    When the printed ORs do not come back within :data:`MAX_SIZE_ATTEMPTS` further draws, the first draw where the
    associations hold is kept; when no draw aimed at the printed ORs lets the associations hold within
    :data:`MAX_CALIBRATED_ATTEMPTS` (a printed OR and a printed significance the assumed values cannot both give),
    the draws go on without aiming. Either way the reproduction table says which printed figure did not come back.
    """
    kept = fallback = None
    for attempt in range(1, max_attempts + 1):
        columns = cohort_rows(spec, rng, overrides, calibrate=attempt <= MAX_CALIBRATED_ATTEMPTS or fallback is not None)
        if reproduces_associations(spec, columns):
            if reproduces_printed_odds_ratios(spec, columns):
                kept = (columns, attempt)
                break
            fallback = fallback or (columns, attempt)
        if fallback is not None and attempt - fallback[1] >= MAX_SIZE_ATTEMPTS:
            break
    kept = kept or fallback
    if kept is not None:
        return pd.DataFrame(kept[0]), kept[1]  # one DataFrame, for the draw kept
    statements = "; ".join(a.statement(o.name) for o in spec.cohort.outcomes for a in o.reported)
    raise ReconstructionError(f"{spec.id}: no cohort in {max_attempts} draws reproduces the reported associations "
                     f"({statements}) with these assumed values; the assumptions may be inconsistent with the paper")


@lru_cache(maxsize=256)
def _participant_ids(study_id: str, n: int) -> np.ndarray:
    """``S20-00001`` ... for ``n`` rows: the same for every draw of a study's ensemble, so formatted once.

    >>> list(_participant_ids("S2", 2))
    ['S2-00001', 'S2-00002']
    """
    return np.array([f"{study_id}-{i + 1:05d}" for i in range(n)], dtype=object)


def build_dataset(spec: StudySpec, seed: int | None = None, overrides: dict[str, float] | None = None,
                  max_attempts: int = MAX_ATTEMPTS) -> Dataset:
    """Generate a synthetic dataset shaped like the study.

    Parameters
    ----------
    spec : StudySpec
        The study to imitate.
    seed : int, optional
        Seed of the random stream; defaults to the spec's ``seed``.
    overrides : dict, optional
        Values for assumption slots (keys from :func:`analysis.assumptions.assumption_slots`),
        used by ensembles; anything not given takes the spec's assumed value.
    max_attempts : int
        How many candidate datasets to draw before giving up.

    Returns
    -------
    Dataset
        ``frame`` has one row per participant (or unit) with a ``participant`` id and a
        ``data_origin`` column that says the row is synthetic.

    Raises
    ------
    ValueError
        When the spec records figures only, or no dataset reproduces the published
        figures (they may be impossible together: see the forensics checks).
    """
    if not spec.builds_dataset:
        raise ReconstructionError(f"{spec.id}: no dataset can be built: {spec.dataset_reason}")
    overrides = overrides or {}
    original, spec = spec, spec.with_sizes(overrides)
    seed = spec.seed if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    attempts = 1
    if spec.tables:
        frame = table_rows(spec, rng)
    elif spec.cohort is not None:
        frame, attempts = _cohort_frame(spec, rng, overrides, min(max_attempts, MAX_COHORT_ATTEMPTS))
    elif spec.rates is not None:
        frame = rate_rows(spec, rng, overrides)
    else:
        frame, attempts = _group_frame(spec, rng, overrides, max_attempts)
    frame = frame.reset_index(drop=True)
    frame = _kernel_independent(frame)
    frame.insert(0, "participant", _participant_ids(spec.id, len(frame)).copy())
    frame[SYNTHETIC_COLUMN] = f"synthetic: shaped like {spec.short} ({spec.id})"
    return Dataset(frame=frame, study_id=spec.id, seed=seed,
                   assumptions=(_used_assumptions(assumption_slots(original), overrides)
                                + derived_sizes(original, overrides)),
                   attempts=attempts,
                   notes=_notes(spec))


#: Decimals a reconstruction's continuous values keep. The generators solve small linear systems (Cholesky,
#: whitening) whose last bits depend on the CPU's BLAS kernels; rounding to 6 decimals (far below any published
#: precision) gives the same values, files and hashes on every machine unless a value lies within ~1e-13 of a
#: rounding boundary (about one chance in 10 million per value).
DATASET_DECIMALS = 6


def _kernel_independent(frame: pd.DataFrame) -> pd.DataFrame:
    """Every float column rounded to :data:`DATASET_DECIMALS` (column by column: ``frame[cols].round()`` built a
    second frame, 1.7 ms a dataset, a tenth of an ensemble's time)."""
    for name, dtype in frame.dtypes.items():
        if pd.api.types.is_float_dtype(dtype):
            frame[name] = np.round(frame[name].to_numpy(), DATASET_DECIMALS)
    return frame


def _used_assumptions(slots: list[Slot], overrides: dict[str, float]) -> list[dict]:
    return [dict(key=s.key, what=s.what, value=overrides.get(s.key, s.value), spec_value=s.value,
                 range=[s.low, s.high], reason=s.reason, **({"mirrored": True} if s.mirrored else {})) for s in slots]


def _notes(spec: StudySpec) -> list[str]:
    notes = []
    if spec.summaries:
        notes.append(f"Continuous values have exact sample moments (values rounded to {DATASET_DECIMALS} decimals). "
                     f"{spec.short} does not report distribution shapes: "
                     f"normal is assumed where the scale's bounds are at least 3 SDs from the mean, otherwise a beta "
                     f"distribution between the bounds with the target mean and SD.")
    for group in spec.groups:
        for name in spec.joint_variables(group):
            if spec.variables[name].integer:
                notes.append(f"{name} is integer-valued on its scale but is reconstructed as continuous here, because "
                             f"it takes part in a correlation.")
        for name in spec.integer_variables(group):
            notes.append(f"{name} in {group}: whole values on its scale with the published mean and SD (SPRITE search), "
                         f"independent of the other variables.")
    for s in spec.summaries:
        if s.mean is None:
            notes.append(f"{s.variable} in {s.group}: mean and SD converted from the median and IQR (Wan et al. 2014).")
    if len(spec.tables) > 1:
        notes.append("The tables describe the same people; how their factors overlap is not published and was drawn "
                     "at random.")
    if spec.cohort is not None:
        notes.append(f"Continuous covariates have exact sample moments (values rounded to {DATASET_DECIMALS} "
                     f"decimals); their shape is assumed (normal, or beta "
                     "between the bounds when a bound is within 3 SDs).")
        notes.append("Events have the published counts exactly; who has them is drawn with weights exp(log OR x "
                     "centred covariate), so the assumed odds ratios hold approximately.")
        statements = [a.statement(o.name) for o in spec.cohort.outcomes for a in o.reported]
        if statements:
            notes.append("The cohort is redrawn until every association the paper reports holds (Wald test in a "
                         "logistic model): " + "; ".join(statements) + ".")
    return notes
