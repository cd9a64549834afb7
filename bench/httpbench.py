"""Plumbing of bench/pages.py: the instance and its data, gunicorn, a small keep-alive
HTTP client with its own cookies, single-user and concurrent timing, and the memory of
the worker processes sampled while a request runs."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password of the volume accounts)


# --- instance, data, server ------------------------------------------------------------


def env_for(instance: Path, uri: str | None) -> dict:
    env = dict(os.environ)
    env["DANKHEO_INSTANCE_PATH"] = str(instance)
    env["DANKHEO_HUEY_BACKEND"] = "sqlite"
    # One address sends everything here: the per-address limits would measure themselves.
    env["DANKHEO_RATELIMIT_ENABLED"] = "false"
    env.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    if uri:
        env["DANKHEO_SQLALCHEMY_DATABASE_URI"] = uri
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "dankheo", *args], env=env, check=True)


def seed(env: dict, *volume_args: str) -> None:
    """Migrate (reused data gets new indexes too, e.g. PostgreSQL's trigram indexes),
    load the volume data unless it is there, and on PostgreSQL refresh the planner's
    statistics and the GIN pending lists, as a production load would be followed by."""
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed-volume", *volume_args)
    uri = env.get("DANKHEO_SQLALCHEMY_DATABASE_URI", "")
    if uri.startswith("postgresql"):
        import sqlalchemy as sa

        engine = sa.create_engine(uri, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        finally:
            engine.dispose()
    print(f"  data ready in {time.perf_counter() - started:.1f} s", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn (gunicorn.conf.py) serving ``bench.floor:app``: the application plus
    the floor page."""

    def __init__(self, env: dict, workers: int, threads: int):
        self.port = free_port()
        env = dict(env)
        env["DANKHEO_GUNICORN_BIND"] = f"{HOST}:{self.port}"
        env["DANKHEO_GUNICORN_WORKERS"] = str(workers)
        env["DANKHEO_GUNICORN_THREADS"] = str(threads)
        env["DANKHEO_GUNICORN_ACCESS_LOG"] = ""
        self.log = open(OUT / "gunicorn.log", "a")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py", "bench.floor:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()  # never leave a server behind
            raise

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("gunicorn exited; see bench/out/gunicorn.log")
            try:
                status, _, _ = request(Conn(self.port), "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def worker_pids(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    status = (entry / "status").read_text()
                except OSError:
                    continue
                if f"\nPPid:\t{self.proc.pid}\n" in status:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.log.closed:
            return
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


# --- a small HTTP client ------------------------------------------------------------------


class Conn:
    """One keep-alive HTTP/1.1 connection with its own cookies."""

    def __init__(self, port: int, cookie: str = "", timeout: float = 60):
        self.port = port
        self.cookie = cookie
        self.timeout = timeout
        self.http: http.client.HTTPConnection | None = None

    def get(self) -> http.client.HTTPConnection:
        if self.http is None:
            self.http = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        return self.http

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None


def request(conn: Conn, path: str, method: str = "GET", body: str | None = None):
    headers = {"Host": f"{HOST}:{conn.port}"}
    if conn.cookie:
        headers["Cookie"] = conn.cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
        try:
            connection = conn.get()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            break
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            conn.close()
            if attempt == 2:
                raise
    for value in response.headers.get_all("Set-Cookie") or []:
        name_value = value.split(";", 1)[0]
        if name_value.startswith("session="):
            conn.cookie = name_value
    if response.headers.get("Connection", "").lower() == "close":
        conn.close()
    return response.status, response.headers, data


def login(port: int, username: str) -> str:
    conn = Conn(port)
    status, _, html = request(conn, "/auth/login")
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)
    if status != 200 or not match:
        raise RuntimeError(f"no login form for {username} (status {status})")
    body = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrf_token": match.group(1).decode()}
    )
    status, headers, _ = request(conn, "/auth/login", "POST", body)
    conn.close()
    if status != 302 or "/auth/login" in headers.get("Location", ""):
        raise RuntimeError(f"sign-in refused for {username} (status {status})")
    return conn.cookie


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def single_user(port: int, cookie: str, path: str, n: int, limit: float, before=None) -> tuple:
    """Sequential requests (after three warm-up ones); ``before()`` runs, untimed,
    before each (e.g. to empty a cache)."""
    conn = Conn(port, cookie)
    for _ in range(3):  # warm-up: caches, connection, first-request imports
        request(conn, path)
    times, statuses = [], set()
    deadline = time.monotonic() + limit
    while len(times) < n and time.monotonic() < deadline:
        if before is not None:
            before()
        t0 = time.perf_counter()
        status, _, _ = request(conn, path)
        times.append((time.perf_counter() - t0) * 1000)
        statuses.add(status)
    conn.close()
    return times, statuses


def under_load(port: int, cookie: str, path: str, clients: int, seconds: float) -> tuple:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client():
        conn = Conn(port, cookie)
        mine, bad = [], 0
        start.wait()
        while time.monotonic() < stop_at[0]:
            t0 = time.perf_counter()
            try:
                status, _, _ = request(conn, path)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - t0) * 1000)
            if status >= 500 or status == 0:
                bad += 1
        conn.close()
        with lock:
            times.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + seconds
    began = time.monotonic()
    start.wait()
    for t in threads:
        t.join(seconds + 90)
    elapsed = time.monotonic() - began
    return times, errors[0], elapsed


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def timed_download(server, cookie: str, path: str) -> tuple[int, float, int, int, int, int]:
    """(status, seconds, bytes, largest worker RSS before, largest worker RSS during,
    lines) of one request read to its end, the workers' memory sampled every 20 ms
    meanwhile."""
    pids = server.worker_pids()
    before = max((rss_kb(p) for p in pids), default=0)
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], max((rss_kb(p) for p in pids), default=0))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        status, _headers, data = request(Conn(server.port, cookie, timeout=900), path)
    finally:
        done.set()
        sampler.join()
    return status, time.perf_counter() - t0, len(data), before, peak[0], data.count(b"\n")
