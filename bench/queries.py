"""`make bench`, part three: database queries per page as the content grows, printed as a table.

    .venv/bin/python -m bench.queries

Standalone: tests.settings on a temporary SQLite file, one published medication (12 sections, 5 uses, 2 brand
names) per warning count, each page requested as an anonymous visitor or a signed-in clinician. Every row must be
flat: a page that made one more query per warning would show it here long before it showed in a timing. The
test suite pins the same counts (tests/monographs/test_leaflet_views.py, screening/test_shipped_rules.py).
"""

import tempfile
import uuid
from pathlib import Path

from bench.screening import brand, configure

WARNING_COUNTS = (1, 10, 50, 200)


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

        names = [name for name in rows[0] if name != "warnings"]
        width = max(len(name) for name in names)
        print("\nQueries per request as the medication's warnings grow (each row must be flat):")
        print(f"{'page':<{width}}  " + "  ".join(f"{n:>5}" for n in WARNING_COUNTS))
        for name in names:
            counts = [row[name] for row in rows]
            verdict = "flat" if len(set(counts)) == 1 else "GROWS"
            print(f"{name:<{width}}  " + "  ".join(f"{c:>5}" for c in counts) + f"   {verdict}")
        print()


if __name__ == "__main__":
    main()
