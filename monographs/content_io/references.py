"""What only the loader can check, because it sees every file at once: each key is defined once across the tree,
each reference names something defined somewhere in it, and no two medications answer to the same name.

The rules for one medication and one leaflet take what is defined as plain containers, so a draft of a leaflet
(content_io.documents) is checked by the same rules against the database."""

from collections.abc import Collection, Mapping

from monographs.names import normalise_name

from .errors import ContentError
from .records import ContentTree, Monograph, Record


def _unique(records: list[Record], key: str, errors: list[ContentError], what: str) -> dict:
    seen: dict = {}
    for record in records:
        value = record.values.get(key)
        if value is None:
            continue
        if value in seen:
            first = seen[value]
            errors.append(record.error(key, f"{what} {value!r} is already defined in {first.file}:{first.line}"))
        else:
            seen[value] = record
    return seen


def check_names(
    medications: list[Record], errors: list[ContentError], taken: Mapping[str, tuple[str, str]] | None = None
) -> None:
    """Every name a clinician may type must lead to one medication only. `taken`: names given elsewhere, by their
    normalised form, as (the name, whose it is)."""
    names: dict[str, tuple[str, str]] = dict(taken or {})
    for record in medications:
        for key, values in (
            ("name", [record.values["name"]]),
            ("brands", record.values["brands"]),
            ("synonyms", record.values["synonyms"]),
        ):
            for value in values:
                norm = normalise_name(value)
                if not norm:
                    errors.append(record.error(key, f"{value!r} has no letters left once strengths are removed"))
                elif norm in names:
                    other_value, other = names[norm]
                    errors.append(
                        record.error(
                            key,
                            f"{value!r} is the same name as {other_value!r} of {other} once case, "
                            "punctuation, strengths and dose forms are ignored",
                        )
                    )
                else:
                    names[norm] = (value, record.label)


def _check_ingredients(record: Record, combinations: Collection[str], errors: list[ContentError]) -> None:
    """A combination lists two or more single medicines: never itself, never another combination (one level, so
    the screening can always name what a product contains)."""
    ingredients = record.values.get("ingredients") or []
    if not ingredients:
        return
    if len(ingredients) < 2:
        errors.append(record.error("ingredients", "a combination lists at least two medicines"))
    for slug in ingredients:
        if slug == record.values["slug"]:
            errors.append(record.error("ingredients", "a medication cannot be its own ingredient"))
        elif slug in combinations:
            errors.append(record.error("ingredients", f"{slug!r} is itself a combination: list its medicines"))


def _cited(record: Record, key: str, defined: Collection[str], what: str, errors: list[ContentError]) -> None:
    for ref in record.values.get(key) or []:
        if ref not in defined:
            errors.append(record.error(key, f"no {what} {ref!r} is defined"))


def check_medication(
    record: Record,
    errors: list[ContentError],
    *,
    sources: Collection[str],
    classes: Collection[str],
    medications: Collection[str],
    combinations: Collection[str],
) -> None:
    """A [medication] table's references, and its ingredients (`combinations`: the medications that have some)."""
    _cited(record, "sources", sources, "source", errors)
    _cited(record, "classes", classes, "drug class", errors)
    _cited(record, "ingredients", medications, "medication", errors)
    _check_ingredients(record, combinations, errors)


def check_monograph(
    monograph: Monograph,
    errors: list[ContentError],
    *,
    sources: Collection[str],
    classes: Collection[str],
    conditions: Collection[str],
    medications: Collection[str],
) -> None:
    """One leaflet's rows: each product, use, section and warning once, and each reference defined."""
    _unique(monograph.products, "name", errors, "product")
    _unique(monograph.uses, "condition", errors, "use for")
    _unique(monograph.sections, "kind", errors, "section")
    _unique(monograph.warnings, "key", errors, "warning key")
    for use in monograph.uses:
        if use.values["condition"] not in conditions:
            errors.append(use.error("condition", f"no condition {use.values['condition']!r} is defined"))
        _cited(use, "sources", sources, "source", errors)
    for section in monograph.sections:
        _cited(section, "sources", sources, "source", errors)
    for warning in monograph.warnings:
        _cited(warning, "sources", sources, "source", errors)
        # Which of these a trigger needs is the model's rule (ClinicalWarning.clean); here only whether the
        # ones given exist.
        trigger = warning.values["trigger"]
        for key, defined in (("condition", conditions), ("drug_class", classes), ("medication", medications)):
            if trigger.get(key) is not None and trigger[key] not in defined:
                what = key.replace("_", " ")
                errors.append(warning.error("trigger", f"no {what} {trigger[key]!r} is defined"))


def check_references(tree: ContentTree, errors: list[ContentError]) -> None:
    """Append an error for each key defined twice and each reference to a key defined nowhere."""
    sources = _unique(tree.sources, "key", errors, "source key")
    classes = _unique(tree.drug_classes, "slug", errors, "drug class")
    conditions = _unique(tree.conditions, "slug", errors, "condition")
    medications = _unique(tree.medications, "slug", errors, "medication")
    check_names(tree.medications, errors)

    for record in tree.conditions:
        _cited(record, "sources", sources, "source", errors)
    combinations = {slug for slug, record in medications.items() if record.values.get("ingredients")}
    for record in tree.medications:
        check_medication(
            record, errors, sources=sources, classes=classes, medications=medications, combinations=combinations
        )
    for monograph in tree.monographs:
        check_monograph(
            monograph, errors, sources=sources, classes=classes, conditions=conditions, medications=medications
        )
