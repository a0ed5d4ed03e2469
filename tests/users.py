"""Named users for the permission matrix: anonymous patient, clinician, pharmacist, superuser."""

import importlib

from django.contrib.auth.models import Group, Permission, User

ROLES = importlib.import_module("monographs.migrations.0005_roles").ROLES


def role_group(role: str) -> Group:
    """The role's group, as the data migration creates it (recreated after a transactional test's flush)."""
    group, created = Group.objects.get_or_create(name=role)
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label="monographs", codename__in=ROLES[role]))
    return group


def make_user(role: str, username: str | None = None) -> User | None:
    if role == "anonymous":
        return None
    username = username or f"{role}-user"
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.org", "x")
    user = User.objects.create_user(username, f"{username}@example.org", "x", is_staff=(role == "pharmacist"))
    user.first_name = role.title()
    user.save()
    user.groups.add(role_group(role))
    return user
