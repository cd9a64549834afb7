"""Benchmark: the statistics dashboard and the reports at volume.

    .venv/bin/python bench/reports.py [--initiatives 100000]

Loads the volume province (``seed-volume``: 5,000 units with the 2025 successions,
100,000 initiatives with their year rows, exemplars, nominations, certificates) into a
throw-away SQLite file, then for the province and for one merged commune, for a year
and for the whole phase, in both roll-up modes, times ``compute_statistics`` and counts
its SQL statements, and times the XLSX workbook and the PDF/A report of the province.
"""

import argparse
import statistics as stats_mod
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.demo.volume import PROVINCE_CODE, VolumeCounts, seed_volume
    from dankheo.extensions import db
    from dankheo.models import Unit, UnitSuccession
    from dankheo.reports.exports import report_workbook
    from dankheo.reports.pdf import render_report
    from dankheo.reports.queries import Period, compute_statistics
    from dankheo.reports.rollup import RollUp
    from dankheo.reports.tables import build_tables

    tmp = Path(tempfile.mkdtemp(prefix="dankheo-bench-reports-"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
            "UPLOAD_DIR": str(tmp / "uploads"),
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context(), app.test_request_context():
        db.create_all()
        t0 = time.perf_counter()
        for _ in seed_volume(VolumeCounts(initiatives=args.initiatives)):
            pass
        db.session.commit()
        print(f"seed-volume: {time.perf_counter() - t0:.1f} s")
        province = db.session.scalar(sa.select(Unit).where(Unit.code == PROVINCE_CODE))
        merged_id = db.session.scalar(  # the successor of the most predecessors
            sa.select(UnitSuccession.successor_id)
            .group_by(UnitSuccession.successor_id)
            .order_by(sa.func.count().desc(), UnitSuccession.successor_id)
            .limit(1)
        )
        statements: list[str] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        for label, root_id in (("province", province.id), ("merged commune", merged_id)):
            for year in (2024, None):
                for rollup in RollUp:
                    timings = []
                    for _ in range(args.repeat):
                        statements.clear()
                        t = time.perf_counter()
                        result = compute_statistics(root_id, Period(2021, 2025, year), rollup)
                        timings.append(time.perf_counter() - t)
                    print(
                        f"{label:15} {year or '2021-2025':9} {rollup.value:7}: "
                        f"median {stats_mod.median(timings) * 1000:7.1f} ms, "
                        f"{len(statements)} queries, total {result.total:,}"
                    )
        result = compute_statistics(province.id, Period(2021, 2025, None), RollUp.CURRENT)
        tables = build_tables(result)
        t = time.perf_counter()
        data = report_workbook(result, tables)
        print(f"XLSX: {(time.perf_counter() - t) * 1000:.0f} ms, {len(data):,} bytes")
        t = time.perf_counter()
        pdf = render_report(result, tables, profile="party")
        print(
            f"PDF/A (first, incl. renderer start): {time.perf_counter() - t:.2f} s, "
            f"{len(pdf):,} bytes"
        )
        t = time.perf_counter()
        render_report(result, tables, profile="state")
        print(f"PDF/A (warm): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
