"""The screening engine: a clinician's answers about one patient in, the precautions that apply out.

Pure: no database, no request, no HTML. The clinical rules are data (Rule, built from Warning rows by rules.py);
this module only knows the generic mechanics: band edges, class membership, name matching, Cockcroft–Gault.
"""

import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from monographs.names import normalise_name

# --- Vocabulary (the JSON contract's values) -------------------------------------------------------------------

NOT_PREGNANT, PREGNANT, PLANNING, PREGNANCY_NOT_APPLICABLE = "not_pregnant", "pregnant", "planning", "not_applicable"
FEMALE, MALE = "female", "male"
SEX_VALUES = (FEMALE, MALE)
UMOL_L, MG_DL = "umol/L", "mg/dL"
UMOL_L_PER_MG_DL = 88.4

CRCL_GIVEN, CRCL_COCKCROFT_GAULT, CRCL_EGFR = "given", "cockcroft_gault", "egfr"

# Most serious first: the order flags are shown in.
SEVERITY_ORDER = ("contraindicated", "avoid", "dose_adjustment", "caution", "info")

# Rule trigger kinds (Warning.TriggerKind) → the flag's trigger kind in the JSON contract. "none" never flags.
FLAG_KIND_FOR_RULE = {
    "condition": "condition",
    "drug_class": "medication",
    "medication": "medication",
    "renal": "renal",
    "dialysis": "renal",
    "pregnancy": "pregnancy",
    "breastfeeding": "breastfeeding",
}
SUGGESTION_CANDIDATES = 50
SUGGESTION_CUTOFF = 0.75
DUPLICATE_KEY = "duplicate-therapy"
DUPLICATE_SEVERITY = "avoid"


# --- Plain data in ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    title: str
    url: str


@dataclass(frozen=True)
class DrugClassRef:
    slug: str
    name: str


@dataclass(frozen=True)
class ConditionRef:
    slug: str
    name: str


@dataclass(frozen=True)
class KnownMedication:
    slug: str
    name: str
    classes: tuple[DrugClassRef, ...] = ()

    @property
    def class_slugs(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.classes)


@dataclass(frozen=True)
class Rule:
    """One clinical-use fact with its trigger (a Warning row as plain data)."""

    key: str
    title: str
    type: str
    severity: str
    trigger_kind: str
    condition: ConditionRef | None = None
    drug_class: DrugClassRef | None = None
    medication: KnownMedication | None = None
    crcl_min: float | None = None
    crcl_min_inclusive: bool = True
    crcl_max: float | None = None
    crcl_max_inclusive: bool = False
    patient_text: str = ""
    patient_html: str = ""
    clinician_text: str = ""
    clinician_html: str = ""
    action: str = ""
    action_html: str = ""
    sources: tuple[SourceRef, ...] = ()


class NameEntry(NamedTuple):
    """One name a clinician may type for a medication: its generic name, a brand name or a synonym. (A named tuple:
    an index holds thousands, built on every screening.)"""

    spelling: str
    medication: KnownMedication
    normalised: str = ""  # the stored comparison key; computed from the spelling when empty
    generic: bool = False


@dataclass(frozen=True)
class NameIndex:
    names: Mapping[str, KnownMedication]
    spellings: Mapping[str, str]

    @cached_property
    def keys_by_bigram(self) -> dict[str, tuple[str, ...]]:
        """Narrows "did you mean" to names that share letter pairs. Built on the first unrecognised line only."""
        return _keys_by_bigram(tuple(self.names))


