"""`make bench`, part one: the portal under load, measured side by side in one run, reported as ratios.

    .venv/bin/python -m bench.http

Starts gunicorn (2 workers, bench.settings: the production settings plus flatpages, DEBUG off) on SQLite and, when
reachable, on PostgreSQL, and loads each endpoint with wrk on loopback for a few seconds: a static file (WhiteNoise,
the floor), a trivial view, the leaflet uncached and cached, a conditional request answered 304, the same leaflet
content served by django.contrib.flatpages, search, and a screening POST. Prints requests per second, latency and
the ratios the targets are written in. Machines here are noisy: compare the ratios, never a single figure. Asserts
nothing.
"""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DURATION = os.environ.get("BENCH_DURATION", "3s")
# Every endpoint is measured once per round, the rounds one after another, and the median round is reported: a
# burst of noise on this shared machine then spoils one sample of each endpoint, not every sample of one.
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")

# Vary a query parameter on every request, so each one bypasses the page cache and is really rendered by the view
# (from the leaflet's stored render: one query). Such addresses are never cached, so they are not even looked up;
# a first visit to a canonical address after an edit adds one shared-cache miss and one store to this.
UNCACHED_LUA = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path .. "?bench=" .. counter .. "-" .. math.random(1, 1e9))
end
"""
POST_LUA = """
wrk.method = "POST"
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = {cookie}
wrk.headers["X-CSRFToken"] = {csrf}
wrk.headers["Referer"] = {referer}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def shared_cache_ready(url: str) -> None:
    """Production settings need Redis (every worker must see a purge); start from an empty benchmark database."""
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        raise SystemExit(f"Redis is not reachable at {url}: start redis-server (or set BENCH_REDIS_URL)") from None


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


SETUP_SCRIPT = r"""
import json
from django.contrib.auth.models import Group, User
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.cache import cache
from django.test import Client
from monographs.models import Medication

# The same content as the leaflet, as one flat page: what a CMS page with no structure costs.
client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
leaflet = client.get("/medicines/baclofen/").content.decode()
body = leaflet.split('<main id="main-content"', 1)[1].split(">", 1)[1].rsplit("</main>", 1)[0]
page, _ = FlatPage.objects.update_or_create(url="/baclofen/", defaults={"title": "Baclofen", "content": body})
page.sites.set([Site.objects.get_current()])

clinician, _ = User.objects.get_or_create(username="bench-clinician", defaults={"email": "bench@example.org"})
clinician.set_password("bench-password-not-secret")
clinician.save()
clinician.groups.add(Group.objects.get(name="clinician"))
session_client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
session_client.force_login(clinician)
session_client.get("/screening/")
cookies = {morsel.key: morsel.value for morsel in session_client.cookies.values()}
print(json.dumps({"cookies": cookies}))
"""


def prepare(env: dict, label: str) -> dict:
    print(f"[{label}] migrating, loading content, collecting static files…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_content")
    manage(env, "collectstatic", "--noinput", "-v0")
    output = manage(env, "shell", "-c", SETUP_SCRIPT)
    return json.loads(output.strip().splitlines()[-1])


def wait_until_up(url: str, proc: subprocess.Popen) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"}), timeout=1)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer at {url}")


def wrk(url: str, headers: dict | None = None, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    with tempfile.TemporaryDirectory() as tmp:
        if script:
            script_path = Path(tmp) / "bench.lua"
            script_path.write_text(script)
            command += ["-s", str(script_path)]
        command.append(url)
        output = subprocess.run(command, capture_output=True, text=True, timeout=120).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = re.search(r"Latency\s+([\d.]+\w+)", output).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "latency": latency,
        "p99": p99.group(1) if p99 else "?",
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1) if errors else "",
    }


