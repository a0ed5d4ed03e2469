"""`make bench`, part five: the pharmacists' admin with a thousand leaflets, in milliseconds and queries per page.

    .venv/bin/python -m bench.admin_scale                       # 13 and 1,000 leaflets, SQLite and PostgreSQL
    .venv/bin/python -m bench.admin_scale --database-url URL    # one database already loaded: measured as it is

Builds each database from scratch (bench/corpus.py: the shipped leaflets plus copies under invented names; 13 is the
shipped content alone), PostgreSQL only when reachable; a run takes about five minutes, most of it loading. Then,
signed in as a superuser and as a pharmacist, requests every page of the monographs admin: each changelist with a
search, a filter and page 2, every autocomplete the admin's forms use, a history page, and the leaflet editor's
pages for the leaflet with the most warnings. Each page is asked once to warm up, once to count its queries, then
timed (the median of ADMIN_SCALE_REPEAT requests, server time through Django's test client).

Issue 14's target: every page under 300 ms at 1,000 leaflets, and a query count that does not grow with the content
(tests/monographs/test_admin_scale.py pins the counts). Asserts nothing: the machine is noisy.
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.corpus import generate
from bench.http import POSTGRES_URL, PYTHON, ROOT, manage, postgres_reachable

SIZES = tuple(int(size) for size in os.environ.get("ADMIN_SCALE_SIZES", "13,1000").split(","))
REPEAT = int(os.environ.get("ADMIN_SCALE_REPEAT", "7"))
TARGET_MS = 300
SUPERUSER, PHARMACIST = "superuser", "pharmacist"
BOTH, SUPERUSER_ONLY = (SUPERUSER, PHARMACIST), (SUPERUSER,)


def configure(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from django.db import connection

    # As in production: keep the connection open between requests (tests.settings closes it after each one).
    connection.settings_dict["CONN_MAX_AGE"] = 600


def admin_pages() -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, path, roles) for every page measured, with the rows they name read from the database."""
    from django.db.models import Count
    from django.urls import reverse

    from monographs.models import DrugClass, Medication, Source

    def changelist(model: str) -> str:
        return reverse(f"admin:monographs_{model}_changelist")

    def autocomplete(model: str, field: str, term: str, page: int = 1) -> str:
        query = f"app_label=monographs&model_name={model}&field_name={field}&term={term}"
        return reverse("admin:autocomplete") + f"?{query}" + (f"&page={page}" if page > 1 else "")

    largest = Medication.objects.with_leaflet().annotate(n=Count("warnings")).order_by("-n", "name").first()
    assert largest is not None, "no leaflet loaded"
    catalogue = Medication.objects.exclude(pk__in=Medication.objects.with_leaflet().values("pk")).order_by("name")[0]
    warning = largest.warnings.order_by("section", "position")[0]
    section = largest.sections.order_by("position")[0]
    drug_class = DrugClass.objects.annotate(n=Count("medications")).order_by("-n")[0]
    publisher = Source.objects.values_list("publisher", flat=True).order_by("publisher")[0]
    editor = "admin:monographs_medication_leaflet"
    medications, warnings = changelist("medication"), changelist("clinicalwarning")
    conditions, classes, sources = changelist("condition"), changelist("drugclass"), changelist("source")
    records = changelist("screeningrecord")
    return [
        ("medications", medications, BOTH),
        ("medications, search 'lin'", f"{medications}?q=lin", BOTH),
        ("medications, leaflets", f"{medications}?kind=leaflet", BOTH),
        ("medications, catalogue entries", f"{medications}?kind=catalogue", BOTH),
        ("medications, published", f"{medications}?status__exact=published", BOTH),
        ("medications, review overdue", f"{medications}?review=overdue", BOTH),
        ("medications, one class", f"{medications}?classes__id__exact={drug_class.pk}", BOTH),
        ("medications, page 2", f"{medications}?p=2", BOTH),
        ("medications, by worst grade", f"{medications}?o=-5", BOTH),
        ("medication history", reverse("admin:monographs_medication_history", args=[largest.pk]), BOTH),
        ("catalogue entry form", reverse("admin:monographs_medication_change", args=[catalogue.pk]), BOTH),
        ("add a medication", reverse("admin:monographs_medication_add"), BOTH),
        ("warnings", warnings, BOTH),
        ("warnings, search 'drowsy'", f"{warnings}?q=drowsy", BOTH),
        ("warnings, severity avoid", f"{warnings}?severity__exact=avoid", BOTH),
        ("warnings, one medication", f"{warnings}?medication__id__exact={largest.pk}", BOTH),
        ("warnings, page 2", f"{warnings}?p=2", BOTH),
        ("warning form", reverse("admin:monographs_clinicalwarning_change", args=[warning.pk]), BOTH),
        ("warning history", reverse("admin:monographs_clinicalwarning_history", args=[warning.pk]), BOTH),
        ("conditions", conditions, BOTH),
        ("conditions, search 'pain'", f"{conditions}?q=pain", BOTH),
        ("conditions, page 2", f"{conditions}?p=2", BOTH),
        ("drug classes", classes, BOTH),
        ("drug classes, search 'anti'", f"{classes}?q=anti", BOTH),
        ("sources", sources, BOTH),
        ("sources, search 'label'", f"{sources}?q=label", BOTH),
        ("sources, one publisher", f"{sources}?publisher={publisher}", BOTH),
        ("screening records", records, SUPERUSER_ONLY),
        ("screening records, search", f"{records}?q=ba", SUPERUSER_ONLY),
        ("autocomplete: warning → medication", autocomplete("clinicalwarning", "medication", "ba"), BOTH),
        ("autocomplete: medication, page 2", autocomplete("clinicalwarning", "medication", "a", 2), BOTH),
        ("autocomplete: trigger medication", autocomplete("clinicalwarning", "trigger_medication", "lin"), BOTH),
        ("autocomplete: trigger condition", autocomplete("clinicalwarning", "trigger_condition", "pa"), BOTH),
        ("autocomplete: trigger class", autocomplete("clinicalwarning", "trigger_class", "an"), BOTH),
        ("autocomplete: warning → sources", autocomplete("clinicalwarning", "sources", "a"), BOTH),
        ("autocomplete: condition → sources", autocomplete("condition", "sources", "a"), BOTH),
        ("leaflet overview (most warnings)", reverse(editor, args=[largest.pk]), BOTH),
        ("leaflet section page", reverse(f"{editor}_part", args=[largest.pk, "section", section.kind]), BOTH),
        ("leaflet warning page", reverse(f"{editor}_part", args=[largest.pk, "warning", warning.key]), BOTH),
        ("leaflet details page", reverse(f"{editor}_details", args=[largest.pk]), BOTH),
        ("leaflet history", reverse(f"{editor}_history", args=[largest.pk]), BOTH),
    ]


