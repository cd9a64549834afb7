"""The real province's pages: how long the dashboard (both roll-ups, with its dot map),
the gallery (with its map) and the units API take on the demo data of `make run`
(today's Tây Ninh, old Tây Ninh and old Long An, 320 initiatives).

    .venv/bin/python bench/province.py [--repeat 5]

Builds a fresh SQLite instance in a temporary folder with the demo's units, accounts,
registry and review stages, then times each page in process (Flask test client, no
network): the first request (figures computed) and the median of the next ones (figures
from the per-process cache, REPORTS_CACHE_SECONDS), with the page's size. Prints the
table, the command and the machine's load average; nothing leaves the machine.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    ("dashboard, phase, by the structure of each year", "lanhdao", "/reports/?year=giai-doan"),
    ("dashboard, phase, today's structure", "lanhdao", "/reports/?year=giai-doan&mode=current"),
    ("dashboard, 2025, today's structure", "lanhdao", "/reports/?year=2025&mode=current"),
    ("gallery with its map", None, "/public/"),
    ("units API, 96 communes of 1/7/2025", None, "/api/v1/units?on=2025-07-01&parent=80"),
    ("units API, one unit and its links", None, "/api/v1/units/25630"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    instance = Path(tempfile.mkdtemp(prefix="dankheo-province-"))
    os.environ["DANKHEO_INSTANCE_PATH"] = str(instance)
    os.environ.setdefault("DANKHEO_SECRET_KEY", "bench")

    from dankheo import create_app
    from dankheo.demo import accounts, registry, review, units
    from dankheo.demo.accounts import DEMO_PASSWORD
    from dankheo.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False, "ARGON2_TIME_COST": 1})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        for stage in (units, accounts, registry, review):
            stage.seed()
            db.session.commit()
        seeded = time.perf_counter() - started
    print(f"demo loaded in {seeded:.1f} s (units, accounts, registry, review)")
    clients = {}
    rows = []
    for label, user, url in PAGES:
        if user not in clients:
            client = app.test_client()
            if user:
                client.post("/auth/login", data={"username": user, "password": DEMO_PASSWORD})
            clients[user] = client
        client = clients[user]
        times = []
        for _ in range(args.repeat + 1):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        rows.append((label, url, times[0], statistics.median(times[1:]), len(response.data)))
    print()
    print("| page | first request (ms) | next requests, median (ms) | size (KB) |")
    print("|---|---|---|---|")
    for label, url, first, median, size in rows:
        print(f"| {label} `{url}` | {first:.0f} | {median:.0f} | {size / 1024:.0f} |")
    print()
    print(f"command: .venv/bin/python bench/province.py --repeat {args.repeat}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; cpus: {os.cpu_count()}")


if __name__ == "__main__":
    main()
