"""`make bench`, part four: the portal with a thousand leaflets, measured side by side in one run, as ratios.

    .venv/bin/python -m bench.scale            # SCALE_LEAFLETS=1000 by default

Generates the corpus on the fly (bench/corpus.py: the shipped leaflets plus copies under invented names; never
shipped), loads it into a fresh SQLite database and, when reachable, a fresh PostgreSQL one, timing the load and an
unchanged reload; then serves it with gunicorn (2 workers, DEBUG off) and loads each page uncached with wrk: the
leaflet, the A–Z, a condition page, a search for a word every leaflet has and one only one leaflet has, and a
screening with ten current medicines that each have a leaflet. Each is printed as a ratio to the uncached leaflet,
with the issue's target (at least a quarter). Asserts nothing: the machine is noisy, the ratios are what count.
"""

import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from bench.corpus import generate, rare_word
from bench.http import (
    POSTGRES_URL,
    ROUNDS,
    SETUP_SCRIPT,
    TEN_CURRENT,
    UNCACHED_LUA,
    free_port,
    manage,
    median_sample,
    postgres_reachable,
    screening_post_script,
    server_env,
    start_gunicorn,
    wait_until_up,
    wrk,
)

COUNT = int(os.environ.get("SCALE_LEAFLETS", "1000"))
TARGET = 0.25
UNTARGETED = ("leaflet", "screening, 10 current")


def timed(env: dict, *args: str) -> float:
    started = time.perf_counter()
    manage(env, *args)
    return time.perf_counter() - started


def run_database(label: str, database_url: str, corpus: Path) -> tuple[dict, dict]:
    env = server_env(database_url)
    print(f"[{label}] migrating, then loading {COUNT} leaflets…", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    loads = {"load": timed(env, "load_content", str(corpus)), "reload": timed(env, "load_content", str(corpus))}
    manage(env, "collectstatic", "--noinput", "-v0")
    cookies = json.loads(manage(env, "shell", "-c", SETUP_SCRIPT).strip().splitlines()[-1])["cookies"]
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = start_gunicorn(env, port)
    https = {"X-Forwarded-Proto": "https"}
    uncached = UNCACHED_LUA
    uncached_query = UNCACHED_LUA.replace('"?bench="', '"&bench="')
    post = screening_post_script(cookies, port, TEN_CURRENT)
    endpoints = (
        ("leaflet", base + "/medicines/baclofen/", uncached),
        ("A–Z", base + "/medicines/", uncached),
        ("condition page", base + "/conditions/multiple-sclerosis/", uncached),
        ("search, common word", base + "/search/?q=spasm", uncached_query),
        ("search, rare word", base + f"/search/?q={rare_word(7)}", uncached_query),
        ("screening, 10 current", base + "/api/screenings/", post),
    )
    try:
        wait_until_up(base + "/robots.txt", gunicorn)
        samples: dict[str, list] = {name: [] for name, *_ in endpoints}
        for round_number in range(1, ROUNDS + 1):
            print(f"[{label}] round {round_number} of {ROUNDS}…", flush=True)
            for name, url, script in endpoints:
                samples[name].append(wrk(url, https, script))
        return loads, {name: median_sample(runs) for name, runs in samples.items()}
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=10)


def report(label: str, loads: dict, rows: dict) -> None:
    print(f"\n{label}, {COUNT} leaflets: load {loads['load']:.1f} s; reload of unchanged files {loads['reload']:.1f} s")
    leaflet = rows["leaflet"]["rps"]
    print(f"{'uncached':24} {'req/s':>8} {'p99':>9} {'vs leaflet':>11} {'target':>7} {'non-2xx/3xx':>12}")
    for name, row in rows.items():
        ratio = row["rps"] / leaflet
        # The quarter is for what patients read (search and lists); a screening writes a record: printed only.
        verdict = "" if name in UNTARGETED else ("meets" if ratio >= TARGET else "BELOW")
        print(
            f"{name:24} {row['rps']:8.0f} {row['p99']:>9} {ratio:11.2f} {verdict:>7} {row['non_2xx']:12d}"
            f"{'  errors: ' + row['errors'] if row['errors'] else ''}"
        )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        corpus = Path(tmp) / "content"
        generate(corpus, COUNT)
        databases = [("SQLite", f"sqlite:///{tmp}/scale.sqlite3")]
        if postgres_reachable():
            scale_url = POSTGRES_URL.rsplit("/", 1)[0] + "/portal_scale"
            for sql in ("DROP DATABASE IF EXISTS portal_scale", "CREATE DATABASE portal_scale"):
                psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", sql]
                subprocess.run(psql, capture_output=True, check=True)
            databases.append(("PostgreSQL", scale_url))
        for label, url in databases:  # each reported as soon as it is measured
            report(label, *run_database(label, url, corpus))


if __name__ == "__main__":
    main()
