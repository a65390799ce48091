"""The fast paths give the same answers as the slow ones: bootstrap vs scipy, batched logistic vs
statsmodels, sufficient-statistics rates vs a fit on raw rows, parallel vs serial."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from analysis import stats
from analysis.datasets.injury_rates import rate_table_from_arrays, rate_table_from_parquet
from analysis.generate.recurrence import recurrence_cohorts, recurrence_power
from analysis.stats.batched import logistic_batch
from analysis.stats.resampling import _jackknife_r, bootstrap_correlation

NERVE_SUPPLY = {"hamstring": "L5S1", "calf": "L5S1", "quadriceps": "L2L4", "groin": "L2L4"}


def _r_vec(a, b, axis=-1):
    ac, bc = a - a.mean(axis=axis, keepdims=True), b - b.mean(axis=axis, keepdims=True)
    return (ac * bc).sum(axis=axis) / np.sqrt((ac * ac).sum(axis=axis) * (bc * bc).sum(axis=axis))


def test_bca_bootstrap_matches_scipy_within_monte_carlo_error():
    rng = np.random.default_rng(0)
    x = rng.normal(size=60)
    y = 0.4 * x + rng.normal(size=60)
    ours = bootstrap_correlation(x, y, n_resamples=40_000, seed=2)
    ref = sps.bootstrap((x, y), _r_vec, paired=True, vectorized=True, n_resamples=40_000, method="BCa",
                        random_state=3).confidence_interval
    # Monte Carlo SE of a BCa limit at B = 40,000 is ~0.003; 0.015 is five of them
    assert ours.ci_low == pytest.approx(ref.low, abs=0.015)
    assert ours.ci_high == pytest.approx(ref.high, abs=0.015)
    pct = bootstrap_correlation(x, y, n_resamples=40_000, seed=2, method="percentile")
    assert pct.ci_low < ours.estimate < pct.ci_high


def test_jackknife_closed_form():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=15), rng.normal(size=15)
    loop = [np.corrcoef(np.delete(x, i), np.delete(y, i))[0, 1] for i in range(15)]
    np.testing.assert_allclose(_jackknife_r(x, y), loop, rtol=1e-12)


def test_batched_logistic_equals_statsmodels():
    X, y = recurrence_cohorts(300, -1.5, 0.05, 1.0, sims=12, seed=4)
    beta, se, ok = logistic_batch(X, y)
    assert ok.all()
    for b in range(12):
        fit = sm.Logit(y[b], X[b]).fit(disp=0, tol=1e-12, maxiter=100)
        np.testing.assert_allclose(beta[b], fit.params, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(se[b], fit.bse, rtol=1e-6)


def test_single_logistic_fit_equals_statsmodels_and_flags_separation():
    """logistic_fit (the redraw loop's single fits) against statsmodels Logit, the independent reference, at the
    tolerances the batched fit is held to; a separated outcome is not converged, as in logistic_batch."""
    from analysis.stats.batched import logistic_fit

    X, y = recurrence_cohorts(300, -1.5, 0.05, 1.0, sims=12, seed=4)
    for b in range(12):
        beta, se, ok = logistic_fit(X[b], y[b])
        fit = sm.Logit(y[b], X[b]).fit(disp=0, tol=1e-12, maxiter=100)
        assert ok
        np.testing.assert_allclose(beta, fit.params, rtol=1e-7, atol=1e-9)  # two Newton fits, both to ~1e-10 steps
        np.testing.assert_allclose(se, fit.bse, rtol=1e-6, atol=0)
    separated = (np.asarray(X[0])[:, 1] > 0).astype(float)
    beta, se, ok = logistic_fit(X[0], separated)
    assert not ok and np.isnan(se).all() and not logistic_batch(X[:1], separated[None])[2][0]


def test_batched_logistic_chunks_and_flags_separation():
    X, y = recurrence_cohorts(120, -1.0, 0.05, 1.0, sims=7, seed=9)
    X = np.array(X)  # an ordinary (B, n, p) array, not the predictor-major view recurrence_cohorts returns
    y[3] = (X[3, :, 1] > 0).astype(float)  # cohort 3: age separates the outcome perfectly, so no MLE exists
    whole = logistic_batch(X, y)
    chunked = logistic_batch(X, y, chunk=3)  # chunks of 3, 3 and 1 fits
    # a fit's SEs use the Hessian of the chunk's last iteration, which may be one step (< tol) away
    np.testing.assert_allclose(whole[0], chunked[0], rtol=1e-12)
    np.testing.assert_allclose(whole[1], chunked[1], rtol=1e-9)
    np.testing.assert_array_equal(whole[2], chunked[2])
    assert not whole[2][3] and whole[2][np.arange(7) != 3].all()
    fit = sm.Logit(y[0], X[0]).fit(disp=0, tol=1e-12, maxiter=100)
    np.testing.assert_allclose(whole[0][0], fit.params, rtol=1e-7, atol=1e-9)
    with pytest.raises(ValueError, match="must be"):
        logistic_batch(X[0], y[0])


def test_power_by_simulation_matches_a_loop_of_statsmodels_fits():
    res = recurrence_power(n=250, intercept=-1.5, log_or_age=0.0, log_or_prior=1.0, sims=200, seed=7)
    X, y = recurrence_cohorts(250, -1.5, 0.0, 1.0, sims=200, seed=7)
    p = np.array([sm.Logit(y[b], X[b]).fit(disp=0).pvalues for b in range(200)])
    assert res["power_prior"] == pytest.approx((p[:, 2] < 0.05).mean(), abs=1e-12)  # same cohorts, same answer
    assert res["power_age"] == pytest.approx((p[:, 1] < 0.05).mean(), abs=1e-12)
    assert res["power_age"] < 0.12  # no age effect: about alpha


@pytest.mark.parametrize("study_id, outcome, covariate, adjust, among", [
    ("S17", "hamstring_injury", "age", ["prior_hamstring_12m"], None),
    ("S19", "mri_hamstring_injury", "back_injury_history", ["age", "prior_posterior_thigh_injury"], None),
    ("AC1", "recurred", "age", ["prior_hamstring"], "hamstring_strain"),  # rows differ per draw: padding
])
def test_batched_logistic_ensemble_equals_the_per_dataset_analysis(study_id, outcome, covariate, adjust, among):
    from analysis.claims.engine import judge_outcome
    from analysis.claims.kinds import make_evidence
    from analysis.generate import build_dataset
    from analysis.spec.assumptions import draw_assumptions
    from analysis.spec.model import load_study

    spec = load_study(study_id)
    ev = make_evidence(id="e", study=study_id, question="q", analysis="logistic", outcome=outcome, covariate=covariate,
                  adjust=adjust, among=among, direction="positive", sesoi=1.03, sesoi_reason="test")
    draws = draw_assumptions(spec, np.random.default_rng(3), 8)
    frames = [build_dataset(spec, seed=10 + k, overrides=o).frame for k, o in enumerate(draws)]
    batched = ev.run_batch(frames, spec)
    assert len(batched) == 8
    if among:
        assert len({int(f[among].sum()) for f in frames}) > 1  # the padded case really occurs
        assert any("batched" not in o.judged.method for o in batched)  # and a separated draw was refitted
    for frame, fast in zip(frames, batched):
        slow = ev.run(frame, spec)  # statsmodels GLM through the formula interface
        a, b = fast.judged, slow.judged
        # two Newton/IRLS fits, each stopped at its own convergence tolerance: agreement ~1e-8, checked at 1e-6
        assert [a.estimate, a.ci_low, a.ci_high] == pytest.approx([b.estimate, b.ci_low, b.ci_high], rel=1e-6, abs=1e-9)
        assert a.conf_int(0.90) == pytest.approx(b.conf_int(0.90), rel=1e-6, abs=1e-9)
        assert judge_outcome(fast, ev) == judge_outcome(slow, ev)
    with_gap = [f.assign(**{covariate: f[covariate].where(f.index != 0)}) for f in frames]
    assert ev.run_batch(with_gap, spec) is None  # missing values: the caller falls back to the formula path


@pytest.mark.parametrize("covariate, adjust", [("prior_hamstring", ["age"]), ("age", ["prior_hamstring"])])
def test_array_cox_ensemble_equals_the_per_dataset_analysis(covariate, adjust):
    """The ensemble's Cox fits on arrays equal statsmodels PHReg (Efron ties; itself tested against R's coxph) draw
    by draw: log HR, CI and verdict. Both are Newton fits of the same partial likelihood to 1e-10 steps."""
    from analysis.claims.engine import judge_outcome
    from analysis.claims.kinds import make_evidence
    from analysis.generate import build_dataset
    from analysis.spec.assumptions import draw_assumptions
    from analysis.spec.model import load_study

    spec = load_study("AC1")
    ev = make_evidence(id="e", study="AC1", question="q", analysis="cox", time="days_to_recurred", outcome="recurred",
                       covariate=covariate, adjust=adjust, among="hamstring_strain", censor_at=365,
                       direction="positive", sesoi=1.03, sesoi_reason="test")
    draws = draw_assumptions(spec, np.random.default_rng(4), 6)
    frames = [build_dataset(spec, seed=20 + k, overrides=o).frame for k, o in enumerate(draws)]
    fast = ev.run_batch(frames, spec)
    assert len(fast) == 6 and all("on arrays" in o.judged.method for o in fast)  # the array path really ran
    for frame, quick in zip(frames, fast):
        slow = ev.run(frame, spec)
        a, b = quick.judged, slow.judged
        assert [a.estimate, a.ci_low, a.ci_high] == pytest.approx([b.estimate, b.ci_low, b.ci_high], rel=1e-9, abs=1e-12)
        assert a.se == pytest.approx(b.se, rel=1e-9, abs=0)
        assert judge_outcome(quick, ev) == judge_outcome(slow, ev)
    broken = [frames[0].assign(recurred=0)]  # no events: the array path steps aside and run() says why
    with pytest.raises(Exception, match="recurred: is constant"):
        ev.run_batch(broken, spec)


def test_rate_table_gives_the_raw_row_fit():
    # Poisson coefficients from counts per cell equal those from one row per player-match (sufficient statistics)
    rng = np.random.default_rng(5)
    n = 20_000
    age = rng.uniform(17, 37, n)
    names = ["none", "hamstring", "calf", "quadriceps"]
    hazard = np.stack([np.full(n, 0.9), 0.006 * np.exp(0.06 * (age - 25)), 0.002 * np.exp(0.08 * (age - 25)),
                       np.full(n, 0.002)], axis=1)
    codes = np.array([rng.choice(4, p=h / h.sum()) for h in hazard[:2000]] +
                     list(rng.choice(4, size=n - 2000, p=hazard.mean(axis=0) / hazard.mean(axis=0).sum())))
    bands = [17, 21, 25, 29, 33, 37.01]
    table = rate_table_from_arrays(age, codes, names, bands, NERVE_SUPPLY, "nerve")
    agg = stats.poisson("injuries ~ C(muscle) + age_step + age_step:nerve", table, "exposure")
    step = np.searchsorted(bands, age, side="right") - 1
    long = pd.DataFrame([{"age_step": s, "muscle": m, "nerve": {"hamstring": "L5S1", "calf": "L5S1"}.get(m, "L2L4"),
                          "injuries": int(c == names.index(m)), "exposure": 1.0}
                         for s, c in zip(step, codes) for m in names[1:]])
    raw = stats.poisson("injuries ~ C(muscle) + age_step + age_step:nerve", long, "exposure")
    for a, r in zip(agg, raw):
        assert a.term == r.term
        assert a.estimate == pytest.approx(r.estimate, rel=1e-8, abs=0)
        assert a.se == pytest.approx(r.se, rel=1e-6, abs=0)


def test_rate_table_from_parquet(tmp_path):
    path = tmp_path / "registry.parquet"
    pd.DataFrame({"age": [18.0, 19, 23, 27, 31, 35], "injury": ["none", "hamstring", "none", "calf", "groin", "none"],
                  "other": range(6)}).to_parquet(path)
    table = rate_table_from_parquet(path, [17, 21, 25, 29, 40], NERVE_SUPPLY, "nerve")
    assert table.groupby("age_step")["exposure"].first().tolist() == [2.0, 1.0, 1.0, 2.0]
    assert table.loc[(table.muscle == "hamstring") & (table.age_step == 0), "injuries"].item() == 1


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_results():
    from dask.distributed import LocalCluster

    from analysis.claims.engine import run_claim
    from analysis.claims.model import load_claims
    from analysis.core.parallel import parallel_map

    claims = [c for c in load_claims().values() if c.id in ("stretching-reduces-pain", "sitting-tight-hamstrings")]
    serial = [run_claim(c).verdict for c in claims]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = [r.verdict for r in parallel_map(run_claim, claims, scheduler=cluster.scheduler_address)]
        squares = parallel_map(np.square, [1, 2, 3], scheduler=cluster.scheduler_address)
    assert remote == serial and [int(v) for v in squares] == [1, 4, 9]


def test_unreachable_scheduler_is_a_clear_error():
    from analysis.core.errors import InputError
    from analysis.core.parallel import parallel_map

    with pytest.raises(InputError, match="cannot reach the Dask scheduler"):
        parallel_map(abs, [1], scheduler="tcp://127.0.0.1:1")


def test_power_grid_cli_serial_and_parallel_agree(capsys):
    import json

    from analysis.cli import main

    outputs = []
    for jobs in ("1", "2"):
        with pytest.raises(SystemExit) as info:
            main(["power", "s17-age", "--n", "100", "--n", "300", "--or", "1.1", "--sims", "200", "--jobs", jobs,
                  "--json"])
        assert info.value.code == 0
        outputs.append(json.loads(capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    assert outputs[0][1]["power"] > outputs[0][0]["power"]  # more athletes, more power


def test_the_streamed_registry_counts_what_it_leaves_out_and_adds_batches_up(tmp_path, monkeypatch):
    """Rows are read in batches (here 3 rows each, so batches have different dictionaries); missing ages, ages outside
    the bands and missing injury types are counted, not dropped silently. Expected counts are by hand."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import analysis.datasets.injury_rates as rates

    monkeypatch.setattr(rates, "STREAM_BATCH_ROWS", 3)
    path = tmp_path / "registry.parquet"
    ages = [18.0, None, 23.0, 16.0, 27.0, 45.0, 19.0, 31.0, 21.0]
    injuries = ["none", "hamstring", None, "calf", "calf", "none", "hamstring", "none", "groin"]
    pq.write_table(pa.table({"age": pa.array(ages, pa.float32()), "injury": pa.array(injuries)}), path, row_group_size=3)
    table = rate_table_from_parquet(path, [17, 21, 25, 29, 40], NERVE_SUPPLY, "nerve")
    assert table.attrs["left_out"] == {"no injury type": 1, "age missing or outside the bands": 3}  # None, 16, 45
    exposure = table.groupby("age_step")["exposure"].first().to_dict()
    assert exposure == {0: 2.0, 1: 1.0, 2: 1.0, 3: 1.0}  # 18 and 19; 21; 27; 31 (23 has no injury type)
    cell = table.set_index(["age_step", "muscle"])["injuries"]
    assert cell[(0, "hamstring")] == 1 and cell[(1, "groin")] == 1 and cell[(2, "calf")] == 1
    assert int(table["injuries"].sum()) == 3


