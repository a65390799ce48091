"""Open every report page in headless Chromium, as a reviewer would.

Fails on any console error, page error, broken image or request to anything but the page itself,
and saves screenshots (desktop and phone width) under ``tests/artifacts/screenshots/``.
Needs Debian's ``chromium`` (``.ci/run`` installs it); skipped only where it is absent.
"""

import shutil
from pathlib import Path

import pytest

REPORTS = Path(__file__).resolve().parent.parent / "reports"
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PAGES = sorted(REPORTS.glob("*.html"))

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def test_there_are_pages():
    assert (REPORTS / "index.html") in PAGES and len(PAGES) > 5


CASES = [(p, w) for p in PAGES for w in (1280, 390)] + [(REPORTS / "index.html", 800)]


@pytest.mark.parametrize("page_path, width", CASES, ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_page_renders_offline_without_errors(browser, page_path, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    page = context.new_page()
    problems, requests = [], []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_path.as_uri(), wait_until="load")
    external = [u for u in requests if u != page_path.as_uri() and not u.startswith("data:")]
    broken = page.evaluate("""() => [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)""")
    empty_figures = page.evaluate("""() => [...document.querySelectorAll('svg.figure')]
        .filter(s => s.getBoundingClientRect().width < 50 || s.getBoundingClientRect().height < 50).length""")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{page_path.stem}-{width}.png"), full_page=True)
    context.close()
    assert not problems, problems
    assert not external, f"requests to other hosts or files: {external}"
    assert not broken and empty_figures == 0
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px at width {width}"
    assert page_path.stat().st_size < 3_000_000
