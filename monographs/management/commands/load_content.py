from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monographs.content_io import DEFAULT_CONTENT_DIR, ContentInvalid, load_tree
from monographs.models import Medication


class Command(BaseCommand):
    help = "Load the content files (TOML) into the database: all of it, or nothing if any file is wrong."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CONTENT_DIR, help="Content folder.")
        parser.add_argument(
            "--initial",
            action="store_true",
            help="Only load into an empty database, so edits made in the admin are never overwritten.",
        )

    def handle(self, *args, path: Path, initial: bool, **options):
        if initial and Medication.objects.exists():
            self.stdout.write("The database already has content; not loading (drop --initial to reload the files).")
            return
        try:
            report = load_tree(path)
        except ContentInvalid as exc:
            raise CommandError(
                f"Content rejected; nothing was loaded. {len(exc.errors)} problem(s):\n"
                + "\n".join(f"  {error}" for error in exc.errors)
            ) from None
        self.stdout.write(self.style.SUCCESS(str(report)))
