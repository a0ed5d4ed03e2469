"""A generated content tree of many leaflets, for the scale benchmark (never shipped, never loaded by the app).

    .venv/bin/python -m bench.corpus DIR [COUNT]

The shipped reference files are copied as they are; the shipped leaflets are copied round-robin under invented
names (each name, brand and slug unique once normalised), with their sections, uses, warnings and sources. The text
of each copy gets one invented word of its own, so a rare search has exactly one answer and a common one has them all.
"""

import itertools
import shutil
import sys
import tomllib
from pathlib import Path

import tomli_w

# As in monographs.content_io.schema (not imported: this runs without Django's settings).
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parents[1] / "monographs" / "content"
REFERENCE_DIR, MEDICATIONS_DIR = "reference", "medications"

ONSETS = ["b", "c", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "cl", "dr", "pr", "tr"]
VOWELS = ["a", "e", "i", "o", "u"]
ENDINGS = ["lin", "vor", "tane", "dex", "zol", "pam", "mid", "rix"]


def invented_names():
    """Pronounceable, distinct, with no digits: 'Bazolin', 'Bazovor', … (20 × 5 × 20 × 5 × 8 = 80,000 of them)."""
    for a, b, c, d, ending in itertools.product(ONSETS, VOWELS, ONSETS, VOWELS, ENDINGS):
        yield (a + b + c + d + ending).capitalize()


def rare_word(number: int) -> str:
    """A made-up word that only leaflet `number` contains ('quorbex7' would keep the digit: letters only)."""
    letters = "".join(chr(ord("a") + int(digit)) for digit in str(number))
    return f"quorbex{letters}"


def generate(root: Path, count: int) -> list[str]:
    """Write the tree under root; returns the generated slugs."""
    root = Path(root)
    shutil.copytree(DEFAULT_CONTENT_DIR / REFERENCE_DIR, root / REFERENCE_DIR, dirs_exist_ok=True)
    templates = sorted((DEFAULT_CONTENT_DIR / MEDICATIONS_DIR).glob("*.toml"))
    shipped = [tomllib.loads(path.read_text(encoding="utf-8")) for path in templates]
    out = root / MEDICATIONS_DIR
    out.mkdir(parents=True, exist_ok=True)
    for path in templates:  # the shipped leaflets themselves, so every reference they make still resolves
        shutil.copy(path, out / path.name)
    names = invented_names()
    slugs = []
    for number in range(count - len(shipped)):
        monograph = _copy(shipped[number % len(shipped)], next(names), names, number)
        slug = monograph["medication"]["slug"]
        (out / f"{slug}.toml").write_text(tomli_w.dumps(monograph, multiline_strings=True), encoding="utf-8")
        slugs.append(slug)
    return slugs


def _copy(template: dict, name: str, names, number: int) -> dict:
    monograph = tomllib.loads(tomli_w.dumps(template))  # a deep copy with the same types
    medication = monograph["medication"]
    medication |= {"slug": name.lower(), "name": name, "atc_code": "", "rxnorm_code": ""}
    medication["brands"] = [next(names) + " Brand" for _ in medication.get("brands", [])[:2]]
    medication["synonyms"] = []
    medication.pop("ingredients", None)
    monograph.pop("source", None)  # sources a file defines stay defined once, in the shipped file
    for section in monograph.get("section", []):
        if section["kind"] == "what_for":
            section["body"] += f"\n\nGenerated copy number {number} ({rare_word(number)})."
    return monograph


def main() -> None:
    root = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(f"{len(generate(root, count))} generated leaflets (plus the shipped ones) in {root}")


if __name__ == "__main__":
    main()
