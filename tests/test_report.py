"""Reports: complete, self-contained, escaped, byte-identical and atomic."""

import html
import re
from pathlib import Path

import pytest
import yaml

from analysis.report import build as report_module
from analysis.report.build import build_reports

CLAIM = "hamstring-stiffness-lbp"


SMALL = ["00-hamstring-stiffness-lbp.yaml", "07-clbp-less-flexible.yaml", "14-autopsy-ligament-hypertrophy.yaml"]


@pytest.fixture(scope="module")
def small_data(tmp_path_factory):
    """A copy of data/ with three claims (one per kind of page), so structural checks build quickly."""
    import shutil

    from analysis.core.paths import REPO_ROOT

    target = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(REPO_ROOT / "data", target, ignore=shutil.ignore_patterns("generated"))
    for path in (target / "claims").glob("*.yaml"):
        if path.name not in SMALL:
            path.unlink()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HAMSTRING_EVIDENCE_DATA", str(target))
        yield target


@pytest.fixture(scope="module")
def built(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("r") / "reports"
    build_reports(out, ensemble_draws=10)
    return out


def test_index_and_claim_pages_exist(built):
    from analysis.claims.model import load_claims

    assert sorted(p.name for p in built.iterdir()) == sorted([f"{c}.html" for c in load_claims()] + ["index.html"])
    assert len(load_claims()) == 3
    index = (built / "index.html").read_text()
    assert f'href="{CLAIM}.html"' in index
    assert "The evidence is very uncertain about the" in index and "certainty: very low" in index
    # the headline claim is causal and only prospective cohorts support it: an association, drawn without a tick
    badge = re.search(rf'href="{CLAIM}.html".*?<span class="verdict ([^"]*)">([^<]*)</span>', index, re.S)
    assert badge and "association-only" in badge.group(1).split() and "causation not established" in badge.group(2)
    css = (Path(report_module.__file__).parent / "templates" / "style.css").read_text()
    assert ".verdict.association-only::before { content: none; }" in css
    page = (built / f"{CLAIM}.html").read_text()
    for needed in ["Hypothesis and how the verdict is reached", "What the paper published", "What the paper did not report",
                   "Limits of this design", "Provenance", "synthetic", "Fisher z", "noncentral t inversion",
                   "hamstring-evidence report --claim hamstring-stiffness-lbp", "31.63", "8.34", "14.30", "81.00"]:
        assert needed in page, needed


def test_index_text_reads_as_sentences(built):
    text = re.sub(r"<[^>]+>", " ", (built / "index.html").read_text())
    assert not re.search(r"\w\.\.(\s|$)", text)  # a reason ending in "." must not get a second full stop
    assert re.search(r"what study would\s+No autopsy or cadaver study", text)  # a not-assessed reason, one click away
    assert "5 studies (S1, S2, S7, S28, S29; case-control, cohort, cross-sectional, review), 6 tests." in text
    assert "test(s)" not in text
    assert "1 studies" not in text and "1 tests" not in text


def test_pages_are_self_contained(built):
    for page in built.glob("*.html"):
        html = page.read_text()
        assert "<script" not in html
        assert not re.search(r'src="(https?:)?//', html), page.name  # nothing is loaded from the network
        links = re.findall(r'href="((?:https?:)?//[^"]+)"', html)  # plain anchors a reader may follow
        assert all(re.match(r"https://(doi\.org|pubmed\.ncbi\.nlm\.nih\.gov|pmc\.ncbi\.nlm\.nih\.gov)/", u)
                   for u in links), (page.name, links)
        assert "@import" not in html and "<style>" in html
    for name in ("index.html", f"{CLAIM}.html"):
        assert "<svg" in (built / name).read_text()  # figures are inline SVG
    assert "<svg" not in (built / "autopsy-ligament-hypertrophy.html").read_text()  # nothing to plot


def test_regeneration_is_byte_identical(built, tmp_path):
    again = tmp_path / "again"
    build_reports(again, ensemble_draws=10)
    for page in built.glob("*.html"):
        assert (again / page.name).read_bytes() == page.read_bytes(), page.name


def test_failed_regeneration_leaves_previous_reports(built, tmp_path, monkeypatch):
    out = tmp_path / "reports"
    build_reports(out, ensemble_draws=2)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*args, **kwargs):
        raise RuntimeError("interrupted")

    monkeypatch.setattr(report_module, "forest_rows", boom)
    with pytest.raises(RuntimeError):
        build_reports(out, ensemble_draws=2)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # staging cleaned up


