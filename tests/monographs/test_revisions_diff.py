"""The revision diff: what a reviewing pharmacist sees changed between two drafts of a leaflet (no database)."""

import copy
import re
import tomllib
from typing import Any

import pytest
from django.template.loader import render_to_string

from monographs.content_io import DEFAULT_CONTENT_DIR
from monographs.content_io.schema import LEAFLET_MEDICATION, PRODUCT, SECTION, TRIGGER, USE, WARNING
from monographs.revisions_diff import LABELS, compare_documents, word_diff_html

BACLOFEN = DEFAULT_CONTENT_DIR / "medications" / "baclofen.toml"
REVIEW_FIELDS = ("status", "last_reviewed", "next_review_due", "reviewed_by")


@pytest.fixture
def document() -> dict[str, Any]:
    """Baclofen's shipped monograph as a revision document: the content file without its sources and review dates."""
    with BACLOFEN.open("rb") as file:
        data = tomllib.load(file)
    del data["source"]
    for field in REVIEW_FIELDS:
        del data["medication"][field]
    return data


def part(document: dict[str, Any], kind: str, field: str, value: str) -> dict[str, Any]:
    [found] = [p for p in document[kind] if p[field] == value]
    return found


def only_changed(old: dict[str, Any], new: dict[str, Any]):
    [item] = compare_documents(old, new).changed_items
    return item


def marked(html: str, tag: str) -> list[str]:
    """The words inside each <del> or <ins>, without the text that only screen readers hear."""
    visible = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return re.findall(rf"<{tag}>(.*?)</{tag}>", visible, flags=re.S)


def test_an_unchanged_document_has_no_changes(document):
    diff = compare_documents(document, copy.deepcopy(document))

    assert not diff.has_changes
    assert diff.changed_items == []
    assert diff.counts == {"changed": 0, "added": 0, "removed": 0}
    # Baclofen: the details, 4 products, 5 uses, 12 sections and 52 warnings, counted in the file by hand.
    parts = 1 + len(document["product"]) + len(document["use"]) + len(document["section"]) + len(document["warning"])
    assert diff.unchanged_count == parts == 1 + 4 + 5 + 12 + 52 == len(diff.items)
    assert all(item.changes == () for item in diff.items)


def test_an_edited_section_body_marks_exactly_the_changed_words(document):
    new = copy.deepcopy(document)
    section = part(new, "section", "kind", "missed_dose")
    assert "skip the missed dose" in section["body"]
    section["body"] = section["body"].replace("skip the missed dose", "leave out the missed dose")

    item = only_changed(document, new)

    assert (item.kind, item.key, item.label, item.status, item.status_label) == (
        "section",
        "missed_dose",
        "If you forget to take it",
        "changed",
        "Changed",
    )
    [change] = item.changes
    assert change.label == "Text"
    assert "skip the missed dose" in change.old and "leave out the missed dose" in change.new
    assert marked(change.html, "del") == ["skip"]
    assert marked(change.html, "ins") == ["leave out"]
    assert '<span class="visually-hidden">removed: </span>skip' in change.html
    assert '<span class="visually-hidden">added: </span>leave out' in change.html


def test_word_diff_keeps_the_spacing_outside_the_marks():
    html = word_diff_html("Take one tablet daily.", "Take one daily.")
    assert re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html) == "Take one <del>tablet</del> daily."


def test_a_new_paragraph_is_marked_for_screen_readers_too():
    html = word_diff_html("First. Second.", "First.\n\nSecond.")
    assert "<ins>" in html and "added line break" in html


def test_html_in_a_text_is_escaped(document):
    old = copy.deepcopy(document)
    part(old, "section", "kind", "storage")["body"] += "\n\n<b>Keep</b> it cool."
    new = copy.deepcopy(old)
    part(new, "section", "kind", "storage")["body"] += " <script>alert(1)</script>"

    [change] = only_changed(old, new).changes

    assert "<script>" not in change.html and "<b>" not in change.html
    assert "&lt;b&gt;Keep&lt;/b&gt; it cool." in change.html  # the unchanged words
    assert marked(change.html, "ins") == ["&lt;script&gt;alert(1)&lt;/script&gt;"]  # the added ones
    rendered = render_to_string("admin/monographs/revision/diff.html", {"diff": compare_documents(old, new)})
    assert "<script>" not in rendered and "<b>" not in rendered
    assert "&lt;script&gt;" in rendered


