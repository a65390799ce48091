"""Forensics from a paper's own text: every reported test found in running text and recomputed.

Three forms are read, each into a typed record and checked by the project's existing checks (no statistics
are re-implemented here):

- APA-style tests as R's statcheck reads them: ``t(28) = 2.20, p = .06``, ``F(2, 57) = 3.41, p < .05``,
  ``r(48) = -.12, p = .41``, ``χ2(1, N = 120) = 9.90, p = .002`` (also ``chi2``, ``χ²``, ``X2``,
  ``chi-square``), ``z = 1.96, p = .05`` and ``..., ns``; checked by :func:`analysis.checks.statcheck.check`;
- ratios with their CI and p, as medical papers print them: ``OR 2.50, 95% CI 1.25 to 5.00, p = 0.01``,
  ``RR = 1.80 [95% CI 1.20-2.70]``; checked as a published :class:`~analysis.spec.parts.Effect` by
  :func:`analysis.checks.figures.effect.effects_possible` (estimate vs the CI's geometric centre, p vs CI);
- two groups' means and SDs with their n and a p in one sentence (``152.3 (SD 8.1) ... in 30 patients and
  158.9 (SD 7.4) ... in 30 controls, p = 0.002``; also ``mean ± SD``, ``n = 30``): the p range that Student's
  and Welch's t give over the rounding of the printed means and SDs (:func:`scipy.stats.ttest_ind_from_stats`)
  against the printed p (:func:`analysis.spec.parts.base.range_fits_printed_p`).

>>> [f.verdict for f in check_text("as predicted, t(28) = 2.20, p = .06, and r(48) = .45, p = .001.")]
['decision-inconsistent', 'consistent']
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from scipy import stats as sps

from analysis.checks.statcheck import Report, check
from analysis.core.errors import InputError
from analysis.spec.parts.base import printed_significance, range_fits_printed_p
from analysis.stats.granularity import decimals_of

#: The largest text file read (a paper's full text is well under 1 MB).
MAX_BYTES = 5_000_000

_NUM = r"\d*\.?\d+"
_SPELLINGS = [(re.compile(r"(?:χ\s*²|χ\s*2|χ\^2|chi\s*-?\s*squared?\s*(?:²|2)?|chi\s*²|chi\^2|chi2|X\s*²|X2)",
                          re.IGNORECASE), "chi2"),
              (re.compile(r"[−–—]"), "-"), (re.compile("≤"), "<"), (re.compile("≥"), ">"),
              (re.compile(r"\s+"), " ")]
_TEST = re.compile(
    r"(?<![A-Za-z0-9.])(?P<type>t|F|r|chi2|z|Z)\s*"
    r"(?:\(\s*(?P<df1>\d+(?:\.\d+)?)\s*(?:,\s*(?P<df2>\d+(?:\.\d+)?))?\s*(?:,\s*N\s*=\s*\d+)?\s*\))?\s*"
    r"(?P<tcomp>[=<>])\s*(?P<value>-?\s?" + _NUM + r")\s*[,;]\s*"
    r"(?:p\s*(?P<pcomp>[=<>])\s*(?P<p>" + _NUM + r")|(?P<ns>n\.?s\.?)(?![A-Za-z]))")
_RATIO = re.compile(
    r"(?<![A-Za-z])(?P<measure>OR|RR|HR)\s*(?:=|:|of)?\s*(?P<est>" + _NUM + r")\s*[,;(\[]?\s*"
    r"(?:(?P<level>\d{2}(?:\.\d+)?)\s*%\s*(?:CI|confidence interval)\s*[:=,]?\s*)?[(\[]?\s*"
    r"(?P<lo>" + _NUM + r")\s*(?:-|to|,)\s*(?P<hi>" + _NUM + r")\s*[)\]]?"
    r"(?:\s*[)\]]?\s*[;,]\s*p\s*(?P<pcomp>[=<>])\s*(?P<p>" + _NUM + r"))?")
_MEAN_SD = re.compile(r"(?<![\d.])(?P<mean>-?" + _NUM + r")\s*(?:\(\s*(?:SD\s*[=:]?\s*)?(?P<sd>" + _NUM
                      + r")\s*\)|(?:±|\+/-)\s*(?P<sd2>" + _NUM + r"))")
_N = re.compile(r"(?:\bn\s*=\s*|\bin\s+)(?P<n>\d+)\b(?!\s*%|\.\d)")
_P = re.compile(r"(?<![A-Za-z])p\s*(?P<pcomp>[=<>])\s*(?P<p>" + _NUM + r")")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(]|chi2)")


@dataclass(frozen=True)
class TextFinding:
    """One reported figure found in a text, with its check.

    ``kind`` is ``t``, ``F``, ``r``, ``chi2``, ``z``, ``OR``, ``RR``, ``HR`` or ``two means``; ``verdict`` is
    ``consistent``, ``inconsistent``, ``decision-inconsistent`` (an error that flips significance at alpha) or
    ``not checkable`` (the note says why).
    """

    kind: str
    text: str
    sentence: str
    check: str
    recomputed: str
    verdict: str
    note: str = ""
    values: dict | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def normalise(text: str) -> str:
    """One spelling per symbol: chi-square as ``chi2``, minus signs and dashes as ``-``, ``≤`` as ``<``, runs of
    white space (line breaks included) as one space.

    >>> normalise("χ²(1, N = 120) = 9.90,\\n p ≤ .002; r = −.12")
    'chi2(1, N = 120) = 9.90, p < .002; r = -.12'
    """
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(replacement, text)
    return text.strip()


def read_text(path: str | Path) -> str:
    """A text file's contents (``-`` for stdin); an empty, binary, non-UTF-8 or too large file is an
    :class:`InputError` naming it."""
    import sys

    name = "<stdin>" if str(path) == "-" else str(path)
    try:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1) if name == "<stdin>" else _read_head(Path(path))
    except OSError as exc:
        raise InputError(name, "--text", f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise InputError(name, "--text", f"is larger than {MAX_BYTES // 1_000_000} MB; give the paper's text only")
    if b"\x00" in raw:
        raise InputError(name, "--text", "is a binary file, not text (extract a PDF's text first)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, "--text", f"is not UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError(name, "--text", "is empty")
    return text


def _read_head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start offset, sentence) of each sentence in normalised text."""
    out, start = [], 0
    for m in _SENTENCE.finditer(text):
        out.append((start, text[start:m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return out


def _sentence_at(sentences: list[tuple[int, str]], pos: int) -> str:
    return next(s for start, s in reversed(sentences) if start <= pos)


def find_tests(text: str, alpha: float = 0.05) -> list[TextFinding]:
    """The statcheck-style tests in normalised text, each checked as R's statcheck does."""
    out = []
    sentences = _sentences(text)
    for m in _TEST.finditer(text):
        kind = "chi2" if m["type"] == "chi2" else ("z" if m["type"] in ("z", "Z") else m["type"])
        needs = {"t": 1, "r": 1, "chi2": 1, "F": 2, "z": 0}[kind]
        given = (m["df1"] is not None) + (m["df2"] is not None)
        if given != needs:
            continue  # not a test report statcheck reads (e.g. "t = 2.1" without df); not a finding
        df1, df2 = (float(m["df1"]) if m["df1"] else None), (float(m["df2"]) if m["df2"] else None)
        value_text = m["value"].replace(" ", "")
        sentence = _sentence_at(sentences, m.start())
        if m["ns"]:
            p_text, pcomp = f"{alpha:g}", ">"
        else:
            p_text, pcomp = m["p"], m["pcomp"]
        report = Report(kind, df1, df2, float(value_text), decimals_of(value_text), m["tcomp"], pcomp,
                        float(p_text), decimals_of(p_text), m.group(0))
        values = {"df1": df1, "df2": df2, "value": report.value, "p": report.reported_p, "p_comparison": pcomp}
        if m["tcomp"] != "=":
            out.append(TextFinding(kind, m.group(0), sentence, "statcheck", "-", "not checkable",
                                   "the statistic is printed as a bound, not a value", values))
            continue
        r = check(report, alpha)
        note = "'ns' read as p > alpha" if m["ns"] else ""
        out.append(TextFinding(kind, m.group(0), sentence, "statcheck",
                               f"p = {r.computed_p:.4g} (range {r.p_low:.4g} to {r.p_high:.4g} for the statistic's "
                               f"rounding)", r.verdict, note, values | {"computed_p": r.computed_p}))
    return out


class _TextSpec:
    """What a figure check reads of a spec: its id."""

    id = "text"


def find_ratios(text: str, alpha: float = 0.05) -> list[TextFinding]:
    """Odds, risk and hazard ratios printed with a CI (and a p), each checked as a published effect."""
    from analysis.checks.figures.effect import effects_possible
    from analysis.spec.parts import Effect

    out = []
    sentences = _sentences(text)
    for i, m in enumerate(_RATIO.finditer(text)):
        ci_dec = max(decimals_of(m["lo"]), decimals_of(m["hi"]))
        effect = Effect(id=f"text{i + 1}", measure=m["measure"], outcome="(from text)", comparison="(from text)",
                        estimate={"value": float(m["est"]), "source": "abstract", "decimals": decimals_of(m["est"])},
                        ci=(float(m["lo"]), float(m["hi"])), ci_decimals=ci_dec,
                        ci_level=float(m["level"]) / 100 if m["level"] else 0.95, alpha=alpha,
                        **({"p": float(m["p"]), "p_relation": m["pcomp"], "p_decimals": decimals_of(m["p"])}
                           if m["p"] else {}))
        values = {"estimate": effect.estimate.value, "ci": list(effect.ci), "ci_level": effect.ci_level,
                  "p": effect.p, "p_comparison": effect.p_relation if effect.p is not None else None}
        sentence = _sentence_at(sentences, m.start())
        note = "" if m["level"] else "CI level not printed: read as 95%"
        for c in effects_possible([effect], _TextSpec()):
            out.append(TextFinding(m["measure"], m.group(0), sentence, c.check, c.recomputed, c.verdict,
                                   "; ".join(x for x in (c.note, note) if x), values))
    return out


def two_group_p_range(means: tuple[str, str], sds: tuple[str, str], ns: tuple[int, int]) -> dict[str, tuple]:
    """The two-sided p of Student's and Welch's t over every mean and SD the printed (rounded) ones allow.

    The t is monotone in each mean and SD, so its extremes are at the corners of the rounding box.

    >>> r = two_group_p_range(("10.0", "12.0"), ("2.0", "2.0"), (20, 20))
    >>> [round(v, 4) for v in r["Student"]]
    [0.0016, 0.0057]
    """
    boxes = []
    for text in (*means, *sds):
        half = 0.5 * 10 ** -decimals_of(text)
        boxes.append((float(text) - half, float(text) + half))
    corners = np.array(list(itertools.product(*boxes)))
    out = {}
    for name, equal in (("Student", True), ("Welch", False)):
        p = sps.ttest_ind_from_stats(corners[:, 0], np.maximum(corners[:, 2], 1e-12), ns[0], corners[:, 1],
                                     np.maximum(corners[:, 3], 1e-12), ns[1], equal_var=equal).pvalue
        out[name] = (float(np.min(p)), float(np.max(p)))
    return out


def find_two_group_means(text: str, alpha: float = 0.05) -> list[TextFinding]:
    """Sentences giving two groups' mean (SD) with their n and one p: the p against Student's and Welch's t."""
    out = []
    for _, sentence in _sentences(text):
        found = list(_MEAN_SD.finditer(sentence))
        ps = list(_P.finditer(sentence))
        if len(found) != 2 or len(ps) != 1:
            continue
        ns = []
        for j, m in enumerate(found):
            end = found[j + 1].start() if j + 1 < len(found) else ps[0].start()
            n = _N.search(sentence, m.end(), end)
            ns.append(int(n["n"]) if n else None)
        means = (found[0]["mean"], found[1]["mean"])
        sds = tuple(m["sd"] or m["sd2"] for m in found)
        p_text, pcomp = ps[0]["p"], ps[0]["pcomp"]
        values = {"means": [float(v) for v in means], "sds": [float(v) for v in sds], "ns": ns, "p": float(p_text),
                  "p_comparison": pcomp}
        quoted = f"{found[0].group(0)} ... {found[1].group(0)} ... {ps[0].group(0)}"
        if None in ns or min(ns) < 2:
            out.append(TextFinding("two means", quoted, sentence, "two-group t", "-", "not checkable",
                                   "no n printed beside each mean", values))
            continue
        ranges = two_group_p_range(means, sds, tuple(ns))
        places = decimals_of(p_text)
        fitting = [k for k, (lo, hi) in ranges.items() if range_fits_printed_p(lo, hi, float(p_text), pcomp, places)]
        shown = "; ".join(f"{k}: p in [{lo:.3g}, {hi:.3g}]" for k, (lo, hi) in ranges.items())
        if fitting:
            verdict, note = "consistent", "fits " + " and ".join(fitting) + " t"
        else:
            said = printed_significance(float(p_text), pcomp, places, alpha)
            every = [v for lo_hi in ranges.values() for v in lo_hi]
            flips = said is not None and all((v <= alpha) != said for v in every)
            verdict = "decision-inconsistent" if flips else "inconsistent"
            note = "neither Student's nor Welch's t gives the printed p (a non-parametric or adjusted test may)"
        out.append(TextFinding("two means", quoted, sentence, "two-group t", shown, verdict, note, values))
    return out


def check_text(text: str, alpha: float = 0.05) -> list[TextFinding]:
    """Every reported test, ratio with CI and two-group mean (SD) comparison in a text, each checked.

    Parameters
    ----------
    text : str
        A paper's text (plain; line breaks and the common unicode spellings are normalised).
    alpha : float
        The significance level for decision errors.

    Returns
    -------
    list of TextFinding
        In reading order within each form: statcheck-style tests, then ratios, then two-group means.

    Examples
    --------
    >>> f = check_text("Recurrence (OR 2.50, 95% CI 1.25 to 5.00, p = 0.01).")
    >>> [(x.kind, x.check, x.verdict) for x in f]
    [('OR', 'CI vs estimate', 'consistent'), ('OR', 'p from CI', 'consistent')]
    """
    norm = normalise(text)
    return find_tests(norm, alpha) + find_ratios(norm, alpha) + find_two_group_means(norm, alpha)
