"""manage.py render_leaflets: renders what a process left due, or with --all every leaflet (after a release)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F

from monographs.models import LeafletRender

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("render_leaflets", *args, stdout=out)
    return out.getvalue()


def test_a_render_left_due_is_rendered_and_stored(shipped_content):
    render = LeafletRender.objects.get(medication__slug="baclofen")
    LeafletRender.objects.filter(pk=render.pk).update(revision=F("revision") + 1, html="stale")
    assert run() == "1 leaflet(s) rendered.\n"
    render.refresh_from_db()
    assert render.is_current and "Baclofen" in render.html and render.html != "stale"
    assert run() == "0 leaflet(s) rendered.\n"


def test_all_renders_every_leaflet_again(shipped_content):
    LeafletRender.objects.update(html="from an older template")
    total = LeafletRender.objects.count()
    assert run("--all") == f"{total} leaflet(s) rendered.\n"
    assert not LeafletRender.objects.filter(html="from an older template").exists()
