"""Benchmark: screening one patient with 30 current medications, against rendering the baclofen leaflet uncached.

    .venv/bin/python -m bench.screening [--repeat N]

Standalone: tests.settings on a temporary SQLite file (migrated, the shipped content loaded), the catalogue grown to
2,000 medications and a synthetic published medication with 1,000 warnings (drug-class and condition triggers).
Prints the median milliseconds per operation and the ratio to the leaflet, measured side by side in one run.
It never asserts a time: the figures are for a person to read and compare between runs on one machine.
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

TOTAL_MEDICATIONS = 2_000
SYNTHETIC_WARNINGS = 1_000
SYNTHETIC_CLASSES = 60
SYNTHETIC_CONDITIONS = 120
BRANDS_PER_MEDICATION = 2
CURRENT_MEDICATIONS = 30
# Issue 13: the screening of ten current medicines, each with a leaflet (so each one's rules are evaluated against the
# patient and the others), must cost under twice the screening with one.
WITH_LEAFLETS = [
    "Tizanidine 4 mg",
    "Gabapentin 300 mg",
    "Pregabalin 75 mg",
    "Oxycodone 5 mg",
    "Diazepam 2 mg",
    "Sertraline 50 mg",
    "Amitriptyline 10 mg",
    "Ibuprofen 400 mg",
    "Metformin 500 mg",
    "Lisinopril 10 mg",
]


def configure(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.db import connection

    # As in production: keep the connection open between requests (tests.settings closes it after each one).
    connection.settings_dict["CONN_MAX_AGE"] = 600


def word(n: int) -> str:
    """A pronounceable-enough code of letters (names normalise without their numbers): 0 → 'baba'."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    letters = ""
    for _ in range(2):
        n, c = divmod(n, len(consonants))
        n, v = divmod(n, len(vowels))
        letters += consonants[c] + vowels[v]
    return letters


def generic(n: int) -> str:
    return f"Syn{word(n)}mol"


def brand(n: int, b: int) -> str:
    return f"{'BK'[b]}ra{word(n)}ix"


def grow_catalogue() -> str:
    """Synthetic rows up to the target sizes. Returns the slug of the synthetic medication with 1,000 warnings."""
    import datetime

    from monographs.models import (
        ClinicalWarning,
        Condition,
        DrugClass,
        LeafletSection,
        Medication,
        MedicationName,
        Source,
    )
    from monographs.names import normalise_name

    source = Source.objects.create(
        key="bench-source",
        title="Benchmark source",
        publisher="Bench",
        url="https://example.org/bench",
        accessed=datetime.date(2026, 11, 29),
    )
    classes = DrugClass.objects.bulk_create(
        DrugClass(slug=f"bench-class-{n}", name=f"Bench class {n}") for n in range(SYNTHETIC_CLASSES)
    )
    conditions = Condition.objects.bulk_create(
        Condition(slug=f"bench-condition-{n}", name=f"Bench condition {n}") for n in range(SYNTHETIC_CONDITIONS)
    )
    missing = TOTAL_MEDICATIONS - Medication.objects.count()
    Medication.objects.bulk_create(
        Medication(
            name=generic(n), normalised_name=normalise_name(generic(n)), slug=f"synthamol-{n:04d}", status="published"
        )
        for n in range(missing)
    )
    medications = list(Medication.objects.filter(slug__startswith="synthamol-").order_by("slug"))
    Membership = Medication.classes.through
    Membership.objects.bulk_create(
        Membership(medication_id=m.pk, drugclass_id=classes[(i + k) % SYNTHETIC_CLASSES].pk)
        for i, m in enumerate(medications)
        for k in (0, 7)
    )
    brands = [(m.pk, brand(i, b), b) for i, m in enumerate(medications) for b in range(BRANDS_PER_MEDICATION)]
    MedicationName.objects.bulk_create(
        MedicationName(medication_id=pk, name=name, normalised=normalise_name(name), position=position)
        for pk, name, position in brands
    )

    # The medication being screened: published with a leaflet, and 1,000 warnings on classes and conditions.
    target = medications[0]
    LeafletSection.objects.create(medication=target, kind="what_for", body="A synthetic medicine.")
    warnings = []
    for n in range(SYNTHETIC_WARNINGS):
        by_class = n % 2 == 0
        warnings.append(
            ClinicalWarning(
                medication=target,
                key=f"bench-{n}",
                type="interaction" if by_class else "warning",
                severity=["info", "caution", "dose_adjustment", "avoid", "contraindicated"][n % 5],
                title=f"Bench warning {n}",
                section="other_medicines" if by_class else "before_taking",
                trigger_kind="drug_class" if by_class else "condition",
                trigger_class=classes[n % SYNTHETIC_CLASSES] if by_class else None,
                trigger_condition=None if by_class else conditions[n % SYNTHETIC_CONDITIONS],
                patient_text="Plain words.",
                patient_html="<p>Plain words.</p>",
                clinician_text="Why it matters.",
                clinician_html="<p>Why it matters.</p>",
                action="What to do.",
                action_html="<p>What to do.</p>",
            )
        )
    ClinicalWarning.objects.bulk_create(warnings)
    Through = ClinicalWarning.sources.through
    Through.objects.bulk_create(
        Through(clinicalwarning_id=pk, source_id=source.pk)
        for pk in ClinicalWarning.objects.filter(medication=target).values_list("pk", flat=True)
    )
    return target.slug


