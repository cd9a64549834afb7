"""Page benchmark at volume, as users see it: every list, the ranking, the dashboard
(cold and warm), the open-data API (page 1, page 500, cursor) and the exports (time and
the workers' peak memory), as each role, next to a floor page measured in the same run.

    .venv/bin/python bench/pages.py                                      # SQLite
    scripts/with-postgres.sh .venv/bin/python bench/pages.py --postgres  # and PostgreSQL
    scripts/with-postgres.sh .venv/bin/python bench/pages.py --postgres --skip-sqlite --national

For each database (SQLite, and PostgreSQL when a URI is given) it

1. loads the volume data (``flask seed-volume``: 100,000 initiatives, 5,000 units, a
   2,000-nomination campaign; ``--national``: every commune of the country and
   1,000,000 initiatives, PostgreSQL only) or reuses what is there;
2. counts each page's SQL statements in-process, each request in its own application
   context (so flask-login's user is the request's own);
3. starts gunicorn (gunicorn.conf.py, ``--workers`` × ``--threads``) serving the
   application plus the floor page (bench/floor.py: the signed-in user, one indexed
   query of 50 rows, the base layout) and signs the accounts in;
4. measures the floor, then each page: single user (p50/p95/p99 of sequential requests)
   and ``--clients`` concurrent clients (throughput as a share of the floor's, p95,
   errors); a "cold" dashboard has the shared figure cache emptied before each request;
5. downloads each export twice — built, then kept (ETag) — timing it and sampling the
   workers' memory every 20 ms;
6. prints one table per database with the command and the machine's load, and writes
   them to bench/out/pages.md and .json.

Targets (issue 16): single-user p95 < 150 ms; under 20 clients each page ≥ 30 % of the
floor page's throughput; exports of 50,000 rows < 15 s with worker RSS < 150 MB. Exit
status 0 whatever the figures: this measures, the tables say what misses. Loopback only.
"""

import argparse
import json
import os
import platform
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from httpbench import (
    OUT,
    PASSWORD,
    ROOT,
    Conn,
    Server,
    env_for,
    login,
    percentile,
    request,
    seed,
    single_user,
    timed_download,
    under_load,
)

P95_TARGET_MS = 150.0
SHARE_TARGET = 0.30
EXPORT_SECONDS = 15.0
EXPORT_ROWS = 50_000
EXPORT_RSS_MB = 150.0


@dataclass
class Page:
    name: str
    path: str
    account: str | None  # None: anonymous
    cold: bool = False  # empty the shared figure cache before each request
    # A whole dataset (a bulk file, a JSON record a line): its time is judged per
    # 50,000 rows, the export target's size.
    whole: bool = False


@dataclass
class Result:
    name: str
    path: str
    account: str | None
    status: int = 0
    queries: int | None = None
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    single_n: int = 0
    load_rps: float | None = None
    load_p95: float | None = None
    load_errors: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass
class ExportResult:
    name: str
    path: str
    account: str | None
    status: int = 0
    built_s: float = 0.0
    kept_s: float = 0.0
    size_mb: float = 0.0
    rss_before_mb: float = 0.0
    rss_peak_mb: float = 0.0
    rows: int | None = None  # of a whole dataset
    whole: bool = False

    @property
    def judged_s(self) -> float:
        """The time the target judges: per 50,000 rows for a whole dataset."""
        if self.whole and self.rows:
            return self.built_s * EXPORT_ROWS / self.rows
        return self.built_s


# --- what to measure --------------------------------------------------------------------


def _app(env: dict):
    os.environ.update({k: v for k, v in env.items() if k.startswith("DANKHEO_")})
    if "DANKHEO_SQLALCHEMY_DATABASE_URI" not in env:
        os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    from dankheo import create_app

    return create_app()


