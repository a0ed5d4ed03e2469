"""Sign-in throttling: a rolling cool-off per username and address, never a permanent lock-out."""

import datetime
import logging

import pytest
from django.test import override_settings

from tests.users import make_user

pytestmark = pytest.mark.django_db


def attempt(client, username, password, address="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_pause_that_username_from_that_address_only(client):
    user = make_user("clinician")
    user.set_password("the-right-password-123")
    user.save()
    for _ in range(3):
        attempt(client, user.username, "wrong")
    locked = attempt(client, user.username, "the-right-password-123")
    assert locked.status_code == 429
    assert "Too many sign-in attempts" in locked.content.decode()
    # The same user from elsewhere is not locked out: an attacker cannot lock a clinician out.
    elsewhere = attempt(client, user.username, "the-right-password-123", address="10.0.0.2")
    assert elsewhere.status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=datetime.timedelta(minutes=15))
def test_the_cool_off_ends_and_the_right_password_works_again(client):
    from axes.models import AccessAttempt

    user = make_user("pharmacist")
    user.set_password("the-right-password-123")
    user.save()
    for _ in range(2):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, "the-right-password-123").status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, "the-right-password-123").status_code == 302


def test_a_failed_sign_in_is_logged_without_the_password(client, caplog):
    make_user("clinician", username="someone")
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        attempt(client, "someone", "secret-guess")
    assert "Sign-in failed for username 'someone' from 10.0.0.1" in caplog.text
    assert "secret-guess" not in caplog.text


def test_a_username_that_names_no_account_is_logged_as_a_hash_never_as_typed(client, caplog):
    # A password typed into the username box must not land in the log.
    with caplog.at_level(logging.WARNING, logger="portal.security"):
        attempt(client, "Tr0ub4dor&3-typed-in-the-wrong-box", "anything")
        attempt(client, "Tr0ub4dor&3-typed-in-the-wrong-box", "anything")
    assert "Tr0ub4dor" not in caplog.text
    lines = [record.getMessage() for record in caplog.records if record.name == "portal.security"]
    assert len(lines) == 2 and lines[0] == lines[1]  # the same text, the same hash: repeated attempts show
    assert "no such account; hash " in lines[0]


def test_a_refused_admin_page_is_logged(client, caplog):
    client.force_login(make_user("pharmacist"))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/admin/auth/user/").status_code == 403
    assert "Forbidden" in caplog.text


def test_keep_alive_renews_a_signed_in_session(client):
    client.force_login(make_user("clinician"))
    response = client.post("/accounts/keep-alive/")
    assert response.status_code == 200
    assert response.json()["expires_in"] == 30 * 60
    assert response["Cache-Control"].startswith("max-age=0")


def test_keep_alive_needs_a_session(client):
    assert client.post("/accounts/keep-alive/").status_code == 302


def test_an_api_post_without_a_csrf_token_is_refused_as_json(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("clinician"))
    response = client.post("/api/screenings/", {"medication": "baclofen"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"]["__all__"][0]
