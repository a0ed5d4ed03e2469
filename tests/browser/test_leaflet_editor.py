"""How a pharmacist changes a leaflet, in Chromium: the overview, a section edited on its own page with the Save bar
always in view, submitted with a reason, compared and approved by a second pharmacist, then rolled back through the
same review. Every page is axe-clean with no CSP violation. The README's screenshots are taken here."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import CHROMIUM_FLAGS  # noqa: F401  (the browser fixture's flags)
from tests.browser.test_public_pages import WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
README_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "a-long-test-password"


def sign_in(browser, base_url: str, username: str):
    from tests.users import make_user

    user = make_user("pharmacist", username)
    user.first_name, user.last_name = username.title(), "Pharmacist"
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(base_url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base_url + "/admin/")
    return page


def clean(page, shot: str | None = None) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    assert page.csp_violations == []
    if shot:
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(README_SCREENSHOTS / f"{shot}.png"), full_page=False)


@pytest.fixture
def content(live_server):
    from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree

    load_tree(DEFAULT_CONTENT_DIR)
    return live_server.url


def test_a_pharmacist_changes_a_leaflet_and_a_second_one_approves_it(browser, content):
    from monographs.models import LeafletSection, Medication

    baclofen = Medication.objects.get(slug="baclofen")
    overview = f"{content}/admin/monographs/medication/{baclofen.pk}/leaflet/"
    author = sign_in(browser, content, "anna")

    author.goto(f"{content}/admin/monographs/medication/{baclofen.pk}/change/")  # a leaflet's page is its overview
    author.wait_for_url(overview)
    assert author.get_by_role("heading", level=1).count() == 1
    clean(author, "1-overview")

    author.get_by_role("link", name="How to store it").click()
    body = author.get_by_label("What patients read")
    body.fill("Keep baclofen below 25°C.\n\n- Keep it in the box it came in.\n- Keep it out of the reach of children.")
    preview = author.locator(".markdown-preview")
    preview.locator("li").first.wait_for()  # the live preview shows the bullets the public page will show
    save_bar = author.locator(".sticky-save")
    assert save_bar.is_visible() and save_bar.bounding_box()["y"] < 900  # in view without scrolling
    clean(author, "2-section-edit")
    author.get_by_role("button", name="Save in the draft").click()
    author.get_by_text("Say why you are making this change").first.wait_for()  # no reason: refused, text kept
    assert "Keep it in the box" in author.get_by_label("What patients read").input_value()
    clean(author)
    author.get_by_label("Reason for this change").fill("Storage wording from the 2026 label")
    author.get_by_role("button", name="Save in the draft").click()
    author.wait_for_url(overview)
    author.get_by_text("Changed in the draft").first.wait_for()
    assert "below 25°C" not in LeafletSection.objects.get(medication=baclofen, kind="storage").body

    author.get_by_label("What changed and why").fill("Storage wording from the 2026 label")
    author.get_by_role("button", name="Submit for review").click()
    author.get_by_text("another pharmacist must review").first.wait_for()
    assert author.locator("#approve-form").count() == 0  # four eyes: no Approve for the author
    clean(author, "3-submitted")

    reviewer = sign_in(browser, content, "ben")
    reviewer.goto(overview)
    reviewer.get_by_role("link", name="Compare with the live leaflet").click()
    reviewer.locator("ins").first.wait_for()
    clean(reviewer, "4-compare")
    reviewer.goto(overview)
    reviewer.get_by_role("button", name="Approve and publish").click()
    reviewer.get_by_text("Approved and published").first.wait_for()
    clean(reviewer)
    reviewer.goto(f"{content}/medicines/baclofen/")
    reviewer.get_by_text("Keep baclofen below 25°C.").wait_for()

    author.goto(f"{content}/admin/monographs/medication/{baclofen.pk}/leaflet-history/")
    clean(author, "5-history")
    author.get_by_label("Reason").first.fill("Back to the earlier storage wording")
    author.get_by_role("button", name="Bring this version back as a draft").first.click()
    author.wait_for_url(overview)
    author.get_by_text("A draft now holds revision").wait_for()
    clean(author)