def test_text_from_claims_is_escaped(small_data, tmp_path):
    path = next((small_data / "claims").glob(f"*{CLAIM}.yaml"))
    original = path.read_text()
    claim = yaml.safe_load(path.read_text())
    claim["title"] = "<script>alert(1)</script>"
    claim["post"]["quote"] = "<img src=x onerror=alert(1)>"
    path.write_text(yaml.safe_dump(claim))
    out = tmp_path / "reports"
    try:
        build_reports(out, ensemble_draws=2)
        for page in out.glob("*.html"):
            html = page.read_text()
            assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in (out / f"{CLAIM}.html").read_text()
    finally:
        path.write_text(original)


def test_unsafe_claim_id_cannot_name_a_file(isolated_data, tmp_path):
    path = next((isolated_data / "claims").glob(f"*{CLAIM}.yaml"))
    claim = yaml.safe_load(path.read_text())
    claim["id"] = "../../escape"
    path.write_text(yaml.safe_dump(claim))
    with pytest.raises(Exception, match="cannot name a report file"):
        build_reports(tmp_path / "reports", ensemble_draws=2)
    assert not (tmp_path.parent / "escape.html").exists()


def test_committed_reports_are_what_the_code_produces(tmp_path, monkeypatch):
    monkeypatch.delenv("HAMSTRING_EVIDENCE_DATA", raising=False)  # the repository's own data, not a test copy
    committed = Path(__file__).resolve().parent.parent / "reports"
    fresh = tmp_path / "reports"
    build_reports(fresh)
    names = sorted(p.name for p in fresh.glob("*.html"))
    assert names == sorted(p.name for p in committed.glob("*.html")), "run `make report` and commit reports/"
    for name in names:
        assert (committed / name).read_bytes() == (fresh / name).read_bytes(), f"reports/{name} is stale: run `make report`"


def test_meta_forest_is_deterministic_svg():
    import numpy as np

    from analysis import figures, stats

    yi, vi = np.log([2.7, 4.8, 1.7]), [0.04, 0.09, 0.05]
    pooled = stats.meta_analysis(yi, vi, method="REML")
    svg = figures.meta_forest(["A", "B", "C"], yi, vi, pooled, scale="RR", back_transform=np.exp)
    assert svg.startswith('<svg class="figure"') and "Pooled" in svg
    assert svg == figures.meta_forest(["A", "B", "C"], yi, vi, pooled, scale="RR", back_transform=np.exp)


def test_each_page_offers_its_results_as_csv_and_a_glossary(built):
    """The download link decodes (offline, a data: URI) to the analyze --json results: same rows, same columns
    (nested fields such as extra left out), same numbers."""
    import html as html_lib
    import io
    import json
    import urllib.parse

    import pandas as pd

    from analysis.claims.engine import run_claim
    from analysis.claims.model import load_claims

    page = (built / f"{CLAIM}.html").read_text()
    uri = html_lib.unescape(re.search(r'href="(data:text/csv[^"]+)" download="', page).group(1))
    table = pd.read_csv(io.StringIO(urllib.parse.unquote(uri.split(",", 1)[1])))
    records = json.loads(json.dumps(run_claim(load_claims()[CLAIM], ensemble_draws=10).to_json_dict()["results"]))
    assert len(table) == len(records)
    assert set(table.columns) == {k for k, v in records[0].items() if not isinstance(v, (dict, list))}
    # written with 6 significant digits (%.6g, so that CPU rounding noise never reaches the page): half a unit of
    # the 6th digit is at most 5e-6 relative
    assert table["estimate"].tolist() == pytest.approx([r["estimate"] for r in records], rel=5e-6, abs=0)
    assert "Terms used on this page" in page and "<dt>SESOI</dt>" in page


def test_figures_from_reconstructions_say_so_inside_the_figure(built):
    """Every figure of a test run on a synthetic reconstruction carries the words inside the SVG itself."""
    page = (built / f"{CLAIM}.html").read_text()
    studies = re.split(r'<details class="study">', page)[1:]
    for block in studies:
        synthetic = "synthetic reconstruction</span>" in block.split("</summary>")[0]
        for svg in re.findall(r"<svg.*?</svg>", block, flags=re.S):
            assert ('class="synthetic-mark"' in svg) == synthetic
    index = (built / "index.html").read_text()
    assert "filled squares rest on published figures" in index


