from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monographs.content_io import DEFAULT_CONTENT_DIR, LOADER_CHANGE_REASON, ContentInvalid, load_tree
from monographs.models import Medication
from monographs.services.live_revisions import record_live_leaflets, unrecorded_leaflets


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
        # Each leaflet the files changed gets a published revision, so its history and rollback know that version too
        # (and so does a live leaflet that has none yet). Live leaflets change otherwise only through revisions.
        recorded = record_live_leaflets(report.leaflets | unrecorded_leaflets(), reason=LOADER_CHANGE_REASON)
        self.stdout.write(self.style.SUCCESS(str(report)))
        if recorded:
            self.stdout.write(f"Recorded {recorded} leaflet revision(s) from the files.")
