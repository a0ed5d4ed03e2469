"""Search answered from the index, ranked, limited and paged: page n is one query whatever page it is and however
many leaflets mention the word. The leaflets here are clones of the shipped ones (tests/corpus.py): each has a word
of its own and all share one, so the right answers are known without asking the search."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monographs.search import PER_PAGE, search
from tests.corpus import COMMON_WORD, clone_leaflets, rare_word

pytestmark = pytest.mark.django_db

CLONES = 45  # three pages of twenty


@pytest.fixture
def clones(shipped_content):
    return clone_leaflets(CLONES)


def page_slugs(query: str, page: int) -> list[str]:
    return [hit.medication.slug for hit in search(query, page=page).medications]


def result_links(html: str) -> list[str]:
    listing = html[html.index('<ol class="search-results"') : html.index("</ol>")]
    return re.findall(r'<li><a href="/medicines/([a-z0-9-]+)/', listing)


def test_a_common_word_is_counted_in_full_and_shown_a_page_at_a_time(clones):
    results = search(COMMON_WORD)
    assert results.total == results.text_total == CLONES
    assert results.pages == 3
    pages = [page_slugs(COMMON_WORD, page) for page in (1, 2, 3)]
    assert [len(page) for page in pages] == [PER_PAGE, PER_PAGE, CLONES - 2 * PER_PAGE]
    every = [slug for page in pages for slug in page]
    assert sorted(every) == sorted(clone.slug for clone in clones)  # each once, none missing
    assert pages[0] != pages[1]


def test_a_rare_word_finds_its_one_leaflet(clones):
    assert page_slugs(rare_word(7), 1) == [clones[7].slug]


def test_the_page_says_how_many_and_links_the_other_pages(client, clones):
    html = client.get(f"/search/?q={COMMON_WORD}&page=2").content.decode()
    assert f"{CLONES} leaflets mention {COMMON_WORD}. Page 2 of 3." in html
    nav = html[html.index('<nav class="mt-4" aria-label="Pages of search results">') :]
    nav = nav[: nav.index("</nav>")]
    assert f'href="/search/?q={COMMON_WORD}" rel="prev"' in nav  # page 1 has no page parameter
    assert f'href="/search/?q={COMMON_WORD}&amp;page=3" rel="next"' in nav
    assert 'aria-current="page"><span class="visually-hidden">Page </span>2</a>' in nav
    assert '<ol class="search-results" start="21">' in html
    assert len(result_links(html)) == PER_PAGE


@pytest.mark.parametrize(("asked", "shown"), [("99", 3), ("3", 3), ("abc", 1), ("0", 1), ("-2", 1), ("", 1)])
def test_a_page_out_of_range_shows_the_last_and_a_bad_page_the_first(client, clones, asked, shown):
    response = client.get(f"/search/?q={COMMON_WORD}&page={asked}")
    assert response.status_code == 200
    expected = client.get(f"/search/?q={COMMON_WORD}" + (f"&page={shown}" if shown > 1 else ""))
    assert result_links(response.content.decode()) == result_links(expected.content.decode())


def test_names_come_before_text_and_are_not_repeated(clones):
    first = clones[0]
    # The clone's own name, and every clone mentions the common word: the named one first, then the others.
    results = search(f"{first.name} {COMMON_WORD}")
    slugs = [hit.medication.slug for hit in results.medications]
    assert slugs[0] == first.slug
    assert results.named_total == 1 and results.text_total == CLONES - 1
    every = slugs + [slug for page in (2, 3) for slug in page_slugs(f"{first.name} {COMMON_WORD}", page)]
    assert len(every) == len(set(every)) == CLONES


def test_an_uncached_search_takes_one_query_whatever_the_page_and_the_number_of_matches(
    client, shipped_content, django_assert_num_queries
):
    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.get("/search/?q=warm-up")  # the content version and the directory of names, once per content change
    small = [queries(f"/search/?q={word}") for word in ("dizzy", "baclofen", "morphine", "zzqqxx")]
    clone_leaflets(300)
    client.get("/search/?q=warm-up")
    large = [queries(f"/search/?q={word}&page={page}") for word in ("dizzy", COMMON_WORD) for page in (1, 3)]
    assert small == [1, 1, 1, 1]
    assert large == [1, 1, 1, 1]
    # Past the last page: the count is asked for, then the last page is shown.
    with django_assert_num_queries(3):
        assert client.get(f"/search/?q={COMMON_WORD}&page=999").status_code == 200


def test_a_search_page_is_cached_by_its_page_number(client, clones, django_assert_num_queries):
    first = client.get(f"/search/?q={COMMON_WORD}&page=2")
    with django_assert_num_queries(0):
        again = client.get(f"/search/?q={COMMON_WORD}&page=2")
    assert again.content == first.content
