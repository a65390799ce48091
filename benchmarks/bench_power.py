"""Power by simulation: 2,000 simulated cohorts (n = 200) with a logistic model of recurrence on age and
previous injury. Peer, in the same run: a loop of statsmodels Logit fits on the same cohorts; both
must give the same power."""

from __future__ import annotations

import numpy as np
import statsmodels
import statsmodels.api as sm
from _table import machine, median_time, row

from analysis.generate.recurrence import recurrence_cohorts, recurrence_power

ARGS = dict(n=200, intercept=-1.5, log_or_age=0.04, log_or_prior=0.9, seed=11)


def run(sims: int = 2000, repeats: int = 5) -> list[dict]:
    ours = median_time(lambda: recurrence_power(sims=sims, **ARGS), repeats)
    result = recurrence_power(sims=sims, **ARGS)

    def loop():
        X, y = recurrence_cohorts(ARGS["n"], ARGS["intercept"], ARGS["log_or_age"], ARGS["log_or_prior"], sims,
                                  ARGS["seed"])
        return np.array([sm.Logit(y[b], X[b]).fit(disp=0).pvalues[2] < 0.05 for b in range(sims)]).mean()

    peer = median_time(loop, repeats=3, warmup=0)
    same = abs(loop() - result["power_prior"]) < 1e-12
    n, k, iterations = ARGS["n"], 3, 6
    limit = machine().limit(bytes_touched=iterations * sims * n * k * 8, flops=iterations * sims * n * k * k * 2)
    return [row(f"power: {sims} cohorts, logistic (age, previous injury)", ours,
                [(f"loop of statsmodels {statsmodels.__version__} Logit fits", peer)],
                "<2 s and >=20x, same power", ours < 2 and peer / ours >= 20 and same,
                f"power (previous injury) {result['power_prior']:.3f} +/- {result['mc_se_prior']:.3f}; "
                f"same as the loop: {same}", limit,
                f"~{iterations} Newton steps, each reading every cohort's {n} x {k} design once and forming X'WX")]

if __name__ == "__main__":
    from _table import print_table

    print_table(run())
