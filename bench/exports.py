"""The exports' CPU, in-process: each large export built afresh (its kept file removed)
through the application's test client, as the role bench/pages.py uses, several times;
prints the median CPU and wall seconds, the file's size and, with --profile, where the
first build's time goes. The HTTP figures (and the workers' RSS) are bench/pages.py's.

    .venv/bin/python bench/exports.py                      # SQLite, bench/out/instance
    scripts/with-postgres.sh .venv/bin/python bench/exports.py --postgres-uri \\
        '$WITH_POSTGRES_URI' --instance bench/out/instance-pg   # after bench/pages.py seeded it

As a gunicorn worker (gunicorn.conf.py), what the application built at start is frozen
for the garbage collector (gc.freeze) before measuring."""

import argparse
import cProfile
import gc
import os
import pstats
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXPORTS = (
    ("initiatives XLSX (50,000 rows)", "/registry/initiatives/export.xlsx", "vol.thuky"),
    ("initiatives CSV (50,000 rows)", "/registry/initiatives/export.csv", "vol.thuky"),
    ("bulk initiatives JSON", "/api/v1/bulk/initiatives.json", None),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", type=Path, default=ROOT / "bench" / "out" / "instance")
    parser.add_argument("--postgres-uri")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ["DANKHEO_INSTANCE_PATH"] = str(args.instance.resolve())
    os.environ["DANKHEO_HUEY_BACKEND"] = "sqlite"
    os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)
    if args.postgres_uri:
        os.environ["DANKHEO_SQLALCHEMY_DATABASE_URI"] = args.postgres_uri

    from bench.httpbench import PASSWORD
    from dankheo import create_app

    app = create_app({"RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False}, commands=False)
    gc.freeze()
    downloads = Path(app.config["DOWNLOAD_DIR"])
    print(f"Command: `python {' '.join(sys.argv)}`; load average {os.getloadavg()[0]:.1f}")
    for name, path, account in EXPORTS:
        if args.only not in name:
            continue
        client = app.test_client()
        if account:
            client.post("/auth/login", data={"username": account, "password": PASSWORD})
        cpu, wall = [], []
        for run in range(args.runs):
            for kept in ("exports", "opendata"):
                shutil.rmtree(downloads / kept, ignore_errors=True)
            profile = cProfile.Profile() if args.profile and run == 0 else None
            started, clock = time.process_time(), time.perf_counter()
            if profile:
                profile.enable()
            response = client.get(path)
            size = len(response.get_data())
            if profile:
                profile.disable()
            else:
                cpu.append(time.process_time() - started)
                wall.append(time.perf_counter() - clock)
            assert response.status_code == 200, (path, response.status_code)
            if profile:
                pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        if not cpu:  # --profile with --runs 1: the profile only
            continue
        print(
            f"{name}: CPU {statistics.median(cpu):.2f} s, wall {statistics.median(wall):.2f} s "
            f"(median of {len(cpu)}), {size / 1e6:.1f} MB",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