def test_a_pooled_forest_plot_labels_ratios_plainly_and_draws_its_prediction_interval():
    """A ratio axis is labelled "1", "2", "0.5" (never "1x10^0"); the pooled diamond is neutral (the verdict has its
    own colour) and the 95% prediction interval is drawn when the pooled estimate has one."""
    import numpy as np

    from analysis import figures
    from analysis.stats import meta_analysis

    est = meta_analysis([0.2, 0.5, 0.4], [0.04, 0.05, 0.03], method="REML", labels=["a", "b", "c"])
    svg = figures.meta_forest(["a", "b", "c"], [0.2, 0.5, 0.4], [0.04, 0.05, 0.03], est, scale="OR",
                              back_transform=np.exp)
    assert "10^" not in svg and "times 10" not in svg and "#b2182b" not in svg
    assert "95% prediction interval" in svg


KERNEL_CLAIMS = ["00-hamstring-stiffness-lbp.yaml", "01-older-athletes-more-strains.yaml",
                 "07-clbp-less-flexible.yaml", "09-tilt-lordosis-mechanism.yaml"]


@pytest.mark.slow
def test_reports_are_byte_identical_across_blas_kernels_and_thread_counts(tmp_path):
    """The same pages whatever the CPU's floating-point kernels: OpenBLAS forced to a generic SSE3 kernel
    (Prescott) with one thread, and to AVX2 (Haswell) with two. Before the datasets were rounded to 6 decimals and the
    SVGs to 0.01 px, 7 of 29 pages differed between these two kernels (dataset hashes, coordinates, clip ids)."""
    import os
    import shutil
    import subprocess
    import sys

    from analysis.core.paths import REPO_ROOT

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data", data, ignore=shutil.ignore_patterns("generated", "examples", "real"))
    for path in (data / "claims").glob("*.yaml"):
        if path.name not in KERNEL_CLAIMS:
            path.unlink()
    runs = {"Prescott-1": ("Prescott", "1"), "Haswell-2": ("Haswell", "2")}  # kernel and thread count both differ
    pages = {}
    for name, (core, threads) in runs.items():
        env = dict(os.environ, HAMSTRING_EVIDENCE_DATA=str(data), HAMSTRING_EVIDENCE_CACHE="off",
                   OPENBLAS_CORETYPE=core, OPENBLAS_NUM_THREADS=threads, PYTHONPATH=str(REPO_ROOT))
        subprocess.run([sys.executable, "-m", "analysis", "report", "--out", str(tmp_path / name)], env=env,
                       check=True, capture_output=True)
        pages[name] = {p.name: p.read_bytes() for p in (tmp_path / name).glob("*.html")}
    assert len(pages["Prescott-1"]) == len(KERNEL_CLAIMS) + 1
    for name in runs:
        different = [p for p in pages["Prescott-1"] if pages[name][p] != pages["Prescott-1"][p]]
        assert different == [], f"{name}: {different}"


def test_jargon_is_explained_where_it_is_printed(built):
    """Abbreviations in verdict reasons and result sentences carry their glossary definition (<abbr title>)."""
    from analysis.report.glossary import ABBREVIATIONS

    page = (built / f"{CLAIM}.html").read_text()
    assert '<abbr title="' + ABBREVIATIONS["SESOI"].replace("'", "&#39;") + '">SESOI</abbr>' in page
    assert ">Hedges&#39; g</abbr>" in page
    for svg in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        assert "<abbr" not in svg


def test_the_committed_index_keeps_untestable_claims_to_a_short_row_each():
    """45 claims made the index 12 screens long at 1280 px: a claim no evidence can test is now a one-line row
    (number, linked title, verdict) with its reason one click away; still one row per claim (#17)."""
    import yaml

    from analysis.core.paths import REPO_ROOT

    index = (REPO_ROOT / "reports" / "index.html").read_text()
    claims = [yaml.safe_load(p.read_text()) for p in sorted((REPO_ROOT / "data" / "claims").glob("*.yaml"))]
    untestable = [c["id"] for c in claims
                  if (c.get("not_testable_reason") or c.get("not_assessed_reason")) and not c.get("evidence")]
    rows = re.findall(r'<tr class="untestable-row">.*?</tr>', index, flags=re.S)
    # a claim with evidence that counts nowhere (claim 2: only assumed values) is "not assessed" too (#29): its row
    # is short as well, and says so with its badge
    extra = [row for row in rows if not any(f'href="{c}.html"' in row for c in untestable)]
    assert untestable and len(rows) == len(untestable) + len(extra)
    assert all('class="verdict not-assessed' in row for row in extra)
    assert all("<details><summary>" in row and "<small>" not in row for row in rows)
    for claim_id in untestable:
        assert sum(f'href="{claim_id}.html"' in row for row in rows) == 1, claim_id
    assert len(re.findall(r'<td data-label="Claim">', index)) == len(claims)  # one row per claim


