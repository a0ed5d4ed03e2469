"""`make load`: 64 concurrent connections for 60 s on the leaflet and search pages, while a pharmacist saves an edit
every second. Passes when there are no socket errors, no 5xx, and every edit is in the database afterwards.

Loopback only, bounded in time. Runs gunicorn (2 workers, production settings) on PostgreSQL when reachable, else
SQLite. The edits go through the same versioned save, history and cache purge as the admin's (ORM, in a separate
process, one edit per second), and the leaflet is fetched after each edit to check the correction is served.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.request

from tests.bench import ROOT, free_port, manage, postgres_reachable, shared_cache_ready, wait_until_up

DURATION = int(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))

EDITOR = r"""
import os, time
from django.contrib.auth.models import User
from monographs.models import LeafletSection
seconds = int(os.environ["LOAD_EDITS"])
editor, _ = User.objects.get_or_create(username="load-pharmacist", defaults={"is_staff": True})
for n in range(1, seconds + 1):
    started = time.monotonic()
    section = LeafletSection.objects.get(medication__slug="baclofen", kind="storage")
    section.body = f"Keep baclofen at room temperature, away from children. (Load-test edit {n}.)"
    section._history_user = editor
    section._change_reason = f"Load-test edit {n}"
    section.save()
    print(n, flush=True)
    time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))
"""


def wrk(url: str, seconds: int, results: dict, key: str) -> None:
    command = ["wrk", "-t2", f"-c{CONNECTIONS // 2}", f"-d{seconds}s", "-H", "X-Forwarded-Proto: https", url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    results[key] = output


def main() -> int:
    database_url = (
        "postgres://postgres@127.0.0.1:5432/portal_load"
        if postgres_reachable()
        else f"sqlite:///{tempfile.mkdtemp()}/load.sqlite3"
    )
    if database_url.startswith("postgres"):
        for sql in ("DROP DATABASE IF EXISTS portal_load", "CREATE DATABASE portal_load"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql], capture_output=True, check=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "load-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
    }
    shared_cache_ready(env["REDIS_URL"])
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content")
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(base + "/robots.txt", gunicorn)
        results: dict = {}
        threads = [
            threading.Thread(target=wrk, args=(base + "/medicines/baclofen/", DURATION, results, "leaflet")),
            threading.Thread(target=wrk, args=(base + "/search/?q=baclofen", DURATION, results, "search")),
        ]
        for thread in threads:
            thread.start()
        editor = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", EDITOR],
            cwd=ROOT,
            env=env | {"LOAD_EDITS": str(DURATION - 5)},
            capture_output=True,
            text=True,
            timeout=DURATION + 60,
        )
        for thread in threads:
            thread.join()
        edits = len([line for line in editor.stdout.splitlines() if line.strip().isdigit()])
        check = manage(
            env,
            "shell",
            "-c",
            "import json; from monographs.models import LeafletSection as S; "
            "s = S.objects.get(medication__slug='baclofen', kind='storage'); "
            "print(json.dumps({'history': s.history.filter(history_change_reason__startswith='Load-test').count(), "
            "'body': s.body}))",
        )
        state = json.loads(check.strip().splitlines()[-1])
        request = urllib.request.Request(base + "/medicines/baclofen/", headers={"X-Forwarded-Proto": "https"})
        served = urllib.request.urlopen(request).read().decode()
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=10)

    failed = False
    print(f"\nLoad: {CONNECTIONS} connections for {DURATION} s on {database_url.split(':')[0]}, gunicorn -w 2\n")
    for key, output in results.items():
        rps = next((line.split()[-1] for line in output.splitlines() if line.startswith("Requests/sec")), "?")
        total = next((line.strip() for line in output.splitlines() if "requests in" in line), "?")
        errors = [line.strip() for line in output.splitlines() if "Socket errors" in line or "Non-2xx" in line]
        print(f"{key:8} {total}; {rps} req/s; {'; '.join(errors) or 'no errors, no non-2xx/3xx'}")
        failed |= bool(errors)
    expected_edits = DURATION - 5
    print(f"edits saved: {edits} of {expected_edits}; in history: {state['history']}")
    latest = f"(Load-test edit {edits}.)"
    print(f"last edit in the database: {latest in state['body']}; served on the public page: {latest in served}")
    failed |= edits != expected_edits or state["history"] != edits or latest not in served
    print("\nRESULT:", "FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
