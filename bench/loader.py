"""The content loader at scale: `load_content` of a generated corpus into an empty database, then again with the
files unchanged, on SQLite and (when it answers) PostgreSQL, with the time and the queries of each.

    .venv/bin/python -m bench.loader [COUNT]

COUNT leaflets (default 1000: the 13 shipped ones and copies under invented names, bench.corpus) are written to a
temporary folder. SQLite runs on a temporary file; PostgreSQL on a database `portal_bench_loader` (or
BENCH_LOADER_DATABASE) created and dropped here (DATABASE_URL's server, else postgres@127.0.0.1:5432). Each database
runs in a child process, as settings are read once per process. The initial load includes the render of every
leaflet after the commit; the reload of unchanged files must write nothing and take about the same time whatever
COUNT is. Beside the time, the CPU time the loading process used: on a busy machine it says what the load costs when
the time says what it waited too.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DATABASE = os.environ.get("BENCH_LOADER_DATABASE", "portal_bench_loader")


def _postgres_server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _postgres_admin(url: str, sql: str) -> bool:
    """Run one statement on the server's postgres database; False when it cannot be reached."""
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(_with_database(url, "postgres"), autocommit=True, connect_timeout=2) as connection:
            connection.execute(sql)
    except psycopg.OperationalError:
        return False
    return True


def _run(label: str, database_url: str, root: Path) -> None:
    env = os.environ | {"DATABASE_URL": database_url, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([sys.executable, "-m", "bench.loader", "--child", label, str(root)], env=env, check=True)


def child(label: str, root: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    for run in ("initial load", "unchanged reload"):
        statements: list[str] = []

        def count(execute, sql, params, many, context, statements=statements):
            statements.append(sql.lstrip()[:6].upper())
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count), open(os.devnull, "w") as quiet:
            start, cpu = time.perf_counter(), time.process_time()
            call_command("load_content", str(root), stdout=quiet)
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        writes = sum(verb in ("INSERT", "UPDATE", "DELETE") for verb in statements)
        print(
            f"{label:<11} {run:<17} {seconds:8.1f} s {cpu:7.1f} s CPU {len(statements):8d} queries {writes:7d} writes",
            flush=True,
        )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from bench.corpus import generate

    with tempfile.TemporaryDirectory(prefix="bench-loader-") as tmp:
        root = Path(tmp) / "content"
        generate(root, count)
        print(f"{count} leaflets")
        _run("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", root)
        server = _postgres_server()
        if not _postgres_admin(server, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}"):
            print("PostgreSQL: not reachable, skipped")
            return
        _postgres_admin(server, f"CREATE DATABASE {BENCH_DATABASE}")
        try:
            _run("PostgreSQL", _with_database(server, BENCH_DATABASE), root)
        finally:
            _postgres_admin(server, f"DROP DATABASE IF EXISTS {BENCH_DATABASE}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
