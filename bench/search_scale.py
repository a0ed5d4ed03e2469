"""Search at scale, in process: an uncached search against the uncached leaflet, side by side, as ratios.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_scale .venv/bin/python -m bench.search_scale [ROUNDS]

For a database already loaded with the generated corpus (bench/corpus.py, e.g. by `python -m bench.scale`, which also
collects the static files the production settings need) and static files collected. Each round requests the leaflet
and each search once, in turn, with a query parameter of its own so no page cache answers; the medians are compared.
No HTTP server and no wrk: quicker than bench/scale.py and steadier on a busy machine, so a change to search can be
weighed in a minute (the issue's target, a quarter of the leaflet's rate, is the figure of bench/scale.py).
"""

import os
import statistics
import sys
import time
import uuid

TARGET = 0.25


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("REDIS_URL", os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from bench.corpus import rare_word

    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    pages = {
        "leaflet": "/medicines/baclofen/?bench=",
        "search, common word": "/search/?q=spasm&bench=",
        "search, common, page 3": "/search/?q=spasm&page=3&bench=",
        "search, 'drowsy'": "/search/?q=drowsy&bench=",
        "search, 'doctor'": "/search/?q=doctor&bench=",
        "search, rare word": f"/search/?q={rare_word(7)}&bench=",
    }
    times: dict[str, list[float]] = {name: [] for name in pages}
    for number in range(rounds + 3):  # three rounds to warm up: connections, the directory of names, templates
        for name, url in pages.items():
            started = time.perf_counter()
            response = client.get(url + uuid.uuid4().hex)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{name}: {response.status_code}")
            if number >= 3:
                times[name].append(elapsed)
    leaflet = statistics.median(times["leaflet"])
    print(f"{connection.vendor}, {rounds} rounds: median time, and rate as a share of the leaflet's")
    for name, samples in times.items():
        ratio = leaflet / statistics.median(samples)
        verdict = "" if name == "leaflet" else ("meets" if ratio >= TARGET else "BELOW")
        print(f"{name:24} {statistics.median(samples) * 1000:8.1f} ms {ratio:6.2f} {verdict}")


if __name__ == "__main__":
    main()
