"""Bounded load test: simulated users score and browse against gunicorn on loopback.

    .venv/bin/python bench/load.py [--users 50] [--duration 60]   (or: make test-load)

What it does, and nothing more (it never leaves 127.0.0.1 and stops by itself):

1. builds a fresh instance folder (SQLite, WAL) with the demo data plus a campaign in
   review: ``--reviewers`` committee members, ``--nominations`` nominations, three
   reviewers on each;
2. starts gunicorn (``wsgi:app``, 2 workers × 4 threads) on a free loopback port;
3. runs ``--users`` simulated users for ``--duration`` seconds: reviewers sign in, open
   their queue and each scorecard, save a draft and submit it — two sessions per reviewer
   account, racing on the same scorecards as a reviewer with two tabs would; the others
   browse the public pages and the open-data API;
4. stops gunicorn and checks the database: every scorecard whose submission the server
   confirmed is stored and submitted (none lost), no assignment has two scorecards and no
   scorecard scores a criterion twice (none duplicated), all assignments got scored.

Exits non-zero on any 5xx answer, any lost or duplicated scorecard, or a failed check.
"""

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
PASSWORD = "dankheo-demo"  # noqa: S105 (the published demo password)


# --- preparing the instance -------------------------------------------------------------


def prepare(instance: Path, n_reviewers: int, n_nominations: int) -> dict:
    """Create the schema, the demo data and a campaign in review. Returns what the
    simulated users need: reviewer usernames → their assignment ids, browse URLs."""
    os.environ["DANKHEO_INSTANCE_PATH"] = str(instance)
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.auth.services import add_membership, create_user
    from dankheo.demo import seed_demo
    from dankheo.demo.units import CODES
    from dankheo.extensions import db
    from dankheo.models import (
        Assignment,
        Committee,
        NominationState,
        Reviewer,
        Role,
        Unit,
    )
    from dankheo.models.units import COMMUNE_LEVEL_KINDS
    from tests.factories import make_campaign, make_initiative, make_nomination

    app = create_app()
    with app.app_context():
        db.create_all()
        for _line in seed_demo():
            pass
        db.session.commit()
        units = list(db.session.scalars(sa.select(Unit).order_by(Unit.path)))
        # The demo's old Ban Dân vận (its 2024 round); the communes of the two old provinces
        # (the records of 2024 sit on them).
        organiser = next(u for u in units if u.code == CODES["old_board"])
        communes = [u for u in units if u.kind in COMMUNE_LEVEL_KINDS and u.valid_to is not None]
        campaign = make_campaign(organiser, year=2024, name="Đợt thi đua kiểm thử tải")
        committee = Committee(campaign=campaign, name="Hội đồng kiểm thử tải")
        db.session.add(committee)
        reviewers = []
        for i in range(n_reviewers):
            unit = units[i % len(units)]
            user = create_user(f"tai{i:02d}", f"Thành viên tải {i:02d}", PASSWORD)
            add_membership(user, unit, Role.REVIEWER)
            reviewer = Reviewer(committee=committee, user=user, unit=unit)
            db.session.add(reviewer)
            reviewers.append(reviewer)
        db.session.flush()
        assignments: dict[str, list[int]] = defaultdict(list)
        for n in range(n_nominations):
            unit = communes[n % len(communes)]
            initiative = make_initiative(unit, f"Mô hình tải số {n + 1} – Dân vận khéo")
            nomination = make_nomination(
                campaign, unit, initiative=initiative, state=NominationState.IN_REVIEW
            )
            for k in range(3):
                reviewer = reviewers[(n * 3 + k) % n_reviewers]
                assignment = Assignment(nomination=nomination, reviewer=reviewer)
                db.session.add(assignment)
                db.session.flush()
                assignments[reviewer.user.username].append(assignment.id)
        db.session.commit()
        browse = ["/", "/auth/login", "/healthz"]
        candidates = {
            "public.gallery": "/gallery",
            "api.initiatives": "/api/v1/initiatives?q=dan+van&page=1",
            "api.openapi_json": "/api/v1/openapi.json",
        }
        for endpoint, url in candidates.items():
            if endpoint in app.view_functions:
                browse.append(url)
        with app.test_request_context():
            from flask import url_for

            if "public.gallery" in app.view_functions:
                browse[browse.index("/gallery")] = url_for("public.gallery")
        criteria = len(campaign.criteria)
    return {"assignments": dict(assignments), "browse": browse, "criteria": criteria}


# --- the server -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_trouble(log_path: Path) -> tuple[list[str], list[str]]:
    """(workers that died of a signal, the log's lines other than request and routine
    INFO lines: warnings, errors and faulthandler's stacks of a native fault)."""
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return [], []
    crashes = [f"worker died: {line}" for line in lines if "was sent SIG" in line]
    trouble = [line for line in lines if "[INFO]" not in line]
    return crashes, trouble


