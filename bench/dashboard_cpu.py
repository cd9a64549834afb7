"""Benchmark: CPU per request of the dashboard and the statistics API, cold and warm,
in process (no HTTP, no other clients: figures that compare across changes on a busy
machine).

    .venv/bin/python bench/dashboard_cpu.py [--instance bench/out/instance] [--runs 5]
        [--profile NAME-cold|NAME-warm] [NAME ...]

Uses the instance's database as it is (the volume data that bench/pages.py leaves:
100,000 initiatives; run ``flask --app dankheo db upgrade`` and
``flask --app dankheo rebuild-report-counts`` on it first). "Cold" empties the shared
cache's folder before each request (as bench/pages.py does); the process's own caches
(unit index, compiled templates) are warm in both. Prints the median and the minimum
of ``time.process_time`` per request (the SQLite engine runs in this process, so its
work counts), the statements of the last request and the page's size.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password of the volume accounts)

PAGES = {
    "dashboard": ("/reports/", "vol.lanhdao"),
    "dashboard-phase-current": (
        "/reports/?unit=1&year=giai-doan&mode=current",
        "vol.lanhdao",
    ),
    "dashboard-district": ("/reports/?unit=16", "vol.canbo1"),
    "api-current": ("/api/v1/statistics?unit=1&mode=current", None),
    "api-2024": ("/api/v1/statistics?unit=1&year=2024", None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", default=str(ROOT / "bench" / "out" / "instance"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", default="")
    parser.add_argument("names", nargs="*", default=list(PAGES))
    args = parser.parse_args()
    os.environ["DANKHEO_INSTANCE_PATH"] = args.instance
    os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)

    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    folder = Path(args.instance) / "cache" / "shared"

    def clear() -> None:
        for entry in folder.glob("*"):
            entry.unlink(missing_ok=True)

    clients: dict = {}
    print(f"command: .venv/bin/python bench/dashboard_cpu.py {' '.join(sys.argv[1:])}")
    for name in args.names:
        path, account = PAGES[name]
        client = clients.get(account)
        if client is None:
            client = clients[account] = app.test_client()
            if account:
                client.post("/auth/login", data={"username": account, "password": PASSWORD})
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        for kind in ("cold", "warm"):
            times = []
            for i in range(args.runs):
                if kind == "cold":
                    clear()
                statements.clear()
                profile = args.profile == f"{name}-{kind}" and i == args.runs - 1
                profiler = cProfile.Profile() if profile else None
                started = time.process_time()
                if profiler:
                    profiler.enable()
                response = client.get(path)
                if profiler:
                    profiler.disable()
                times.append((time.process_time() - started) * 1000)
                if profiler:
                    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            print(
                f"{name:24} {kind}: CPU median {statistics.median(times):6.1f} ms, "
                f"min {min(times):6.1f} ms; {len(statements)} statements; "
                f"{len(response.data):,} bytes",
                flush=True,
            )


if __name__ == "__main__":
    main()
