"""Keyboard-only journeys: nothing here clicks. Tab moves focus, Enter and Space act, as for someone who cannot
use a mouse."""

import pytest

from tests.browser.conftest import screenshot, tab_to
from tests.users import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-keyboard-password"


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then move with the arrow keys (which select) or Space (the first one)."""
    tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    for _ in range(10):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{name}={value} cannot be chosen with the keyboard")


def test_keyboard_only_clinician_fixes_a_mistake_from_the_error_summary_and_gets_the_result(page, live_server):
    from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree

    load_tree(DEFAULT_CONTENT_DIR)
    user = make_user("clinician")
    user.set_password(PASSWORD)
    user.save()

    page.goto(live_server.url + "/accounts/login/?next=/screening/%3Fmedication%3Dbaclofen")
    tab_to(page, "#id_username")
    page.keyboard.type(user.username)
    tab_to(page, "#id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/screening/?medication=baclofen")

    choose_radio(page, "pregnancy", "pregnant")
    choose_radio(page, "breastfeeding", "no")
    tab_to(page, "#id_crcl_ml_min")
    page.keyboard.type("abc")  # the mistake
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    screenshot(page, "keyboard-screening-error")

    tab_to(page, "#error-summary a[href='#id_crcl_ml_min']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_crcl_ml_min"
    page.keyboard.press("Control+A")
    page.keyboard.type("42")
    tab_to(page, "#id_current_medications")
    page.keyboard.type("Oxycodone 5 mg")
    tab_to(page, "button[type=submit].btn-lg")
    page.keyboard.press("Enter")
    page.wait_for_url("**/screening/*-*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Precautions for Baclofen"
    assert "Opioids: profound sedation and respiratory depression" in page.content()
    assert page.locator("input[name=pregnancy]:checked").count() == 0  # the result page, not the form
    screenshot(page, "keyboard-screening-result")


def test_a_failed_sign_in_puts_the_focus_on_the_error_summary(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type("nobody")
    tab_to(page, "#id_password")
    page.keyboard.type("wrong-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.title().startswith("Error: ")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    tab_to(page, "#error-summary a")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert page.csp_violations == []
