"""Every URL pattern, for every role, answers exactly what ARCHITECTURE.md allows. A new URL without an entry in
ACCESS fails test_every_url_pattern_has_an_access_rule until someone decides who may see it."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from monographs.models import Condition, ScreeningRecord
from tests.users import make_user

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clinician", "pharmacist", "superuser"]
PUBLIC = dict.fromkeys(ROLES, 200)
SIGNED_IN = {"anonymous": 302, "clinician": 200, "pharmacist": 200, "superuser": 200}
CLINICIANS = {"anonymous": 302, "clinician": 200, "pharmacist": 403, "superuser": 200}
# A record is seen by the clinician who made it and nobody else (others get a 404, as if it did not exist).
OWN_RECORD = {"anonymous": 302, "clinician": 200, "pharmacist": 403, "superuser": 404}

# URL name: (kwargs for reverse, expected GET status per role)
ACCESS = {
    "home": ({}, PUBLIC),
    "healthz": ({}, PUBLIC),
    "robots_txt": ({}, PUBLIC),
    "medication_list": ({}, PUBLIC),
    "medication_detail": ({"slug": "baclofen"}, PUBLIC),
    "condition_list": ({}, PUBLIC),
    "condition_detail": ({"slug": "multiple-sclerosis"}, PUBLIC),
    "search": ({}, PUBLIC),
    "login": ({}, {"anonymous": 200, "clinician": 302, "pharmacist": 302, "superuser": 302}),
    "logout": ({}, dict.fromkeys(ROLES, 405)),  # POST only
    "keep_alive": ({}, dict.fromkeys(ROLES, 405)),  # POST only
    "password_change": ({}, SIGNED_IN),
    "password_change_done": ({}, SIGNED_IN),
    "screening_form": ({}, CLINICIANS),
    "screening_result": ({"pk": "RECORD"}, OWN_RECORD),
    "screening_handout": ({"pk": "RECORD"}, OWN_RECORD),
    # POST only, by the clinician who owns the record (tests/monographs/screening/test_safety_pages.py).
    "screening_rescreen": ({"pk": "RECORD"}, {"anonymous": 302, "clinician": 405, "pharmacist": 403, "superuser": 405}),
    # GET is refused to everyone; who may POST is tested in tests/monographs/screening/test_api.py.
    "api_screenings": ({}, dict.fromkeys(ROLES, 405)),
}
# The admin is checked page by page in tests/monographs/test_admin.py; here, that its door is staff-only.
ADMIN_INDEX = {"anonymous": 302, "clinician": 302, "pharmacist": 200, "superuser": 200}


def named_patterns(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                yield "admin:*"
                continue
            yield from named_patterns(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern):
            yield entry.name or f"<unnamed {entry.pattern}>"


def test_every_url_pattern_has_an_access_rule():
    missing = sorted({name for name in named_patterns() if name not in ACCESS and name != "admin:*"})
    assert missing == [], f"URL patterns without an entry in ACCESS: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_architecture_allows(client, shipped_content, role):
    from django.test import Client
    from django.urls import reverse

    owner = make_user("clinician", "record-owner")
    owner_client = Client()
    owner_client.force_login(owner)
    created = owner_client.post(
        "/api/screenings/",
        {"medication": "baclofen", "pregnancy": "not_applicable", "breastfeeding": False, "crcl_ml_min": 42},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    record = ScreeningRecord.objects.get(pk=created.json()["id"])
    user = owner if role == "clinician" else make_user(role)
    if user is not None:
        client.force_login(user)
    assert Condition.objects.filter(slug="multiple-sclerosis").exists()
    failures = []
    for name, (kwargs, expected) in ACCESS.items():
        kwargs = {k: (record.pk if v == "RECORD" else v) for k, v in kwargs.items()}
        url = reverse(name, kwargs=kwargs)
        status = client.get(url).status_code
        if status != expected[role]:
            failures.append(f"{name} {url}: {status}, expected {expected[role]}")
    status = client.get(reverse("admin:index")).status_code
    if status != ADMIN_INDEX[role]:
        failures.append(f"admin:index: {status}, expected {ADMIN_INDEX[role]}")
    assert failures == []