def signed_in_clients() -> dict:
    from django.contrib.auth.models import User
    from django.test import Client

    from tests.users import make_user

    clients = {}
    for role in BOTH:
        username = f"bench-admin-{role}"
        user = User.objects.filter(username=username).first() or make_user(role, username)
        client = Client()
        client.force_login(user)
        clients[role] = client
    return clients


def measure_here(repeat: int) -> dict:
    """Every page, each role: {"label": {"role": [median ms, queries]}}, plus the leaflet count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from monographs.models import Medication

    clients = signed_in_clients()
    results: dict[str, dict] = {}
    for label, path, roles in admin_pages():
        results[label] = {}
        for role in roles:
            client = clients[role]
            response = client.get(path)  # warm: templates compiled, the session read once
            assert response.status_code == 200, (label, role, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            count = len(queries)  # now: the log it reads is emptied when the next request starts
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
            results[label][role] = [round(statistics.median(timings), 1), count]
    return {"leaflets": Medication.objects.with_leaflet().count(), "pages": results}


def measure(database_url: str) -> dict:
    """Measure in a process of its own (Django is set up once per process, for one database)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    args = [PYTHON, "-m", "bench.admin_scale", "--measure-here", database_url]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"measuring {database_url} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def build(database_url: str, content: Path | None) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    env["DATABASE_STATEMENT_TIMEOUT"] = "0"  # one load of a thousand leaflets is not a page: no 5 s limit
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content", *([str(content)] if content else []))


def fresh_postgres(name: str) -> str:
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], capture_output=True, check=True)
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


def report(label: str, runs: list[dict]) -> None:
    """One table per engine: for each size, the superuser's and the pharmacist's median ms and queries."""
    sizes = [run["leaflets"] for run in runs]
    width = max(len(page) for run in runs for page in run["pages"])
    print(f"\n{label}: median ms and queries per admin page (superuser / pharmacist), target {TARGET_MS} ms")
    heading = "".join(f"  {f'{size} leaflets':>27}" for size in sizes)
    print(f"{'page':<{width}}{heading}")
    slow = []
    for page in runs[0]["pages"]:
        cells = ""
        for run in runs:
            by_role = run["pages"][page]
            ms = " / ".join(f"{by_role[role][0]:.0f}" for role in BOTH if role in by_role)
            queries = " / ".join(str(by_role[role][1]) for role in BOTH if role in by_role)
            cells += f"  {ms:>11} ms {queries:>9} q"
        counts = {tuple(run["pages"][page][role][1] for role in run["pages"][page]) for run in runs}
        worst = max(run["pages"][page][role][0] for run in runs for role in run["pages"][page])
        verdict = ("flat" if len(counts) == 1 else "GROWS") + ("" if worst < TARGET_MS else f", OVER {TARGET_MS} ms")
        slow += [page] if worst >= TARGET_MS else []
        print(f"{page:<{width}}{cells}   {verdict}")
    print(f"{len(slow)} page(s) over {TARGET_MS} ms" + (f": {', '.join(slow)}" if slow else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", help="measure this loaded database (repeatable)")
    parser.add_argument("--measure-here", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure_here:
        configure(options.measure_here)
        print(json.dumps(measure_here(REPEAT)))
        return
    if options.database_url:
        report("Given databases", [measure(url) for url in options.database_url])
        return
    with tempfile.TemporaryDirectory(prefix="bench-admin-scale-") as tmp:
        content = Path(tmp) / "content"
        generate(content, max(SIZES))
        engines = {"SQLite": lambda size: f"sqlite:///{tmp}/admin-{size}.sqlite3"}
        if postgres_reachable():
            engines["PostgreSQL"] = lambda size: fresh_postgres(f"portal_admin_scale_{size}")
        results = {}
        for label, database_for in engines.items():
            runs = []
            for size in SIZES:
                print(f"[{label}] loading {size} leaflets, then measuring…", flush=True)
                url = database_for(size)
                if size == max(SIZES):
                    build(url, content)
                else:
                    smaller = Path(tmp) / f"content-{size}"
                    generate(smaller, size)
                    build(url, smaller)
                runs.append(measure(url))
            results[label] = runs
    for label, runs in results.items():
        report(label, runs)


if __name__ == "__main__":
    main()
