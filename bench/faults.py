"""The faults `make chaos` injects (bench/chaos.py), and the traffic it watches them with.

- RedisServer: a redis-server of its own on a spare port, to kill (and start again with its old data, or none) and
  to hang (SIGSTOP: the kernel still accepts connections, nothing answers).
- PostgresProxy: a TCP proxy in front of PostgreSQL (asyncio, in a thread). hang() makes it keep accepting and
  reading but forward nothing, either way: to the portal, a server that accepts connections and never answers.
- Traffic: a few client threads requesting public pages as browsers behind the TLS proxy would, and a balancer
  probing /healthz/ over plain HTTP; every answer is recorded with its time.
"""

import asyncio
import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import redis

PUBLIC_PATHS = ("/", "/medicines/", "/medicines/baclofen/", "/conditions/", "/search/?q=baclofen")
HTTPS = {"X-Forwarded-Proto": "https"}  # what the TLS-terminating proxy adds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.generation = 0
        self.process: subprocess.Popen | None = None

    def start(self, *, keep_data: bool = True) -> None:
        """Start it; with keep_data, from the snapshot the last kill(keep_data=True) saved (its old data)."""
        if not keep_data:
            self.generation += 1
        data = self.workdir / f"redis-{self.generation}"
        data.mkdir(exist_ok=True)
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(data)]
        self.process = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise SystemExit(f"redis-server did not start on port {self.port}")

    def kill(self, *, keep_data: bool) -> None:
        if keep_data:
            redis.Redis(port=self.port, socket_timeout=5).save()
        assert self.process is not None
        self.process.kill()
        self.process.wait()

    def hang(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()
            self.process.kill()
            self.process.wait()


class PostgresProxy:
    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_port()
        self.flowing = True
        self._loop = asyncio.new_event_loop()
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), name="postgres-proxy", daemon=True).start()
        if not ready.wait(5):
            raise SystemExit("the PostgreSQL proxy did not start")

    def hang(self) -> None:
        self.flowing = False

    def resume(self) -> None:
        self.flowing = True

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(asyncio.start_server(self._connection, "127.0.0.1", self.port))
        ready.set()
        self._loop.run_forever()

    async def _connection(self, client_reader, client_writer) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(self._pump(client_reader, upstream_writer), self._pump(upstream_reader, client_writer))

    async def _pump(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                while not self.flowing:  # held, not dropped: what a stopped server's kernel does with it
                    await asyncio.sleep(0.02)
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.close()


def get(port: int, path: str, headers: dict, connection=None, timeout: float = 10):
    """(status, body, connection to reuse); status 0 when there was no HTTP answer at all."""
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), connection
    except (OSError, http.client.HTTPException):
        connection.close()
        return 0, b"", None


class Traffic:
    def __init__(self, port: int, *, clients: int, pause: float):
        self.port = port
        self.pause = pause
        self.running = True
        self.requests: list[tuple[float, str, int]] = []  # (time, path, status)
        self.health: list[tuple[float, int, dict, float]] = []  # (time, status, answer, seconds)
        self._threads = [threading.Thread(target=self._browse, args=(n,), daemon=True) for n in range(clients)]
        self._threads.append(threading.Thread(target=self._probe, daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self.running = False
        for thread in self._threads:
            thread.join(15)

    def _browse(self, offset: int) -> None:
        connection, n = None, offset
        while self.running:
            path = PUBLIC_PATHS[n % len(PUBLIC_PATHS)]
            status, _, connection = get(self.port, path, HTTPS, connection)
            self.requests.append((time.monotonic(), path, status))
            n += 1
            time.sleep(self.pause)

    def _probe(self) -> None:
        while self.running:
            start = time.monotonic()
            status, body, connection = get(self.port, "/healthz/", {}, timeout=5)  # plain HTTP, as a balancer asks
            if connection is not None:
                connection.close()
            try:
                answer = json.loads(body) if status else {}
            except ValueError:
                answer = {"body": body[:80].decode(errors="replace")}
            self.health.append((start, status, answer, time.monotonic() - start))
            time.sleep(0.2)

    def healthy_since(self, since: float, limit: float) -> float | None:
        """Seconds after `since` until /healthz/ said "ok" (None if not within `limit`)."""
        deadline = since + limit
        while time.monotonic() < deadline:
            for at, status, answer, _ in list(self.health):
                if at >= since and status == 200 and answer.get("status") == "ok":
                    return at - since
            time.sleep(0.1)
        return None


def marker_seen_since(port: int, marker: str, since: float, limit: float, run: int = 10) -> float | None:
    """Seconds after `since` until the leaflet showed `marker` to anonymous readers `run` times in a row (each on a
    new connection, so any worker may answer), or None if not within `limit`."""
    needle, first, streak = marker.encode(), None, 0
    while time.monotonic() < since + limit:
        at = time.monotonic()
        status, body, connection = get(port, "/medicines/baclofen/", HTTPS, timeout=5)
        if connection is not None:
            connection.close()
        if status == 200 and needle in body:
            first = at if streak == 0 else first
            streak += 1
            if streak >= run:
                return max(0.0, (first or at) - since)
        else:
            streak = 0
        time.sleep(0.1)
    return None


def terminate(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
