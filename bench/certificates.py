"""Benchmark: the certificate engine in one run — the naive baseline, the production path
in one process and with all workers, each signed and unsigned — and the batch print.

    .venv/bin/python bench/certificates.py [-n 1000] [--workers 2] [--naive 200]

A throw-away instance (SQLite file) gets four decisions of N certificates each: two on
paper (unsigned files) and two signed by a personal signer whose RSA-2048 PKCS#12 key
is opened with the passphrase from the configuration (SIGNING_SECRETS), as a worker
opens it in production. Then, each in a freshly spawned process (its memory is its own):

  * naive: the issue's baseline, one process: per certificate a fresh FontConfiguration,
    CSS and ``HTML(string=…).write_pdf(pdf_variant="pdf/a-3b")``; signed = the same plus
    pyHanko's ``sign_pdf`` with the PKCS#12 file loaded for that certificate and no
    reserved size (pyHanko's dry run), on the first ``--naive`` certificates;
  * production, 1 process: ``certificates.jobs.issue_pending`` on all N (compose the
    PDF/A page from the design's frame and the certificate's text, sign with the worker's
    key, write atomically, hash, record), unsigned then signed; the first one renders the
    design's frame with WeasyPrint (inside its timing), the others read it from disk;
  * production, all workers: ``--workers`` processes share another N, unsigned and signed;
  * signing alone: one stored unsigned file signed 200 times the production way and the
    naive way;
  * batch print: the N stored signed files of one decision concatenated by the print job's
    streaming writer (``pdf.merge.write_concatenated``), and by pypdf's writer for contrast.

Figures: CPU ms per certificate, certificates per second (wall), peak RSS per process and
RSS after every chunk of 50 (to show it is flat), bytes per stored file.
"""

import argparse
import io
import multiprocessing as mp
import os
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PASSPHRASE = "bench-secret"  # noqa: S105 (a throw-away key of the bench)


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent that spawned it)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def config(instance: Path) -> dict:
    return {
        "TESTING": False,
        "SECRET_KEY": "bench",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance}/bench.sqlite3",
        "CERTIFICATE_DIR": str(instance / "certificates"),
        "UPLOAD_DIR": str(instance / "uploads"),
        "EVIDENCE_DIR": str(instance / "evidence"),
        "SIGNING_KEY_DIR": str(instance / "keys"),
        "SIGNING_SECRETS": {"bench": PASSPHRASE},
        "HUEY_BACKEND": "immediate",
        "PUBLIC_BASE_URL": "https://dankheo.example.vn",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
    }


def setup(instance: Path, n: int) -> dict:
    """Four decisions of ``n`` certificates: (one process | workers) × (paper | signed)."""
    from dankheo import create_app
    from dankheo.certificates import decisions, signers
    from dankheo.extensions import db
    from dankheo.models import KeyKind, NominationState, Role, SecretSource, SignerAuthority
    from dankheo.pdf.keys import generate_demo_key
    from tests.factories import make_campaign, make_nomination, make_province, make_user

    app = create_app(config(instance))
    with app.app_context():
        db.create_all()
        units = make_province()
        admin = make_user("quantri", (Role.ADMIN, units["province"]))
        secretary = make_user("thuky", (Role.SECRETARY, units["agency"]))
        chairman = make_user("chutich", full_name="Nguyễn Thanh Ngọc")
        campaign = make_campaign(units["agency"], quota=4 * n)
        key_dir = instance / "keys"
        key_dir.mkdir(mode=0o700)
        generate_demo_key(key_dir / "chairman.p12", PASSPHRASE, "Nguyễn Thanh Ngọc")
        signer = signers.save_signer(
            admin,
            None,
            unit=units["province"],
            user=chairman,
            full_name="Nguyễn Thanh Ngọc",
            title="Chủ tịch",
            authority=SignerAuthority.HEAD,
            authority_of="",
            key_kind=KeyKind.PKCS12,
            key_upload=(key_dir / "chairman.p12").read_bytes(),
            pkcs11_module="",
            token_label="",
            key_label="",
            secret_source=SecretSource.CONFIG,
            secret_ref="bench",  # noqa: S106 (a name in SIGNING_SECRETS, not a secret)
            typed_secret="",
        )
        db.session.commit()
        communes = [units[k] for k in ("c11", "c12", "c21", "c22")]
        result = {}
        for number, name in enumerate(("one_paper", "one_signed", "all_paper", "all_signed"), 1):
            nominations = [
                make_nomination(
                    campaign,
                    communes[i % 4],
                    state=NominationState.APPROVED,
                    recipient_name=f"Ông Nguyễn Văn Thành {number}-{i + 1}",
                    recipient_line=f"Bí thư Chi bộ ấp Bình Hòa số {i + 1}, xã Long Hòa",
                )
                for i in range(n)
            ]
            db.session.commit()
            personal = name.endswith("signed")
            decision = decisions.create_decision(
                secretary,
                campaign.award_types[0],
                number=100 + number,
                signed_on=date(2024, 12, 15),
                place="Tây Ninh",
                signer_name="Nguyễn Thanh Ngọc",
                signer_title="Chủ tịch",
                nomination_ids=[x.id for x in nominations],
                signer=signer if personal else None,
            )
            if personal:
                decisions.submit_for_signature(secretary, decision)
                certificates = decisions.sign_decision(chairman, decision)
            else:
                certificates = decisions.sign_decision(secretary, decision)
            db.session.commit()
            result[name] = (decision.id, [c.id for c in certificates])
        return result