def test_a_warning_added_removed_and_changed(document):
    new = copy.deepcopy(document)
    added = copy.deepcopy(part(new, "warning", "key", "drowsiness-driving"))
    added |= {"key": "alcohol", "title": "Alcohol", "severity": "caution", "patient_text": "Avoid alcohol."}
    new["warning"].append(added)
    new["warning"].remove(part(new, "warning", "key", "older-adults"))
    renal = part(new, "warning", "key", "renal-crcl-50-80")
    renal["severity"] = "dose_adjustment"
    renal["trigger"]["crcl_min"] = 45
    renal["trigger"]["crcl_max_inclusive"] = False

    diff = compare_documents(document, new)

    assert diff.counts == {"changed": 1, "added": 1, "removed": 1}
    by_key = {item.key: item for item in diff.changed_items}
    assert {key: item.status for key, item in by_key.items()} == {
        "renal-crcl-50-80": "changed",
        "alcohol": "added",
        "older-adults": "removed",
    }
    changed = by_key["renal-crcl-50-80"]
    assert changed.label == (
        "Warning: Mild renal impairment (CrCl 50–80 mL/min): caution, consider a lower dose (renal-crcl-50-80)"
    )
    assert [(c.label, c.old, c.new, c.html) for c in changed.changes] == [
        ("Severity", "Caution", "Dose adjustment", None),
        ("CrCl from", "50", "45", None),
        ("Range includes CrCl to", "Yes", "No", None),
    ]
    added_rows = {c.label: (c.old, c.new) for c in by_key["alcohol"].changes}
    assert added_rows["Title"] == ("–", "Alcohol")
    assert added_rows["Applies when"] == ("–", "Always (applies to everyone taking it)")
    assert added_rows["What to do"][1].startswith("Counsel the patient not to drive")
    # An added part lists what it says, not every empty or default field.
    assert "CrCl from" not in added_rows and "Range includes CrCl from" not in added_rows
    removed_rows = {c.label: (c.old, c.new) for c in by_key["older-adults"].changes}
    assert removed_rows["Age from"] == ("65", "–")
    assert removed_rows["Severity"] == ("Caution", "–")


def test_a_renamed_product_is_one_removed_and_one_added(document):
    new = copy.deepcopy(document)
    part(new, "product", "name", "Baclofen 10 mg tablets")["name"] = "Baclofen 10mg tablets"

    diff = compare_documents(document, new)

    assert [(item.status, item.label) for item in diff.changed_items] == [
        ("added", "Product: Baclofen 10mg tablets"),
        ("removed", "Product: Baclofen 10 mg tablets"),
    ]
    removed = diff.changed_items[1]
    assert [(c.label, c.old, c.new) for c in removed.changes] == [
        ("Name", "Baclofen 10 mg tablets", "–"),
        ("Form", "Tablet", "–"),
        ("Strength", "10 mg", "–"),
    ]


def test_changed_sources_are_listed_and_reordering_them_is_no_change(document):
    new = copy.deepcopy(document)
    use = part(new, "use", "condition", "cerebral-palsy")
    use["sources"] = ["nhs-baclofen", "emc-baclofen-tablets-smpc"]
    part(new, "section", "kind", "storage")["sources"].reverse()
    new["medication"]["sources"].reverse()

    item = only_changed(document, new)

    assert item.label == "Use: cerebral-palsy"
    assert [(c.label, c.old, c.new) for c in item.changes] == [
        (
            "Sources",
            "dailymed-baclofen-tablets, emc-baclofen-tablets-smpc, nhs-baclofen",
            "nhs-baclofen, emc-baclofen-tablets-smpc",
        )
    ]


def test_medication_details_use_plain_labels(document):
    new = copy.deepcopy(document)
    new["medication"] |= {"atc_code": "M03BX99", "rxnorm_code": "", "synonyms": ["baclofene"]}
    new["medication"]["brands"].remove("Kemstro")

    item = only_changed(document, new)

    assert (item.label, item.status) == ("Medication details", "changed")
    assert [(c.label, c.old, c.new) for c in item.changes] == [
        ("ATC code", "M03BX01", "M03BX99"),
        ("RxNorm code", "1292", "–"),
        (
            "Brand names",
            "Lioresal, Lioresal Intrathecal, Gablofen, Kemstro, Ozobax, Ozobax DS, Fleqsuvy, Lyvispah, Lyflex",
            "Lioresal, Lioresal Intrathecal, Gablofen, Ozobax, Ozobax DS, Fleqsuvy, Lyvispah, Lyflex",
        ),
        ("Other generic names", "–", "baclofene"),
    ]


