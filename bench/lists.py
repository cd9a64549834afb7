"""The registry lists, the gallery and the anonymous API in one process: the CPU each
request costs (``time.process_time``), on the data bench/pages.py loads (100,000
initiatives). The machine is shared: CPU time in one process is the steadier figure.

    .venv/bin/python bench/lists.py                     # every page, 9 rounds
    .venv/bin/python bench/lists.py --rounds 15 --only gallery
    .venv/bin/python bench/lists.py --profile "initiatives as vol.thuky"

Each page is requested through the test client as its user (after one warm-up
request), ``--rounds`` times; it prints the median wall and CPU milliseconds and the
statements per request. ``--profile NAME`` prints the cProfile of that page instead.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from httpbench import OUT, PASSWORD, env_for

PAGES = [
    ("floor", "/_bench/floor", "vol.thuky"),
    ("initiatives as vol.admin", "/registry/initiatives", "vol.admin"),
    ("initiatives as vol.thuky", "/registry/initiatives", "vol.thuky"),
    ("initiatives as vol.lanhdao", "/registry/initiatives", "vol.lanhdao"),
    ("initiatives as vol.canbo1", "/registry/initiatives", "vol.canbo1"),
    ("initiatives: year", "/registry/initiatives?year=2024", "vol.thuky"),
    ("initiatives: district + year", "/registry/initiatives?unit=37&year=2024", "vol.thuky"),
    ("initiatives: page 50", "/registry/initiatives?page=50", "vol.thuky"),
    ("initiative page", "/registry/initiatives/20", "vol.thuky"),
    ("exemplars", "/registry/exemplars", "vol.thuky"),
    ("exemplars: search", "/registry/exemplars?q=nguyen", "vol.thuky"),
    ("gallery", "/public/", None),
    ("gallery: search", "/public/?q=duong+hoa", None),
    ("gallery: page 100", "/public/?page=100", None),
    ("API initiatives page 1", "/api/v1/initiatives", None),
    ("API initiatives page 500", "/api/v1/initiatives?page=500", None),
    ("API initiatives search", "/api/v1/initiatives?q=duong", None),
    ("API exemplars", "/api/v1/exemplars", None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=OUT / "instance")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--only", default="", help="pages whose name contains this")
    parser.add_argument("--profile", default="", help="cProfile the page of this name")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="render anonymous pages every time (PAGE_CACHE_SECONDS=0): what a miss costs",
    )
    args = parser.parse_args()

    env = env_for(args.instance, None)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DANKHEO_")})
    import floor  # the application as gunicorn serves it
    import sqlalchemy as sa

    from dankheo.extensions import db

    app = floor.app
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    if args.no_page_cache:
        app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients: dict = {}
    pages = [p for p in PAGES if args.only in p[0]]
    if args.profile:
        pages = [p for p in PAGES if p[0] == args.profile]
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    print("| page | as | statements | wall ms | CPU ms |")
    print("|---|---|---:|---:|---:|")
    for name, path, account in pages:
        client = clients.get(account)
        if client is None:
            client = clients[account] = app.test_client()
            if account:
                client.post("/auth/login", data={"username": account, "password": PASSWORD})
        response = client.get(path)  # warm
        assert response.status_code == 200, (path, response.status_code)
        if args.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.rounds):
                client.get(path)
            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(60)
            continue
        times = []
        for _ in range(args.rounds):
            statements.clear()
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
            assert response.status_code == 200, (path, response.status_code)
        wall_ms = statistics.median(t[0] for t in times) * 1000
        cpu_ms = statistics.median(t[1] for t in times) * 1000
        print(
            f"| {name} `{path}` | {account or 'anonymous'} | {len(statements)} "
            f"| {wall_ms:.1f} | {cpu_ms:.1f} |",
            flush=True,
        )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    extra = " --no-page-cache" if args.no_page_cache else ""
    print(f"command: .venv/bin/python bench/lists.py --rounds {args.rounds}{extra}")
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