@lru_cache(maxsize=4)
def _keys_by_bigram(keys: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    # Memoised on the names themselves, so it can never be stale: rebuilt only when a name changes.
    postings: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        for gram in _bigrams(key):
            postings[gram].append(key)
    return {gram: tuple(found) for gram, found in postings.items()}


def _bigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


def build_name_index(entries: Iterable[NameEntry]) -> NameIndex:
    """Normalised name → medication. Generic names win over brands and synonyms that normalise the same way."""
    names: dict[str, KnownMedication] = {}
    spellings: dict[str, str] = {}
    for entry in sorted(entries, key=lambda e: not e.generic):
        key = entry.normalised or normalise_name(entry.spelling)
        if key and key not in names:
            names[key] = entry.medication
            spellings[key] = entry.spelling
    return NameIndex(names=names, spellings=spellings)


@dataclass(frozen=True)
class Creatinine:
    value: float
    unit: str


@dataclass(frozen=True)
class KidneyAnswers:
    crcl_ml_min: float | None = None
    creatinine: Creatinine | None = None
    age_years: int | None = None
    weight_kg: float | None = None
    sex: str | None = None
    egfr: float | None = None
    dialysis: bool = False


@dataclass(frozen=True)
class Answers:
    pregnancy: str | None = None
    breastfeeding: bool = False
    kidney: KidneyAnswers = field(default_factory=KidneyAnswers)
    conditions: frozenset[str] = frozenset()
    current_medications: tuple[str, ...] = ()


# --- Plain data out ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KidneyFunction:
    crcl_ml_min: float | None
    source: str | None
    explanation: str


@dataclass(frozen=True)
class MatchedMedication:
    """A current medication recognised in the answers, with every line that named it."""

    medication: KnownMedication
    lines: tuple[str, ...]

    @property
    def described(self) -> str:
        quoted = ", ".join(f"“{line}”" for line in self.lines)
        return f"{self.medication.name} (from {quoted})"


@dataclass(frozen=True)
class Unrecognised:
    line: str
    suggestion: str | None


@dataclass(frozen=True)
class Trigger:
    kind: str
    detail: str
    condition: ConditionRef | None = None
    drug_class: DrugClassRef | None = None
    medications: tuple[MatchedMedication, ...] = ()


@dataclass(frozen=True)
class Flag:
    key: str
    title: str
    severity: str
    type: str
    trigger: Trigger
    patient_text: str = ""
    patient_html: str = ""
    clinician_text: str = ""
    clinician_html: str = ""
    action: str = ""
    action_html: str = ""
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True)
class Result:
    medication: KnownMedication
    kidney: KidneyFunction
    flags: tuple[Flag, ...]
    recognised: tuple[MatchedMedication, ...]
    unrecognised: tuple[Unrecognised, ...]
    notes: tuple[str, ...]

    @property
    def flag_keys(self) -> set[str]:
        return {flag.key for flag in self.flags}


# --- Kidney function --------------------------------------------------------------------------------------------


