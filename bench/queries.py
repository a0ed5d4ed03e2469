"""`make bench`, part three: database queries per page as the content grows, printed as two tables.

    .venv/bin/python -m bench.queries                                # 1, 10, 50, 200 warnings; 13, 100, 1,000 leaflets
    BENCH_QUERIES_LEAFLETS=13,40 .venv/bin/python -m bench.queries   # smaller, as the test suite runs it

Standalone: tests.settings on temporary SQLite files. First, one published medication (12 sections, 5 uses, 2 brand
names) per warning count, each page requested as an anonymous visitor or a signed-in clinician. Then, in a database
of its own, the shipped content grown to each number of published leaflets (bench/corpus.py copies, loaded with the
content loader; about three minutes for 1,000), the pages that list or search across leaflets. Every row must be
flat: a page that made one more query per warning, or per leaflet, would show it here long before it showed in a
timing. The test suite pins the same counts (tests/monographs/test_leaflet_views.py, screening/test_shipped_rules.py,
test_admin_scale.py).
"""

import json
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from bench.http import TEN_CURRENT, screening_answers
from bench.screening import brand, configure

WARNING_COUNTS = (1, 10, 50, 200)
LEAFLET_COUNTS = tuple(int(n) for n in os.environ.get("BENCH_QUERIES_LEAFLETS", "13,100,1000").split(","))
BY_LEAFLETS = "--by-leaflets"  # the second table runs in a process of its own, on a database of its own


def print_table(title: str, column: str, sizes, rows: list[dict]) -> None:
    names = [name for name in rows[0] if name != column]
    width = max(len(name) for name in names)
    print(f"\n{title} (each row must be flat):")
    print(f"{'page':<{width}}  " + "  ".join(f"{n:>5}" for n in sizes))
    for name in names:
        counts = [row[name] for row in rows]
        verdict = "flat" if len(set(counts)) == 1 else "GROWS"
        print(f"{name:<{width}}  " + "  ".join(f"{c:>5}" for c in counts) + f"   {verdict}")
    print()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-queries-") as tmp:
        configure(Path(tmp) / "bench.sqlite3")
        from django.contrib.auth.models import Group, User
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from monographs.cache import forget_local_state
        from monographs.screening import selectors
        from tests.factories import make_medication

        call_command("migrate", verbosity=0)
        clinician = User.objects.create_user(username="bench-clinician", password="bench-only-password-1")
        clinician.groups.add(Group.objects.get(name="clinician"))
        signed_in = Client()
        signed_in.force_login(clinician)

        def count(action) -> int:
            with CaptureQueriesContext(connection) as queries:
                action()
            return len(queries)

        def get(client, url, status=200, **headers):
            def run():
                response = client.get(url, headers=headers)
                assert response.status_code == status, (url, response.status_code)
                return response

            return run

        rows = []
        for warnings in WARNING_COUNTS:
            medication = make_medication(
                sections=12, uses=5, warnings=warnings, brands=[brand(warnings, 0), brand(warnings, 1)]
            )
            url = medication.get_absolute_url()
            condition_url = medication.uses.first().condition.get_absolute_url()
            cache.clear()
            forget_local_state()

            def screen(slug=medication.slug):
                assert selectors.screening_data(medication_slug=slug) is not None

            anonymous = Client()
            first = get(anonymous, url)()
            row = {
                "warnings": warnings,
                # After a content change: the content version, the search's directory of names, the leaflet's render.
                "leaflet, first render": None,
                "leaflet, stored render": count(get(anonymous, f"{url}?v={uuid.uuid4().hex}")),
                "leaflet, cached": count(get(anonymous, url)),
                "leaflet, 304": count(get(anonymous, url, status=304, if_none_match=first["ETag"])),
                "A–Z": count(get(Client(), f"/medicines/?v={uuid.uuid4().hex}")),
                "search": count(get(Client(), f"/search/?q=medicine&v={uuid.uuid4().hex}")),
                "search, past the last page": count(get(Client(), f"/search/?q=text&page=9&v={uuid.uuid4().hex}")),
                "A–Z, one letter": count(get(Client(), f"/medicines/?letter=m&v={uuid.uuid4().hex}")),
                "condition page": count(get(Client(), f"{condition_url}?v={uuid.uuid4().hex}")),
                "screening rules, after an edit": count(screen),
                "screening rules, catalogue in memory": count(screen),
                "form page (clinician)": count(get(signed_in, "/screening/")),
            }
            cache.clear()
            forget_local_state()
            row["leaflet, first render"] = count(get(Client(), url))
            rows.append(row)

        print_table("Queries per request as the medication's warnings grow", "warnings", WARNING_COUNTS, rows)
    sys.stdout.flush()  # before the second table's process writes to the same output
    by_leaflets = subprocess.run([sys.executable, "-m", "bench.queries", BY_LEAFLETS], text=True, check=False)
    if by_leaflets.returncode != 0:
        raise SystemExit(by_leaflets.returncode)


