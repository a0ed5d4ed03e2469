"""Kidney function for the screening: CrCl as given, eGFR in its place, or Cockcroft–Gault from serum creatinine
(µmol/L or mg/dL), with the working in words. Pure: no Django."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from monographs.rules import number_words as _number

FEMALE, MALE = "female", "male"
SEX_VALUES = (FEMALE, MALE)
UMOL_L, MG_DL = "umol/L", "mg/dL"
UMOL_L_PER_MG_DL = 88.4

CRCL_GIVEN, CRCL_COCKCROFT_GAULT, CRCL_EGFR = "given", "cockcroft_gault", "egfr"


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
    height_cm: float | None = None


@dataclass(frozen=True)
class KidneyFunction:
    crcl_ml_min: float | None
    source: str | None
    explanation: str


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


# Ideal body weight (Devine 1974): 50 kg (men) or 45.5 kg (women) + 0.9 kg per cm over 152.4 cm (2.3 kg per inch
# over 5 feet). Over 120% of it, Cockcroft–Gault uses the adjusted weight IBW + 0.4 × (actual − IBW).
IBW_BASE_KG = {MALE: 50.0, FEMALE: 45.5}
IBW_KG_PER_CM = 2.3 / 2.54
IBW_FROM_CM = 152.4
OBESITY_RATIO = 1.2
ADJUSTMENT_FACTOR = 0.4


def ideal_body_weight(*, height_cm: float, sex: str) -> float:
    return IBW_BASE_KG[sex] + IBW_KG_PER_CM * (height_cm - IBW_FROM_CM)


def weight_for_cockcroft_gault(*, weight_kg: float, height_cm: float | None, sex: str) -> tuple[float, str]:
    """The weight Cockcroft–Gault uses, and why: the actual weight, or the adjusted body weight when the actual
    weight is over 120% of the ideal one (a height is needed to know)."""
    if height_cm is None:
        return weight_kg, (
            f"using the weight given ({_number(weight_kg)} kg); no height was given, so it could not be checked "
            "against ideal body weight (in obesity, actual weight overestimates CrCl)"
        )
    ibw = ideal_body_weight(height_cm=height_cm, sex=sex)
    if ibw > 0 and weight_kg > OBESITY_RATIO * ibw:
        adjusted = round(ibw + ADJUSTMENT_FACTOR * (weight_kg - ibw), 1)
        return adjusted, (
            f"using the adjusted body weight {_number(adjusted)} kg, because the weight given "
            f"({_number(weight_kg)} kg) is over 120% of the ideal body weight for {_number(height_cm)} cm "
            f"({ibw:.1f} kg, Devine): adjusted = IBW + 0.4 × (actual − IBW)"
        )
    return weight_kg, (
        f"using the weight given ({_number(weight_kg)} kg), which is not over 120% of the ideal body weight for "
        f"{_number(height_cm)} cm ({ibw:.1f} kg, Devine)"
    )


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


def kidney_function(kidney: KidneyAnswers) -> KidneyFunction:
    """The CrCl the bands are compared with, how it was obtained, and the working in words."""
    methods = kidney_methods_given(kidney)
    if len(methods) > 1:
        raise ValueError(f"kidney function given more than one way: {methods}")
    if kidney.crcl_ml_min is not None:
        crcl = float(kidney.crcl_ml_min)
        return KidneyFunction(crcl, CRCL_GIVEN, f"CrCl {_number(crcl)} mL/min, as given.")
    if kidney.egfr is not None:
        egfr = float(kidney.egfr)
        return KidneyFunction(
            egfr,
            CRCL_EGFR,
            f"eGFR {_number(egfr)} mL/min/1.73 m², used in place of CrCl.",
        )
    creatinine = kidney.creatinine
    if creatinine is None:
        return KidneyFunction(None, None, "Kidney function was not given.")
    age, weight, sex = kidney.age_years, kidney.weight_kg, kidney.sex
    if age is None or weight is None or sex is None:
        missing = [name for name, value in (("age", age), ("weight", weight), ("sex", sex)) if value is None]
        raise ValueError(f"Cockcroft–Gault needs {', '.join(missing)}")
    scr = creatinine_mg_dl(creatinine)
    weight, weight_reason = weight_for_cockcroft_gault(weight_kg=weight, height_cm=kidney.height_cm, sex=sex)
    crcl = round_crcl(cockcroft_gault(age_years=age, weight_kg=weight, sex=sex, creatinine_mg_dl=scr))
    female = " × 0.85 (female)" if sex == FEMALE else ""
    conversion = ""
    if creatinine.unit == UMOL_L:
        conversion = f" Serum creatinine {_number(creatinine.value)} µmol/L ÷ 88.4 = {scr:.2f} mg/dL."
    explanation = (
        f"CrCl {crcl:.1f} mL/min, calculated by Cockcroft–Gault: CrCl = (140 − age) × weight × (0.85 if female) "
        f"÷ (72 × serum creatinine in mg/dL) = (140 − {_number(age)}) × {_number(weight)} kg"
        f"{female} ÷ (72 × {scr:.2f} mg/dL) = {crcl:.1f} mL/min, {weight_reason}.{conversion}"
    )
    return KidneyFunction(crcl, CRCL_COCKCROFT_GAULT, explanation)
