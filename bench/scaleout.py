"""Scale-out rehearsal: the multi-host set-up of docs/operations.md, on this machine.

    scripts/with-postgres.sh .venv/bin/python bench/scaleout.py [--users 30] [--duration 45]
    make test-scaleout

Started here, each on its own loopback port, as if on separate hosts: PostgreSQL (the
throw-away cluster of scripts/with-postgres.sh), Redis (Debian's ``redis-server``: the
job queue, the shared cache and the rate-limit counters), two gunicorn instances of the
application, nginx (Debian's) balancing them, and two certificate workers consuming the
Redis queue; one folder is the shared storage of all of them.

The simulated users of bench/load.py (reviewers scoring, visitors browsing) run through
nginx. A decision of ``--awards`` certificates is signed while they run, so the workers
render. Part-way, one app instance and one worker are killed (SIGKILL) and restarted.

It fails (exit 1) unless: no request failed but those in flight on the killed instance
(nginx sends the idempotent ones to the other instance), every confirmed scorecard is
stored exactly once, every certificate of the decision is issued exactly once with its
file (serials unique and gapless), and the dashboard's figures read through either
instance are the same shared entry — also right after a change made elsewhere.
"""

import argparse
import contextlib
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import load

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
KILL_GRACE = 4.0  # seconds after a kill in which failed in-flight requests are expected


def which(name: str, *extra: str) -> str:
    for folder in (*extra, *os.environ.get("PATH", "").split(os.pathsep), "/usr/sbin", "/sbin"):
        candidate = Path(folder) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    raise SystemExit(f"{name} not found: install it (make test-scaleout installs it)")


