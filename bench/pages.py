"""Page benchmark at volume: server response times of the pages people wait on.

    .venv/bin/python bench/pages.py                       # SQLite only
    scripts/with-postgres.sh .venv/bin/python bench/pages.py --postgres    # and PostgreSQL
    .venv/bin/python bench/pages.py --postgres-uri postgresql+psycopg://user@127.0.0.1/dankheo_bench

For each database (SQLite, and PostgreSQL when a URI is given) it

1. loads the volume data (``flask seed-volume``, default counts) into its own instance
   folder under bench/out/ (or into the PostgreSQL database), or reuses what is there;
2. starts gunicorn (gunicorn.conf.py: ``--workers`` × ``--threads``) on a free
   127.0.0.1 port, signs in the accounts the pages need (``vol.*``, demo password);
3. counts each page's SQL statements once, in-process;
4. measures each page single-user (sequential requests: p50/p95/p99) and then under
   ``--clients`` concurrent clients (throughput, p95, errors), ``/healthz`` first as the
   floor, every phase bounded by a request count and a time limit;
5. prints one table per database and writes it as JSON to bench/out/.

A page that answers 404 (not built yet) is reported as "missing", not as a failure.
Targets (issue 7): single-user p95 < 150 ms; under load, throughput ≥ 40 % of
/healthz's, and no errors. Exit status is 0 whatever the figures: this measures, the
table says what misses. Everything stays on loopback and stops by itself.
"""

import argparse
import http.client
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password of the volume accounts)
P95_TARGET_MS = 150.0
THROUGHPUT_TARGET = 0.40


@dataclass
class Page:
    name: str
    path: str
    account: str | None  # None: anonymous


@dataclass
class Result:
    name: str
    path: str
    status: int = 0
    queries: int | None = None
    single_n: int = 0
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    load_n: int = 0
    load_rps: float | None = None
    load_p95: float | None = None
    load_errors: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.status == 404


# --- instance, data, server ------------------------------------------------------------


def env_for(instance: Path, uri: str | None) -> dict:
    env = dict(os.environ)
    env["DANKHEO_INSTANCE_PATH"] = str(instance)
    env["DANKHEO_HUEY_BACKEND"] = "sqlite"
    env.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    if uri:
        env["DANKHEO_SQLALCHEMY_DATABASE_URI"] = uri
    return env


def flask(env: dict, *args: str) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "dankheo", *args], env=env, check=True)


def seed(env: dict) -> None:
    """Migrate (reused data gets new indexes too, e.g. PostgreSQL's trigram indexes),
    load the volume data unless it is there, and on PostgreSQL refresh the planner's
    statistics and the GIN pending lists, as a production load would be followed by."""
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed-volume")
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
    def __init__(self, env: dict, workers: int, threads: int):
        self.port = free_port()
        env = dict(env)
        env["DANKHEO_GUNICORN_BIND"] = f"{HOST}:{self.port}"
        env["DANKHEO_GUNICORN_WORKERS"] = str(workers)
        env["DANKHEO_GUNICORN_THREADS"] = str(threads)
        env["DANKHEO_GUNICORN_ACCESS_LOG"] = ""
        self.log = open(OUT / "gunicorn.log", "a")  # noqa: SIM115 (closed in stop())
        self.proc = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"],
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

    def __init__(self, port: int, cookie: str = ""):
        self.port = port
        self.cookie = cookie
        self.http: http.client.HTTPConnection | None = None

    def get(self) -> http.client.HTTPConnection:
        if self.http is None:
            self.http = http.client.HTTPConnection(HOST, self.port, timeout=60)
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


def single_user(port: int, cookie: str, path: str, n: int, limit: float) -> tuple:
    conn = Conn(port, cookie)
    for _ in range(3):  # warm-up: caches, connection, first-request imports
        request(conn, path)
    times, statuses = [], set()
    deadline = time.monotonic() + limit
    while len(times) < n and time.monotonic() < deadline:
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


# --- what to measure --------------------------------------------------------------------


