"""Side-effect and symptom words as patients type them: a scenario table written from the shipped leaflets' patient
text (what each leaflet says, in its own words), and the synonym table's own checks."""

from pathlib import Path

import pytest

from monographs.search import search
from monographs.search.words import PatientWordsError, patient_words, text_terms

pytestmark = pytest.mark.django_db


def slugs(query: str) -> set[str]:
    return {hit.medication.slug for hit in search(query).medications}


# query → leaflets that must be found (their patient text says it, maybe in other words) and leaflets that must not
# (nothing they tell patients is about it). Written from the leaflets, e.g. gabapentin and tizanidine say "sleepy"
# and "somnolence", never "drowsy": only the synonym table finds them for "drowsy".
SCENARIOS = [
    ("drowsy", {"baclofen", "gabapentin", "pregabalin", "tizanidine", "oxycodone", "diazepam"}, {"warfarin"}),
    ("drowsiness", {"baclofen", "gabapentin", "tizanidine"}, {"warfarin"}),
    ("sleepy", {"baclofen", "diazepam", "oxycodone", "gabapentin"}, set()),
    ("dizzy", {"baclofen", "gabapentin", "pregabalin", "lisinopril"}, {"warfarin"}),
    ("dizziness", {"baclofen", "gabapentin", "pregabalin", "lisinopril"}, set()),
    ("being sick", {"metformin", "ibuprofen", "oxycodone"}, {"tizanidine", "diazepam"}),
    ("vomiting", {"metformin", "ibuprofen", "oxycodone"}, {"tizanidine"}),
    ("feeling sick", {"amitriptyline", "pregabalin", "metformin"}, set()),
    ("tired", {"baclofen", "tizanidine", "gabapentin", "sertraline"}, {"warfarin"}),
    ("constipated", {"oxycodone", "oxybutynin", "amitriptyline"}, {"warfarin"}),
    ("the runs", {"metformin"}, {"baclofen"}),
    ("dry mouth", {"oxybutynin", "amitriptyline"}, {"warfarin"}),
    ("bruising", {"warfarin"}, {"baclofen"}),
    ("put on weight", {"pregabalin"}, {"warfarin"}),
    ("pee", {"oxybutynin"}, set()),
    ("Drowsy and dizzy", {"baclofen", "gabapentin"}, {"warfarin"}),
]


@pytest.mark.parametrize(("query", "found", "not_found"), SCENARIOS, ids=[row[0] for row in SCENARIOS])
def test_patient_words_find_the_leaflets_that_say_it(shipped_content, query, found, not_found):
    results = slugs(query)
    assert found <= results, sorted(found - results)
    assert not (not_found & results), sorted(not_found & results)


def test_stemming_joins_forms_of_a_word_outside_the_table(shipped_content):
    [term] = text_terms("stops")
    assert not term.from_table  # the engine's stemmer does it: "stops" finds "stop" and "stopping"
    assert {"baclofen", "gabapentin"} <= slugs("stops")


def test_results_say_why_a_leaflet_matched_and_how_many_do(client, shipped_content):
    results = search("drowsy")
    assert results.text_words == "drowsiness"
    assert all(hit.reason.startswith("Mentions drowsiness") for hit in results.medications)
    html = client.get("/search/?q=drowsy").content.decode()
    assert f"{results.text_total} leaflets mention drowsiness." in html
    assert "Check the spelling" not in html
    # Each result opens its leaflet where the match is.
    baclofen = next(hit for hit in results.medications if hit.medication.slug == "baclofen")
    assert baclofen.url.startswith("/medicines/baclofen/#")


def test_a_symptom_is_not_taken_for_a_misspelt_medicine(shipped_content):
    assert search("sleepy").suggestion == ""


def test_the_shipped_synonym_table_is_valid():
    table = patient_words()
    assert len(table.groups) >= 30
    for phrase, group in table.by_phrase.items():
        assert phrase and all(word == word.casefold() for word in phrase), group.label
    assert {"drowsy", "sleepy", "dizzy", "tired"} <= {phrase[0] for phrase in table.by_phrase if len(phrase) == 1}
    assert ("being", "sick") in table.by_phrase


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ('[[group]]\nlabel = "a"\nwords = ["x"]\n[[group]]\nlabel = "b"\nwords = ["x"]', "already in the group 'a'"),
        ('[[group]]\nlabel = "a"\nwords = ["Drowsy"]', "must be lower case"),
        ('[[group]]\nwords = ["x"]', "a label is needed"),
        ('[[group]]\nlabel = "a"\nwords = "x"', "words must be a list"),
        ('[[group]]\nlabel = "a"\nwords = ["x"]\nsynonyms = ["y"]', "unknown keys"),
    ],
)
def test_a_broken_synonym_table_is_refused_with_its_problem(tmp_path: Path, toml, problem):
    path = tmp_path / "words.toml"
    path.write_text(toml)
    with pytest.raises(PatientWordsError, match=problem):
        patient_words(path)


def test_the_longest_phrase_wins_and_stop_words_are_dropped():
    labels = [term.label for term in text_terms("I keep feeling sick and being sick at night")]
    assert labels == ["keep", "nausea", "vomiting", "night"]
