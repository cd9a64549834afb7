"""Searches on SQLite: the trigram FTS5 index against the LIKE scan, in one process and
one run, on the data bench/pages.py loads (100,000 initiatives).

    .venv/bin/python bench/search.py            # after bench/pages.py has loaded the data
    .venv/bin/python bench/search.py --rounds 20

Each search page of bench/pages.py (and a few more: sparse matches, a query too short
for trigrams, exemplars and the API) is requested through the test client as its user,
alternately with the index and with the LIKE filter (``registry.search.uses_index``
answered False), ``--rounds`` times each; it prints the median wall and CPU
(``time.process_time``) milliseconds of both, the statements per request, and checks
that both give the same page. The machine is shared: CPU time is the steadier figure.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from httpbench import OUT, PASSWORD, env_for

SEARCHES = [
    ("initiatives: search", "/registry/initiatives?q=duong", "vol.thuky"),
    ("initiatives: search (district)", "/registry/initiatives?q=duong", "vol.canbo1"),
    ("initiatives: sparse search", "/registry/initiatives?q=phong+binh", "vol.thuky"),
    ("initiatives: no match", "/registry/initiatives?q=khong+co+dau", "vol.thuky"),
    ("initiatives: 2 characters (LIKE both ways)", "/registry/initiatives?q=an", "vol.thuky"),
    ("exemplars: search", "/registry/exemplars?q=nguyen", "vol.thuky"),
    ("exemplars: sparse search", "/registry/exemplars?q=ngoc+yen", "vol.thuky"),
    ("gallery: search", "/public/?q=duong+hoa", None),
    ("gallery: sparse search", "/public/?q=camera+an+ninh+vi", None),
    ("API initiatives search", "/api/v1/initiatives?q=duong", None),
    ("API exemplars search", "/api/v1/exemplars?q=nguyen", None),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=OUT / "instance")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    import os

    env = env_for(args.instance, None)
    os.environ.update({k: v for k, v in env.items() if k.startswith("DANKHEO_")})
    import floor  # the application as gunicorn serves it
    import sqlalchemy as sa

    from dankheo.extensions import db
    from dankheo.registry import search

    app = floor.app
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    with app.app_context():
        engine = db.engine
        fts_rows = db.session.scalar(sa.text("SELECT count(*) FROM initiatives_fts_docsize"))
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    real_uses_index = search.uses_index
    clients: dict = {}
    load = os.getloadavg()[0]
    print(f"initiatives indexed: {fts_rows}; load average before: {load:.2f}\n")
    print("| search | as | statements | LIKE wall ms | LIKE CPU ms | FTS wall ms | FTS CPU ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, path, account in SEARCHES:
        client = clients.get(account)
        if client is None:
            client = clients[account] = app.test_client()
            if account:
                client.post("/auth/login", data={"username": account, "password": PASSWORD})
        times: dict[str, list[tuple[float, float]]] = {"like": [], "fts": []}
        bodies: dict[str, bytes] = {}
        counts = 0
        for _ in range(args.rounds):
            for mode in ("like", "fts"):
                search.uses_index = real_uses_index if mode == "fts" else (lambda _q: False)
                statements.clear()
                wall, cpu = time.perf_counter(), time.process_time()
                response = client.get(path)
                times[mode].append((time.perf_counter() - wall, time.process_time() - cpu))
                assert response.status_code == 200, (path, response.status_code)
                bodies[mode] = response.get_data()
                counts = len(statements)
        search.uses_index = real_uses_index
        same = "" if _same(bodies["like"], bodies["fts"]) else " (PAGES DIFFER)"

        print(
            f"| {name} `{path}`{same} | {account or 'anonymous'} | {counts} "
            f"| {med(times['like'], 0):.1f} | {med(times['like'], 1):.1f} "
            f"| {med(times['fts'], 0):.1f} | {med(times['fts'], 1):.1f} |",
            flush=True,
        )
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    print(f"command: .venv/bin/python bench/search.py --rounds {args.rounds}")
    engine.dispose()
    return 0


def med(times: list[tuple[float, float]], i: int) -> float:
    return statistics.median(t[i] for t in times) * 1000


def _same(a: bytes, b: bytes) -> bool:
    """The same page, but for the per-request CSRF token and nonce."""
    import re

    noise = re.compile(rb'(csrf_token[^>]*value="|nonce="|"csrf-token" content=")[^"]*')
    return noise.sub(b"", a) == noise.sub(b"", b)


if __name__ == "__main__":
    sys.exit(main())