def round_crcl(value: float) -> float:
    """To 0.1 mL/min (half up), the precision of the bands: the figure shown is the figure compared."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def creatinine_mg_dl(creatinine: Creatinine) -> float:
    if creatinine.unit == MG_DL:
        return creatinine.value
    if creatinine.unit == UMOL_L:
        return creatinine.value / UMOL_L_PER_MG_DL
    raise ValueError(f"unknown creatinine unit {creatinine.unit!r}")


def cockcroft_gault(*, age_years: float, weight_kg: float, sex: str, creatinine_mg_dl: float) -> float:
    """CrCl (mL/min) = (140 − age) × weight × (0.85 if female) / (72 × serum creatinine in mg/dL). Unrounded."""
    if sex not in SEX_VALUES:
        raise ValueError(f"unknown sex {sex!r}")
    if creatinine_mg_dl <= 0:
        raise ValueError("serum creatinine must be above zero")
    female_factor = 0.85 if sex == FEMALE else 1.0
    return (140 - age_years) * weight_kg * female_factor / (72 * creatinine_mg_dl)


def kidney_methods_given(kidney: KidneyAnswers) -> list[str]:
    """Which ways of giving kidney function the answers use (more than one is an error)."""
    given = []
    if kidney.crcl_ml_min is not None:
        given.append(CRCL_GIVEN)
    if kidney.creatinine is not None:
        given.append(CRCL_COCKCROFT_GAULT)
    if kidney.egfr is not None:
        given.append(CRCL_EGFR)
    return given


def _number(value) -> str:
    return f"{float(value):g}"  # Decimal("30.0") from the database reads "30", like the float 30.0


def kidney_function(kidney: KidneyAnswers) -> KidneyFunction:
    """The CrCl the bands are compared with, how it was obtained, and the working in words."""
    methods = kidney_methods_given(kidney)
    if len(methods) > 1:
        raise ValueError(f"kidney function given more than one way: {methods}")
    if not methods:
        return KidneyFunction(None, None, "Kidney function was not given.")
    if methods[0] == CRCL_GIVEN:
        crcl = float(kidney.crcl_ml_min)
        return KidneyFunction(crcl, CRCL_GIVEN, f"CrCl {_number(crcl)} mL/min, as given.")
    if methods[0] == CRCL_EGFR:
        egfr = float(kidney.egfr)
        return KidneyFunction(
            egfr,
            CRCL_EGFR,
            f"eGFR {_number(egfr)} mL/min/1.73 m², used in place of CrCl.",
        )
    missing = [
        name
        for name, value in (("age", kidney.age_years), ("weight", kidney.weight_kg), ("sex", kidney.sex))
        if value is None
    ]
    if missing:
        raise ValueError(f"Cockcroft–Gault needs {', '.join(missing)}")
    scr = creatinine_mg_dl(kidney.creatinine)
    crcl = round_crcl(
        cockcroft_gault(age_years=kidney.age_years, weight_kg=kidney.weight_kg, sex=kidney.sex, creatinine_mg_dl=scr)
    )
    female = " × 0.85 (female)" if kidney.sex == FEMALE else ""
    conversion = ""
    if kidney.creatinine.unit == UMOL_L:
        conversion = f" Serum creatinine {_number(kidney.creatinine.value)} µmol/L ÷ 88.4 = {scr:.2f} mg/dL."
    explanation = (
        f"CrCl {crcl:.1f} mL/min, calculated by Cockcroft–Gault: CrCl = (140 − age) × weight × (0.85 if female) "
        f"÷ (72 × serum creatinine in mg/dL) = (140 − {_number(kidney.age_years)}) × {_number(kidney.weight_kg)} kg"
        f"{female} ÷ (72 × {scr:.2f} mg/dL) = {crcl:.1f} mL/min, using the weight given.{conversion}"
    )
    return KidneyFunction(crcl, CRCL_COCKCROFT_GAULT, explanation)


def crcl_in_band(rule: Rule, crcl: float) -> bool:
    """Is this CrCl inside the rule's range, honouring each edge's inclusiveness? (Warning.crcl_in_band is this.)"""
    if rule.crcl_min is not None:
        low = float(rule.crcl_min)
        if crcl < low or (crcl == low and not rule.crcl_min_inclusive):
            return False
    if rule.crcl_max is not None:
        high = float(rule.crcl_max)
        if crcl > high or (crcl == high and not rule.crcl_max_inclusive):
            return False
    return True


def renal_band(rule: Rule) -> str:
    """The rule's CrCl range in words: 'CrCl 30 to under 50 mL/min'. (Warning.renal_band is this.)"""
    low, high = rule.crcl_min, rule.crcl_max
    if low is not None and high is not None:
        low_word = "" if rule.crcl_min_inclusive else "over "
        high_word = "" if rule.crcl_max_inclusive else "under "
        return f"CrCl {low_word}{_number(low)} to {high_word}{_number(high)} mL/min"
    if low is not None:
        return f"CrCl {_number(low)} mL/min or more" if rule.crcl_min_inclusive else f"CrCl over {_number(low)} mL/min"
    if high is not None:
        return (
            f"CrCl {_number(high)} mL/min or less" if rule.crcl_max_inclusive else f"CrCl under {_number(high)} mL/min"
        )
    return "Any CrCl"