def test_the_same_values_spelled_differently_are_no_change(document):
    new = copy.deepcopy(document)
    part(new, "warning", "key", "renal-crcl-50-80")["trigger"]["crcl_min"] = 50.0
    part(new, "warning", "key", "older-adults")["trigger"]["crcl_min_inclusive"] = True  # the default, now written
    section = part(new, "section", "kind", "stopping")
    section["body"] = section["body"].replace("\n", "\r\n")

    assert not compare_documents(document, new).has_changes


def test_a_new_leaflet_is_all_added(document):
    diff = compare_documents(None, document)

    assert diff.counts == {"changed": 0, "added": len(diff.items), "removed": 0}
    assert diff.unchanged_count == 0
    details = diff.items[0]
    assert (details.kind, details.status, details.status_label) == ("details", "added", "Added")
    assert {"Name": ("–", "Baclofen"), "ATC code": ("–", "M03BX01")}.items() <= {
        c.label: (c.old, c.new) for c in details.changes
    }.items()
    assert all(change.html is None for item in diff.items for change in item.changes)


def test_sections_come_in_leaflet_order(document):
    new = copy.deepcopy(document)
    new["section"].reverse()

    diff = compare_documents(document, new)

    assert [item.key for item in diff.items if item.kind == "section"][:3] == [
        "what_for",
        "how_it_works",
        "before_taking",
    ]
    assert not diff.has_changes


def test_a_part_listed_twice_is_refused(document):
    new = copy.deepcopy(document)
    new["product"].append(copy.deepcopy(new["product"][0]))

    with pytest.raises(ValueError, match="twice"):
        compare_documents(document, new)


@pytest.mark.parametrize(
    ("part_kind", "schema"),
    [
        ("details", {k: v for k, v in LEAFLET_MEDICATION.items() if k not in REVIEW_FIELDS}),
        ("product", PRODUCT),
        ("use", USE),
        ("section", SECTION),
        ("warning", WARNING),
        ("trigger", TRIGGER),
    ],
)
def test_every_field_of_the_content_format_has_a_plain_label(part_kind, schema):
    assert set(LABELS[part_kind]) == set(schema)


def test_the_template_writes_each_status_out(document):
    new = copy.deepcopy(document)
    part(new, "section", "kind", "side_effects")["body"] += " Ask your pharmacist."
    new["use"].remove(part(new, "use", "condition", "spinal-cord-injury"))
    new["product"].append({"name": "Baclofen 5 mg/5 mL oral solution", "form": "oral_solution", "strength": "1 mg/mL"})

    html = render_to_string("admin/monographs/revision/diff.html", {"diff": compare_documents(document, new)})

    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2>(.*?)</h2>", html, flags=re.S)]
    assert headings == [
        "Added: Product: Baclofen 5 mg/5 mL oral solution",
        "Removed: Use: spinal-cord-injury",
        "Changed: Side effects",
    ]
    assert html.count('<th scope="col">What</th><th scope="col">Before</th><th scope="col">After</th>') == 3
    assert "<h3>Text: changes word by word</h3>" in html
    assert '<span class="visually-hidden">added: </span>Ask your pharmacist.' in html
    assert "1 changed, 1 added, 1 removed." in html
    parts = 1 + 4 + 5 + 12 + 52
    assert f"{parts - 2} parts unchanged" in html


def test_the_template_says_when_nothing_changed(document):
    html = render_to_string("admin/monographs/revision/diff.html", {"diff": compare_documents(document, document)})

    assert "No changes." in html
    assert "<h2>" not in html


def test_the_template_heading_level_follows_the_page(document):
    new = copy.deepcopy(document)
    part(new, "section", "kind", "storage")["body"] += " Keep it dry."
    context = {"diff": compare_documents(document, new), "heading_level": 3}

    html = render_to_string("admin/monographs/revision/diff.html", context)

    assert re.findall(r"<h\d>", html) == ["<h3>", "<h4>"]
