"""Readability figures: known texts give known figures, computed offline."""

import socket

import pytest

from monographs.readability import TARGET_EASE, TARGET_GRADE, count_syllables, measure


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("cat", 1),
        ("table", 2),
        ("takes", 1),
        ("medicine", 3),
        ("muscle", 2),
        ("doctor", 2),
        ("pharmacist", 3),
        ("spasticity", 4),
        ("information", 4),
        ("usual", 3),
        ("wanted", 2),
        ("kidney", 2),
    ],
)
def test_syllables_of_known_words(word, syllables):
    assert count_syllables(word) == syllables


def test_a_simple_sentence_has_the_textbook_figures():
    # 6 words, 1 sentence, 6 syllables: FK = 0.39*6 + 11.8*1 - 15.59 = -1.45; FRE = 206.835 - 6.09 - 84.6 = 116.145
    figures = measure("The cat sat on the mat.")
    assert (figures.words, figures.sentences, figures.syllables, figures.polysyllables) == (6, 1, 6, 0)
    assert figures.grade == pytest.approx(-1.4, abs=0.06)
    assert figures.ease == pytest.approx(116.1, abs=0.06)
    assert figures.smog == pytest.approx(3.1, abs=0.05)
    assert figures.on_target


def test_dense_clinical_prose_is_over_target():
    figures = measure(
        "Pharmacokinetic characteristics demonstrate substantially prolonged elimination in individuals "
        "with considerable renal insufficiency."
    )
    assert figures.grade > TARGET_GRADE and figures.ease < TARGET_EASE
    assert not figures.on_target


def test_markdown_is_measured_as_the_words_patients_read():
    plain = measure("Take it with water. Do not crush it.")
    marked = measure("**Take it** with water.\n\n- Do not *crush* it.")
    assert (plain.words, plain.syllables) == (marked.words, marked.syllables)


def test_empty_text_has_no_figures_to_speak_of():
    assert measure("").words == 0


def test_measuring_touches_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("readability tried to open a network connection")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert measure("Baclofen relaxes stiff muscles. It can make you sleepy.").words == 9


@pytest.mark.django_db
def test_saving_a_section_stores_its_readability(shipped_content):
    from monographs.models import LeafletSection

    section = LeafletSection.objects.get(medication__slug="baclofen", kind="storage")
    section.body = "The cat sat on the mat."
    section.save()
    section.refresh_from_db()
    assert section.reading_grade == pytest.approx(-1.4, abs=0.06)


@pytest.mark.django_db
def test_shipped_leaflet_sections_mostly_meet_the_reading_target(shipped_content):
    from monographs.models import LeafletSection

    grades = list(LeafletSection.objects.filter(medication__slug="baclofen").values_list("reading_grade", flat=True))
    assert len(grades) == 12
    assert sum(1 for grade in grades if grade <= TARGET_GRADE) >= 9, grades