def start_gunicorn(instance: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(os.environ, DANKHEO_INSTANCE_PATH=str(instance), PYTHONFAULTHANDLER="1")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(instance / "gunicorn.log", "w")  # noqa: SIM115 (lives as long as the server)
    proc = subprocess.Popen(
        [
            str(gunicorn),
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--timeout",
            "60",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited early; see {instance / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 30 s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


# --- simulated users ----------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.codes: Counter = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.submitted: set[int] = set()  # assignment ids whose submission was confirmed

    def add(self, method: str, path: str, code: int, seconds: float) -> None:
        with self.lock:
            self.codes[code] += 1
            self.latencies.append(seconds)
            if code >= 500:
                self.errors.append(f"{code} {method} {path}")


class Session:
    def __init__(self, base: str, stats: Stats):
        self.base = base
        self.stats = stats
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, method=method)  # noqa: S310
        started = time.monotonic()
        try:
            with self.opener.open(req, timeout=30) as resp:
                code, text, location = resp.status, resp.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as err:
            code = err.code
            location = err.headers.get("Location", "")
            text = err.read().decode("utf-8", "replace")
        except OSError as err:  # connection refused or reset: count it as a server failure
            code, text, location = 599, str(err), ""
        self.stats.add(method, path, code, time.monotonic() - started)
        return code, text, location

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version"[^>]*value="([^"]*)"')
POINTS = re.compile(r'name="(points_\d+)"')


def field_value(pattern: re.Pattern, html: str) -> str:
    match = pattern.search(html)
    return match.group(1) if match else ""


def sign_in(session: Session, username: str) -> bool:
    _, html, _ = session.get("/auth/login")
    code, _, location = session.post(
        "/auth/login",
        {"csrf_token": field_value(CSRF, html), "username": username, "password": PASSWORD},
    )
    return code in (302, 303) and "/auth/login" not in location


def reviewer_user(base, stats, username, assignment_ids, deadline, rng):
    session = Session(base, stats)
    if not sign_in(session, username):
        with stats.lock:
            stats.errors.append(f"{username} could not sign in")
        return
    todo = list(assignment_ids)
    rng.shuffle(todo)
    while time.monotonic() < deadline:
        session.get("/review/")
        if not todo:
            session.get(f"/review/assignments/{rng.choice(assignment_ids)}")
            time.sleep(rng.uniform(0.05, 0.3))
            continue
        assignment_id = todo[0]
        path = f"/review/assignments/{assignment_id}"
        code, html, _ = session.get(path)
        if code != 200:
            todo.pop(0)
            continue
        fields = POINTS.findall(html)
        if not fields or 'name="action"' not in html:
            todo.pop(0)  # already submitted (by this account's other session)
            continue
        data = {
            "csrf_token": field_value(CSRF, html),
            "version": field_value(VERSION, html),
            "comment": "Nhận xét chung: mô hình có sức lan tỏa.",
        }
        for name in fields:
            data[name] = str(rng.randint(0, 10))
        action = "submit" if rng.random() < 0.7 else "save"
        code, _, _ = session.post(path, dict(data, action=action))
        if code in (302, 303) and action == "submit":
            # Confirmed? The scorecard page now says so (a race may have been lost).
            _, after, _ = session.get(path)
            if ">Đã nộp " in after:  # the "submitted on …" badge of a locked card
                with stats.lock:
                    stats.submitted.add(assignment_id)
                todo.pop(0)
        time.sleep(rng.uniform(0.0, 0.1))


def browsing_user(base, stats, urls, deadline, rng):
    session = Session(base, stats)
    while time.monotonic() < deadline:
        session.get(rng.choice(urls))
        time.sleep(rng.uniform(0.0, 0.2))


# --- checking the database afterwards -----------------------------------------------------


def check_database(instance: Path, plan: dict, stats: Stats, active: list[str]) -> list[str]:
    import sqlalchemy as sa

    from dankheo import create_app
    from dankheo.extensions import db
    from dankheo.models import Score, Scorecard

    problems = []
    # Only the load campaign's assignments: the demo data has scorecards of its own.
    ids = sorted({a for assigned in plan["assignments"].values() for a in assigned})
    app = create_app()
    with app.app_context():
        mine = Scorecard.assignment_id.in_(ids)
        per_assignment = db.session.execute(
            sa.select(Scorecard.assignment_id, sa.func.count())
            .where(mine)
            .group_by(Scorecard.assignment_id)
            .having(sa.func.count() > 1)
        ).all()
        if per_assignment:
            problems.append(f"duplicated scorecards: {per_assignment[:10]}")
        duplicate_scores = db.session.execute(
            sa.select(Score.scorecard_id, Score.criterion_id, sa.func.count())
            .join(Scorecard, Scorecard.id == Score.scorecard_id)
            .where(mine)
            .group_by(Score.scorecard_id, Score.criterion_id)
            .having(sa.func.count() > 1)
        ).all()
        if duplicate_scores:
            problems.append(f"a criterion scored twice: {duplicate_scores[:10]}")
        submitted = set(
            db.session.scalars(
                sa.select(Scorecard.assignment_id).where(mine, Scorecard.submitted_at.is_not(None))
            )
        )
        lost = stats.submitted - submitted
        if lost:
            problems.append(f"confirmed submissions not stored: {sorted(lost)[:10]}")
        incomplete = db.session.execute(
            sa.select(Scorecard.id, sa.func.count(Score.id))
            .join(Score, Score.scorecard_id == Scorecard.id, isouter=True)
            .where(mine, Scorecard.submitted_at.is_not(None))
            .group_by(Scorecard.id)
            .having(sa.func.count(Score.id) != plan["criteria"])
        ).all()
        if incomplete:
            problems.append(
                f"submitted scorecards without one score per criterion: {incomplete[:10]}"
            )
        print(
            f"scorecards: {len(submitted)} submitted of {len(ids)} assignments "
            f"({len(stats.submitted)} confirmed to the users)"
        )
        # Every assignment of an account that had sessions should be scored by the end.
        expected = {a for name in active for a in plan["assignments"][name]}
        missing = expected - submitted
        if missing:
            problems.append(
                f"{len(missing)} of {len(expected)} assignments of active reviewers unscored"
            )
    return problems


# --- main -------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--reviewers", type=int, default=20, help="reviewer accounts")
    parser.add_argument("--nominations", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    args = parser.parse_args(argv)
    if not 1 <= args.users <= 200 or not 1 <= args.duration <= 600:
        parser.error("bounded: 1–200 users, 1–600 seconds")

    instance = Path(tempfile.mkdtemp(prefix="dankheo-load-"))
    # gunicorn's wsgi:app is a production entry: it refuses the demo's key and public URL.
    os.environ["DANKHEO_SECRET_KEY"] = secrets.token_hex(16)
    os.environ["DANKHEO_PUBLIC_BASE_URL"] = "https://dankheo-load-test.invalid"
    os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)  # always the instance's SQLite
    print(f"instance: {instance}")
    plan = prepare(instance, args.reviewers, args.nominations)
    port = free_port()
    server = start_gunicorn(instance, port, args.workers, args.threads)
    base = f"http://{HOST}:{port}"
    stats = Stats()
    rng = random.Random(args.seed)
    reviewer_names = sorted(plan["assignments"])
    n_reviewers = min(args.users - max(1, args.users // 5), 2 * len(reviewer_names))
    threads = []
    deadline = time.monotonic() + args.duration
    print(
        f"{args.users} users ({n_reviewers} reviewer sessions, {args.users - n_reviewers} "
        f"browsing) for {args.duration:.0f} s against gunicorn on {base}"
    )
    started = time.monotonic()
    try:
        for i in range(args.users):
            user_rng = random.Random(rng.random())
            if i < n_reviewers:
                name = reviewer_names[i % len(reviewer_names)]
                target, targs = reviewer_user, (name, plan["assignments"][name])
            else:
                target, targs = browsing_user, (plan["browse"],)
            thread = threading.Thread(
                target=target, args=(base, stats, *targs, deadline, user_rng), daemon=True
            )
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join(timeout=max(1.0, deadline - time.monotonic() + 40))
    finally:
        stop_gunicorn(server)
    elapsed = time.monotonic() - started

    total = sum(stats.codes.values())
    latencies = sorted(stats.latencies) or [0.0]
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(
        f"{total} requests in {elapsed:.0f} s ({total / elapsed:.0f}/s); status codes "
        f"{dict(sorted(stats.codes.items()))}; latency median "
        f"{statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
    )
    problems = list(stats.errors[:20])
    if stats.errors:
        problems.insert(0, f"{len(stats.errors)} server errors (5xx)")
    active = reviewer_names[: min(n_reviewers, len(reviewer_names))]
    problems += check_database(instance, plan, stats, active)
    if any(t.is_alive() for t in threads):
        problems.append("some simulated users did not stop")
    crashes, trouble = server_trouble(instance / "gunicorn.log")
    problems += crashes
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        print(f"server log: {instance / 'gunicorn.log'}")
        if trouble:  # CI keeps only what is printed: the log's warnings and fault stacks
            print("server log, warnings and native faults:\n" + "\n".join(trouble[-200:]))
        return 1
    print("OK: zero 5xx, no lost or duplicated scorecards")
    if not args.keep:
        import shutil

        shutil.rmtree(instance, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
