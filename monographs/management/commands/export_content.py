from pathlib import Path

from django.core.management.base import BaseCommand

from monographs.content_io import export_tree


class Command(BaseCommand):
    help = "Write the database's content to a folder, in the same TOML format load_content reads."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="Folder to write (reference/ and medications/ inside it).")

    def handle(self, *args, path: Path, **options):
        written = export_tree(path)
        self.stdout.write(self.style.SUCCESS(f"Wrote {len(written)} files to {path}."))
