"""The pharmacists' admin in a real browser: no CSP violation, no accessibility violation on a catalogue entry's
change page, and the live Markdown preview working under the Content-Security-Policy on a leaflet part's page. The
leaflet editor's journey is in test_leaflet_editor.py."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import screenshot
from tests.browser.test_public_pages import WCAG_TAGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in_pharmacist(page, live_server):
    from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
    from tests.users import make_user

    load_tree(DEFAULT_CONTENT_DIR)
    user = make_user("pharmacist")
    user.set_password("a-long-test-password")
    user.save()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.wait_for_url(live_server.url + "/admin/")
    return live_server.url


def test_catalogue_change_page_has_no_csp_or_accessibility_violations(page, signed_in_pharmacist):
    from monographs.models import Medication

    leaflets = Medication.objects.with_leaflet().values("pk")
    medication = Medication.objects.exclude(pk__in=leaflets).filter(names__isnull=False).first()
    page.goto(f"{signed_in_pharmacist}/admin/monographs/medication/{medication.pk}/change/")
    assert page.get_by_role("heading", level=1).count() == 1
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    screenshot(page, "admin-medication-change")
    assert results.violations_count == 0, results.generate_report()
    assert page.csp_violations == []


def test_live_preview_shows_sanitised_html_and_readability(page, signed_in_pharmacist):
    from monographs.models import Medication

    medication = Medication.objects.get(slug="baclofen")
    page.goto(f"{signed_in_pharmacist}/admin/monographs/medication/{medication.pk}/leaflet/section/storage/")
    textarea = page.locator("textarea[name='body']")
    textarea.fill("**Keep it cool.** <script>alert(1)</script>")
    preview = textarea.locator("xpath=following-sibling::div[contains(@class,'markdown-preview')]")
    preview.locator("strong").wait_for()
    assert preview.locator("strong").inner_text() == "Keep it cool."
    assert preview.locator("script").count() == 0
    preview.get_by_text("Not scored:").wait_for()  # too short for the reading formulas
    textarea.fill("**Keep it cool and dry.** Keep it where children cannot see or reach it.")
    preview.get_by_text("Reading grade").wait_for()
    assert page.csp_violations == []
