"""Precautions screening: a clinician's answers about one patient, evaluated against a medication's clinical facts.

engine.py is pure (plain data in, plain data out); selectors.py is the only module that reads the database for
it; services/screening.py runs it and keeps the record;
forms.py validates answers once for the HTML form and the JSON API; views.py and api.py fetch, call and render.
"""
