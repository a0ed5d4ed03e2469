"""Every name a medicine is known by is findable: a leaflet medicine (by generic, brand or other name) is the first
result; a medicine without a leaflet is answered "we have no leaflet for X yet", never "check the spelling", with the
leaflets of what it contains and of its kind. Expectations come from the content files, read here independently."""

import tomllib
from pathlib import Path

import pytest

from monographs.content_io import DEFAULT_CONTENT_DIR
from monographs.models import Medication
from monographs.search import search
from monographs.services.content import content_save

pytestmark = pytest.mark.django_db

CHECK_THE_SPELLING = "Check the spelling"


def _content() -> tuple[dict[str, list[str]], set[str]]:
    """Every name of every medication in the files (slug → names), and the slugs with a published leaflet."""
    names: dict[str, list[str]] = {}
    published = set()
    catalogue = tomllib.loads((Path(DEFAULT_CONTENT_DIR) / "reference" / "catalogue.toml").read_text())
    for entry in catalogue["medication"]:
        names[entry["slug"]] = [entry["name"], *entry.get("brands", []), *entry.get("synonyms", [])]
    for path in sorted((Path(DEFAULT_CONTENT_DIR) / "medications").glob("*.toml")):
        medication = tomllib.loads(path.read_text())["medication"]
        names[medication["slug"]] = [medication["name"], *medication.get("brands", []), *medication.get("synonyms", [])]
        if medication.get("status") == "published":
            published.add(medication["slug"])
    return names, published


def test_every_name_in_the_content_finds_its_leaflet_or_says_there_is_none_yet(shipped_content):
    names, published = _content()
    assert len(names) > 140 and len(published) == 13  # the files as issue 13 describes them
    wrong = []
    for slug, spellings in names.items():
        for spelling in spellings:
            results = search(spelling)
            if slug in published:
                first = results.medications[0].medication.slug if results.medications else None
                if first != slug:
                    wrong.append(f"{spelling!r}: first result {first}, not {slug}")
            elif slug not in [answer.medication.slug for answer in results.no_leaflet]:
                wrong.append(f"{spelling!r}: no 'no leaflet yet' answer for {slug}")
    assert wrong == []


def test_a_medicine_without_a_leaflet_says_so_and_links_leaflets_of_its_kind(client, shipped_content):
    html = client.get("/search/?q=morphine").content.decode()
    assert "We have no leaflet for Morphine yet." in html
    assert CHECK_THE_SPELLING not in html
    assert "Leaflets for other medicines of the same kind:" in html
    # Morphine is an opioid (classes.toml: "Strong painkillers such as morphine, oxycodone and codeine"), and
    # oxycodone is the opioid with a leaflet.
    kinds = html[html.index("same kind") : html.index("</ul>", html.index("same kind"))]
    assert "Strong painkillers such as morphine, oxycodone and codeine (Opioid)" in kinds
    assert 'href="/medicines/oxycodone/"' in kinds


def test_a_brand_without_a_leaflet_names_the_medicine_it_contains(client, shipped_content):
    html = client.get("/search/?q=MS+Contin").content.decode()
    assert "We have no leaflet for MS Contin (morphine) yet." in html
    assert CHECK_THE_SPELLING not in html
    assert "Multiple sclerosis" not in html  # "MS" is a word of the brand here, not the condition


def test_a_misspelt_medicine_without_a_leaflet_is_recognised_too(client, shipped_content):
    html = client.get("/search/?q=morphne").content.decode()
    assert "We have no leaflet for Morphine yet." in html
    assert CHECK_THE_SPELLING not in html


def test_a_combination_product_links_the_leaflets_of_what_it_contains(shipped_content):
    [answer] = search("Percocet").no_leaflet  # oxycodone and acetaminophen (paracetamol)
    assert answer.named == "Percocet (oxycodone and acetaminophen)"
    assert {m.slug for m in answer.contains} == {"oxycodone", "paracetamol"}
    assert [m.slug for m in answer.ingredient_leaflets] == ["oxycodone"]


def test_a_combination_of_medicines_without_leaflets_links_leaflets_of_their_kinds(shipped_content):
    [answer] = search("Solpadol").no_leaflet  # co-codamol: codeine and paracetamol, neither with a leaflet
    assert answer.ingredient_leaflets == []
    linked = {leaflet.slug for kind in answer.same_kind for leaflet in kind.leaflets}
    assert "oxycodone" in linked  # codeine is an opioid


def test_a_brand_of_a_leaflet_medicine_finds_the_leaflet(client, shipped_content):
    html = client.get("/search/?q=Zanaflex").content.decode()
    assert 'href="/medicines/tizanidine/"' in html
    assert "We have no leaflet" not in html


def test_nothing_known_still_asks_to_check_the_spelling(client, shipped_content):
    html = client.get("/search/?q=zzqqxx").content.decode()
    assert CHECK_THE_SPELLING in html
    assert "We have no leaflet" not in html


def test_a_leaflet_withdrawn_becomes_a_medicine_without_a_leaflet(shipped_content):
    diazepam = Medication.objects.get(slug="diazepam")
    diazepam.status = Medication.Status.RETIRED
    content_save(obj=diazepam, reason="test: withdrawn")
    results = search("Valium")
    assert "diazepam" not in [hit.medication.slug for hit in results.medications]
    assert [answer.medication.slug for answer in results.no_leaflet] == ["diazepam"]


def test_a_drug_class_name_finds_its_leaflets(shipped_content):
    slugs = [hit.medication.slug for hit in search("benzodiazepine").medications]
    assert slugs[0] == "diazepam"
