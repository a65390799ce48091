"""Every study on a page links its identifiers, and no paper counts twice (#30 item 6)."""


import pytest

from analysis.claims.model import load_claims
from analysis.core.paths import REPO_ROOT
from analysis.report.context import citation_links
from analysis.spec.model import load_study_file

CLAIMS = load_claims()
REPORTS = REPO_ROOT / "reports"


def test_citation_links_cover_every_identifier_a_spec_records():
    spec = load_study_file("S34").spec  # DOI, PMID and PMC id all recorded
    hrefs = [link["href"] for link in citation_links(spec)]
    assert hrefs == ["https://doi.org/10.1371/journal.pone.0298257", "https://pubmed.ncbi.nlm.nih.gov/38771839/",
                     "https://pmc.ncbi.nlm.nih.gov/articles/PMC11108176/"]


@pytest.mark.skipif(not (REPORTS / "index.html").is_file(), reason="reports/ not built")
@pytest.mark.parametrize("claim", [c for c in CLAIMS.values() if c.evidence], ids=lambda c: c.id)
def test_every_study_with_an_identifier_is_linked_on_its_claim_page(claim):
    """Read on the committed pages (regenerated with ``make reports``): each identifier the spec records is a link."""
    page_file = REPORTS / f"{claim.id}.html"
    if not page_file.is_file():
        pytest.skip(f"{page_file.name} not built yet")
    page = page_file.read_text()
    for ev in claim.evidence:
        spec = load_study_file(ev.study).spec
        if spec.retracted is not None:
            continue
        for link in citation_links(spec):
            assert f'href="{link["href"]}"' in page, (claim.id, spec.id, link["href"])


#: Specs written twice for one paper (or a review and its update with the same trials): the second points to the
#: first with a known overlap, stays unused, and no claim cites it.
SAME_PAPER = {"S113": "S65", "S124": "S63"}


@pytest.mark.parametrize("second, kept", SAME_PAPER.items())
def test_a_paper_written_twice_counts_once(second, kept):
    spec = load_study_file(second).spec
    assert spec.unused_reason and kept in spec.unused_reason
    assert any(o.study == kept and o.certainty == "known" for o in spec.overlap)
    cited = {ev.study for c in CLAIMS.values() for ev in c.evidence}
    assert second not in cited and kept in cited