def targets(env: dict) -> tuple[list[Page], list[Page]]:
    """The pages and the exports, with ids read from the loaded data."""
    import sqlalchemy as sa

    from dankheo.api.common import encode_cursor
    from dankheo.extensions import db
    from dankheo.models import Campaign, Initiative, InitiativeYear, Membership, Unit, User
    from dankheo.models.units import DISTRICT_LEVEL_KINDS

    app = _app(env)
    with app.app_context():
        # The leader's province (the volume accounts' one, also in the national data).
        province = db.session.scalar(
            sa.select(Unit)
            .join(Membership, Membership.unit_id == Unit.id)
            .join(User, User.id == Membership.user_id)
            .where(User.username == "vol.lanhdao")
        )
        district = (
            db.session.scalar(
                sa.select(Unit)
                .where(Unit.kind.in_(DISTRICT_LEVEL_KINDS), Unit.path.startswith(province.path))
                .order_by(Unit.id)
                .offset(3)
                .limit(1)
            )
            or province
        )
        # The district officer's own district (vol.canbo1 reads only that one).
        own_district = db.session.scalar(
            sa.select(Membership.unit_id)
            .join(User, User.id == Membership.user_id)
            .where(User.username == "vol.canbo1")
        )
        campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.year.desc()).limit(1))
        initiative_id = db.session.scalar(
            sa.select(sa.func.min(InitiativeYear.initiative_id)).where(
                InitiativeYear.unit_path.startswith(province.path)
            )
        )
        deep = db.session.execute(
            sa.select(Initiative.sort_key, Initiative.id)
            .order_by(Initiative.sort_key, Initiative.id)
            .offset(25_000)
            .limit(1)
        ).first()
        cursor = encode_cursor(deep.sort_key, deep.id) if deep else ""
        db.engine.dispose()
    cid, did, pid, own = campaign.id, district.id, province.id, own_district
    roles = ("vol.admin", "vol.thuky", "vol.lanhdao", "vol.canbo1")
    pages = [Page("floor: base layout, 50 rows", "/_bench/floor", "vol.thuky")]
    pages += [Page(f"initiatives as {r}", "/registry/initiatives", r) for r in roles]
    pages += [
        Page("initiatives: search", "/registry/initiatives?q=duong", "vol.thuky"),
        Page("initiatives: search (district)", "/registry/initiatives?q=duong", "vol.canbo1"),
        Page("initiatives: year", "/registry/initiatives?year=2024", "vol.thuky"),
        Page(
            "initiatives: district + year",
            f"/registry/initiatives?unit={did}&year=2024",
            "vol.thuky",
        ),
        Page("initiatives: page 50", "/registry/initiatives?page=50", "vol.thuky"),
        Page("initiative page", f"/registry/initiatives/{initiative_id}", "vol.thuky"),
        Page("exemplars", "/registry/exemplars", "vol.thuky"),
        Page("exemplars (district)", "/registry/exemplars", "vol.canbo1"),
        Page("exemplars: search", "/registry/exemplars?q=nguyen", "vol.thuky"),
        Page("gallery", "/public/", None),
        Page("gallery: search", "/public/?q=duong+hoa", None),
        Page("gallery: page 100", "/public/?page=100", None),
        Page("nominations", "/nominations/", "vol.thuky"),
        Page("nominations (district)", "/nominations/", "vol.canbo1"),
        Page("request letters", "/nominations/batches", "vol.canbo1"),
        Page("screening", f"/nominations/screening/{cid}", "vol.thuky"),
        Page("campaigns", "/registry/campaigns", "vol.thuky"),
        Page("decisions", "/certificates/decisions", "vol.thuky"),
        Page("committee", f"/review/campaigns/{cid}/committee", "vol.thuky"),
        Page("reviewer queue", "/review/", "vol.hoidong01"),
        Page("ranking (2,000 nominations)", f"/review/campaigns/{cid}/ranking", "vol.thuky"),
        Page("ranking by median", f"/review/campaigns/{cid}/ranking?sort=median", "vol.thuky"),
        Page("units", "/admin/units", "vol.admin"),
        Page("users", "/admin/users", "vol.admin"),
        Page("audit", "/admin/audit", "vol.admin"),
        Page("dashboard warm", "/reports/", "vol.lanhdao"),
        Page("dashboard warm (district)", f"/reports/?unit={own}", "vol.canbo1"),
        Page("dashboard cold", "/reports/", "vol.lanhdao", cold=True),
        Page(
            "dashboard cold, phase, today's structure",
            f"/reports/?unit={pid}&year=giai-doan&mode=current",
            "vol.lanhdao",
            cold=True,
        ),
        Page("dashboard cold (district)", f"/reports/?unit={own}", "vol.canbo1", cold=True),
        Page("API initiatives page 1", "/api/v1/initiatives", None),
        Page("API initiatives page 500", "/api/v1/initiatives?page=500", None),
        Page("API initiatives cursor (row 25,000)", f"/api/v1/initiatives?cursor={cursor}", None),
        Page("API initiatives search", "/api/v1/initiatives?q=duong", None),
        Page("API exemplars", "/api/v1/exemplars", None),
        Page("API awards", "/api/v1/awards", None),
        Page("API campaigns", "/api/v1/campaigns", None),
        Page("API statistics", f"/api/v1/statistics?unit={pid}&year=2024", None),
        Page(
            "API statistics cold, current",
            f"/api/v1/statistics?unit={pid}&mode=current",
            None,
            cold=True,
        ),
    ]
    exports = [
        Page("initiatives XLSX (50,000 rows)", "/registry/initiatives/export.xlsx", "vol.thuky"),
        Page("initiatives CSV (50,000 rows)", "/registry/initiatives/export.csv", "vol.thuky"),
        Page("initiatives XLSX (district)", "/registry/initiatives/export.xlsx", "vol.canbo1"),
        Page("exemplars XLSX", "/registry/exemplars/export.xlsx", "vol.thuky"),
        Page("gallery XLSX (anonymous, 5,000 rows)", "/public/export.xlsx", None),
        Page("bulk initiatives JSON", "/api/v1/bulk/initiatives.json", None, whole=True),
    ]
    return pages, exports


