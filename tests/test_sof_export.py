"""The summary-of-findings export (issue #32, item 4): one row per claim outcome, as CSV, Excel and Markdown, read
back by the programs' own libraries; errors are one line with exit 2 and leave an existing file as it was."""

from __future__ import annotations

import math

import openpyxl
import pandas as pd
import pytest

from analysis.claims.cached import cached_run_claim
from analysis.claims.model import load_claim
from analysis.cli import main
from analysis.report.sof_export import COLUMNS, sof_frame

CLAIMS = ["hamstring-stiffness-lbp", "cortisone-injection", "unilateral-tightness-scoliosis"]


def run(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


@pytest.fixture(scope="module")
def results():
    return [cached_run_claim(load_claim(c), ensemble_draws=4)[0] for c in CLAIMS]


def test_one_row_per_outcome_with_the_effect_on_its_natural_scale(results):
    frame = sof_frame(results)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == sum(len(r.outcomes) or 1 for r in results)
    for result in results:
        for row in result.outcomes:
            got = frame[(frame.claim_id == result.claim.id) & (frame.outcome == row.decl.outcome)].iloc[0]
            assert got.certainty == (row.grade.certainty if row.grade else "not assessed")
            assert got.statement == row.statement
            e = row.effect or {}
            if e.get("estimate") is not None:  # a ratio is printed as a ratio (exp of its log), as the page does
                back = math.exp if e["ratio"] else float
                assert got.estimate == pytest.approx(back(e["estimate"]), rel=1e-12, abs=0)
                assert (got.ci_low, got.ci_high) == pytest.approx((back(e["ci"][0]), back(e["ci"][1])), rel=1e-12)
            for step in (row.grade.downgrades if row.grade else ()):
                assert f"{step.domain} (-{step.levels}): {step.reason}" in got.downgrades
    ratios = frame[frame.measure.isin(["RR", "OR", "HR"]) & frame.estimate.notna()]
    assert len(ratios) and (ratios.estimate > 0).all()


def test_csv_xlsx_and_markdown_are_written_and_read_back(capsys, tmp_path):
    written = {}
    for suffix in (".csv", ".xlsx", ".md"):
        path = tmp_path / f"sof{suffix}"
        code, out, _ = run(capsys, "claims", "sof", *CLAIMS, "--out", str(path))
        assert code == 0 and f"wrote {path}" in out
        written[suffix] = path
    csv = pd.read_csv(written[".csv"])
    assert list(csv.columns) == COLUMNS and set(csv.claim_id) == set(CLAIMS)
    sheet = openpyxl.load_workbook(written[".xlsx"]).active
    assert sheet.title == "Summary of findings"
    assert [c.value for c in sheet[1]] == COLUMNS and sheet.max_row == len(csv) + 1
    assert [c.value for c in sheet["A"][1:]] == csv.claim_id.tolist()
    md = written[".md"].read_text().splitlines()
    assert len(md) == len(csv) + 2 and md[0].startswith("| claim_id") and set(md[1]) <= set("|:- ")
    assert all(line.count("|") - line.count("\\|") == len(COLUMNS) + 1 for line in md)  # no cell breaks the table


@pytest.mark.parametrize("argv, field", [
    (["claims", "sof", "--out", "{dir}/sof.txt"], "--out"),
    (["claims", "sof", "no-such-claim", "--out", "{dir}/sof.csv"], "CLAIM_IDS"),
    (["claims", "sof", CLAIMS[0], "--out", "{dir}/missing/sof.csv"], "--out"),
])
def test_a_bad_request_is_one_line_exit_2_and_leaves_files_alone(capsys, tmp_path, argv, field):
    kept = tmp_path / "sof.csv"
    kept.write_text("a file of the user's\n")
    code, out, err = run(capsys, *[a.format(dir=tmp_path) for a in argv])
    assert code == 2 and f": {field}: " in err and len(err.strip().splitlines()) == 1
    assert kept.read_text() == "a file of the user's\n" and sorted(p.name for p in tmp_path.iterdir()) == ["sof.csv"]
