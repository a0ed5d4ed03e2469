"""The 400, 403, 404 and 500 pages wear the site's layout with a way back, and a refused request is one log line."""

import io
import logging
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.views.defaults import server_error

from portal.log_filters import OneLineClientErrors
from tests.admin_forms import client_for


def assert_site_page(text: str) -> None:
    assert 'class="skip-link"' in text
    assert "Medicines portal" in text
    assert text.count("<h1") == 1
    assert 'href="/"' in text  # a way back


@pytest.mark.django_db
def test_an_unknown_address_is_a_404_page_in_the_site_layout(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_site_page(response.content.decode())
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_a_refused_page_is_a_403_page_in_the_site_layout(client):
    client, _ = client_for(client, "pharmacist")
    response = client.get("/admin/auth/user/")
    assert response.status_code == 403
    assert_site_page(response.content.decode())
    assert "You cannot see this page" in response.content.decode()


def test_the_500_page_needs_no_database_and_no_template_context():
    # No django_db mark: any query here would fail the test.
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert_site_page(text)
    assert "Sorry, something went wrong" in text
    assert "{%" not in text and "{{" not in text


@pytest.mark.django_db
def test_a_refused_request_is_logged_in_one_line_without_a_traceback(client):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["one_line_client_errors"]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OneLineClientErrors())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client, _ = client_for(client, "pharmacist")
        assert client.get("/admin/auth/user/").status_code == 403
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue().splitlines() == ["Forbidden (Permission denied): /admin/auth/user/"]


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("a fault of ours")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info()
        )
    record.status_code = 500
    OneLineClientErrors().filter(record)
    assert record.exc_info is not None
