"""Benchmark: issue N certificates the way the worker does, beside a naive baseline.

    .venv/bin/python bench/certificates.py [-n 1000] [--workers 2] [--naive 200]

Sets up a throw-away instance (SQLite file) with N approved nominations and one signed
decision, then:
  * naive: one process, one fresh ``HTML(...).write_pdf()`` per certificate with the
    stylesheet and fonts parsed every time (``dankheo.pdf.render.render_naive``), on the first
    ``--naive`` certificates (rendered only, nothing stored);
  * worker: ``--workers`` fresh processes (spawned like huey's process workers), each
    warming its renderer once and then running ``certificates.jobs.issue_pending`` on its share
    (render PDF/A, write atomically, hash, commit) — the production path;
  * batch print: merging all N stored files into one PDF with pypdf.
Prints certificates per second, peak memory per worker (and RSS after each chunk, to
show it stays flat), the largest stored certificate, and the batch time.
"""

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def config(instance: Path) -> dict:
    return {
        "TESTING": False,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
        "CERTIFICATE_DIR": str(instance / "certificates"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "EVIDENCE_DIR": str(instance / "evidence"),
        "HUEY_BACKEND": "immediate",
        "PUBLIC_BASE_URL": "https://dankheo.example.vn",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
    }


def setup(instance: Path, n: int) -> tuple[int, list[int]]:
    from dankheo import create_app
    from dankheo.certificates import decisions
    from dankheo.extensions import db
    from dankheo.models import NominationState, Role
    from tests.factories import make_campaign, make_nomination, make_province, make_user

    app = create_app(config(instance))
    with app.app_context():
        db.create_all()
        units = make_province()
        secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
        campaign = make_campaign(units["agency"], quota=n)
        communes = [units[k] for k in ("c11", "c12", "c21", "c22")]
        nominations = [
            make_nomination(
                campaign,
                communes[i % 4],
                state=NominationState.APPROVED,
                recipient_name=f"Ông Nguyễn Văn Thành {i + 1}",
                recipient_line=f"Bí thư Chi bộ ấp Bình Hòa số {i + 1}, xã Long Hòa",
            )
            for i in range(n)
        ]
        db.session.commit()
        decision = decisions.create_decision(
            secretary,
            campaign.award_types[0],
            number=123,
            signed_on=date(2024, 12, 15),
            place="Tây Ninh",
            signer_name="Nguyễn Thanh Ngọc",
            signer_title="Chủ tịch",
            nomination_ids=[x.id for x in nominations],
        )
        certificates = decisions.sign_decision(secretary, decision)
        db.session.commit()
        return decision.id, [c.id for c in certificates]


def naive(instance: str, decision_id: int, count: int) -> dict:
    instance = Path(instance)
    from dankheo import create_app
    from dankheo.certificates import issuing
    from dankheo.extensions import db
    from dankheo.models import Certificate
    from dankheo.pdf.render import render_naive

    app = create_app(config(instance))
    with app.app_context():
        certs = db.session.scalars(
            db.select(Certificate)
            .where(Certificate.decision_id == decision_id)
            .order_by(Certificate.position)
            .limit(count)
        ).all()
        static = Path(app.static_folder)
        sheet = static / "css" / "print" / "certificate.css"
        html = issuing.certificate_html(issuing.certificate_view(certs[0]))
        render_naive(html, sheet, static)  # import and first-use costs out of the timing
        start_rss = rss_mb()
        start = time.perf_counter()
        cpu = time.process_time()
        for cert in certs:
            html = issuing.certificate_html(issuing.certificate_view(cert))
            render_naive(html, sheet, static)
        elapsed = time.perf_counter() - start
        return {
            "cpu": time.process_time() - cpu,
            "count": len(certs),
            "seconds": elapsed,
            "rate": len(certs) / elapsed,
            "rss_start": start_rss,
            "rss_end": rss_mb(),
            "peak": peak_mb(),
        }


def worker(args) -> dict:
    instance, decision_id, ids, chunk = args
    from dankheo import create_app
    from dankheo.certificates import issuing, jobs
    from dankheo.pdf.render import app_renderer

    app = create_app(config(Path(instance)))
    with app.app_context():
        start_up = time.perf_counter()
        app_renderer()
        award_type_view = None
        from dankheo.extensions import db
        from dankheo.models import Decision

        award_type_view = issuing.sample_view(db.session.get(Decision, decision_id).award_type)
        issuing.render_certificate_pdf(award_type_view)  # warm-up render at worker start
        warm = time.perf_counter() - start_up
        samples = []
        start = time.perf_counter()
        cpu = time.process_time()
        done = 0
        for i in range(0, len(ids), chunk):
            done += jobs.issue_pending(decision_id, ids[i : i + chunk])
            samples.append(round(rss_mb(), 1))
        return {
            "cpu": time.process_time() - cpu,
            "done": done,
            "seconds": time.perf_counter() - start,
            "warm_up": warm,
            "peak": peak_mb(),
            "samples": samples,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="certificates to issue")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=200, help="certificates in the baseline")
    parser.add_argument("--chunk", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dankheo-bench-") as tmp:
        instance = Path(tmp)
        t0 = time.perf_counter()
        decision_id, ids = setup(instance, args.n)
        took = time.perf_counter() - t0
        print(f"setup: {args.n} approved nominations, decision signed in {took:.1f} s")

        ctx = mp.get_context("spawn")
        with ctx.Pool(1) as pool:  # a fresh process, so the baseline's memory is its own
            base = pool.apply(naive, (str(instance), decision_id, min(args.naive, args.n)))
        print(
            f"naive:  {base['count']} certificates in {base['seconds']:.1f} s = "
            f"{base['rate']:.1f}/s (1 process); RSS {base['rss_start']:.0f} → "
            f"{base['rss_end']:.0f} MB, peak {base['peak']:.0f} MB; "
            f"CPU {1000 * base['cpu'] / base['count']:.0f} ms a certificate"
        )

        shares = [ids[i :: args.workers] for i in range(args.workers)]
        start = time.perf_counter()
        with ctx.Pool(args.workers) as pool:
            results = pool.map(
                worker, [(str(instance), decision_id, sorted(s), args.chunk) for s in shares]
            )
        wall = time.perf_counter() - start
        render_wall = max(r["seconds"] for r in results)
        done = sum(r["done"] for r in results)
        rate = done / render_wall
        print(
            f"worker: {done} certificates, {args.workers} processes: {render_wall:.1f} s "
            f"rendering = {rate:.1f}/s ({done / wall:.1f}/s including process start and "
            f"warm-up) = {rate / base['rate']:.2f}× naive"
        )
        cpu_each = sum(r["cpu"] for r in results) / done
        naive_each = base["cpu"] / base["count"]
        print(
            f"CPU time a certificate: worker {1000 * cpu_each:.0f} ms vs naive "
            f"{1000 * naive_each:.0f} ms; on {args.workers} free cores that is "
            f"{args.workers / cpu_each:.1f}/s = {args.workers * naive_each / cpu_each:.2f}× "
            f"naive (load-independent; the wall-clock figures above depend on other load)"
        )
        for i, r in enumerate(results):
            s = r["samples"]
            print(
                f"  worker {i}: peak {r['peak']:.0f} MB; RSS after each chunk of "
                f"{args.chunk}: first {s[0]} MB, last {s[-1]} MB, max {max(s)} MB; "
                f"warm-up {r['warm_up']:.1f} s"
            )

        files = sorted((instance / "certificates").rglob("DVK-*.pdf"))
        sizes = [f.stat().st_size for f in files]
        print(
            f"stored: {len(files)} files, largest {max(sizes) / 1024:.1f} KB, "
            f"mean {sum(sizes) / len(sizes) / 1024:.1f} KB"
        )
        sys.path.insert(0, str(ROOT))
        from dankheo import create_app
        from dankheo.pdf.merge import merge_pdfs

        app = create_app(config(instance))
        with app.app_context():
            start = time.perf_counter()
            merged = merge_pdfs(files)
            print(
                f"batch print: {len(files)} stored certificates merged in "
                f"{time.perf_counter() - start:.1f} s ({len(merged) / 1e6:.1f} MB)"
            )


if __name__ == "__main__":
    main()
