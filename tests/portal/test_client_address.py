"""The client address behind README's deployment (a TLS proxy that appends to X-Forwarded-For): the sign-in throttle
pauses one username from one client, so a stranger cannot lock a named pharmacist out, and a client cannot pick its
own address by writing the header."""

import pytest
from django.test import RequestFactory, override_settings

from portal.security import client_address
from tests.portal.test_guards import PRODUCTION_ENV, _manage
from tests.users import make_user

PROXY = "127.0.0.1"  # every request reaches gunicorn from the proxy


def behind_proxy(client, username, password, forwarded_for):
    data = {"username": username, "password": password}
    return client.post("/accounts/login/", data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.django_db
@override_settings(AXES_FAILURE_LIMIT=5, TRUSTED_PROXY_COUNT=1)
def test_a_stranger_behind_the_proxy_cannot_lock_a_pharmacist_out(client):
    pharmacist = make_user("pharmacist")
    pharmacist.set_password("the-right-password-123")
    pharmacist.save()
    for _ in range(5):
        behind_proxy(client, pharmacist.username, "wrong", "203.0.113.9")
    # The stranger's own address is paused, even with a first entry of its own choosing in the header...
    assert behind_proxy(client, pharmacist.username, "wrong", "198.51.100.7, 203.0.113.9").status_code == 429
    # ...and the pharmacist, from their own address, signs in.
    assert behind_proxy(client, pharmacist.username, "the-right-password-123", "198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.5"),  # no proxy: the header is the client's own writing
        (1, "", "10.0.0.5"),  # no header: did not come through the proxy
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # the left entry was written by the client
        (2, "1.2.3.4, 203.0.113.9, 192.0.2.1", "203.0.113.9"),  # CDN then TLS proxy
        (2, "203.0.113.9", "203.0.113.9"),  # fewer entries than proxies: the only one there
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.5"),
    ],
)
def test_the_client_address_is_the_entry_the_outermost_trusted_proxy_appended(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_address(request) == expected


def test_the_old_axes_proxy_count_variable_fails_loudly():
    result = _manage("check", env=PRODUCTION_ENV | {"AXES_PROXY_COUNT": "1"})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr
