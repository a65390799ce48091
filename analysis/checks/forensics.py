"""Run every forensic check that a study spec's published figures allow.

Each check says what was checked, the published figure, the recomputed one, and a verdict:
``consistent``, ``inconsistent``, ``decision-inconsistent`` (significance flips at alpha) or
``not checkable`` (and why).

Examples
--------
>>> from analysis.spec.model import load_study
>>> checks = forensic_checks(load_study("S6"))
>>> [(c.check, c.verdict) for c in checks if c.check == "statcheck"]
[('statcheck', 'consistent')]
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from fractions import Fraction

import numpy as np
from scipy import stats as sps

from analysis import stats
from analysis.checks.statcheck import Report, check
from analysis.spec.model import StudySpec
from analysis.stats.granularity import decimals_of, grim, grimmer, max_sd, rounds_to

VERDICTS = ("consistent", "inconsistent", "decision-inconsistent", "not checkable")


@dataclass(frozen=True)
class ForensicCheck:
    """One check of one published figure."""

    study_id: str
    check: str
    what: str
    published: str
    recomputed: str
    verdict: str
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _v(ok: bool) -> str:
    return "consistent" if ok else "inconsistent"


def _summary_checks(spec: StudySpec) -> list[ForensicCheck]:
    out = []
    continuous = []
    for s in spec.summaries:
        if s.mean is None or s.mean.is_assumption:
            continue
        var, n = spec.variables[s.variable], spec.n(s.group)
        what = f"{s.variable} in {s.group} (n = {n})"
        mean_text = f"{s.mean.value:.{s.mean.precision}f}"
        sd_known = s.sd is not None and not s.sd.is_assumption
        sd_text = f"{s.sd.value:.{s.sd.precision}f}" if sd_known else None
        if var.bounds is not None:
            lo, hi = var.bounds
            ok = lo <= s.mean.value <= hi
            limit = max_sd(s.mean.value, lo, hi, n)
            if sd_known:
                ok = ok and s.sd.value <= limit + 0.5 * 10 ** -s.sd.precision
            out.append(ForensicCheck(spec.id, "bounds", what, f"mean {mean_text}" + (f", SD {sd_text}" if sd_known else "")
                                     + f" on [{lo:g}, {hi:g}]", f"largest possible SD {limit:.2f}", _v(ok)))
        if var.integer and (var.step or 1) == 1:
            out.append(ForensicCheck(spec.id, "GRIM", what, f"mean {mean_text}", f"multiples of 1/{n}",
                                     _v(grim(mean_text, n)), "whole-number responses, one item"))
            if sd_known:
                out.append(ForensicCheck(spec.id, "GRIMMER", what, f"mean {mean_text}, SD {sd_text}",
                                         "sum of squares with the parity of the total", _v(grimmer(mean_text, sd_text, n))))
        elif not var.integer:
            continuous.append(s.variable)
    if continuous:
        out.append(ForensicCheck(spec.id, "GRIM", ", ".join(sorted(set(continuous))), "means", "-", "not checkable",
                                 "continuous measures: no granularity to check"))
    if spec.cohort is not None:
        for name, cov in spec.cohort.covariates.items():
            if cov.mean is not None and not cov.mean.is_assumption and cov.bounds is not None:
                lo, hi = cov.bounds
                out.append(ForensicCheck(spec.id, "bounds", f"{name} (n = {spec.n(spec.cohort.group)})",
                                         f"mean {cov.mean.value:g} on [{lo:g}, {hi:g}]", "mean inside the range",
                                         _v(lo <= cov.mean.value <= hi)))
    return out


def _table_checks(spec: StudySpec) -> list[ForensicCheck]:
    out = []
    tables = {t.id: t for t in spec.tables}
    for t in spec.tables:
        if len(spec.groups) == 1:
            (gid, g), = spec.groups.items()
            out.append(ForensicCheck(spec.id, "table total", f"table {t.id}", f"n = {spec.n(gid)}",
                                     f"cells add to {t.total}", _v(t.total == spec.n(gid))))
    for rt in spec.reported_tests:
        d = rt.decimals if rt.decimals is not None else 2
        if rt.kind == "mann_whitney_u":
            n1, n2 = spec.n(rt.groups[0]), spec.n(rt.groups[1])
            out.append(ForensicCheck(spec.id, "range", f"Mann-Whitney U of {rt.variable}", f"U = {rt.value:.{d}f}",
                                     f"0 <= U <= {n1 * n2 / 2:g} (n = {n1}, {n2})",
                                     _v(0 <= rt.value <= n1 * n2 / 2 and (2 * rt.value) % 1 == 0),
                                     "the p value is not reported, so it cannot be recomputed"))
            continue
        t = tables[rt.table]
        (a, b), (c, dd) = t.counts
        if rt.kind == "chi_square":
            e = stats.chi_square(a, a + b, c, c + dd, correction=rt.correction)
            out.append(ForensicCheck(spec.id, "recomputed", f"chi-square of table {t.id}", f"{rt.value:.{d}f}",
                                     f"{e.statistic:.{d}f}" + (" (Yates)" if rt.correction else " (no correction)"),
                                     _v(round(e.statistic, d) == round(rt.value, d))))
            if rt.p is not None:
                pd_ = rt.p_decimals if rt.p_decimals is not None else 4
                report = Report("chi2", 1.0, None, rt.value, d, "=", "=", rt.p, pd_,
                                f"chi2(1) = {rt.value:.{d}f}, p = {rt.p}")
                sc = check(report)
                out.append(ForensicCheck(spec.id, "statcheck", report.text, f"p = {rt.p}",
                                         f"p in [{sc.p_low:.2g}, {sc.p_high:.2g}]",
                                         "decision-inconsistent" if sc.decision_error else _v(not sc.error)))
        elif rt.kind == "fisher_p":
            p = stats.fisher_exact(a, a + b, c, c + dd).p
            out.append(ForensicCheck(spec.id, "recomputed", f"Fisher exact p of table {t.id}", f"{rt.value:.{d}f}",
                                     f"{p:.{d + 2}f}", _v(rounds_to(Fraction(p), rt.value, d))))
        elif rt.kind == "risk_ratio":
            e = stats.risk_ratio(a, a + b, c, c + dd)
            ok = rounds_to(Fraction(e.estimate), rt.value, d)
            published = f"{rt.value:.{d}f}"
            if rt.ci is not None:
                ok = ok and rounds_to(Fraction(e.ci_low), rt.ci[0], d) and rounds_to(Fraction(e.ci_high), rt.ci[1], d)
                published += f" ({rt.ci[0]:.{d}f}-{rt.ci[1]:.{d}f})"
            out.append(ForensicCheck(spec.id, "recomputed", f"risk ratio and CI of table {t.id}", published,
                                     f"{e.estimate:.{d + 2}f} ({e.ci_low:.{d + 2}f}-{e.ci_high:.{d + 2}f}), Katz",
                                     _v(ok)))
    return out


def _effect_checks(spec: StudySpec) -> list[ForensicCheck]:
    out = []
    for e in spec.effects:
        what = f"{e.measure} {e.comparison} -> {e.outcome}"
        if e.ci is None:
            if e.p is not None:
                out.append(ForensicCheck(spec.id, "CI vs estimate", what, f"{e.estimate.point:g}, p {e.p_relation} {e.p:g}",
                                         "-", "not checkable", "no CI published"))
            continue
        ratio = e.measure in ("OR", "RR", "HR")
        f = math.log if ratio else (lambda v: v)
        dec = max(decimals_of(e.ci[0]), decimals_of(e.ci[1]))
        half = 0.5 * 10 ** -dec
        lo_lims = [f(max(e.ci[0] - half, 1e-12)), f(e.ci[0] + half)]
        hi_lims = [f(e.ci[1] - half), f(e.ci[1] + half)]
        mids = [(lo_lims[0] + hi_lims[0]) / 2, (lo_lims[1] + hi_lims[1]) / 2]
        est_half = 0.5 * 10 ** -decimals_of(e.estimate.point)
        est_range = [f(max(e.estimate.point - est_half, 1e-12)), f(e.estimate.point + est_half)]
        ok = est_range[0] <= mids[1] and mids[0] <= est_range[1]
        centre = (f(e.ci[0]) + f(e.ci[1])) / 2
        shown = math.exp(centre) if ratio else centre
        out.append(ForensicCheck(spec.id, "CI vs estimate", what,
                                 f"{e.estimate.point:g} ({e.ci[0]:g}-{e.ci[1]:g})",
                                 f"{'geometric' if ratio else 'arithmetic'} centre of the CI {shown:.3g}", _v(ok),
                                 "a Wald interval is symmetric around the estimate"
                                 + (" on the log scale" if ratio else "")))
        if e.p is not None:
            z = sps.norm.ppf(0.5 + e.ci_level / 2)
            se_range = [(hi_lims[0] - lo_lims[1]) / (2 * z), (hi_lims[1] - lo_lims[0]) / (2 * z)]
            ps = [2 * sps.norm.sf(abs(centre) / s) for s in se_range]
            p_low, p_high = min(ps), max(ps)
            pd_ = decimals_of(e.p)
            if e.p_relation == "=":
                error = e.p > round(p_high, pd_) or e.p < round(p_low, pd_)
            elif e.p_relation == "<":
                error = e.p < p_low
            else:
                error = e.p > p_high
            flips = (e.p <= 0.05) != ((p_low + p_high) / 2 <= 0.05)
            verdict = "decision-inconsistent" if error and flips else _v(not error)
            out.append(ForensicCheck(spec.id, "p from CI", what, f"p {e.p_relation} {e.p:g}",
                                     f"p in [{p_low:.3g}, {p_high:.3g}] from the CI", verdict,
                                     "Wald reading (normal approximation), allowing for the rounding of the CI limits; "
                                     "a likelihood-ratio or exact p can differ"))
    return out


def _proportion_checks(spec: StudySpec) -> list[ForensicCheck]:
    out = []
    for p in spec.proportions:
        d = p.decimals if p.decimals is not None else decimals_of(p.percent)
        exact = Fraction(100 * p.count, p.of)
        ok = rounds_to(exact, p.percent, d)
        note = ""
        if not ok:
            truncated = math.floor(float(exact) * 10**d) / 10**d
            note = "matches truncation, not rounding" if abs(truncated - p.percent) < 1e-9 else ""
        out.append(ForensicCheck(spec.id, "percentage", p.what, f"{p.percent:.{d}f}%",
                                 f"{p.count}/{p.of} = {float(exact):.{d + 2}f}%", _v(ok), note))
    return out


def _correlation_checks(spec: StudySpec) -> list[ForensicCheck]:
    out = []
    for group in spec.groups:
        reported = [c for c in spec.correlations if c.group == group and not c.r.is_assumption]
        names = sorted({v for c in reported for v in (c.x, c.y)})
        if len(names) >= 3 and len(reported) == len(names) * (len(names) - 1) // 2:
            R = np.eye(len(names))
            for c in reported:
                i, j = names.index(c.x), names.index(c.y)
                R[i, j] = R[j, i] = c.r.value
            smallest = float(np.linalg.eigvalsh(R)[0])
            out.append(ForensicCheck(spec.id, "correlation matrix", f"{len(names)} variables in {group}",
                                     "reported r values", f"smallest eigenvalue {smallest:.3g}", _v(smallest >= -1e-9),
                                     "a correlation matrix must be positive semi-definite"))
        elif spec.correlations and any(c.group == group for c in spec.correlations) and not reported:
            out.append(ForensicCheck(spec.id, "correlation matrix", f"correlations in {group}", "signs / p values only",
                                     "-", "not checkable", "no r values are published"))
    return out


def forensic_checks(spec: StudySpec) -> list[ForensicCheck]:
    """Every check the spec's published figures allow, in a stable order."""
    out = (_summary_checks(spec) + _table_checks(spec) + _effect_checks(spec) + _proportion_checks(spec)
           + _correlation_checks(spec))
    for cat in spec.categoricals:
        reported = [q for q in cat.counts.values() if not q.is_assumption]
        if len(reported) == len(cat.counts):
            total = sum(q.value for q in reported)
            out.append(ForensicCheck(spec.id, "counts", f"{cat.variable} in {cat.group}",
                                     f"n = {spec.n(cat.group)}", f"counts add to {total:g}",
                                     _v(total == spec.n(cat.group))))
    if not out:
        out.append(ForensicCheck(spec.id, "-", "published figures", "-", "-", "not checkable",
                                 "no published figure allows a consistency check"))
    return out