# --- Current medications ----------------------------------------------------------------------------------------


def recognise(line: str, index: NameIndex) -> KnownMedication | None:
    """The medication a line names ("Oxycodone 5mg bd", "Zestril"), by generic, brand or other name."""
    key = normalise_name(line)
    return index.names.get(key) if key else None


def suggest(line: str, index: NameIndex) -> str | None:
    """A close known name for a line that was not recognised, as written by the pharmacists, or None."""
    key = normalise_name(line)
    if not key:
        return None
    words = key.split()
    # A known name followed by more words, e.g. a salt: "oxycodone hydrochloride".
    for length in range(len(words) - 1, 0, -1):
        prefix = " ".join(words[:length])
        if prefix in index.names:
            return _suggestion_text(prefix, index)
    # difflib over every name costs ~30 ms a line with thousands of names: rank by shared letter pairs first.
    shared: Counter[str] = Counter()
    for gram in _bigrams(key):
        shared.update(index.keys_by_bigram.get(gram, ()))
    candidates = [candidate for candidate, _ in shared.most_common(SUGGESTION_CANDIDATES)]
    close = difflib.get_close_matches(key, candidates, n=1, cutoff=SUGGESTION_CUTOFF)
    return _suggestion_text(close[0], index) if close else None


def _suggestion_text(key: str, index: NameIndex) -> str:
    spelling, medication = index.spellings[key], index.names[key]
    if normalise_name(medication.name) == key:
        return spelling
    return f"{spelling} ({medication.name.lower()})"


def read_current_medications(
    lines: Iterable[str], index: NameIndex
) -> tuple[tuple[MatchedMedication, ...], tuple[Unrecognised, ...]]:
    """Recognised medications (each once, with the lines that named it) and the lines not recognised."""
    matched: dict[str, tuple[KnownMedication, list[str]]] = {}
    unrecognised = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        medication = recognise(line, index)
        if medication is None:
            unrecognised.append(Unrecognised(line=line, suggestion=suggest(line, index)))
        else:
            matched.setdefault(medication.slug, (medication, []))[1].append(line)
    recognised = tuple(MatchedMedication(medication, tuple(found)) for medication, found in matched.values())
    return recognised, tuple(unrecognised)


# --- Evaluation -------------------------------------------------------------------------------------------------


def _flag(rule: Rule, trigger: Trigger) -> Flag:
    return Flag(
        key=rule.key,
        title=rule.title,
        severity=rule.severity,
        type=rule.type,
        trigger=trigger,
        patient_text=rule.patient_text,
        patient_html=rule.patient_html,
        clinician_text=rule.clinician_text,
        clinician_html=rule.clinician_html,
        action=rule.action,
        action_html=rule.action_html,
        sources=rule.sources,
    )


def _trigger(
    rule: Rule, *, answers: Answers, kidney: KidneyFunction, others: Sequence[MatchedMedication]
) -> Trigger | None:
    """The trigger that makes this rule apply to the patient, or None when it does not apply."""
    kind = FLAG_KIND_FOR_RULE.get(rule.trigger_kind)
    match rule.trigger_kind:
        case "none":
            # Applies to everyone taking the medicine: the leaflet's business, not a patient-specific flag.
            return None
        case "condition":
            if rule.condition is not None and rule.condition.slug in answers.conditions:
                return Trigger(kind, f"Has {rule.condition.name.lower()}", condition=rule.condition)
        case "drug_class":
            found = tuple(m for m in others if rule.drug_class.slug in m.medication.class_slugs)
            if found:
                detail = f"Takes a medicine of the class {rule.drug_class.name}: " + "; ".join(
                    m.described for m in found
                )
                return Trigger(kind, detail, drug_class=rule.drug_class, medications=found)
        case "medication":
            found = tuple(m for m in others if m.medication.slug == rule.medication.slug)
            if found:
                return Trigger(kind, "Takes " + "; ".join(m.described for m in found), medications=found)
        case "renal":
            if kidney.crcl_ml_min is not None and crcl_in_band(rule, kidney.crcl_ml_min):
                used = _crcl_used(kidney)
                return Trigger(kind, f"{renal_band(rule)} ({used})")
        case "dialysis":
            if answers.kidney.dialysis:
                return Trigger(kind, "On dialysis")
        case "pregnancy":
            if answers.pregnancy in (PREGNANT, PLANNING):
                detail = "Pregnant" if answers.pregnancy == PREGNANT else "Planning a pregnancy"
                return Trigger(kind, detail)
        case "breastfeeding":
            if answers.breastfeeding:
                return Trigger(kind, "Breastfeeding")
        case _:
            raise ValueError(f"rule {rule.key!r} has an unknown trigger kind {rule.trigger_kind!r}")
    return None