def test_a_float32_age_at_an_edge_float32_cannot_hold_is_banded_as_in_float64(tmp_path):
    """37.01 is not a float32: float32(37.01) = 37.0099983 < 37.01, so that age is below the edge in float64, and
    the next float32 up is above it. The streamed reduction compares in the ages' own type and must agree."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    below = np.float32(37.01)
    above = np.nextafter(below, np.float32(np.inf))
    assert float(below) < 37.01 < float(above)
    path = tmp_path / "edge.parquet"
    pq.write_table(pa.table({"age": pa.array([below, above], pa.float32()), "injury": ["hamstring", "calf"]}), path)
    table = rate_table_from_parquet(path, [17, 37.01, 40], NERVE_SUPPLY, "nerve")
    assert table.groupby("age_step")["exposure"].first().to_dict() == {0: 1.0, 1: 1.0}


@pytest.mark.slow
def test_the_registry_reduction_on_a_dask_cluster_gives_the_same_table(tmp_path):
    """The row groups of a registry reduced on a Dask cluster's workers give the table the local threads give."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from dask.distributed import LocalCluster

    rng = np.random.default_rng(3)
    n = 60_000
    path = tmp_path / "registry.parquet"
    injuries = pa.array(rng.choice(["none", "hamstring", "calf", "groin"], n, p=[0.97, 0.015, 0.01, 0.005]))
    pq.write_table(pa.table({"age": rng.uniform(15, 42, n), "injury": injuries}), path, row_group_size=7_000)
    local = rate_table_from_parquet(path, [17, 21, 25, 29, 33, 41], NERVE_SUPPLY, "nerve")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        remote = rate_table_from_parquet(path, [17, 21, 25, 29, 33, 41], NERVE_SUPPLY, "nerve",
                                         scheduler=cluster.scheduler_address)
    assert remote.equals(local) and remote.attrs == local.attrs
    assert local.attrs["left_out"]["age missing or outside the bands"] > 0  # ages 15-17 and 41-42 are counted
