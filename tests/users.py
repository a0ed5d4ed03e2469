"""The named users of the permission matrix (anonymous patient, clinician, pharmacist, superuser, and a signed-in
user with no role), made one way for every test. Their groups are the ones the roles data migration creates."""

import itertools

from django.contrib.auth.models import Group, User
from django.core.management import call_command

ROLES = ("pharmacist", "clinician")
_numbers = itertools.count(1)


def ensure_roles() -> None:
    """A transactional test (the browser tests) flushes the database, and a flush does not rerun data migrations:
    run the roles migration again, so the groups are always exactly what it makes."""
    if Group.objects.filter(name__in=ROLES).count() == len(ROLES):
        return
    call_command("migrate", "monographs", "0002", verbosity=0)
    call_command("migrate", "monographs", verbosity=0)


def make_user(role: str | None, username: str | None = None) -> User | None:
    """A user in `role`'s group: "pharmacist" (staff), "clinician", "superuser", "nobody" or None (signed in, no
    role); "anonymous" is no user at all."""
    if role == "anonymous":
        return None
    role = role or "nobody"
    username = username or f"{role}-{next(_numbers)}"
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.org", "x")
    user = User.objects.create_user(username, f"{username}@example.org", "x", is_staff=(role == "pharmacist"))
    user.first_name = role.title()
    user.save()
    if role in ROLES:
        ensure_roles()
        user.groups.add(Group.objects.get(name=role))
    return user