def main_by_leaflets() -> None:
    """Queries per page as the number of published leaflets grows: the same database, grown between rows."""
    with tempfile.TemporaryDirectory(prefix="bench-queries-leaflets-") as tmp:
        configure(Path(tmp) / "bench.sqlite3")
        from django.contrib.auth.models import Group, User
        from django.core.cache import cache
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from bench.corpus import generate, rare_word
        from monographs.cache import forget_local_state
        from monographs.content_io import load_tree
        from monographs.models import Medication

        call_command("migrate", verbosity=0)
        clinician = User.objects.create_user(username="bench-clinician", password="bench-only-password-1")
        clinician.groups.add(Group.objects.get(name="clinician"))
        superuser = User.objects.create_superuser("bench-admin", "bench@example.org", "bench-only-password-1")
        screening = screening_answers(TEN_CURRENT)

        def count(client, url, *, post=None, cached_page=True) -> int:
            """One request's queries, on a warm server (the content version read), the page's own cache missed."""
            cache.clear()
            forget_local_state()
            client.get("/robots.txt")
            with CaptureQueriesContext(connection) as queries:
                if post is None and cached_page:
                    response = client.get(f"{url}{'&' if '?' in url else '?'}v={uuid.uuid4().hex}")
                elif post is None:
                    response = client.get(url)
                else:
                    response = client.post(url, json.dumps(post), content_type="application/json")
            assert response.status_code in (200, 201), (url, response.status_code)
            return len(queries)

        rows = []
        for size in LEAFLET_COUNTS:
            content = Path(tmp) / f"content-{size}"
            generate(content, size)
            load_tree(content)  # the same names each time: a bigger tree adds leaflets, never renames one
            leaflets = Medication.objects.published().count()
            clinician_client, admin_client = Client(), Client()
            clinician_client.force_login(clinician)
            admin_client.force_login(superuser)
            baclofen = Client()
            baclofen.get("/medicines/baclofen/")  # its stored render made once; the row counts the stored one
            rows.append(
                {
                    "leaflets": leaflets,
                    "leaflet, stored render": count(Client(), "/medicines/baclofen/"),
                    "A–Z, one letter": count(Client(), "/medicines/?letter=b"),
                    "condition page": count(Client(), "/conditions/multiple-sclerosis/"),
                    "search, common word": count(Client(), "/search/?q=spasm"),
                    "search, rare word": count(Client(), f"/search/?q={rare_word(7)}"),
                    "screening, 10 current (clinician)": count(clinician_client, "/api/screenings/", post=screening),
                    "admin: medications (superuser)": count(
                        admin_client, "/admin/monographs/medication/", cached_page=False
                    ),
                    "admin: warnings (superuser)": count(
                        admin_client, "/admin/monographs/clinicalwarning/", cached_page=False
                    ),
                }
            )
        sizes = [row["leaflets"] for row in rows]
        print_table("Queries per request as the published leaflets grow", "leaflets", sizes, rows)


if __name__ == "__main__":
    main_by_leaflets() if BY_LEAFLETS in sys.argv else main()