def pages_for(env: dict) -> list[Page]:
    """Resolve the ids the URLs need from the loaded data (in-process, read only)."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("DANKHEO_")})
    if "DANKHEO_SQLALCHEMY_DATABASE_URI" not in env:
        os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db
    from dankheo.models import Campaign, Initiative, InitiativeYear, Unit, UnitKind, YearStatus

    app = create_app()
    with app.app_context():
        province = db.session.scalar(sa.select(Unit).where(Unit.code == "VOL"))
        district = db.session.scalar(
            sa.select(Unit)
            .where(Unit.kind == UnitKind.DISTRICT, Unit.path.startswith(province.path))
            .order_by(Unit.id)
            .offset(3)
            .limit(1)
        )
        campaign = db.session.scalar(
            sa.select(Campaign).where(Campaign.year == 2025).order_by(Campaign.id.desc())
        )
        initiative_id = db.session.scalar(
            sa.select(Initiative.id)
            .join(InitiativeYear)
            .where(
                InitiativeYear.year == 2024,
                InitiativeYear.status == YearStatus.RECOGNISED,
                InitiativeYear.unit_id.in_(
                    sa.select(Unit.id).where(Unit.path.startswith(district.path))
                ),
            )
            .order_by(Initiative.id)
            .limit(1)
        )
        db.engine.dispose()
    return [
        Page("healthz (floor)", "/healthz", None),
        Page("public gallery search", "/public/?q=duong+hoa", None),
        Page(
            "initiatives: district + year",
            f"/registry/initiatives?unit={district.id}&year=2024",
            "vol.admin",
        ),
        Page("initiative page", f"/registry/initiatives/{initiative_id}", "vol.admin"),
        Page(
            "ranking (2,000 nominations)", f"/review/campaigns/{campaign.id}/ranking", "vol.thuky"
        ),
        Page("reviewer queue", "/review/", "vol.hoidong01"),
        Page("dashboard", "/reports/", "vol.lanhdao"),
    ]


def count_queries(env: dict, pages: list[Page]) -> dict[str, int | None]:
    """SQL statements per page, through the test client (same database, same data)."""
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False)
    counts: dict[str, int | None] = {}
    with app.app_context():
        statements: list[str] = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        clients = {}
        for page in pages:
            client = clients.get(page.account)
            if client is None:
                client = clients[page.account] = app.test_client()
                if page.account:
                    client.post(
                        "/auth/login", data={"username": page.account, "password": PASSWORD}
                    )
            client.get(page.path)  # warm
            statements.clear()
            sa.event.listen(db.engine, "before_cursor_execute", listener)
            try:
                response = client.get(page.path)
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", listener)
            counts[page.path] = len(statements) if response.status_code != 404 else None
        db.engine.dispose()
    return counts


def measure(label: str, env: dict, args) -> list[Result]:
    print(f"\n== {label}", flush=True)
    if not args.no_seed:
        seed(env)
    pages = pages_for(env)
    queries = count_queries(env, pages)
    server = Server(env, args.workers, args.threads)
    results = []
    try:
        cookies = {None: ""}
        for page in pages:
            if page.account not in cookies:
                cookies[page.account] = login(server.port, page.account)
        for page in pages:
            result = Result(page.name, page.path, queries=queries.get(page.path))
            cookie = cookies[page.account]
            status, _, _ = request(Conn(server.port, cookie), page.path)
            result.status = status
            if status == 404:
                result.notes.append("missing")
                results.append(result)
                print(f"  {page.name}: missing (404)", flush=True)
                continue
            times, statuses = single_user(
                server.port, cookie, page.path, args.requests, args.single_seconds
            )
            result.single_n = len(times)
            result.p50 = percentile(times, 0.50)
            result.p95 = percentile(times, 0.95)
            result.p99 = percentile(times, 0.99)
            if statuses != {200}:
                result.notes.append(f"statuses {sorted(statuses)}")
            times, errors, elapsed = under_load(
                server.port, cookie, page.path, args.clients, args.load_seconds
            )
            result.load_n = len(times)
            result.load_rps = len(times) / elapsed if elapsed else None
            result.load_p95 = percentile(times, 0.95) if times else None
            result.load_errors = errors
            results.append(result)
            print(
                f"  {page.name}: p95 {result.p95:.0f} ms single, "
                f"{result.load_rps:.1f} req/s under {args.clients} clients",
                flush=True,
            )
    finally:
        server.stop()
    return results


# --- report -----------------------------------------------------------------------------


def verdict(result: Result, floor: Result) -> str:
    if result.missing:
        return "missing"
    if result is floor:
        return "floor"
    misses = []
    if result.status != 200 or result.notes:
        misses.append(f"status {result.status}")
    if result.p95 is not None and result.p95 >= P95_TARGET_MS:
        misses.append(f"p95 +{result.p95 - P95_TARGET_MS:.0f} ms")
    if floor.load_rps and result.load_rps is not None:
        share = result.load_rps / floor.load_rps
        if share < THROUGHPUT_TARGET:
            misses.append(f"throughput {share:.0%} < 40%")
    if result.load_errors:
        misses.append(f"{result.load_errors} errors")
    return "met" if not misses else "MISSED: " + "; ".join(misses)


def table(label: str, results: list[Result], args) -> str:
    floor = results[0]
    head = (
        f"### {label}\n\n"
        f"gunicorn {args.workers} workers × {args.threads} threads; single user: up to "
        f"{args.requests} requests or {args.single_seconds:.0f} s per page; load: "
        f"{args.clients} clients for {args.load_seconds:.0f} s per page.\n\n"
        "| page | queries | p50 ms | p95 ms | p99 ms | req/s (load) | vs healthz | p95 ms (load) "
        "| errors | target |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n"
    )
    rows = []
    for r in results:

        def f(v, fmt="{:.0f}"):
            return "–" if v is None else fmt.format(v)

        share = (
            f"{r.load_rps / floor.load_rps:.0%}"
            if r.load_rps is not None and floor.load_rps
            else "–"
        )
        rows.append(
            f"| {r.name} `{r.path}` | {f(r.queries, '{}')} | {f(r.p50, '{:.1f}')} "
            f"| {f(r.p95, '{:.1f}')} | {f(r.p99, '{:.1f}')} | {f(r.load_rps, '{:.1f}')} "
            f"| {share} | {f(r.load_p95)} | {r.load_errors} | {verdict(r, floor)} |"
        )
    return head + "\n".join(rows) + "\n"


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {mem_kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, ValueError, IndexError):
        mem = ""
    return f"{os.cpu_count()} CPUs ({cpu}){mem}, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=OUT / "instance")
    parser.add_argument("--postgres-uri", default="", help="also measure on this database")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="also measure on $WITH_POSTGRES_URI (set by scripts/with-postgres.sh)",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--no-seed", action="store_true", help="use the data as it is")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="single-user requests")
    parser.add_argument("--single-seconds", type=float, default=15)
    parser.add_argument("--load-seconds", type=float, default=10)
    args = parser.parse_args()
    if args.postgres and not args.postgres_uri:
        args.postgres_uri = os.environ.get("WITH_POSTGRES_URI", "")
        if not args.postgres_uri:
            parser.error("--postgres needs WITH_POSTGRES_URI (run under scripts/with-postgres.sh)")
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))

    runs = []
    if not args.skip_sqlite:
        args.instance.mkdir(parents=True, exist_ok=True)
        runs.append(("SQLite", "sqlite", env_for(args.instance, None)))
    if args.postgres_uri:
        pg_instance = args.instance.with_name(args.instance.name + "-pg")
        pg_instance.mkdir(parents=True, exist_ok=True)
        runs.append(("PostgreSQL", "postgresql", env_for(pg_instance, args.postgres_uri)))
    print(f"machine: {machine()}")
    report = [f"Machine: {machine()}; load average before: {os.getloadavg()[0]:.2f}\n"]
    for label, key, env in runs:
        results = measure(label, env, args)
        (OUT / f"pages-{key}.json").write_text(
            json.dumps([asdict(r) for r in results], ensure_ascii=False, indent=1)
        )
        report.append(table(label, results, args))
    text = "\n".join(report)
    print("\n" + text)
    (OUT / "pages.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