def clear_figures(env: dict) -> None:
    """Empty the shared cache (the files of a FileSystemCache folder of the instance;
    the folder stays, the workers write into it)."""
    folder = Path(env["DANKHEO_INSTANCE_PATH"]) / "cache" / "shared"
    for entry in folder.glob("*"):
        entry.unlink(missing_ok=True)


def count_queries(env: dict, pages: list[Page]) -> dict[str, int | None]:
    """SQL statements per page through the test client, each request in its own
    application context (none is pushed around them)."""
    import sqlalchemy as sa

    from dankheo.extensions import db

    _app(env)  # the environment of this database
    import floor  # the application with the floor page, as gunicorn serves it

    app = floor.app
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients: dict = {}
    counts: dict[str, int | None] = {}
    for page in pages:
        client = clients.get(page.account)
        if client is None:
            client = clients[page.account] = app.test_client()
            if page.account:
                client.post("/auth/login", data={"username": page.account, "password": PASSWORD})
        client.get(page.path)  # warm: the process's caches, the figures
        if page.cold:
            clear_figures(env)
        statements.clear()
        response = client.get(page.path)
        counts[page.path + (page.account or "")] = (
            len(statements) if response.status_code == 200 else None
        )
    engine.dispose()
    return counts


# --- measuring ----------------------------------------------------------------------------


def measure_pages(server, env, pages, cookies, counts, args) -> list[Result]:
    results = []
    for page in pages:
        result = Result(page.name, page.path, page.account)
        result.queries = counts.get(page.path + (page.account or ""))
        cookie = cookies[page.account]
        status, _, _ = request(Conn(server.port, cookie), page.path)
        result.status = status
        if status != 200:
            result.notes.append(f"status {status}")
            results.append(result)
            print(f"  {page.name}: status {status}", flush=True)
            continue
        before = (lambda: clear_figures(env)) if page.cold else None
        times, statuses = single_user(
            server.port, cookie, page.path, args.requests, args.single_seconds, before
        )
        result.single_n = len(times)
        result.p50, result.p95, result.p99 = (percentile(times, q) for q in (0.5, 0.95, 0.99))
        if statuses != {200}:
            result.notes.append(f"statuses {sorted(statuses)}")
        if not page.cold and not args.no_load:
            times, errors, elapsed = under_load(
                server.port, cookie, page.path, args.clients, args.load_seconds
            )
            result.load_rps = len(times) / elapsed if elapsed else None
            result.load_p95 = percentile(times, 0.95) if times else None
            result.load_errors = errors
        results.append(result)
        rps = f", {result.load_rps:.1f} req/s loaded" if result.load_rps else ""
        print(f"  {page.name}: p95 {result.p95:.0f} ms{rps}", flush=True)
    return results