def current_medications() -> list[str]:
    """30 lines as clinicians type them: generic and brand names with strengths, and a few typos."""
    lines = [f"{generic(n)} 10 mg bd" for n in range(1, 13)]
    lines += [f"{brand(n, 0).upper()} 5mg" for n in range(100, 112)]
    lines += ["Oxycodone 5 mg", "Zestril"]
    lines += [generic(42) + "l", brand(500, 1) + "x", "Oxycodon", "lisinoprill 10mg"]
    assert len(lines) == CURRENT_MEDICATIONS
    return lines


def median_ms(operation, before=None, *, repeat: int) -> float:
    timings = []
    for _ in range(repeat + 3):  # three warm-up runs, not counted
        if before is not None:
            before()
        start = time.perf_counter()
        operation()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings[3:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="timed repetitions of each operation (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-screening-") as tmp:
        configure(Path(tmp) / "bench.sqlite3")
        from django.contrib.auth.models import Group, User
        from django.core.cache import cache
        from django.core.management import call_command
        from django.test import Client

        from monographs.cache import forget_local_state
        from monographs.content_io import DEFAULT_CONTENT_DIR, load_tree
        from monographs.models import ClinicalWarning, Medication, MedicationName
        from monographs.screening import engine, selectors

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        load_tree(DEFAULT_CONTENT_DIR)
        synthetic = grow_catalogue()
        setup_s = time.perf_counter() - started

        clinician = User.objects.create_user(username="bench-clinician", password="bench-only-password-1")
        clinician.groups.add(Group.objects.get(name="clinician"))
        signed_in, anonymous = Client(), Client()
        signed_in.force_login(clinician)
        lines = current_medications()

        def engine_call(slug: str, current: list[str] = lines):
            def run():
                data = selectors.screening_data(medication_slug=slug)
                answers = engine.Answers(
                    pregnancy="pregnant",
                    conditions=frozenset({"epilepsy", "bench-condition-3"}),
                    kidney=engine.KidneyAnswers(crcl_ml_min=42),
                    current_medications=tuple(current),
                )
                return engine.screen(
                    medication=data.medication,
                    rules=data.rules,
                    index=data.index,
                    answers=answers,
                    rules_for=data.rules_for,
                )

            return run

        def form_data(slug: str) -> dict:
            return {
                "medication": slug,
                "pregnancy": "pregnant",
                "breastfeeding": "no",
                "crcl_ml_min": "42",
                "conditions": ["epilepsy", "bench-condition-3"],
                "current_medications": "\n".join(lines),
            }

        def form_post(slug: str):
            form = form_data(slug)

            def run():
                response = signed_in.post("/screening/", form)
                assert response.status_code == 302, response.status_code

            return run

        def api_post(slug: str, current: list[str] = lines):
            body = {
                "medication": slug,
                "pregnancy": "pregnant",
                "breastfeeding": False,
                "crcl_ml_min": 42,
                "conditions": ["epilepsy", "bench-condition-3"],
                "current_medications": current,
            }

            def run():
                response = signed_in.post("/api/screenings/", body, content_type="application/json")
                assert response.status_code == 201, response.content

            return run

        def clear_caches():
            cache.clear()
            forget_local_state()

        def leaflet():
            response = anonymous.get("/medicines/baclofen/")
            assert response.status_code == 200

        result = engine_call("baclofen")()
        ONE, TEN = WITH_LEAFLETS[3:4], WITH_LEAFLETS
        ten = engine_call("baclofen", TEN)()
        assert not ten.unrecognised and len(ten.recognised) == len(TEN), "each of the ten must be read as its medicine"
        record_url = signed_in.post("/screening/", form_data("baclofen"))["Location"]

        def result_page():
            assert signed_in.get(record_url).status_code == 200

        repeat = args.repeat
        baclofen_warnings = ClinicalWarning.objects.filter(medication__slug="baclofen").count()
        # Side by side in one run: the leaflet first, then each screening operation.
        timings = [
            ("Leaflet /medicines/baclofen/, uncached (anonymous GET after clearing the caches)", leaflet, clear_caches),
            (
                "Engine + selectors.py queries: baclofen, catalogue rebuilt (first screening after an edit)",
                engine_call("baclofen"),
                selectors._catalogue.forget,
            ),
            (f"Engine + selectors.py queries: baclofen ({baclofen_warnings} warnings)", engine_call("baclofen")),
            (f"Engine + selectors.py queries: synthetic ({SYNTHETIC_WARNINGS:,} warnings)", engine_call(synthetic)),
            ("Full form POST /screening/ as a clinician: baclofen", form_post("baclofen")),
            (f"Full form POST /screening/ as a clinician: synthetic ({SYNTHETIC_WARNINGS:,})", form_post(synthetic)),
            ("Full JSON POST /api/screenings/ as a clinician: baclofen", api_post("baclofen")),
            ("Engine + selectors: baclofen, 1 current medicine with a leaflet", engine_call("baclofen", ONE)),
            ("Engine + selectors: baclofen, 10 current medicines, each with a leaflet", engine_call("baclofen", TEN)),
            ("Full JSON POST: baclofen, 1 current medicine with a leaflet", api_post("baclofen", ONE)),
            ("Full JSON POST: baclofen, 10 current medicines, each with a leaflet", api_post("baclofen", TEN)),
            ("Result page GET /screening/<uuid>/ (rendered from the snapshot)", result_page),
        ]
        timings = [(name, median_ms(*operation, repeat=repeat)) for name, *operation in timings]
        leaflet_ms = timings[0][1]

        print()
        sizes = (Medication.objects.count(), MedicationName.objects.count(), ClinicalWarning.objects.count())
        print(
            "Catalogue: {:,} medications, {:,} brand names and synonyms, {:,} warnings; ".format(*sizes)
            + f"{CURRENT_MEDICATIONS} current-medication lines ({len(result.recognised)} medications recognised, "
            f"{len(result.unrecognised)} lines not)."
        )
        print(
            f"SQLite file, connection kept open; median of {repeat} runs after 3 warm-ups; setup took {setup_s:.1f} s."
        )
        print()
        width = max(len(name) for name, _ in timings)
        print(f"{'Operation':<{width}}  {'ms/op':>8}  {'× leaflet':>9}")
        print(f"{'-' * width}  {'-' * 8}  {'-' * 9}")
        for name, ms in timings:
            print(f"{name:<{width}}  {ms:>8.2f}  {ms / leaflet_ms:>9.2f}")
        by_name = dict(timings)
        for kind in ("Engine + selectors: baclofen", "Full JSON POST: baclofen"):
            one = by_name[f"{kind}, 1 current medicine with a leaflet"]
            many = by_name[f"{kind}, 10 current medicines, each with a leaflet"]
            print(f"{kind}: ten current medicines with leaflets cost {many / one:.2f}× one (target: under 2×)")
        print()


if __name__ == "__main__":
    main()
