"""Small factory functions: just enough rows to exercise a page, with every required link in place. Rows are written
through the same service the admin and the loader use (content_save), and the leaflet is rendered as it would be
after the commit (tests run inside a transaction that never commits)."""

import datetime
import itertools

from monographs.models import (
    ClinicalWarning,
    Condition,
    DrugClass,
    LeafletSection,
    Medication,
    MedicationName,
    SectionKind,
    Source,
    Use,
)
from monographs.services.content import content_save
from monographs.services.leaflets import render_due_leaflets

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
    return _save(Source(**(defaults | fields)))


def make_condition(**fields) -> Condition:
    n = next(_counter)
    defaults = {"slug": f"condition-{n}", "name": f"Condition {n}", "description": "A condition."}
    return _save(Condition(**(defaults | fields)))


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
    source = make_source()
    medication = _save(Medication(**(defaults | fields)), sources=[source])
    for position, brand in enumerate(brands):
        _save(MedicationName(medication=medication, name=brand, position=position))
    for kind in SectionKind.values[:sections]:
        _save(LeafletSection(medication=medication, kind=kind, body=f"About {kind}."), sources=[source])
    for i in range(uses):
        use = Use(
            medication=medication, condition=make_condition(), status="licensed", how_it_helps="It helps.", position=i
        )
        _save(use, sources=[source])
    drug_class = DrugClass.objects.get_or_create(slug="test-class", defaults={"name": "Test class"})[0]
    for i in range(warnings):
        kind = i % 4
        warning = ClinicalWarning(
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
        _save(warning, sources=[source, make_source()])
    render_due_leaflets()
    return medication


def _save(obj, **m2m):
    return content_save(obj=obj, reason="Made by a test factory", m2m=m2m)