class Process:
    """A child process in its own process group (killed with all its children)."""

    def __init__(self, name: str, argv: list[str], env: dict, log: Path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        log = open(self.log_path, "a")  # noqa: SIM115 (the child holds it)
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def kill(self, sig=signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def nginx_conf(folder: Path, port: int, upstreams: list[int]) -> Path:
    servers = "\n".join(f"    server {HOST}:{p} max_fails=1 fail_timeout=3s;" for p in upstreams)
    temp = "\n".join(
        f"  {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
{temp}
  upstream app {{
{servers}
    keepalive 32;
  }}
  server {{
    listen {HOST}:{port};
    client_max_body_size 20m;
    location / {{
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_connect_timeout 2s;
      proxy_read_timeout 60s;
      # A refused or dropped connection to one instance: idempotent requests go to the
      # other (POSTs are never sent twice).
      proxy_next_upstream error timeout http_502;
    }}
  }}
}}
"""
    )
    return conf


# --- the decision the workers issue --------------------------------------------------------


def prepare_decision(env: dict, n: int) -> int:
    """``n`` approved nominations in one draft decision of the load campaign."""
    os.environ.update(env)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.certificates.decisions import create_decision
    from dankheo.extensions import db
    from dankheo.models import Campaign, NominationState, User
    from tests.factories import make_initiative, make_nomination

    app = create_app()
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        campaign = db.session.scalar(sa.select(Campaign).order_by(Campaign.id.desc()))
        award_type = campaign.award_types[0]
        unit = campaign.organising_unit
        ids = []
        for i in range(n):
            item = make_initiative(unit, f"Mô hình khen thưởng số {i + 1}")
            ids.append(
                make_nomination(
                    campaign,
                    unit,
                    initiative=item,
                    state=NominationState.APPROVED,
                    award_type=award_type,
                ).id
            )
        decision = create_decision(
            admin,
            award_type,
            number=900,
            signed_on=date(campaign.year, 12, 15),
            place="Tây Ninh",
            signer_name="Nguyễn Văn Ký",
            signer_title="Chủ tịch",
            nomination_ids=ids,
        )
        db.session.commit()
        return decision.id


def sign(env: dict, decision_id: int) -> int:
    """Sign the decision (serials allocated) and queue its certificates on Redis."""
    os.environ.update(env)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.certificates.decisions import sign_decision
    from dankheo.certificates.jobs import enqueue_issue
    from dankheo.extensions import db
    from dankheo.models import Decision, User

    app = create_app()
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        decision = db.session.get(Decision, decision_id)
        certificates = sign_decision(admin, decision)
        db.session.commit()
        enqueue_issue(decision_id, [c.id for c in certificates])
        return len(certificates)


def check_certificates(env: dict, decision_id: int, expected: int, wait: float) -> list[str]:
    os.environ.update(env)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db
    from dankheo.models import Certificate, CertificateStatus

    app = create_app()
    deadline = time.monotonic() + wait
    with app.app_context():
        while True:
            rows = db.session.execute(
                sa.select(Certificate.serial, Certificate.status, Certificate.file_path).where(
                    Certificate.decision_id == decision_id
                )
            ).all()
            pending = [r for r in rows if r.status == CertificateStatus.PENDING]
            if not pending or time.monotonic() > deadline:
                break
            db.session.rollback()
            time.sleep(1)
        folder = Path(app.config["CERTIFICATE_DIR"])
    problems = []
    serials = [r.serial for r in rows]
    numbers = sorted(int(s.rsplit("-", 1)[1]) for s in serials)
    if len(rows) != expected or len(set(serials)) != len(serials):
        problems.append(f"{len(rows)} certificates, {len(set(serials))} serials, {expected} due")
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        problems.append("serials are not consecutive")
    if pending:
        problems.append(f"{len(pending)} certificates still pending")
    missing = [r.serial for r in rows if r.file_path and not (folder / r.file_path).is_file()]
    if missing:
        problems.append(f"files missing for {missing[:5]}")
    print(f"certificates: {len(rows) - len(pending)} of {expected} issued, serials unique")
    return problems


# --- the dashboard through both instances ----------------------------------------------


FIGURE = re.compile(r'data-(?:cell|total)="([^"]+)" data-value="(\d+)"')
STAMP = re.compile(r"Số liệu cập nhật lúc ([^(<]+)")


def dashboard(port: int, username: str) -> tuple[int, str, int]:
    """(sum of every figure cell, when the figures were computed, number of cells) of
    the dashboard read through the instance on ``port``."""
    session = load.Session(f"http://{HOST}:{port}", load.Stats())
    if not load.sign_in(session, username):
        return -1, "sign-in refused", 0
    _code, html, _ = session.get("/reports/?year=2024")
    cells = FIGURE.findall(html)
    stamp = STAMP.search(html)
    return sum(int(v) for _, v in cells), (stamp.group(1).strip() if stamp else "?"), len(cells)


def add_initiative(env: dict) -> None:
    os.environ.update(env)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db
    from dankheo.models import Field, Unit, User
    from dankheo.registry.services import create_initiative

    app = create_app()
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        unit = db.session.scalar(sa.select(Unit).where(Unit.code == "HT-LH")) or db.session.scalar(
            sa.select(Unit).where(Unit.parent_id.is_not(None)).limit(1)
        )
        field = db.session.scalar(sa.select(Field).limit(1))
        create_initiative(
            admin, unit=unit, field=field, year=2024, values={"name": "Mô hình thêm ở máy khác"}
        )
        db.session.commit()


def check_dashboard(env: dict, ports: list[int]) -> list[str]:
    problems = []
    seen = [dashboard(p, "lanhdao") for p in ports]
    print(f"dashboard through each instance: {seen}")
    if len(set(seen)) != 1:
        problems.append(f"the instances show different figures: {seen}")
    add_initiative(env)
    after = [dashboard(p, "lanhdao") for p in ports]
    print(f"after a change made elsewhere: {after}")
    if len({a[0] for a in after}) != 1 or after[0][0] == seen[0][0]:
        problems.append(f"a change is not seen at once through every instance: {after}")
    return problems


# --- main ------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--duration", type=float, default=45)
    parser.add_argument("--reviewers", type=int, default=12)
    parser.add_argument("--nominations", type=int, default=40)
    parser.add_argument("--awards", type=int, default=120, help="certificates to issue")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    uri = os.environ.get("WITH_POSTGRES_URI", "")
    if not uri:
        parser.error("run under scripts/with-postgres.sh (needs WITH_POSTGRES_URI)")
    redis_server, nginx = which("redis-server"), which("nginx")
    folder = Path(tempfile.mkdtemp(prefix="dankheo-scaleout-"))
    shared = folder / "shared"  # the storage every host mounts
    shared.mkdir()
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / kind).mkdir()
    ports = {name: load.free_port() for name in ("redis", "a", "b", "nginx")}
    redis_url = f"redis://{HOST}:{ports['redis']}"
    env = dict(
        os.environ,
        DANKHEO_INSTANCE_PATH=str(shared),
        DANKHEO_SQLALCHEMY_DATABASE_URI=uri,
        DANKHEO_SECRET_KEY=secrets.token_hex(16),
        DANKHEO_HUEY_BACKEND="redis",
        DANKHEO_HUEY_REDIS_URL=f"{redis_url}/0",
        DANKHEO_CACHE_TYPE="RedisCache",
        DANKHEO_CACHE_REDIS_URL=f"{redis_url}/1",
        DANKHEO_RATELIMIT_STORAGE_URI=f"{redis_url}/2",
        DANKHEO_RATELIMIT_API="100000 per minute",  # counted in Redis, never reached here
        DANKHEO_PROXY_FIX_HOPS="1",
        DANKHEO_GUNICORN_WORKERS="2",
        DANKHEO_GUNICORN_THREADS="4",
        DANKHEO_GUNICORN_ACCESS_LOG="",
    )
    env.pop("DANKHEO_TEST_DATABASE_URI", None)
    processes: list[Process] = []
    started = time.monotonic()
    try:
        processes.append(
            Process(
                "redis",
                [
                    redis_server,
                    "--port",
                    str(ports["redis"]),
                    "--bind",
                    HOST,
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(folder),
                ],
                env,
                folder / "redis.log",
            )
        )
        print(f"shared storage: {shared}")
        os.environ.update(env)  # the preparation below runs the application in-process
        plan = load.prepare(shared, args.reviewers, args.nominations)
        decision_id = prepare_decision(env, args.awards)

        def app_instance(name: str) -> Process:
            return Process(
                f"app {name}",
                [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "-b", f"{HOST}:{ports[name]}"],
                env,
                folder / f"gunicorn-{name}.log",
            )

        def worker(n: int) -> Process:
            return Process(
                f"worker {n}",
                [
                    str(BIN / "flask"),
                    "--app",
                    "dankheo",
                    "certificates",
                    "worker",
                    "--workers",
                    "1",
                ],
                env,
                folder / f"worker-{n}.log",
            )

        app_a, app_b = app_instance("a"), app_instance("b")
        workers = [worker(1), worker(2)]
        processes += [app_a, app_b, *workers]
        for name in ("a", "b"):
            wait_http(f"http://{HOST}:{ports[name]}/healthz")
        conf = nginx_conf(folder, ports["nginx"], [ports["a"], ports["b"]])
        processes.append(
            Process("nginx", [nginx, "-c", str(conf), "-p", str(folder)], env, folder / "nginx.log")
        )
        base = f"http://{HOST}:{ports['nginx']}"
        wait_http(base + "/healthz")
        print(
            f"ready in {time.monotonic() - started:.0f} s: nginx {base} → app a, app b; "
            f"redis, 2 workers, PostgreSQL"
        )

        stats = load.Stats()
        rng = random.Random(2025)
        names = sorted(plan["assignments"])
        n_reviewers = min(args.users - max(1, args.users // 5), 2 * len(names))
        deadline = time.monotonic() + args.duration
        threads = []
        for i in range(args.users):
            user_rng = random.Random(rng.random())
            if i < n_reviewers:
                name = names[i % len(names)]
                target, targs = load.reviewer_user, (name, plan["assignments"][name])
            else:
                target, targs = load.browsing_user, (plan["browse"],)
            thread = threading.Thread(
                target=target, args=(base, stats, *targs, deadline, user_rng), daemon=True
            )
            thread.start()
            threads.append(thread)
        time.sleep(args.duration * 0.2)
        issued = sign(env, decision_id)
        print(f"decision signed: {issued} certificates queued on Redis")
        time.sleep(args.duration * 0.2)
        killed_at = time.monotonic()
        app_a.kill()
        workers[0].kill()
        print("killed app instance a and worker 1 (SIGKILL)")
        time.sleep(3)
        app_a.start()
        workers[0].start()
        wait_http(f"http://{HOST}:{ports['a']}/healthz")
        print(f"restarted them ({time.monotonic() - killed_at:.1f} s after the kill)")
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 40))

        total = sum(stats.codes.values())
        in_window = [e for e in stats.errors if e]  # (method, path) strings
        print(f"{total} requests through nginx; status codes {dict(sorted(stats.codes.items()))}")
        problems: list[str] = []
        # Errors are recorded without a time: the kill may cost the requests in flight on
        # the killed instance (POSTs are never retried), nothing else.
        in_flight_limit = args.users
        failed_posts = [e for e in in_window if " POST " in f" {e} "]
        other = [e for e in in_window if e not in failed_posts]
        if other:
            problems.append(f"{len(other)} failed GETs (nginx should have retried): {other[:5]}")
        if len(failed_posts) > in_flight_limit:
            problems.append(f"{len(failed_posts)} failed POSTs, more than the requests in flight")
        print(f"requests lost with the killed instance: {len(failed_posts)} POSTs in flight")
        active = names[: min(n_reviewers, len(names))]
        problems += load.check_database(shared, plan, stats, active)
        problems += check_certificates(env, decision_id, args.awards, wait=120)
        problems += check_dashboard(env, [ports["a"], ports["b"]])
        if any(t.is_alive() for t in threads):
            problems.append("some simulated users did not stop")
    finally:
        for process in reversed(processes):
            process.kill(signal.SIGTERM)
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        print(f"logs: {folder}")
        return 1
    print(f"OK: scale-out rehearsal passed in {time.monotonic() - started:.0f} s")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