def naive(instance: str, decision_id: int, count: int, signed: bool) -> dict:
    instance = Path(instance)
    from dankheo import create_app
    from dankheo.certificates import issuing
    from dankheo.extensions import db
    from dankheo.models import Certificate
    from dankheo.pdf.render import render_naive

    key = instance / "keys" / "chairman.p12"

    def sign_naively(data: bytes) -> bytes:
        # pyHanko as documented: load the PKCS#12 file, let sign_pdf size the field.
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        signer = signers.SimpleSigner.load_pkcs12(str(key), passphrase=PASSPHRASE.encode())
        meta = signers.PdfSignatureMetadata(
            field_name="ChuKySo", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        return signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer
        ).getvalue()

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
        first = render_naive(html, sheet, static)  # import and first-use costs out of the timing
        if signed:
            sign_naively(first)
        start_rss = rss_mb()
        start = time.perf_counter()
        cpu = time.process_time()
        sizes = []
        for cert in certs:
            html = issuing.certificate_html(issuing.certificate_view(cert))
            data = render_naive(html, sheet, static)
            if signed:
                data = sign_naively(data)
            sizes.append(len(data))
        elapsed = time.perf_counter() - start
        return {
            "cpu": time.process_time() - cpu,
            "count": len(certs),
            "seconds": elapsed,
            "rss_start": start_rss,
            "rss_end": rss_mb(),
            "peak": peak_mb(),
            "size": sum(sizes) / len(sizes),
        }


def worker(args) -> dict:
    """A production worker: its start as huey's worker start does it (nothing heavy since
    phase 2), the signer's key opened once, then issue_pending. The first certificate of
    a design reads the design's frame from CERTIFICATE_DIR/frames, or renders it with
    WeasyPrint when no worker has yet (the first production run: the frames folder is
    emptied before it): that cost is inside the timing, and ``weasyprint`` says whether
    this process ever loaded WeasyPrint."""
    instance, decision_id, ids, chunk = args
    from dankheo import create_app
    from dankheo.certificates import jobs
    from dankheo.extensions import db
    from dankheo.models import Decision

    app = create_app(config(Path(instance)))
    with app.app_context():
        start_up = time.perf_counter()
        decision = db.session.get(Decision, decision_id)
        if decision.signer is not None:
            jobs._decision_key(decision, "")  # the key, opened once per worker
        db.session.commit()
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
            "weasyprint": "weasyprint" in sys.modules,
        }


