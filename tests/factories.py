"""Small factory functions: just enough rows to exercise a page, with every required link in place."""

import datetime
import itertools

from monographs.models import (
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    SectionKind,
    Source,
    Use,
    Warning,
)

_counter = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_counter)
    defaults = {
        "key": f"source-{n}",
        "title": f"Source {n}",
        "publisher": "Publisher",
        "url": f"https://example.org/source/{n}",
        "accessed": datetime.date(2026, 11, 29),
    }
    return Source.objects.create(**(defaults | fields))


def make_condition(**fields) -> Condition:
    n = next(_counter)
    defaults = {"slug": f"condition-{n}", "name": f"Condition {n}", "description": "A condition."}
    return Condition.objects.create(**(defaults | fields))


def make_medication(*, sections=1, warnings=0, uses=0, brands=(), status="published", **fields) -> Medication:
    n = next(_counter)
    defaults = {
        "name": f"Medicine{n}",
        "slug": f"medicine-{n}",
        "summary": "A medicine for testing.",
        "status": status,
        "last_reviewed": datetime.date(2026, 1, 1),
        "next_review_due": datetime.date(2029, 1, 1),
    }
    medication = Medication.objects.create(**(defaults | fields))
    source = make_source()
    medication.sources.add(source)
    for position, brand in enumerate(brands):
        MedicationName.objects.create(medication=medication, name=brand, position=position)
    for kind in SectionKind.values[:sections]:
        section = LeafletSection.objects.create(medication=medication, kind=kind, body=f"About {kind}.")
        section.sources.add(source)
    for i in range(uses):
        use = Use.objects.create(
            medication=medication, condition=make_condition(), status="licensed", how_it_helps="It helps.", position=i
        )
        use.sources.add(source)
    drug_class = DrugClass.objects.get_or_create(slug="test-class", defaults={"name": "Test class"})[0]
    for i in range(warnings):
        kind = i % 4
        warning = Warning(
            medication=medication,
            key=f"warning-{i}",
            title=f"Warning {i}",
            position=i,
            patient_text=f"Patient text {i}.",
            clinician_text="Why.",
            action="What to do.",
            urgent=(i % 10 == 0),
        )
        if kind == 0:
            warning.type, warning.severity, warning.section = "undesirable_effect", "info", "side_effects"
            warning.frequency = "common"
        elif kind == 1:
            warning.type, warning.severity, warning.section = "interaction", "caution", "other_medicines"
            warning.trigger_kind, warning.trigger_class = "drug_class", drug_class
        elif kind == 2:
            warning.type, warning.severity, warning.section = "warning", "dose_adjustment", "before_taking"
            warning.trigger_kind, warning.crcl_max = "renal", 30
        else:
            warning.type, warning.severity, warning.section = "warning", "caution", "pregnancy"
            warning.trigger_kind = "pregnancy"
        warning.save()
        warning.sources.add(source, make_source())
    return medication
