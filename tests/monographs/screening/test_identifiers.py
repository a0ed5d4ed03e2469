"""Patient identifiers in a medication line: each row written by hand, what a clinician might type and what the
detector must say. Strengths and doses, however written, are never identifiers."""

import pytest

from monographs.screening.identifiers import find_identifiers, identifier_errors, nhs_number_is_valid

# (line, [(kind, text as found)]) — refused lines.
IDENTIFIERS = [
    (
        "John Smith NHS 943 476 5919 oxycodone",
        [("a name", "John Smith"), ("an identifier", "NHS 943 476 5919")],
    ),
    ("oxycodone 943 476 5919", [("an NHS number", "943 476 5919")]),
    ("oxycodone 9434765919", [("an NHS number", "9434765919")]),
    ("oxycodone 1234567890", [("a long number, like a hospital or record number", "1234567890")]),
    ("NHS no. 943-476-5919 baclofen", [("an identifier", "NHS no. 943-476-5919")]),
    ("sertraline 555-123-4567", [("a phone number", "555-123-4567")]),  # 3-3-4 failing the NHS check
    ("sertraline 123-45-6789", [("a US social security number", "123-45-6789")]),
    ("SSN: 123 45 6789", [("an identifier", "SSN: 123 45 6789")]),
    ("MRN 12345 lisinopril", [("an identifier", "MRN 12345")]),
    ("hospital number A1234567", [("an identifier", "hospital number A1234567")]),
    ("lisinopril 10 mg 00123456", [("a long number, like a hospital or record number", "00123456")]),
    ("ring 07700 900123 about warfarin", [("a phone number", "07700 900123")]),
    ("tel (020) 7946 0018", [("a phone number", "(020) 7946 0018")]),
    ("+44 20 7946 0018 amlodipine", [("a phone number", "+44 20 7946 0018")]),
    ("j.smith@example.org metformin", [("an e-mail address", "j.smith@example.org")]),
    ("DOB 12/03/1961 baclofen", [("an identifier", "DOB 12/03/1961")]),
    ("baclofen started 01/02/2024", [("a date", "01/02/2024")]),
    ("born 3 March 1961", [("an identifier", "born 3")]),
    ("warfarin since 3rd March 1961", [("a date", "3rd March 1961")]),
    ("warfarin since March 3, 1961", [("a date", "March 3, 1961")]),
    ("metformin 1961-03-12", [("a date", "1961-03-12")]),
    ("Mrs Jones takes amitriptyline", [("a name", "Mrs Jones")]),
    ("amitriptyline for Mr. John Smith", [("a name", "Mr. John Smith")]),
    ("9434765919 Jane Doe tramadol", [("an NHS number", "9434765919"), ("a name", "Jane Doe")]),
]


@pytest.mark.parametrize(("line", "expected"), IDENTIFIERS, ids=[line for line, _ in IDENTIFIERS])
def test_identifiers_are_found(line, expected):
    assert [(found.kind, found.text) for found in find_identifiers(line)] == expected


MEDICATION_LINES = [
    "oxycodone 5 mg",
    "Oxycodone 5mg bd",
    "co-codamol 30/500",
    "Co-codamol 30/500 2 tablets qds",
    "Tylenol #3",
    "fentanyl 25 mcg/hr",
    "Zestril",
    "MS Contin 30 mg 12-hourly",
    "colecalciferol 100000 units weekly",
    "Vitamin D 50,000 units",
    "insulin glargine 100 units/mL 24 units at night",
    "insulin 10-10-10 units",
    "NovoRapid 12-10-8 units",
    "levothyroxine 125 micrograms",
    "Fostair 100/6 2 puffs bd",
    "Symbicort 200/6 Turbohaler",
    "Oramorph 10 mg/5 mL 2.5-5 mL prn",
    "co-careldopa 12.5/50",
    "Adcal-D3 1.5g/400 IU",
    "methotrexate 2.5 mg weekly on Monday",
    "warfarin as per INR 2-3",
    "prednisolone 40/30/20 reducing",
    "GTN 400 micrograms/dose",
    "Epilim Chrono 500",
    "paracetamol 500mg 2 tabs 4 times a day",
    "Movicol 13.8 g sachet",
    "sumatriptan 50 mg since 2019",
    "vitamin B12 1mg every 3 months",
    "Dr Reddy's atorvastatin 20 mg",
    "morphine 0.5-1 mg/kg",
    "Lantus 100 units/ml 1 x 3 ml cartridge",
]


@pytest.mark.parametrize("line", MEDICATION_LINES)
def test_strengths_and_doses_are_not_identifiers(line):
    assert find_identifiers(line) == []


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("9434765919", True),  # the NHS's own example
        ("4010232137", True),
        ("9434765918", False),  # last digit changed
        ("1234567890", False),  # check digit would be 10: never issued
        ("943476591", False),  # nine digits
    ],
)
def test_the_nhs_number_modulus_11_check(number, valid):
    assert nhs_number_is_valid(number) is valid


def test_the_message_names_the_line_and_what_to_remove():
    [message] = identifier_errors([(1, "oxycodone 5 mg"), (2, "John Smith NHS 943 476 5919 oxycodone")])
    assert message.startswith("Line 2: remove “John Smith” (a name) and “NHS 943 476 5919” (an identifier): ")
    assert "screening records must not hold patient identifiers" in message
    assert identifier_errors([(1, "oxycodone 5 mg"), (2, "co-codamol 30/500")]) == []
