"""`make chaos`: the portal as README's Deploying section runs it, under load, while Redis and PostgreSQL fail.

    .venv/bin/python -m bench.chaos

Starts its own Redis on a spare port and a TCP proxy in front of PostgreSQL (bench/faults.py), migrates and loads a
scratch database, and runs gunicorn with the production settings (DEBUG off, gthread workers) on loopback. While a
few clients read the public pages and a balancer probes /healthz/ over plain HTTP, it kills Redis (then starts it
with its old data, and again empty), hangs Redis (SIGSTOP), and hangs PostgreSQL (the proxy holds every byte). A
pharmacist saves an edit during each Redis outage, through the service layer in a process of its own. Asserts:

- no 5xx and no failed request on a public page while Redis is down or hung, nor in the seconds after;
- the edit saves (a normal success) and reaches anonymous readers within 5 s of Redis returning;
- /healthz/ answers within 1 s in every scenario, over plain HTTP (never a redirect), and reports the fault:
  200 "degraded" with the cache down, 503 with the database hung; and the site is healthy again afterwards;
- a Redis outage writes a few log lines, not a traceback per request.

Prints requests, errors, health answer times and recovery times; exits 1 on any failed assertion.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

from bench.faults import PostgresProxy, RedisServer, Traffic, free_port, get, marker_seen_since, terminate

ROOT = Path(__file__).resolve().parents[1]
POSTGRES = os.environ.get("CHAOS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DATABASE = "portal_chaos"
CLIENTS = 4
PAUSE = 0.01  # seconds each client waits between requests: bounded load, not a benchmark
FAULT_SECONDS = {"cache": 6.0, "database": 9.0}  # the database's long enough for its 6 s answer deadline to pass
EDIT_REACHES_READERS = 5.0  # seconds after Redis returns
HEALTH_ANSWERS_WITHIN = 1.0
STEADY = 5.0  # seconds of normal service before each fault
RECOVERS_WITHIN = 15.0
PHARMACIST = "chaos-pharmacist"

SETUP = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("{PHARMACIST}", is_staff=True)
user.groups.add(Group.objects.get(name="pharmacist"))
"""
# Started before the fault, so Django is set up by the time it saves (at the wall-clock time `at`, in the fault).
EDIT = """
import time
from django.contrib.auth.models import User
from monographs.models import Medication
from monographs.services.content import content_save
time.sleep(max(0.0, {at} - time.time()))
start = time.monotonic()
section = Medication.objects.get(slug="baclofen").sections.get(kind="storage")
section.body = section.body.split("\\n\\nChecked during a fault:")[0] + "\\n\\nChecked during a fault: {marker}."
content_save(obj=section, user=User.objects.get(username="{pharmacist}"), reason="Edit saved during a fault")
print(f"saved in {{time.monotonic() - start:.3f}} s")
"""


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def prepare(env: dict) -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    for args in (("migrate", "--noinput"), ("load_content",), ("collectstatic", "--noinput"), ("shell", "-c", SETUP)):
        result = manage(env, *args)
        if result.returncode != 0:
            raise SystemExit(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")


def drop_database() -> None:
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


class Run:
    """The running portal and its faults, and what each scenario found."""

    def __init__(self, workdir: Path):
        self.redis = RedisServer(workdir)
        self.redis.start()
        self.proxy = PostgresProxy(("127.0.0.1", int(POSTGRES.rsplit(":", 1)[1])))
        self.port = free_port()
        self.env = {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "portal.settings",
            "SECRET_KEY": "chaos-only-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.proxy.port}/{DATABASE}",
            "REDIS_URL": self.redis.url,
        }
        self.log = workdir / "gunicorn.log"
        self.failures: list[str] = []
        self.rows: list[dict] = []

    def start_portal(self) -> None:
        with open(self.log, "wb") as log:
            self.gunicorn = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "portal.wsgi", "-w", "2", "--threads", "4"]
                + ["-b", f"127.0.0.1:{self.port}", "--log-level", "warning"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        for _ in range(150):
            if get(self.port, "/healthz/", {}, timeout=2)[0] == 200:
                return
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not become healthy:\n{self.log.read_text()[-3000:]}")

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines()

    def start_edit(self, marker: str, at: float) -> subprocess.Popen:
        """A pharmacist saves an edit at wall-clock time `at`, through the service layer, in a process of its own
        (another app server, with the same settings)."""
        script = EDIT.format(marker=marker, pharmacist=PHARMACIST, at=at)
        return subprocess.Popen(
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def finish_edit(self, editor: subprocess.Popen) -> str:
        out, err = editor.communicate(timeout=60)
        last = out.strip().splitlines()[-1:] or [""]
        if editor.returncode != 0 or not last[0].startswith("saved in"):
            self.failures.append(f"the edit during the outage failed:\n{out[-500:]}\n{err[-2000:]}")
            return "FAILED"
        return last[0].split()[2] + "s"

    def check(self, condition: bool, message: str) -> None:
        if not condition:
            self.failures.append(message)


def run_scenario(run: Run, traffic: Traffic, name: str, kind: str, inject, repair, edits: bool) -> None:
    marker = uuid.uuid4().hex[:12]
    editor = run.start_edit(marker, at=time.time() + STEADY + 1) if edits else None
    time.sleep(STEADY)
    log_before = len(run.log_lines())
    inject()
    fault = time.monotonic()
    row: dict = {"scenario": name, "save": "-", "during": "-", "after": "-"}
    if editor is not None:
        row["save"] = run.finish_edit(editor)
        seen = marker_seen_since(run.port, marker, time.monotonic(), fault + FAULT_SECONDS[kind] - time.monotonic())
        row["during"] = "no" if seen is None else f"{seen:.1f}s"
    time.sleep(max(0.0, fault + FAULT_SECONDS[kind] - time.monotonic()))
    repair()
    back = time.monotonic()
    if editor is not None:
        after = marker_seen_since(run.port, marker, back, 15)
        row["after"] = "never" if after is None else f"{after:.1f}s"
        run.check(
            after is not None and after <= EDIT_REACHES_READERS,
            f"{name}: the edit reached every reader {row['after']} after the repair (limit {EDIT_REACHES_READERS}s)",
        )
    recovered = traffic.healthy_since(back, RECOVERS_WITHIN)
    row["recovered"] = "never" if recovered is None else f"{recovered:.1f}s"
    run.check(recovered is not None, f"{name}: /healthz/ not 'ok' within {RECOVERS_WITHIN}s of the repair")
    time.sleep(1)
    evaluate(run, traffic, row, kind, fault, back, log_before)


def evaluate(run: Run, traffic: Traffic, row: dict, kind: str, fault: float, back: float, log_before: int) -> None:
    name, end = row["scenario"], time.monotonic()
    window = [status for at, _, status in list(traffic.requests) if fault <= at <= end]
    row["requests"], row["5xx"], row["failed"] = len(window), sum(s >= 500 for s in window), window.count(0)
    probes = [entry for entry in list(traffic.health) if fault <= entry[0] <= end]
    row["health max"] = f"{max(seconds for *_, seconds in probes):.3f}s" if probes else "none"
    # Probes from a second into the fault until one that could still be waiting when the repair came.
    during = [(status, answer) for at, status, answer, _ in probes if fault + 1 <= at <= back - HEALTH_ANSWERS_WITHIN]
    said = {f"{s} {a.get('status')} db={a.get('database')} cache={a.get('cache')}" for s, a in during}
    row["health said"] = ", ".join(sorted(said))
    run.check(bool(probes), f"{name}: no /healthz/ answer at all")
    slow = [seconds for *_, seconds in probes if seconds > HEALTH_ANSWERS_WITHIN]
    run.check(not slow, f"{name}: /healthz/ took {max(slow, default=0):.2f}s ({len(slow)} answers over 1 s)")
    run.check(all(status in (200, 503) for _, status, *_ in probes), f"{name}: /healthz/ answered other than 200/503")
    if kind == "cache":
        run.check(row["5xx"] == 0 and row["failed"] == 0, f"{name}: {row['5xx']} 5xx, {row['failed']} failed")
        run.check(
            bool(during) and all(s == 200 and a.get("status") == "degraded" for s, a in during),
            f"{name}: /healthz/ did not report 200 'degraded' throughout: {row['health said']}",
        )
        added = run.log_lines()[log_before:]
        row["log lines"] = len(added)
        run.check(len(added) <= 20 and not any("Traceback" in line for line in added), f"{name}: log: {added[:5]}")
    else:
        run.check(
            bool(during) and all(s == 503 and a.get("database") != "ok" for s, a in during),
            f"{name}: /healthz/ did not report 503 with the database down throughout: {row['health said']}",
        )
        row["log lines"] = len(run.log_lines()) - log_before
    run.rows.append(row)


def scenarios(run: Run) -> list[tuple]:
    """(name, what fails, inject, repair, whether a pharmacist saves an edit during it)."""
    redis = run.redis
    return [
        ("Redis killed, back with its old data", "cache", lambda: redis.kill(keep_data=True), redis.start, True),
        (
            "Redis killed, back empty",
            "cache",
            lambda: redis.kill(keep_data=False),
            lambda: redis.start(keep_data=False),
            True,
        ),
        ("Redis hung (SIGSTOP)", "cache", redis.hang, redis.resume, True),
        ("PostgreSQL hung (proxy)", "database", run.proxy.hang, run.proxy.resume, False),
    ]


def report(run: Run, traffic: Traffic) -> None:
    columns = ["scenario", "requests", "5xx", "failed", "health max", "save", "during", "after", "recovered"]
    columns.append("log lines")
    widths = {c: max(len(c), *(len(str(row.get(c, ""))) for row in run.rows)) for c in columns}
    print("\n" + "  ".join(c.ljust(widths[c]) for c in columns))
    for row in run.rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))
    for row in run.rows:
        print(f"  {row['scenario']}: /healthz/ said {row['health said'] or 'nothing'} during the fault")
    total = len(traffic.requests)
    bad = sum(status >= 500 or status == 0 for _, _, status in traffic.requests)
    print(f"\n{total} public requests in all, {bad} 5xx or failed (those while the database hung included), ", end="")
    print(f"{len(traffic.health)} health probes.")
    print("'save': how long the edit during the outage took to save; 'during': seconds after the save until every")
    print("anonymous reader saw it, with the fault still on; 'after': the same, from the repair; 'recovered': seconds")
    print("from the repair until /healthz/ said ok. Every reader: ten answers in a row, from either worker.")


def main() -> int:
    os.chdir(ROOT)
    with tempfile.TemporaryDirectory(prefix="chaos-") as tmp:
        run = Run(Path(tmp))
        traffic = None
        try:
            print("Preparing a scratch database (migrate, load_content, collectstatic)…", flush=True)
            prepare(run.env | {"DATABASE_URL": f"{POSTGRES}/{DATABASE}"})
            run.start_portal()
            traffic = Traffic(run.port, clients=CLIENTS, pause=PAUSE)
            time.sleep(2)  # every page rendered and cached once
            for name, kind, inject, repair, edits in scenarios(run):
                print(f"{name}…", flush=True)
                run_scenario(run, traffic, name, kind, inject, repair, edits)
        finally:
            if traffic is not None:
                traffic.stop()
            if hasattr(run, "gunicorn"):
                terminate(run.gunicorn)
            run.redis.stop()
            drop_database()
        report(run, traffic)
        if run.failures:
            print("\nFAILED:\n- " + "\n- ".join(run.failures))
            print("\ngunicorn's log (last lines):\n" + "\n".join(run.log_lines()[-40:]))
            return 1
        print("\nAll fault assertions held.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