def median_sample(runs: list[dict]) -> dict:
    """The run with the median requests per second; errors and non-2xx/3xx answers summed over every run."""
    ordered = sorted(runs, key=lambda run: run["rps"])
    median = dict(ordered[len(ordered) // 2])
    median["non_2xx"] = sum(run["non_2xx"] for run in runs)
    median["errors"] = "; ".join(run["errors"] for run in runs if run["errors"])
    return median


def etag_of(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request) as response:
        return response.headers["ETag"]


# Ten current medicines that each have a shipped leaflet (issue 13: screened against the patient and each other).
TEN_CURRENT = [
    "tizanidine",
    "gabapentin",
    "pregabalin",
    "oxycodone",
    "diazepam",
    "sertraline",
    "amitriptyline",
    "ibuprofen",
    "metformin",
    "lisinopril",
]


def screening_answers(current_medications: list[str]) -> dict:
    """The answers the benchmarks screen baclofen with, in the API's shape."""
    return {
        "medication": "baclofen",
        "pregnancy": "not_pregnant",
        "breastfeeding": False,
        "crcl_ml_min": 42,
        "dialysis": False,
        "conditions": ["epilepsy"],
        "current_medications": current_medications,
    }


def screening_post_script(cookies: dict, port: int, current_medications: list[str]) -> str:
    """wrk's Lua for a signed-in clinician's POST /api/screenings/ of screening_answers(current_medications)."""
    return POST_LUA.format(
        body=json.dumps(json.dumps(screening_answers(current_medications))),
        cookie=json.dumps("; ".join(f"{k}={v}" for k, v in cookies.items())),
        csrf=json.dumps(next((v for k, v in cookies.items() if "csrftoken" in k), "")),
        referer=json.dumps(f"https://127.0.0.1:{port}/screening/"),
    )


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    """The portal under gunicorn, two workers, in a session of its own (stop it with os.killpg)."""
    return subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "portal.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def server_env(database_url: str, settings: str = "bench.settings", **extra: str) -> dict:
    """The environment of a production-like portal on `database_url` (DEBUG off, the shared cache on the bench's
    Redis database, made ready and emptied)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"),
        **extra,
    }
    shared_cache_ready(env["REDIS_URL"])
    return env


def run_database(label: str, database_url: str, workdir: Path) -> dict:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(database_url, PUBLIC_PAGE_MAX_AGE="300")
    state = prepare(env, label)
    cookies = state["cookies"]
    gunicorn = start_gunicorn(env, port)
    https = {"X-Forwarded-Proto": "https"}
    try:
        wait_until_up(base + "/robots.txt", gunicorn)
        static_path = (
            "/static/" + json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]["css/site.css"]
        )
        leaflet = base + "/medicines/baclofen/"
        etag = etag_of(leaflet)
        post_script = screening_post_script(
            cookies, port, ["Oxycodone 5 mg", "lisinopril", "Zestril 10mg", "sertraline 50 mg"]
        )
        endpoints = (
            ("static file (WhiteNoise)", base + static_path, https, None),
            ("trivial view (robots.txt)", base + "/robots.txt", https, None),
            ("leaflet, uncached", leaflet, https, UNCACHED_LUA),
            ("leaflet, cached", leaflet, https, None),
            ("leaflet, 304 Not Modified", leaflet, https | {"If-None-Match": etag}, None),
            ("flatpages, same content", base + "/bench/flatpages/baclofen/", https, None),
            ("search, uncached", base + "/search/?q=baclofen", https, UNCACHED_LUA.replace('"?bench="', '"&bench="')),
            ("screening POST (API)", base + "/api/screenings/", https, post_script),
        )
        samples = {name: [] for name, *_ in endpoints}
        for round_number in range(1, ROUNDS + 1):
            print(f"[{label}] round {round_number} of {ROUNDS}…", flush=True)
            for name, url, headers, script in endpoints:
                samples[name].append(wrk(url, headers, script))
        return {name: median_sample(runs) for name, runs in samples.items()}
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=10)


def report(label: str, rows: dict) -> None:
    floor = rows["static file (WhiteNoise)"]["rps"]
    print(
        f"\n{label}: {CONNECTIONS} connections, {DURATION} per run, median of {ROUNDS} interleaved rounds, "
        "gunicorn -w 2, DEBUG off"
    )
    print(f"{'endpoint':32} {'req/s':>9} {'avg':>9} {'p99':>9} {'vs static':>10} {'non-2xx/3xx':>12}")
    for name, row in rows.items():
        print(
            f"{name:32} {row['rps']:9.0f} {row['latency']:>9} {row['p99']:>9} {row['rps'] / floor:10.2f} "
            f"{row['non_2xx']:12d}{'  errors: ' + row['errors'] if row['errors'] else ''}"
        )
    ratio = lambda a, b: rows[a]["rps"] / rows[b]["rps"]  # noqa: E731
    targets = [
        ("cached leaflet / static file", ratio("leaflet, cached", "static file (WhiteNoise)"), 0.8),
        ("uncached leaflet / flatpages", ratio("leaflet, uncached", "flatpages, same content"), 0.8),
        ("304 / static file", ratio("leaflet, 304 Not Modified", "static file (WhiteNoise)"), 1.0),
    ]
    print("\nTargets (ratios of requests per second, measured in this run):")
    for name, value, target in targets:
        verdict = "meets" if value >= target else "BELOW"
        print(f"  {name:32} {value:5.2f}  (target ≥ {target:.1f}: {verdict})")


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("make bench needs wrk: apt-get install wrk")
    os.chdir(ROOT)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["SQLite"] = run_database("SQLite", f"sqlite:///{tmp}/bench.sqlite3", Path(tmp))
    if postgres_reachable():
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "DROP DATABASE IF EXISTS portal_bench"],
            capture_output=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE portal_bench"],
            capture_output=True,
            check=True,
        )
        results["PostgreSQL"] = run_database("PostgreSQL", POSTGRES_URL, ROOT)
    else:
        print("PostgreSQL is not reachable on 127.0.0.1:5432: measured SQLite only.")
    for label, rows in results.items():
        report(label, rows)


if __name__ == "__main__":
    main()