def _crcl_used(kidney: KidneyFunction) -> str:
    value = _number(kidney.crcl_ml_min)
    match kidney.source:
        case "cockcroft_gault":
            return f"patient's CrCl {value} mL/min by Cockcroft–Gault"
        case "egfr":
            return f"patient's eGFR {value} mL/min/1.73 m², used in place of CrCl"
    return f"patient's CrCl {value} mL/min, as given"


def _duplicate_flag(medication: KnownMedication, duplicates: Sequence[MatchedMedication]) -> Flag:
    lines = [line for m in duplicates for line in m.lines]
    quoted = ", ".join(f"“{line}”" for line in lines)
    name = medication.name.lower()
    return Flag(
        key=DUPLICATE_KEY,
        title=f"Already taking {name} (duplicate therapy)",
        severity=DUPLICATE_SEVERITY,
        type="warning",
        trigger=Trigger("duplicate", f"Current medications include {name}: {quoted}", medications=tuple(duplicates)),
        patient_text=(
            f"You may already be taking {name}, perhaps under another name. Taking the same medicine twice can "
            "mean taking too much. Check with your doctor or pharmacist before you take both."
        ),
        clinician_text=(
            f"The current medications list {quoted}, which is {name}, the medicine being considered. "
            "Two prescriptions of the same active ingredient risk a double dose."
        ),
        action=(
            f"Check whether the patient still takes {name}. Do not prescribe it twice: adjust or replace the "
            "existing prescription instead."
        ),
    )


def _sort_key(flag: Flag) -> tuple[int, str]:
    if flag.severity not in SEVERITY_ORDER:
        raise ValueError(f"flag {flag.key!r} has an unknown severity {flag.severity!r}")
    return SEVERITY_ORDER.index(flag.severity), flag.title.casefold()


def _notes(
    *, medication: KnownMedication, answers: Answers, kidney: KidneyFunction, flags, unrecognised, recognised
) -> list[str]:
    name = medication.name.lower()
    notes = [
        f"The absence of a flag is not proof of safety: only the precautions recorded for {name} were checked, "
        "against the answers given. Check the full prescribing information.",
        "This screening supports clinical judgement; it does not replace it.",
        f"General warnings and side effects that apply to everyone taking {name} are not listed as flags: "
        "they are in the patient leaflet.",
    ]
    if kidney.source is None:
        notes.append("Kidney function was not given, so no kidney-function (CrCl) band was checked.")
    else:
        notes.append(kidney.explanation)
        notes.append(
            "Kidney-function bands are in CrCl (mL/min) as each precaution's sources give them; the sources listed "
            "with a kidney precaution say how CrCl was measured."
        )
    if kidney.source == CRCL_EGFR:
        notes.append(
            "eGFR was used in place of CrCl. eGFR is adjusted to body surface area and can differ from CrCl, "
            "especially at extremes of body size and in older people: near a band edge, calculate CrCl."
        )
    if kidney.source == CRCL_COCKCROFT_GAULT and answers.kidney.dialysis:
        notes.append(
            "Cockcroft–Gault is not reliable for patients on dialysis: interpret the calculated CrCl with care."
        )
    if not (recognised or unrecognised):
        notes.append("No current medications were given, so no interactions were checked.")
    if unrecognised:
        count = len(unrecognised)
        lines = "line was" if count == 1 else "lines were"
        notes.append(
            f"{count} current medication {lines} not recognised and could not be checked for interactions: "
            "check them yourself, or correct the spelling and screen again."
        )
    if not flags:
        notes.append(f"Nothing in the answers matched a recorded precaution for {name}.")
    return notes


