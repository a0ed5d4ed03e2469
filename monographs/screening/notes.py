"""The notes under a screening result: what was checked and what was not, how kidney function was worked out, and
what a missing flag does not mean. Pure: no Django."""

from collections.abc import Sequence

from monographs.rules import KnownMedication

from .kidney import CRCL_COCKCROFT_GAULT, CRCL_EGFR, KidneyFunction
from .names import MatchedMedication, Unrecognised

GENERAL_SCOPE = (
    "This screening checks the precautions recorded for the medicine you choose and for each current medicine that "
    "has a leaflet here, against your answers about the patient and against each other. Current medicines without "
    "a leaflet here are checked only against the chosen medicine's precautions; the result names them. Lines it "
    "cannot recognise are listed first in the result."
)


def _names(medications: Sequence[KnownMedication]) -> str:
    names = [m.name.lower() for m in medications]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def scope_statement(
    medication: KnownMedication,
    checked: Sequence[KnownMedication] = (),
    without_rules: Sequence[KnownMedication] = (),
) -> str:
    """What this screening checked, and what it could not: said on the result and the handout."""
    name = medication.name.lower()
    whose = _names([medication, *checked])
    statement = (
        f"Checked: the precautions recorded for {whose}, against the answers about the patient and against each "
        "other and every current medicine recognised."
    )
    if without_rules:
        statement += (
            f" Not checked: the precautions of {_names(without_rules)}, which have no leaflet here yet; they were "
            f"checked only against the precautions of {whose}."
        )
    return statement + f" Anything not recorded as a precaution for {name} was not checked."


def notes_for(
    *,
    medication: KnownMedication,
    dialysis: bool,
    kidney: KidneyFunction,
    flags: Sequence,
    unrecognised: Sequence[Unrecognised],
    recognised: Sequence[MatchedMedication],
    checked: Sequence[KnownMedication] = (),
    without_rules: Sequence[KnownMedication] = (),
) -> list[str]:
    name = medication.name.lower()
    notes = []
    if unrecognised:
        count = len(unrecognised)
        lines = "line was" if count == 1 else "lines were"
        quoted = ", ".join(f"“{u.line}”" for u in unrecognised)
        notes.append(
            f"Incomplete: {count} current medication {lines} not recognised and could not be checked ({quoted}). "
            "Check them yourself, or choose a suggestion and screen again."
        )
    notes += [
        scope_statement(medication, checked, without_rules),
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
    if kidney.source == CRCL_COCKCROFT_GAULT and dialysis:
        notes.append(
            "Cockcroft–Gault is not reliable for patients on dialysis: interpret the calculated CrCl with care."
        )
    if not (recognised or unrecognised):
        notes.append("No current medications were given, so no interactions were checked.")
    if not flags:
        notes.append(f"Nothing in the answers matched a recorded precaution for {name}.")
    return notes
