"""Named users for the permission matrix: anonymous patient, clinician, pharmacist, superuser."""

from django.contrib.auth.models import Group, User


def make_user(role: str, username: str | None = None) -> User | None:
    if role == "anonymous":
        return None
    username = username or f"{role}-user"
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.org", "x")
    user = User.objects.create_user(username, f"{username}@example.org", "x", is_staff=(role == "pharmacist"))
    user.first_name = role.title()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user
