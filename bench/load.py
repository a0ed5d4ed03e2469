"""`make load`: 64 concurrent connections for 60 s on the leaflet and search pages, while a pharmacist saves an edit
every second. Passes when there are no socket errors, no 5xx, every edit is approved and in the history, and every
correction is served on the public page.

Loopback only, bounded in time. Runs gunicorn (2 workers, production settings with Redis) on PostgreSQL when
reachable, else SQLite. The pharmacist is an HTTP client like a browser: signs in on the login page, then every
second opens a baclofen warning's page in the leaflet editor, corrects its patient text, types a reason, saves it in
the draft and submits it; a second pharmacist approves it; then the public leaflet is watched until the correction
is served, and the time that took is reported.
"""

import http.client
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

from bench.http import ROOT, free_port, manage, postgres_reachable, server_env, wait_until_up
from tests.html_forms import form_fields

DURATION = int(os.environ.get("LOAD_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOAD_CONNECTIONS", "64"))

PHARMACIST_PASSWORD = "load-test-only-" + "p" * 20
WARNING_KEY = "drowsiness-driving"  # edited every second: a warning whose patient text is on the leaflet

MAKE_PHARMACIST = f"""
import json
from django.contrib.auth.models import Group, User
from monographs.models import Medication, ClinicalWarning
for username in ("load-pharmacist", "load-reviewer"):
    user, _ = User.objects.get_or_create(username=username)
    user.is_staff = True
    user.set_password({PHARMACIST_PASSWORD!r})
    user.save()
    user.groups.add(Group.objects.get(name="pharmacist"))
medication = Medication.objects.get(slug="baclofen")
warning = ClinicalWarning.objects.get(medication=medication, key={WARNING_KEY!r})
print(json.dumps({{"medication": medication.pk, "warning": warning.pk}}))
"""


class Browser:
    """An HTTP client that keeps its cookies and sends what a browser behind the TLS proxy would: enough to sign in
    and save admin forms (CSRF cookie and token, Referer, the session cookie)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields: list[tuple[str, str]] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{path}"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return response.status, response.headers, content

    def sign_in(self, username: str, password: str) -> None:
        _, _, page = self.request("GET", "/accounts/login/")
        fields = [(n, v) for n, v in form_fields(page, "login-form") if n not in ("username", "password")]
        status, headers, _ = self.request(
            "POST", "/accounts/login/", fields + [("username", username), ("password", password)]
        )
        if status != 302:
            raise SystemExit(f"the load-test pharmacist could not sign in (HTTP {status})")


def post_form(browser: Browser, path: str, form_id: str, edit, action: str | None = None) -> str | None:
    """Open a page, fill the form `form_id` as edit() says and post it (to `action`, or back to the page), as a
    pharmacist does. None when the server accepted it (a redirect)."""
    status, _, page = browser.request("GET", path)
    if status != 200:
        return f"{path}: HTTP {status}"
    try:
        fields = edit(form_fields(page, form_id))
    except ValueError as missing:
        return f"{path}: no form {form_id!r} ({missing})"
    status, _, page = browser.request("POST", action or path, fields)
    if status != 302:
        errors = re.findall(r'<div class="errornote[^"]*"[^>]*>(.*?)</div>', page, re.S)
        first = " ".join(re.sub("<[^>]+>", " ", errors[0]).split()) if errors else ""
        return f"{action or path}: answered HTTP {status} {first}"
    return None


def set_fields(**changed):
    return lambda fields: [(name, changed.get(name, value)) for name, value in fields]


def edit_and_submit(author: Browser, pks: dict, n: int) -> str | None:
    """The author corrects the warning's patient text on its own page (it goes to the draft), then submits it."""
    leaflet = f"/admin/monographs/medication/{pks['medication']}/leaflet"
    edit = set_fields(patient_text=f"Baclofen can make you sleepy or dizzy. {marker(n)}", reason=reason(n))
    problem = post_form(author, f"{leaflet}/warning/{WARNING_KEY}/", "part-form", edit)
    if problem:
        return problem
    submit = f"/admin/monographs/medication/{pks['medication']}/leaflet-step/submit/"
    return post_form(author, f"{leaflet}/", "submit-form", set_fields(reason=reason(n)), submit)