def measure_exports(server, env, exports, cookies) -> list[ExportResult]:
    results = []
    for page in exports:
        out = ExportResult(page.name, page.path, page.account, whole=page.whole)
        downloads = Path(env["DANKHEO_INSTANCE_PATH"]) / "downloads"
        shutil.rmtree(downloads, ignore_errors=True)  # built afresh, then kept
        try:
            status, seconds, size, before, peak, lines = timed_download(
                server, cookies[page.account], page.path
            )
        except OSError as err:  # a download that never ended: say so, keep measuring
            print(f"  {page.name}: {err}", flush=True)
            results.append(out)
            continue
        out.status, out.built_s, out.size_mb = status, seconds, size / 1e6
        out.rss_before_mb, out.rss_peak_mb = before / 1024, peak / 1024
        if page.whole:
            out.rows = lines - 2  # "[", a record a line, "]"
        _, kept, _, _, peak2, _ = timed_download(server, cookies[page.account], page.path)
        out.kept_s, out.rss_peak_mb = kept, max(out.rss_peak_mb, peak2 / 1024)
        results.append(out)
        print(
            f"  {page.name}: {out.built_s:.1f} s built, {out.kept_s:.2f} s kept, "
            f"RSS {out.rss_before_mb:.0f} → {out.rss_peak_mb:.0f} MB",
            flush=True,
        )
    return results


def measure(label: str, env: dict, args) -> tuple[list[Result], list[ExportResult]]:
    print(f"\n== {label}", flush=True)
    if not args.no_seed:
        seed(env, *(["--national"] if args.national else []))
    pages, exports = targets(env)
    if args.only:
        pages = [p for p in pages if p.path.startswith("/_bench") or args.only in p.name]
        exports = [e for e in exports if args.only in e.name]
    counts = count_queries(env, pages)
    server = Server(env, args.workers, args.threads)
    try:
        cookies = {None: ""}
        for page in [*pages, *exports]:
            if page.account not in cookies:
                cookies[page.account] = login(server.port, page.account)
        results = measure_pages(server, env, pages, cookies, counts, args)
        export_results = [] if args.no_exports else measure_exports(server, env, exports, cookies)
    finally:
        server.stop()
    return results, export_results


# --- report -----------------------------------------------------------------------------


def verdict(result: Result, floor: Result) -> str:
    if result is floor:
        return "floor"
    misses = []
    if result.status != 200 or result.notes:
        misses.append(f"status {result.status}")
    if result.p95 is not None and result.p95 >= P95_TARGET_MS:
        misses.append(f"p95 +{result.p95 - P95_TARGET_MS:.0f} ms")
    if floor.load_rps and result.load_rps is not None:
        share = result.load_rps / floor.load_rps
        if share < SHARE_TARGET:
            misses.append(f"throughput {share:.0%} < 30%")
    if result.load_errors:
        misses.append(f"{result.load_errors} errors")
    return "met" if not misses else "MISSED: " + "; ".join(misses)


