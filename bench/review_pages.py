"""The review, nomination and decision pages of bench/pages.py, in one process: median
wall and CPU (``time.process_time``) milliseconds and statements per request, as their
users, on the data bench/pages.py loads (100,000 initiatives, a 2,000-nomination
campaign). The machine is shared: CPU time is the steadier figure.

    .venv/bin/python bench/review_pages.py              # after bench/pages.py loaded the data
    .venv/bin/python bench/review_pages.py --rounds 15 --profile ranking

``--cold`` empties the shared cache before every request (what the first request after
a commit costs); ``--profile NAME`` prints the cProfile of one page's request instead.
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
    ("floor", "/_bench/floor", "vol.thuky"),  # the floor page, always measured alongside
    ("ranking", "/review/campaigns/1/ranking", "vol.thuky"),
    ("ranking by median", "/review/campaigns/1/ranking?sort=median", "vol.thuky"),
    ("ranking page 5", "/review/campaigns/1/ranking?page=5", "vol.thuky"),
    ("committee", "/review/campaigns/1/committee", "vol.thuky"),
    ("nominations", "/nominations/", "vol.thuky"),
    ("nominations (district)", "/nominations/", "vol.canbo1"),
    ("decisions", "/certificates/decisions", "vol.thuky"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=OUT / "instance")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--cold", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="")
    args = parser.parse_args()

    env = env_for(args.instance, None)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DANKHEO_")})
    import floor  # the application as gunicorn serves it
    import sqlalchemy as sa

    from dankheo.extensions import cache, db

    app = floor.app
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        engine = db.engine
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    clients: dict = {}
    print(f"load average before: {os.getloadavg()[0]:.2f}\n")
    print("| page | as | statements | wall ms | CPU ms | bytes |")
    print("|---|---|---:|---:|---:|---:|")
    for name, path, account in PAGES:
        if args.only and args.only not in name and name != "floor":
            continue
        if args.profile and args.profile != name:
            continue
        client = clients.get(account)
        if client is None:
            client = clients[account] = app.test_client()
            client.post("/auth/login", data={"username": account, "password": PASSWORD})
        client.get(path)  # warm
        times = []
        for _ in range(args.rounds):
            if args.cold:
                with app.app_context():
                    cache.clear()
            statements.clear()
            profile = cProfile.Profile() if args.profile else None
            wall, cpu = time.perf_counter(), time.process_time()
            if profile:
                profile.enable()
            response = client.get(path)
            if profile:
                profile.disable()
            times.append((time.perf_counter() - wall, time.process_time() - cpu))
            assert response.status_code == 200, (path, response.status_code)
        size = len(response.get_data())
        print(
            f"| {name} `{path}` | {account} | {len(statements)} "
            f"| {med(times, 0):.1f} | {med(times, 1):.1f} | {size} |",
            flush=True,
        )
        if profile:
            pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    cold = " --cold" if args.cold else ""
    print(f"command: .venv/bin/python bench/review_pages.py --rounds {args.rounds}{cold}")
    engine.dispose()
    return 0


def med(times: list[tuple[float, float]], i: int) -> float:
    return statistics.median(t[i] for t in times) * 1000


if __name__ == "__main__":
    sys.exit(main())
