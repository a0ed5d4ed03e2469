from django.core.management.base import BaseCommand

from monographs.services.leaflets import render_all_leaflets, render_due_leaflets


class Command(BaseCommand):
    help = (
        "Render the stored leaflets whose render is due (a process ended between a save and its render), or with "
        "--all every leaflet (after a release that changed the leaflet template)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Render every leaflet again.")

    def handle(self, *args, all: bool = False, **options):
        if all:
            render_all_leaflets()
        stored = render_due_leaflets()
        self.stdout.write(f"{stored} leaflet(s) rendered.")
