"""Lists stay small as the content grows: the A to Z one letter at a time, condition pages paged and grouped, the
home page with letters rather than every medicine; and a leaflet links the leaflets of the medicines it interacts
with. Every page in a fixed number of queries, with the 13 shipped leaflets and with hundreds of clones. Expectations
come from the content files, read here independently."""

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest

from monographs.content_io import DEFAULT_CONTENT_DIR
from monographs.models import Medication
from monographs.selectors import AZ_PER_PAGE, CONDITION_PER_PAGE, MAX_PER_CLASS
from monographs.services.content import content_save
from tests.corpus import clone_leaflets
from tests.monographs.test_leaflet_views import DIRECTORY_QUERIES

pytestmark = pytest.mark.django_db

CONTENT = Path(DEFAULT_CONTENT_DIR)


def published_files() -> list[dict]:
    files = [tomllib.loads(path.read_text()) for path in sorted((CONTENT / "medications").glob("*.toml"))]
    return [data for data in files if data["medication"].get("status") == "published"]


def az_names() -> dict[str, set[str]]:
    """Letter → the names the A to Z lists under it: published medicines and their brand names."""
    letters: dict[str, set[str]] = defaultdict(set)
    for data in published_files():
        for name in [data["medication"]["name"], *data["medication"].get("brands", [])]:
            letters[name[0].upper() if "A" <= name[0].upper() <= "Z" else "#"].add(name)
    return letters