def table(label: str, results: list[Result], exports: list[ExportResult], args) -> str:
    floor = results[0]

    def f(v, fmt="{:.0f}"):
        return "–" if v is None else fmt.format(v)

    lines = [
        f"### {label}\n",
        f"gunicorn {args.workers} workers × {args.threads} threads; single user: up to "
        f"{args.requests} requests or {args.single_seconds:.0f} s a page; load: "
        f"{args.clients} clients for {args.load_seconds:.0f} s a page (not for cold pages).\n",
        "| page | as | queries | p50 ms | p95 ms | p99 ms | req/s (load) | vs floor "
        "| p95 ms (load) | errors | target |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        share = f"{r.load_rps / floor.load_rps:.0%}" if r.load_rps and floor.load_rps else "–"
        lines.append(
            f"| {r.name} `{r.path[:70]}` | {r.account or 'anonymous'} | {f(r.queries, '{}')} "
            f"| {f(r.p50, '{:.1f}')} | {f(r.p95, '{:.1f}')} | {f(r.p99, '{:.1f}')} "
            f"| {f(r.load_rps, '{:.1f}')} | {share} | {f(r.load_p95)} | {r.load_errors} "
            f"| {verdict(r, floor)} |"
        )
    if exports:
        lines += [
            "",
            "| export | as | built s | kept s | MB | worker RSS before → peak MB | target |",
            "|---|---|---:|---:|---:|---|---|",
        ]
        for e in exports:
            misses = []
            if e.judged_s >= EXPORT_SECONDS:
                per = f" ({e.judged_s:.1f} s per {EXPORT_ROWS:,} rows)" if e.whole else ""
                misses.append(f"time {e.built_s:.1f} s{per}")
            if e.rss_peak_mb >= EXPORT_RSS_MB:
                misses.append(f"RSS {e.rss_peak_mb:.0f} MB")
            name = f"{e.name} ({e.rows:,} rows)" if e.rows else e.name
            lines.append(
                f"| {name} `{e.path}` | {e.account or 'anonymous'} | {e.built_s:.1f} "
                f"| {e.kept_s:.2f} | {e.size_mb:.1f} | {e.rss_before_mb:.0f} → "
                f"{e.rss_peak_mb:.0f} | {'MISSED: ' + '; '.join(misses) if misses else 'met'} |"
            )
    return "\n".join(lines) + "\n"


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
    parser.add_argument("--national", action="store_true", help="national volume (PostgreSQL)")
    parser.add_argument("--no-seed", action="store_true", help="use the data as it is")
    parser.add_argument("--no-load", action="store_true", help="single user only")
    parser.add_argument("--no-exports", action="store_true")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=60, help="single-user requests")
    parser.add_argument("--single-seconds", type=float, default=8)
    parser.add_argument("--load-seconds", type=float, default=4)
    args = parser.parse_args()
    if args.postgres and not args.postgres_uri:
        args.postgres_uri = os.environ.get("WITH_POSTGRES_URI", "")
        if not args.postgres_uri:
            parser.error("--postgres needs WITH_POSTGRES_URI (run under scripts/with-postgres.sh)")
    if args.national and not args.postgres_uri:
        parser.error("--national runs on PostgreSQL only")
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)
    runs = []
    if not args.skip_sqlite and not args.national:
        args.instance.mkdir(parents=True, exist_ok=True)
        runs.append(("SQLite", "sqlite", env_for(args.instance, None)))
    if args.postgres_uri:
        suffix = "-national" if args.national else "-pg"
        pg_instance = args.instance.with_name(args.instance.name + suffix)
        pg_instance.mkdir(parents=True, exist_ok=True)
        label = "PostgreSQL, national volume" if args.national else "PostgreSQL"
        runs.append((label, "postgresql" + suffix, env_for(pg_instance, args.postgres_uri)))
    command = " ".join([Path(sys.executable).name, *sys.argv])
    print(f"machine: {machine()}")
    report = [
        f"Command: `{command}`. Machine: {machine()}; load average before: "
        f"{os.getloadavg()[0]:.2f}\n"
    ]
    for label, key, env in runs:
        results, exports = measure(label, env, args)
        (OUT / f"pages-{key}.json").write_text(
            json.dumps(
                {"pages": [asdict(r) for r in results], "exports": [asdict(e) for e in exports]},
                ensure_ascii=False,
                indent=1,
            )
        )
        report.append(table(label, results, exports, args))
        report.append(f"Load average after: {os.getloadavg()[0]:.2f}\n")
    text = "\n".join(report)
    print("\n" + text)
    (OUT / "pages.md").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
