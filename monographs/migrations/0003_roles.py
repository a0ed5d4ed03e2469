"""The pharmacist and clinician groups, with exactly the permissions their work needs (ARCHITECTURE.md, Roles).

Pharmacists edit every content model and publish; they see no users, groups or screening records.
Clinicians run screenings and see their own records (enforced in the views); they have no admin access.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_MODELS = [
    "source",
    "drugclass",
    "condition",
    "medication",
    "medicationname",
    "product",
    "use",
    "leafletsection",
    "clinicalwarning",
]
ROLES = {
    "pharmacist": [f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change", "delete", "view")]
    + ["publish_medication"],
    "clinician": ["add_screeningrecord", "view_screeningrecord"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so they can be granted.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(Permission.objects.filter(content_type__app_label="monographs", codename__in=codenames))
        missing = set(codenames) - {p.codename for p in permissions}
        if missing:
            raise RuntimeError(f"permissions not found for group {name}: {sorted(missing)}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monographs", "0002_postgresql_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
