"""A public page answered from the cache (or as a 304) is held to the same rules as one rendered: the same security
headers, and the same refusal of a Host the site does not serve."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/medicines/baclofen/"
SECURITY_HEADERS = (
    "X-Frame-Options",
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Strict-Transport-Security",
)


def test_a_page_from_the_cache_carries_the_same_security_headers_as_one_rendered(
    client, shipped_content, django_assert_num_queries
):
    rendered = client.get(URL, secure=True)
    with django_assert_num_queries(0):  # answered by the page cache, not the view
        cached = client.get(URL, secure=True)
        not_modified = client.get(URL, secure=True, headers={"if-none-match": rendered["ETag"]})
    assert (rendered.status_code, cached.status_code, not_modified.status_code) == (200, 200, 304)
    for name in SECURITY_HEADERS:
        assert rendered.has_header(name), name
        assert rendered[name] == cached[name] == not_modified[name], name
    assert cached["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("conditional", [False, True])
def test_a_host_outside_allowed_hosts_is_refused_from_the_cache_too(client, shipped_content, conditional):
    rendered = client.get(URL)
    assert client.get(URL).status_code == 200  # cached now
    headers = {"if-none-match": rendered["ETag"]} if conditional else {}
    assert client.get(URL, headers=headers, HTTP_HOST="evil.example").status_code == 400
    assert client.get(URL + "?fresh=1", HTTP_HOST="evil.example").status_code == 400  # as it was uncached