def signing_alone(instance: str, path: str, count: int) -> dict:
    """ms of CPU per signature of one stored unsigned file: production vs naive."""
    from dankheo import create_app
    from dankheo.pdf.keys import KeySpec, load_key
    from dankheo.pdf.signing import sign_pdf

    app = create_app(config(Path(instance)))
    data = Path(path).read_bytes()
    key_path = str(Path(instance) / "keys" / "chairman.p12")
    with app.app_context():
        key = load_key(KeySpec("pkcs12", path=key_path), PASSPHRASE)
        sign_pdf(data, key)
        cpu = time.process_time()
        for _ in range(count):
            signed = sign_pdf(data, key, reason="Cấp DVK-2024-000001", name="Nguyễn Thanh Ngọc")
        production = (time.process_time() - cpu) / count
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        meta = signers.PdfSignatureMetadata(
            field_name="ChuKySo", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
        )
        cpu = time.process_time()
        for _ in range(count // 4):
            signer = signers.SimpleSigner.load_pkcs12(key_path, passphrase=PASSPHRASE.encode())
            naive_signed = signers.sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(data)), meta, signer=signer
            ).getvalue()
        naive_ms = (time.process_time() - cpu) / (count // 4)
    return {
        "production": production,
        "naive": naive_ms,
        "reserved_hex": key.reserved,
        "added": len(signed) - len(data),
        "naive_added": len(naive_signed) - len(data),
    }


def batch_print(paths: list[str], streaming: bool) -> dict:
    from dankheo.pdf.merge import write_concatenated, write_merged

    base = rss_mb()
    out_path = Path(tempfile.mkstemp(suffix=".pdf")[1])
    samples = []
    start = time.perf_counter()
    with open(out_path, "wb") as out:
        if streaming:
            write_concatenated(
                paths, out, progress=lambda n: samples.append(round(rss_mb(), 1)), every=100
            )
        else:
            write_merged(paths, out)
    seconds = time.perf_counter() - start
    size = out_path.stat().st_size
    out_path.unlink()
    return {"seconds": seconds, "peak": peak_mb(), "base": base, "size": size, "samples": samples}


def _fresh(ctx, fn, *args):
    with ctx.Pool(1) as pool:  # a fresh process: its memory and import costs are its own
        return pool.apply(fn, args)


# What a worker process holds before its first certificate, in the order create_app
# and a signing job load it (cumulative, one process): ``--imports`` prints it.
IMPORTS = (
    (
        "flask, sqlalchemy, flask_sqlalchemy, flask_login, flask_wtf",
        ("flask", "sqlalchemy", "flask_sqlalchemy", "flask_login", "flask_wtf"),
    ),
    ("pypdf, fontTools, PIL, segno", ("pypdf", "fontTools.ttLib", "PIL.Image", "segno")),
    ("openpyxl (+ numpy)", ("openpyxl",)),
    ("zxcvbn", ("zxcvbn",)),
    ("huey", ("huey",)),
    ("flask_migrate (+ alembic)", ("flask_migrate",)),
    ("psycopg", ("psycopg",)),
    ("docx (+ lxml)", ("docx",)),
    ("the rest of create_app (dankheo and its other imports)", ()),
    ("pyhanko (+ pyhanko_certvalidator, aiohttp): signing", ("pyhanko.sign.signers",)),
    ("weasyprint: rendering a frame, a preview or a decision", ()),
)


def import_costs() -> None:
    """RSS after each group of imports, cumulative, in one process."""
    import importlib

    previous = rss_mb()
    print(f"{'python':58} {previous:6.1f} MB")
    with tempfile.TemporaryDirectory(prefix="dankheo-bench-") as tmp:
        for label, names in IMPORTS:
            for name in names:
                importlib.import_module(name)
            if label.startswith("the rest"):
                from dankheo import create_app

                create_app(config(Path(tmp)))
            if label.startswith("weasyprint"):
                from dankheo.pdf.render import weasyprint

                weasyprint()
            now = rss_mb()
            print(f"{label:58} +{now - previous:5.1f} MB = {now:6.1f} MB")
            previous = now


def _yes(flag: bool) -> str:
    return "yes (rendered the frame)" if flag else "no"


def _line(label: str, count: int, cpu: float, wall: float, peak: float, note: str = "") -> str:
    return (
        f"{label:<34} {count:>5} certs  CPU {1000 * cpu / count:6.1f} ms/cert  "
        f"{count / wall:6.1f} certs/s  peak RSS {peak:5.0f} MB{note}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="certificates per decision")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive", type=int, default=200, help="certificates in the baseline")
    parser.add_argument("--chunk", type=int, default=50)
    parser.add_argument(
        "--imports", action="store_true", help="only the memory a worker's imports take"
    )
    args = parser.parse_args()
    if args.imports:
        print("command: .venv/bin/python bench/certificates.py --imports")
        import_costs()
        return
    print("command: .venv/bin/python bench/certificates.py " + " ".join(sys.argv[1:]))
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()} at start")

    with tempfile.TemporaryDirectory(prefix="dankheo-bench-") as tmp:
        instance = Path(tmp)
        t0 = time.perf_counter()
        plan = setup(instance, args.n)
        print(f"setup: 4 decisions × {args.n} certificates in {time.perf_counter() - t0:.0f} s")
        ctx = mp.get_context("spawn")
        rows = {}

        for signed in (False, True):
            base = _fresh(
                ctx, naive, str(instance), plan["one_paper"][0], min(args.naive, args.n), signed
            )
            rows[("naive", signed)] = base
            print(
                _line(
                    f"naive, 1 process, {'signed' if signed else 'unsigned'}",
                    base["count"],
                    base["cpu"],
                    base["seconds"],
                    base["peak"],
                    f"  RSS {base['rss_start']:.0f} → {base['rss_end']:.0f} MB, "
                    f"{base['size'] / 1000:.1f} kB a file",
                )
            )

        # The first production worker renders the design's frame; every later one reads it.
        shutil.rmtree(instance / "certificates" / "frames", ignore_errors=True)
        for name, label in (("one_paper", "unsigned"), ("one_signed", "signed")):
            decision_id, ids = plan[name]
            r = _fresh(ctx, worker, (str(instance), decision_id, ids, args.chunk))
            rows[("one", label)] = r
            s = r["samples"]
            print(
                _line(
                    f"production, 1 process, {label}", r["done"], r["cpu"], r["seconds"], r["peak"]
                )
                + f"\n    RSS after each chunk of {args.chunk}: first {s[0]}, last {s[-1]}, "
                f"max {max(s)} MB (samples: {s[:: max(1, len(s) // 10)]}); "
                f"warm-up {r['warm_up']:.1f} s; WeasyPrint loaded: {_yes(r['weasyprint'])}"
            )

        for name, label in (("all_paper", "unsigned"), ("all_signed", "signed")):
            decision_id, ids = plan[name]
            shares = [sorted(ids[i :: args.workers]) for i in range(args.workers)]
            start = time.perf_counter()
            with ctx.Pool(args.workers) as pool:
                results = pool.map(
                    worker, [(str(instance), decision_id, share, args.chunk) for share in shares]
                )
            wall_total = time.perf_counter() - start
            wall = max(r["seconds"] for r in results)
            done = sum(r["done"] for r in results)
            cpu = sum(r["cpu"] for r in results)
            rows[("all", label)] = {"cpu": cpu, "done": done, "seconds": wall}
            print(
                _line(
                    f"production, {args.workers} workers, {label}",
                    done,
                    cpu,
                    wall,
                    max(r["peak"] for r in results),
                    f"  ({done / wall_total:.1f}/s counting process start and warm-up)",
                )
            )
            for i, r in enumerate(results):
                s = r["samples"]
                print(
                    f"    worker {i}: peak {r['peak']:.0f} MB; RSS after each chunk: first "
                    f"{s[0]}, last {s[-1]}, max {max(s)} MB; WeasyPrint loaded: "
                    f"{_yes(r['weasyprint'])}"
                )

        files = {}
        for name in ("one_paper", "one_signed"):
            decision_id = plan[name][0]
            from dankheo import create_app
            from dankheo.extensions import db
            from dankheo.models import Certificate

            app = create_app(config(instance))
            with app.app_context():
                files[name] = [
                    str(instance / "certificates" / p)
                    for p in db.session.scalars(
                        db.select(Certificate.file_path)
                        .where(Certificate.decision_id == decision_id)
                        .order_by(Certificate.position)
                    )
                ]
        for name, label in (("one_paper", "unsigned"), ("one_signed", "signed")):
            sizes = [Path(p).stat().st_size for p in files[name]]
            print(
                f"stored {label}: {len(sizes)} files, mean {sum(sizes) / len(sizes):,.0f} bytes "
                f"({sum(sizes) / len(sizes) / 1024:.1f} KiB), largest {max(sizes):,} bytes"
            )

        sig = _fresh(ctx, signing_alone, str(instance), files["one_paper"][0], 200)
        print(
            f"signing alone (one stored file, RSA-2048): production {1000 * sig['production']:.1f} "
            f"ms CPU, naive {1000 * sig['naive']:.1f} ms; adds {sig['added']:,} bytes "
            f"({sig['reserved_hex']:,} hex digits reserved = the container exactly) vs "
            f"{sig['naive_added']:,} naive"
        )

        for streaming, label in ((True, "streaming (print job)"), (False, "pypdf writer")):
            r = _fresh(ctx, batch_print, files["one_signed"], streaming)
            flat = f"; RSS every 100 files: {r['samples']}" if r["samples"] else ""
            print(
                f"batch print, {label}: {len(files['one_signed'])} stored signed certificates in "
                f"{r['seconds']:.1f} s, {r['size'] / 1e6:.1f} MB; process RSS before "
                f"{r['base']:.0f} MB, peak {r['peak']:.0f} MB{flat}"
            )

        naive_cpu = {s: rows[("naive", s)]["cpu"] / rows[("naive", s)]["count"] for s in (0, 1)}
        naive_rate = {
            s: rows[("naive", s)]["count"] / rows[("naive", s)]["seconds"] for s in (0, 1)
        }
        print("ratios (same run):")
        for label, signed in (("unsigned", 0), ("signed", 1)):
            one = rows[("one", label)]
            every = rows[("all", label)]
            cpu_each = one["cpu"] / one["done"]
            print(
                f"  {label}: CPU per certificate {1000 * cpu_each:.1f} ms = "
                f"1/{naive_cpu[signed] / cpu_each:.2f} of naive {label} "
                f"({1000 * naive_cpu[signed]:.1f} ms) and 1/{naive_cpu[0] / cpu_each:.2f} of "
                f"naive unsigned; {args.workers} workers: {every['done'] / every['seconds']:.1f}/s "
                f"= {every['done'] / every['seconds'] / naive_rate[0]:.2f}× the naive unsigned "
                f"rate ({naive_rate[0]:.1f}/s)"
            )
        print(f"load average at the end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
