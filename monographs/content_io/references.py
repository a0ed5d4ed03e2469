"""What only the loader can check, because it sees every file at once: each key is defined once across the tree,
each reference names something defined somewhere in it, and no two medications answer to the same name."""

from monographs.names import normalise_name

from .errors import ContentError
from .records import ContentTree, Record


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


def _check_names(medications: list[Record], errors: list[ContentError]) -> None:
    """Every name a clinician may type must lead to one medication only."""
    names: dict[str, tuple[Record, str]] = {}
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
                    other, other_value = names[norm]
                    errors.append(
                        record.error(
                            key,
                            f"{value!r} is the same name as {other_value!r} of {other.label} once case, "
                            "punctuation, strengths and dose forms are ignored",
                        )
                    )
                else:
                    names[norm] = (record, value)


def _check_ingredients(record: Record, medications: dict, errors: list[ContentError]) -> None:
    """A combination lists two or more single medicines: never itself, never another combination (one level, so
    the screening can always name what a product contains)."""
    ingredients = record.values.get("ingredients") or []
    if not ingredients:
        return
    if len(ingredients) < 2:
        errors.append(record.error("ingredients", "a combination lists at least two medicines"))
    for slug in ingredients:
        ingredient = medications.get(slug)
        if slug == record.values["slug"]:
            errors.append(record.error("ingredients", "a medication cannot be its own ingredient"))
        elif ingredient is not None and ingredient.values.get("ingredients"):
            errors.append(record.error("ingredients", f"{slug!r} is itself a combination: list its medicines"))


def check_references(tree: ContentTree, errors: list[ContentError]) -> None:
    """Append an error for each key defined twice and each reference to a key defined nowhere."""
    sources = _unique(tree.sources, "key", errors, "source key")
    classes = _unique(tree.drug_classes, "slug", errors, "drug class")
    conditions = _unique(tree.conditions, "slug", errors, "condition")
    medications = _unique(tree.medications, "slug", errors, "medication")
    _check_names(tree.medications, errors)

    def cited(record: Record, key: str, defined: dict, what: str) -> None:
        for ref in record.values.get(key) or []:
            if ref not in defined:
                errors.append(record.error(key, f"no {what} {ref!r} is defined"))

    for record in tree.conditions:
        cited(record, "sources", sources, "source")
    for record in tree.medications:
        cited(record, "sources", sources, "source")
        cited(record, "classes", classes, "drug class")
        cited(record, "ingredients", medications, "medication")
        _check_ingredients(record, medications, errors)

    for monograph in tree.monographs:
        _unique(monograph.products, "name", errors, "product")
        _unique(monograph.uses, "condition", errors, "use for")
        _unique(monograph.sections, "kind", errors, "section")
        _unique(monograph.warnings, "key", errors, "warning key")
        for use in monograph.uses:
            if use.values["condition"] not in conditions:
                errors.append(use.error("condition", f"no condition {use.values['condition']!r} is defined"))
            cited(use, "sources", sources, "source")
        for section in monograph.sections:
            cited(section, "sources", sources, "source")
        for warning in monograph.warnings:
            cited(warning, "sources", sources, "source")
            # Which of these a trigger needs is the model's rule (ClinicalWarning.clean); here only whether the
            # ones given exist.
            trigger = warning.values["trigger"]
            for key, defined in (("condition", conditions), ("drug_class", classes), ("medication", medications)):
                if trigger.get(key) is not None and trigger[key] not in defined:
                    what = key.replace("_", " ")
                    errors.append(warning.error("trigger", f"no {what} {trigger[key]!r} is defined"))
