import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

DEMO_USERS = {
    "pharmacist": {"is_staff": True, "first_name": "Demo", "last_name": "Pharmacist"},
    "clinician": {"is_staff": False, "first_name": "Demo", "last_name": "Clinician"},
}


class Command(BaseCommand):
    help = "Create (or reset) a demo pharmacist and a demo clinician, printing fresh random passwords. DEBUG only."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo users are for local development only: refusing to run with DEBUG off.")
        User = get_user_model()
        for group_name, fields in DEMO_USERS.items():
            username = f"demo-{group_name}"
            password = secrets.token_urlsafe(12)
            user, created = User.objects.get_or_create(username=username, defaults=fields)
            for name, value in fields.items():
                setattr(user, name, value)
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            verb = "Created" if created else "Reset"
            self.stdout.write(f"{verb} {username} ({group_name}): password {password}")