def approve(reviewer: Browser, pks: dict) -> str | None:
    """A second pharmacist approves the submitted draft."""
    leaflet = f"/admin/monographs/medication/{pks['medication']}/leaflet/"
    action = f"/admin/monographs/medication/{pks['medication']}/leaflet-step/approve/"
    return post_form(reviewer, leaflet, "approve-form", set_fields(comment="Checked against the label"), action)


def marker(n: int) -> str:
    return f"(Load-test edit {n}.)"


def reason(n: int) -> str:
    return f"Load-test edit {n}"


def pharmacist(port: int, pks: dict, seconds: int, report: dict) -> None:
    """A correction every second for `seconds`: edited and submitted by one pharmacist, approved by a second, then
    the public page watched until it serves the correction."""
    author, reviewer, public = Browser(port), Browser(port), Browser(port)
    author.sign_in("load-pharmacist", PHARMACIST_PASSWORD)
    reviewer.sign_in("load-reviewer", PHARMACIST_PASSWORD)
    started = time.monotonic()
    n = 0
    while time.monotonic() - started < seconds:
        n += 1
        tick = time.monotonic()
        problem = edit_and_submit(author, pks, n)
        edited_at = time.monotonic()
        report["edit_seconds"].append(edited_at - tick)
        problem = problem or approve(reviewer, pks)
        approved_at = time.monotonic()
        report["approve_seconds"].append(approved_at - edited_at)
        if problem:
            report["failures"].append(f"edit {n}: {problem}")
        else:
            report["saved"] += 1
            while marker(n) not in public.request("GET", "/medicines/baclofen/")[2]:
                if time.monotonic() - approved_at > 10:
                    report["failures"].append(f"edit {n}: not served 10 s after it was approved")
                    break
                time.sleep(0.02)
            else:
                report["served_after"].append(time.monotonic() - approved_at)
        time.sleep(max(0.0, 1.0 - (time.monotonic() - tick)))
    report["attempted"] = n


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
    env = server_env(database_url, settings="portal.settings")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content")
    manage(env, "collectstatic", "--noinput", "-v0")
    pks = json.loads(manage(env, "shell", "-c", MAKE_PHARMACIST).strip().splitlines()[-1])
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "error"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    edit_seconds = DURATION - 5
    report = {
        "saved": 0,
        "attempted": 0,
        "failures": [],
        "edit_seconds": [],
        "approve_seconds": [],
        "served_after": [],
    }
    try:
        wait_until_up(base + "/robots.txt", gunicorn)
        results: dict = {}
        threads = [
            threading.Thread(target=wrk, args=(base + "/medicines/baclofen/", DURATION, results, "leaflet")),
            threading.Thread(target=wrk, args=(base + "/search/?q=baclofen", DURATION, results, "search")),
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # the load is on before the first edit
        pharmacist(port, pks, edit_seconds, report)
        for thread in threads:
            thread.join()
        check = manage(
            env,
            "shell",
            "-c",
            "import json; from monographs.models import ClinicalWarning as W; "
            f"w = W.objects.get(medication__slug='baclofen', key={WARNING_KEY!r}); "
            "print(json.dumps({'history': w.history.filter(history_change_reason__contains='Load-test edit').count(), "
            "'body': w.patient_text}))",
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
    saved, attempted = report["saved"], report["attempted"]
    print(
        f"pharmacists (admin pages, signed in over HTTP): {saved} of {attempted} corrections edited, submitted and "
        f"approved by a second pharmacist in {edit_seconds} s; in history: {state['history']}"
    )
    pages = (("edit_seconds", "warning's page, save + submit"), ("approve_seconds", "overview, approve"))
    for key, label in pages:
        if report[key]:
            timings = report[key]
            print(
                f"  {label}: {len(timings)} times, median {statistics.median(timings):.2f} s, "
                f"slowest {max(timings):.2f} s"
            )
    if report["served_after"]:
        delays = report["served_after"]
        print(
            f"  correction served to the public after the approval: median {statistics.median(delays):.2f} s, "
            f"slowest {max(delays):.2f} s (each process re-reads the content version within "
            f"{os.environ.get('CONTENT_VERSION_LOCAL_TTL', '1')} s)"
        )
    for failure in report["failures"]:
        print("  FAILED:", failure)
    latest = marker(saved)
    print(f"last edit in the database: {latest in state['body']}; served on the public page: {latest in served}")
    failed |= bool(report["failures"]) or saved == 0 or saved != attempted or state["history"] != saved
    failed |= latest not in served or latest not in state["body"]
    print("\nRESULT:", "FAILED" if failed else "passed")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
