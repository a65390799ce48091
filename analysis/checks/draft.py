"""``studies draft FILE --id S132``: a study spec skeleton from the figures a paper's text prints.

Every value comes from :func:`analysis.checks.text.check_text` (``source: abstract``, its sentence quoted in a
``note`` as provenance); everything the text did not print is the string ``TODO: ...`` (citation, design,
variable names, a test's groups or table, an unprinted group size), so the draft does not load, build or check
until a person replaces each TODO. Nothing is invented: a group size the text implies but does not print (the
df of a t) is said in the TODO, not filled in.

>>> d = draft_spec("Recurrence (OR 2.50, 95% CI 1.25 to 5.00, p = 0.01).", "S999", "paper.txt")
>>> d["effects"][0]["measure"], d["effects"][0]["estimate"], d["effects"][0]["ci"]
('OR', {'value': 2.5, 'source': 'abstract', 'decimals': 2}, [1.25, 5.0])
>>> d["citation"]["authors"]
'TODO: authors as printed'
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from analysis.checks.text import TextFinding, check_text
from analysis.core.errors import InputError

TODO = "TODO"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
_TABLE_TESTS = {"chi2": "chi_square", "z": "z_test"}
_GROUP_TESTS = {"t": "t_test", "F": "anova_f"}


def _printed(text: str) -> list[str]:
    """The numbers in a quoted figure, as printed (trailing zeros kept: their decimals are the precision)."""
    return re.findall(r"-?\d*\.?\d+", text)


def _places(number_text: str) -> int:
    return len(number_text.split(".")[1]) if "." in number_text else 0


def _p_fields(f: TextFinding) -> dict:
    if f.values.get("p") is None:
        return {}
    if "'ns'" in f.note:
        return {"p_relation": "n.s."}
    p_text = re.search(r"p\s*[=<>]\s*(\d*\.?\d+)", f.text)[1]
    return {"p": f.values["p"], "p_relation": f.values["p_comparison"], "p_decimals": _places(p_text)}


def _quote(f: TextFinding) -> str:
    return f"extracted from text, needs review: \"{f.sentence.strip()}\""


def draft_spec(text: str, study_id: str, source_name: str) -> dict:
    """The draft spec (a plain dict, as its YAML) of the figures in ``text``.

    Parameters
    ----------
    text : str
        The paper's text.
    study_id : str
        The new spec's id (a safe file name, as :class:`~analysis.spec.model.StudySpec` requires).
    source_name : str
        The text file's name, recorded in the draft's notes.
    """
    if not _ID.match(study_id):
        raise InputError("studies draft", "--id", f"{study_id!r} is not a study id (letters, digits, _ and -, "
                                                  "starting with a letter or digit, at most 40)")
    findings = check_text(text)
    groups: dict = {}
    variables: dict = {}
    summaries, effects, reported, notes = [], [], [], []
    seen_effects: set[str] = set()
    for i, f in enumerate(findings, 1):
        if f.kind in ("OR", "RR", "HR"):
            if f.text in seen_effects:  # one effect, two checks (CI vs estimate, p from CI)
                continue
            seen_effects.add(f.text)
            est_text, lo_text, hi_text = _effect_numbers(f)
            effects.append({"id": f"e{len(effects) + 1}", "measure": f.kind, "outcome": f"{TODO}: outcome",
                            "comparison": f"{TODO}: exposed vs unexposed, as the paper defines them",
                            "estimate": {"value": float(est_text), "source": "abstract", "decimals": _places(est_text)},
                            "ci": [float(lo_text), float(hi_text)], "ci_decimals": max(_places(lo_text), _places(hi_text)),
                            "ci_level": f.values["ci_level"], **_p_fields(f), "note": _quote(f)})
        elif f.kind == "r":
            r_text = _printed(f.text)[1]
            df = f.values["df1"] if f.values["df1"] is not None else f.values["df2"]
            effects.append({"id": f"e{len(effects) + 1}", "measure": "r", "outcome": f"{TODO}: second variable",
                            "comparison": f"{TODO}: first variable",
                            "estimate": {"value": float(r_text), "source": "abstract", "decimals": _places(r_text)},
                            "n": int(df) + 2, **_p_fields(f),
                            "note": _quote(f) + f"; n = df + 2 = {int(df) + 2} from the printed r({df:g})"})
        elif f.kind in _GROUP_TESTS or f.kind in _TABLE_TESTS:
            value_text = f.text.split("=", 1)[1].split(",")[0].strip() if f.values["df1"] is None and f.kind == "z" \
                else re.split(r"\)\s*[=<>]\s*", f.text, maxsplit=1)[1].split(",")[0].split(";")[0].strip()
            entry = {"kind": _GROUP_TESTS.get(f.kind) or _TABLE_TESTS[f.kind], "value": float(value_text),
                     "decimals": _places(value_text), "source": "abstract", **_p_fields(f)}
            dfs = [d for d in (f.values["df1"], f.values["df2"]) if d is not None]
            if f.kind == "t":
                entry |= {"df": dfs[0], "variable": f"{TODO}: variable id", "groups": [f"{TODO}: group a",
                                                                                       f"{TODO}: group b"]}
                notes.append(f"{TODO}: reported_tests[{len(reported)}] t({dfs[0]:g}): the groups' sizes are not "
                             f"printed beside it; df = {dfs[0]:g} implies n1 + n2 = {dfs[0] + 2:g} for Student's t "
                             "(not for Welch's); enter them as reported or as assumptions with a range and reason")
            elif f.kind == "F":
                entry |= {"variable": f"{TODO}: variable id",
                          "groups": [f"{TODO}: group {k + 1}" for k in range(int(dfs[0]) + 1)]}
            else:
                entry["table"] = f"{TODO}: the contingency table's id (its counts are not in the text)"
            entry["note"] = _quote(f)
            reported.append(entry)
        elif f.kind == "two means":
            v = f"{TODO}_variable_{len(summaries) // 2 + 1}"
            variables[v] = {"label": f"{TODO}: what was measured", "unit": f"{TODO}: unit"}
            gids = []
            for k, (mean, sd, n) in enumerate(zip(f.values["means"], f.values["sds"], f.values["ns"])):
                gid = f"{TODO}_group_{len(groups) + 1}"
                gids.append(gid)
                groups[gid] = {"label": f"{TODO}: group label",
                               "n": {"value": n, "source": "abstract"} if n is not None else
                               {"assume": TODO, "range": [], "reason": f"{TODO}: n not printed"}}
                mean_text, sd_text = _printed(f.text.split("...")[k])[:2]
                summaries.append({"group": gid, "variable": v,
                                  "mean": {"value": mean, "source": "abstract", "decimals": _places(mean_text)},
                                  "sd": {"value": sd, "source": "abstract", "decimals": _places(sd_text)}})
            notes.append(f"{TODO}: the test behind the {' vs '.join(gids)} comparison ({f.text.split('...')[-1].strip()})"
                         " is not named in the text; add it to reported_tests once known. " + _quote(f))
    return {
        "id": study_id,
        "short": f"{TODO}: first author et al. year",
        "title": f"{TODO}: title as printed",
        "citation": {"authors": f"{TODO}: authors as printed", "year": f"{TODO}: year", "journal": f"{TODO}: journal"},
        "design": f"{TODO}: one of cross-sectional, case-control, cohort, case-series, rct, surveillance, "
                  "meta-analysis, review",
        "population": f"{TODO}: who was studied",
        "groups": groups, "variables": variables, "summaries": summaries, "reported_tests": reported,
        "effects": effects,
        "dataset_reason": f"{TODO}: a draft from text builds no dataset until its groups, variables and "
                          "assumptions are decided; delete this line when they are",
        "notes": [f"DRAFT from the text of {source_name}: {len(findings)} checks of the figures found "
                  "(hamstring-evidence check --text). Every value was extracted from the text and needs review "
                  "against the paper; nothing here was invented, and every TODO must be decided by a person."]
                 + notes,
    }


def _effect_numbers(f: TextFinding) -> list[str]:
    """Estimate and CI limits as printed, skipping the CI level ("95% CI")."""
    after = f.text.split(f.kind, 1)[1]
    after = re.sub(r"\d{2}(?:\.\d+)?\s*%", " ", after)
    return _printed(after)[:3]


def write_draft(text: str, study_id: str, source_name: str, out: Path, existing_ids: set[str]) -> dict:
    """Write the draft to ``out``; an id already in the registry or an existing ``out`` is refused (nothing
    written)."""
    if study_id in existing_ids:
        raise InputError("studies draft", "--id", f"study {study_id!r} already has a spec; choose a new id")
    draft = draft_spec(text, study_id, source_name)
    if out.exists():
        raise InputError(out, "--out", "exists; a draft never overwrites a file")
    header = ("# DRAFT study spec from a paper's text (hamstring-evidence studies draft). Every value was extracted\n"
              "# from the text and needs review; replace every TODO, then move it into data/studies/.\n")
    body = yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=110)
    with out.open("x", encoding="utf-8") as fh:  # "x": never overwrite, even if the file appeared meanwhile
        fh.write(header + body)
    return draft
