"""Public pages are declared in the URLconf and served by one middleware: what each kind of visitor gets.

The URLconf below (used through pytest's `urls` marker) declares one view public and serves the same view, undeclared,
at another address: only the declaration decides whether a page is cached and validated.
"""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from monographs.http import public_page
from tests.users import make_user

pytestmark = pytest.mark.django_db

URL = "/medicines/baclofen/"
renders = []


def counted_page(request):
    renders.append(request.path)
    return HttpResponse(f"<p>Page {len(renders)}</p>")


def missing_page(request):
    renders.append(request.path)
    return HttpResponse("Not here", status=404)


urlpatterns = [
    path("declared/", public_page(counted_page)),
    path("undeclared/", counted_page),
    path("missing/", public_page(missing_page)),
]


@pytest.fixture
def counted():
    renders.clear()
    yield renders
    renders.clear()


@pytest.mark.urls(__name__)
def test_a_view_declared_public_in_the_urlconf_is_cached_and_validated(client, counted):
    first = client.get("/declared/")
    again = client.get("/declared/")
    not_modified = client.get("/declared/", headers={"if-none-match": first["ETag"]})
    assert (first.status_code, again.status_code, not_modified.status_code) == (200, 200, 304)
    assert again.content == first.content == b"<p>Page 1</p>"
    assert counted == ["/declared/"]
    assert first["Cache-Control"] == "public, max-age=300, must-revalidate"


@pytest.mark.urls(__name__)
def test_the_same_view_not_declared_public_is_left_alone(client, counted):
    first = client.get("/undeclared/")
    again = client.get("/undeclared/", headers={"if-none-match": '"anything"'})
    assert again.content == b"<p>Page 2</p>"
    assert not first.has_header("ETag") and not first.has_header("Cache-Control")
    assert client.post("/undeclared/").status_code == 200


@pytest.mark.urls(__name__)
def test_a_public_page_that_is_not_200_is_never_cached(client, counted):
    assert client.get("/missing/").status_code == 404
    assert client.get("/missing/").status_code == 404
    assert counted == ["/missing/", "/missing/"]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_public_page_allows_only_get_and_head(client, counted, method):
    response = getattr(client, method)("/declared/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert counted == []


@pytest.mark.parametrize("role", ["clinician", "pharmacist"])
def test_signed_in_users_get_the_page_rendered_for_them_and_marked_private(client, shipped_content, role):
    anonymous = client.get(URL)
    client.force_login(make_user(role))
    response = client.get(URL, headers={"if-none-match": anonymous["ETag"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"
    assert not response.has_header("ETag")


def test_a_stale_session_cookie_is_served_like_any_anonymous_visitor(client, shipped_content, settings):
    first = client.get(URL)
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session"
    again = client.get(URL)
    not_modified = client.get(URL, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 200 and again.content == first.content
    assert not_modified.status_code == 304
    for response in (again, not_modified):
        assert response["ETag"] == first["ETag"]
        assert response["Cache-Control"] == "public, max-age=300, must-revalidate"


def test_only_canonical_query_strings_fill_the_page_cache(client, shipped_content, django_assert_num_queries):
    client.get("/search/?q=baclofen")
    with django_assert_num_queries(0):
        assert client.get("/search/?q=baclofen").status_code == 200
    client.get(URL + "?utm_source=mail")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL + "?utm_source=mail").status_code == 200
    assert len(queries) > 0, "rendered again: an address with a stray query string is never kept"