def links(html: str, prefix: str) -> list[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return re.findall(rf'href="{prefix}([a-z0-9-]+)/"', main)


def test_the_a_to_z_shows_every_letter_with_its_count_and_one_letter_per_page(client, shipped_content):
    expected = az_names()
    html = client.get("/medicines/").content.decode()
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        count = len(expected.get(letter, ()))
        if count:
            assert f'?letter={letter.lower()}"' in html and f"({count} name{'s' if count > 1 else ''})" in html
        else:
            assert f'title="No names begin with {letter}">{letter}</span>' in html
    first = min(expected)  # without a letter, the first letter that has names
    assert f'<h2 id="letter-heading">{first} <span' in html
    for letter, names in expected.items():
        page = client.get(f"/medicines/?letter={letter.lower()}").content.decode()
        listed = re.findall(
            r"<li>(?:<a [^>]+>)?([^<(:]+?)(?: \(brand name\)|</a>)", page[page.index('class="az-list"') :]
        )
        assert sorted(listed) == sorted(names, key=str), letter


def test_a_letter_that_is_not_one_is_404(client, shipped_content):
    assert client.get("/medicines/?letter=zz").status_code == 404
    assert client.get("/medicines/?letter=q").status_code == 200  # a letter without names is a page that says so


def test_a_long_letter_is_paged(client, shipped_content):
    clone_leaflets(120)  # invented names: the first 200 begin with "Ba…", each with a brand "…ex"
    letter_b = len(az_names()["B"]) + 2 * 120
    html = client.get("/medicines/?letter=b").content.decode()
    assert f"({letter_b} names)" in html
    pages = -(-letter_b // AZ_PER_PAGE)
    assert f'href="/medicines/?letter=b&amp;page={pages}"' in html
    second = client.get("/medicines/?letter=b&page=2").content.decode()
    first_names = re.findall(r"<li>(.*?)</li>", html[html.index('class="az-list"') :])
    second_names = re.findall(r"<li>(.*?)</li>", second[second.index('class="az-list"') :])
    assert len(first_names) >= AZ_PER_PAGE and not set(first_names) & set(second_names)
    last = client.get(f"/medicines/?letter=b&page={pages + 5}").content.decode()  # past the end: the last page
    assert 'aria-current="page"><span class="visually-hidden">Page </span>' + str(pages) in last


def test_a_condition_page_lists_every_published_leaflet_used_for_it(client, shipped_content):
    expected: dict[str, set[str]] = defaultdict(set)
    for data in published_files():
        for use in data.get("use", []):
            expected[use["condition"]].add(data["medication"]["slug"])
    assert len(expected) >= 30
    for condition, slugs in expected.items():
        html = client.get(f"/conditions/{condition}/").content.decode()
        assert set(links(html, "/medicines/")) == slugs, condition
        assert f"{len(slugs)} medicine{'s' if len(slugs) > 1 else ''} with a leaflet" in html


def test_a_long_condition_page_is_paged_and_grouped(client, shipped_content):
    clone_leaflets(200)  # fifteen copies of each shipped leaflet, with its uses
    ms = Medication.objects.published().filter(uses__condition__slug="multiple-sclerosis")
    total = ms.count()
    assert total > CONDITION_PER_PAGE
    seen = []
    pages = -(-total // CONDITION_PER_PAGE)
    for page in range(1, pages + 1):
        html = client.get(f"/conditions/multiple-sclerosis/?page={page}").content.decode()
        seen += links(html, "/medicines/")
        assert "Licensed for multiple sclerosis" in html
    assert sorted(seen) == sorted(ms.values_list("slug", flat=True))


def test_a_leaflet_links_the_leaflets_of_the_medicines_it_interacts_with(client, shipped_content):
    # Oxycodone's leaflet warns about benzodiazepines (a class trigger) and diazepam is the benzodiazepine with a
    # leaflet; it warns about several catalogue medicines without one, which cannot be linked.
    html = client.get("/medicines/oxycodone/").content.decode()
    other_medicines = html[html.index('id="other-medicines"') : html.index('id="stopping"')]
    assert "Leaflets for the medicines it interacts with" in other_medicines
    assert '<a href="/medicines/diazepam/">Diazepam leaflet</a>' in other_medicines
    assert "/medicines/oxycodone/" not in other_medicines  # never itself


def test_the_links_follow_other_leaflets_publication_at_once(client, shipped_content):
    diazepam = Medication.objects.get(slug="diazepam")
    diazepam.status = Medication.Status.RETIRED
    content_save(obj=diazepam, reason="test: withdrawn")
    html = client.get("/medicines/oxycodone/").content.decode()
    assert "/medicines/diazepam/" not in html  # oxycodone's stored leaflet was not rendered again, and need not be


def test_a_large_class_is_cut_short_with_a_link_to_the_rest(client, shipped_content):
    clone_leaflets(40)  # more CNS depressants than one line should list
    html = client.get("/medicines/oxycodone/").content.decode()
    see_also = html[html.index('class="see-also"') :]
    line = next(item for item in see_also.split("<li>") if "CNS depressant</strong>" in item)
    assert line.count(" leaflet</a>") == MAX_PER_CLASS
    assert 'href="/search/?q=CNS%20depressant">more cns depressant leaflets</a>' in line


def test_the_home_page_lists_letters_not_every_medicine(client, shipped_content):
    clone_leaflets(60)
    html = client.get("/").content.decode()
    assert 'href="/medicines/?letter=b"' in html
    assert "/medicines/baclofen/" not in html


@pytest.mark.parametrize("clones", [0, 300])
def test_list_pages_take_a_fixed_number_of_queries_whatever_the_content(
    client, shipped_content, django_assert_num_queries, clones
):
    clone_leaflets(clones)
    client.get("/healthz/")  # (not a public page: reads nothing that is remembered)
    pages = [
        # The content version, first, and the directory of names (the letters), once; then the conditions.
        ("/", 1 + DIRECTORY_QUERIES + 1),
        ("/medicines/", 0),  # the letters with their counts and one letter's page: all from the directory
        ("/medicines/?letter=b&page=2", 0),
        ("/conditions/", 1),
        ("/conditions/multiple-sclerosis/", 4),  # the condition, its sources, the count and the page
        ("/medicines/baclofen/", 1),  # the stored leaflet (its links to other leaflets: from the directory)
    ]
    for url, queries in pages:
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url
