"""The named users of the permission matrix (anonymous patient, clinician, pharmacist, superuser, and a signed-in
user with no role), made one way for every test. Their groups are the ones the roles data migration creates."""

import itertools
from importlib import import_module

from django.apps import apps as django_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission, User

ROLES = ("pharmacist", "clinician")
_numbers = itertools.count(1)


def ensure_roles() -> None:
    """A transactional test (the browser tests) flushes the database, and a flush does not rerun data migrations:
    run the roles migration again, so the groups are always exactly what it makes."""
    if Group.objects.filter(name__in=ROLES).count() == len(ROLES):
        return
    # The migration's own table of roles, applied with today's models: migrating back and forth would rebuild tables
    # full of content (and cross constraints that later migrations changed).
    for app_config in django_apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, codenames in import_module("monographs.migrations.0003_roles").ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label="monographs", codename__in=codenames))


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