def test_pages_are_the_same_whatever_the_parallelism(small_data, tmp_path):
    """Claims and their pages run in worker processes with --jobs (the pages drawn where their claim ran); the bytes
    must not depend on it."""
    one = build_reports(tmp_path / "one" / "reports", ensemble_draws=6, jobs=1).parent
    two = build_reports(tmp_path / "two" / "reports", ensemble_draws=6, jobs=2).parent
    pages = {p.name: p.read_bytes() for p in one.iterdir()}
    assert len(pages) >= 4 and pages == {p.name: p.read_bytes() for p in two.iterdir()}


def local_links(folder: Path) -> dict[str, list[str]]:
    """Each page of ``folder`` -> the targets of its links to other files (no scheme, no bare fragment)."""
    return {page.name: [href.split("#")[0] for href in re.findall(r'href="([^"]*)"', page.read_text())
                        if ":" not in href and not href.startswith("#")]
            for page in folder.glob("*.html")}


def test_every_local_link_of_a_data_dir_report_points_at_a_page_in_it(built):
    """A registry of one's own (small_data, as --data-dir) gets no validation page (it reports the project's own
    method), so no page links to one: claim pages said "the validation page" with a dead link."""
    links = local_links(built)
    assert "validation.html" not in links and links["index.html"]
    assert all((built / target).is_file() for targets in links.values() for target in targets), links
    page = (built / "clbp-less-flexible.html").read_text()  # a two-group test on a reconstruction: the section shows
    assert "the project's validation page, which this report does not include" in page


def test_a_report_of_some_claims_links_only_pages_in_its_output(small_data, tmp_path, capsys):
    """``--claim`` into a new folder: the index lists every claim but links only the pages written (the others, and
    the validation page, were dead links); into a folder that holds them, it links them all."""
    from analysis.cli import main

    fresh = tmp_path / "fresh"
    with pytest.raises(SystemExit) as info:
        main(["--data-dir", str(small_data), "report", "--claim", "clbp-less-flexible", "--out", str(fresh)])
    assert info.value.code == 0, capsys.readouterr().err
    links = local_links(fresh)
    assert sorted(links) == ["clbp-less-flexible.html", "index.html"]
    assert links["index.html"] == ["clbp-less-flexible.html"]
    assert "People with stiffer (shorter) hamstrings" in (fresh / "index.html").read_text()  # listed, unlinked
    assert all((fresh / target).is_file() for targets in links.values() for target in targets), links

    full = tmp_path / "full"
    build_reports(full, ensemble_draws=4)
    (full / "validation.html").write_text("<p>kept from a full run</p><footer>Generated by hamstring-evidence</footer>")
    build_reports(full, claim_ids=["clbp-less-flexible"], ensemble_draws=4)
    links = local_links(full)
    assert {"validation.html", "hamstring-stiffness-lbp.html", "clbp-less-flexible.html"} <= set(links["index.html"])
    assert "validation.html" in links["clbp-less-flexible.html"]
    assert all((full / target).is_file() for targets in links.values() for target in targets), links


def test_cached_pages_with_and_without_the_validation_page_are_kept_apart(isolated_data, tmp_path, monkeypatch):
    """``init DIR`` copies the default registry byte for byte, so a report set keyed by content alone was shared
    between the default registry (with the validation page) and DIR (without): either run could publish the other's."""
    from analysis.claims.engine import run_claim
    from analysis.report.output import has_validation_page, pages_key

    monkeypatch.setenv("HAMSTRING_EVIDENCE_CACHE", str(tmp_path / "cache"))
    copy_key, copy_has = pages_key(10), has_validation_page()
    monkeypatch.delenv("HAMSTRING_EVIDENCE_DATA")
    assert (copy_has, has_validation_page()) == (False, True)
    assert copy_key != pages_key(10)

    cr = run_claim("clbp-less-flexible", ensemble_draws=2)
    env, versions = report_module._env(), report_module.versions()
    linked = report_module._claim_page(env, cr, "same-key", versions, True).decode()
    unlinked = report_module._claim_page(env, cr, "same-key", versions, False).decode()
    assert 'href="validation.html"' in linked and 'href="validation.html"' not in unlinked
    assert report_module._claim_page(env, cr, "same-key", versions, True).decode() == linked  # from the cache


def test_a_sof_row_shows_the_source_reviews_own_rating_of_that_outcome(built):
    """Claim 7's S33 (Hori 2021) rates its flexibility measures very low: the SoF row says so beside its own."""
    page = (built / "clbp-less-flexible.html").read_text()
    row = re.search(r'<small class="review-rating">(.*?)</small>', page, re.S)
    text = html.unescape(row.group(1)) if row else ""
    assert "the review's own:" in text and "S33 very low" in text
