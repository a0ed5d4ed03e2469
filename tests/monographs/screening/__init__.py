"""Screening tests: shared helpers (users in the real groups made by migration 0005, and valid answers)."""

import importlib
import itertools

from django.contrib.auth.models import Group, Permission, User

_users = itertools.count(1)


def role(name: str) -> Group:
    """The group made by migration 0005. A transactional test (the browser tests) flushes the database, and a flush
    does not rerun data migrations: then the group is made again from the migration's own ROLES."""
    group = Group.objects.filter(name=name).first()
    if group is None:
        codenames = importlib.import_module("monographs.migrations.0005_roles").ROLES[name]
        group = Group.objects.create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="monographs", codename__in=codenames))
    return group


def make_user(group: str | None) -> User:
    user = User.objects.create_user(username=f"{group or 'nobody'}-{next(_users)}", password="not-a-real-password-1")
    if group:
        user.groups.add(role(group))
    if group == "pharmacist":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


# The JSON contract's example body (ARCHITECTURE.md).
EXAMPLE_BODY = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": False,
    "crcl_ml_min": 42,
    "dialysis": False,
    "conditions": ["epilepsy"],
    "current_medications": ["Oxycodone 5 mg", "lisinopril"],
}
EXAMPLE_KEYS = {"pregnancy", "epilepsy", "renal-crcl-30-50", "opioids", "cns-depressants", "antihypertensives"}

# The same answers as the HTML form posts them.
EXAMPLE_FORM = {
    "medication": "baclofen",
    "pregnancy": "pregnant",
    "breastfeeding": "no",
    "crcl_ml_min": "42",
    "conditions": ["epilepsy"],
    "current_medications": "Oxycodone 5 mg\nlisinopril",
}
