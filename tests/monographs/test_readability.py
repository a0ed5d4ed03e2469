"""Readability figures: known texts give known figures, computed offline."""

import socket

import pytest

from monographs.readability import TARGET_EASE, TARGET_GRADE, count_syllables, measure
from monographs.services.content import content_save


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
    section.body = "The cat sat on the mat. The dog lay by the door."
    content_save(obj=section, reason="test edit")
    section.refresh_from_db()
    assert section.reading_grade == pytest.approx(-1.4, abs=0.06)


@pytest.mark.django_db
def test_shipped_leaflet_sections_mostly_meet_the_reading_target(shipped_content):
    from monographs.models import LeafletSection

    grades = list(LeafletSection.objects.filter(medication__slug="baclofen").values_list("reading_grade", flat=True))
    assert len(grades) == 12
    assert sum(1 for grade in grades if grade <= TARGET_GRADE) >= 9, grades


def test_a_text_too_short_to_score_is_not_scored_nor_flagged():
    short = measure("Trouble sleeping (insomnia).")
    assert short.words == 3 and not short.scorable and short.on_target
    long_enough = measure("Seeing or hearing things that are not there, or feeling very confused and lost.")
    assert long_enough.scorable


@pytest.mark.django_db
def test_short_texts_are_stored_without_a_grade_and_the_admin_says_why(shipped_content, client):
    from django.urls import reverse

    from monographs.models import ClinicalWarning
    from tests.users import make_user

    warning = ClinicalWarning.objects.get(medication__slug="baclofen", key="se-urinary-frequency")
    assert warning.reading_grade is None  # seven words: a grade would be noise
    client.force_login(make_user("pharmacist"))
    page = client.get(reverse("admin:monographs_clinicalwarning_change", args=[warning.pk])).content.decode()
    assert "Not scored: fewer than 10 words" in page
    preview = client.post(reverse("admin:monographs_markdown_preview"), {"text": "Headache."}).json()
    assert preview["scored"] is False and preview["words"] == 1 and preview["on_target"] is True


@pytest.mark.django_db
def test_every_shipped_patient_text_long_enough_to_score_is_at_grade_8_or_lower(shipped_content):
    from monographs.models import ClinicalWarning, LeafletSection, Use

    over = [
        (model.__name__, pk, grade)
        for model in (LeafletSection, Use, ClinicalWarning)
        for pk, grade in model.objects.exclude(reading_grade=None).values_list("pk", "reading_grade")
        if grade > TARGET_GRADE
    ]
    assert over == []