def screen(*, medication: KnownMedication, rules: Sequence[Rule], index: NameIndex, answers: Answers) -> Result:
    """Evaluate every rule of the medication against the answers about one patient."""
    kidney = kidney_function(answers.kidney)
    recognised, unrecognised = read_current_medications(answers.current_medications, index)
    duplicates = [m for m in recognised if m.medication.slug == medication.slug]
    # A line that *is* the medication being considered is duplicate therapy, not an interaction with itself.
    others = [m for m in recognised if m.medication.slug != medication.slug]

    flags = []
    for rule in rules:
        trigger = _trigger(rule, answers=answers, kidney=kidney, others=others)
        if trigger is not None:
            flags.append(_flag(rule, trigger))
    if duplicates:
        flags.append(_duplicate_flag(medication, duplicates))
    flags.sort(key=_sort_key)

    notes = _notes(
        medication=medication,
        answers=answers,
        kidney=kidney,
        flags=flags,
        unrecognised=unrecognised,
        recognised=recognised,
    )
    return Result(
        medication=medication,
        kidney=kidney,
        flags=tuple(flags),
        recognised=recognised,
        unrecognised=unrecognised,
        notes=tuple(notes),
    )


# --- The snapshot (stored with the ScreeningRecord and shown from then on) --------------------------------------

SNAPSHOT_SCHEMA = 1


def _medication_dict(medication: KnownMedication) -> dict[str, Any]:
    return {"slug": medication.slug, "name": medication.name, "classes": [c.name for c in medication.classes]}


def _trigger_dict(trigger: Trigger) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": trigger.kind, "detail": trigger.detail}
    if trigger.condition is not None:
        data["condition"] = {"slug": trigger.condition.slug, "name": trigger.condition.name}
    if trigger.kind in ("medication", "duplicate"):
        data["drug_class"] = (
            {"slug": trigger.drug_class.slug, "name": trigger.drug_class.name} if trigger.drug_class else None
        )
        data["medications"] = [
            {"slug": m.medication.slug, "name": m.medication.name, "lines": list(m.lines)} for m in trigger.medications
        ]
    return data


def snapshot(result: Result) -> dict[str, Any]:
    """The result as JSON-ready plain data: everything the result page, the handout and the API show."""
    return {
        "schema": SNAPSHOT_SCHEMA,
        "medication": {"slug": result.medication.slug, "name": result.medication.name},
        "crcl_ml_min": result.kidney.crcl_ml_min,
        "crcl_source": result.kidney.source,
        "crcl_explanation": result.kidney.explanation,
        "flags": [
            {
                "key": flag.key,
                "title": flag.title,
                "severity": flag.severity,
                "type": flag.type,
                "trigger": _trigger_dict(flag.trigger),
                "patient_text": flag.patient_text,
                "patient_html": flag.patient_html,
                "clinician_text": flag.clinician_text,
                "clinician_html": flag.clinician_html,
                "action": flag.action,
                "action_html": flag.action_html,
                "sources": [{"title": s.title, "url": s.url} for s in flag.sources],
            }
            for flag in result.flags
        ],
        "recognised_medications": [
            {"lines": list(m.lines), **_medication_dict(m.medication)} for m in result.recognised
        ],
        "unrecognised_medications": [{"line": u.line, "suggestion": u.suggestion} for u in result.unrecognised],
        "notes": list(result.notes),
    }
