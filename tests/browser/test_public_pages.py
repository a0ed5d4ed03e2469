"""What only a browser shows: the pages as rendered, keyboard use, accessibility (axe-core), and the CSP."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import screenshot, tab_to
from tests.corpus import COMMON_WORD, clone_leaflets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PAGES = {
    "home": "/",
    "a-to-z": "/medicines/",
    "leaflet": "/medicines/baclofen/",
    "conditions": "/conditions/",
    "condition": "/conditions/multiple-sclerosis/",
    "search": "/search/?q=Lioresal",
    "search-typo": "/search/?q=baclofn",
    "search-symptom": "/search/?q=drowsy",
    "search-no-leaflet": "/search/?q=morphine",
    "search-combination": "/search/?q=Percocet",
    "search-nothing": "/search/?q=zzqqxx",
    "a-to-z-letter": "/medicines/?letter=l",
    "leaflet-see-also": "/medicines/oxycodone/",
    "login": "/accounts/login/",
}
# Pages that only grow long with many leaflets: checked with clones of the shipped ones (tests/corpus.py).
PAGED = {
    "search-page-2": f"/search/?q={COMMON_WORD}&page=2",
    "a-to-z-letter-page-2": "/medicines/?letter=b&page=2",
    "condition-page-2": "/conditions/multiple-sclerosis/?page=2",
}


@pytest.fixture
def site(live_server):
    from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree

    # Transactional tests start from an empty database: load the shipped content for the live server.
    load_tree(DEFAULT_CONTENT_DIR)
    return live_server.url


def accessibility_failures(page, site: str, pages: dict[str, str]) -> list[str]:
    failures = []
    for name, url in pages.items():
        page.csp_violations.clear()
        response = page.goto(site + url)
        results = Axe().run(
            page,
            options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "rules": {"target-size": {"enabled": True}}},
        )
        screenshot(page, name)
        if response.status != 200 or results.violations_count or page.csp_violations:
            failures.append(f"{name}: HTTP {response.status}; {page.csp_violations}; {results.generate_report()}")
    return failures


def test_pages_have_no_accessibility_violations_and_no_csp_violations(page, site):
    # One test for every page: loading the shipped content into a transactional test's empty database is the
    # costly part, so it is done once here rather than once per page. Every page is checked; all failures are listed.
    assert accessibility_failures(page, site, PAGES) == []


def test_paged_lists_have_no_accessibility_violations(page, site):
    clone_leaflets(200)
    assert accessibility_failures(page, site, PAGED) == []
    # The page links are reachable with the keyboard and say which page is shown.
    page.goto(site + PAGED["search-page-2"])
    current = page.locator("nav[aria-label='Pages of search results'] [aria-current='page']")
    assert current.inner_text().strip().endswith("2")
    tab_to(page, "nav[aria-label='Pages of search results'] a[rel='next']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/search/?q={COMMON_WORD}&page=3")


def test_keyboard_only_patient_finds_baclofen_by_search_and_reads_its_side_effects(page, site):
    page.goto(site + "/")
    # The first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    tab_to(page, "#home-search-q")
    page.keyboard.type("Lioresal")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=Lioresal")
    tab_to(page, "main a[href='/medicines/baclofen/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/medicines/baclofen/")
    assert page.get_by_role("heading", level=1).inner_text() == "Baclofen"
    tab_to(page, ".leaflet-contents a[href='#side-effects']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/medicines/baclofen/#side-effects")
    assert page.locator("#side-effects").is_visible()
    assert page.get_by_role("heading", name="Get help now").is_visible()


def test_printed_leaflet_hides_navigation_and_shows_the_address_and_review_date(page, site):
    page.goto(site + "/medicines/baclofen/")
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".leaflet-contents").is_visible()
    footer = page.locator(".print-footer")
    assert footer.is_visible()
    assert "/medicines/baclofen/" in footer.inner_text()
    assert "Last reviewed" in footer.inner_text()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
