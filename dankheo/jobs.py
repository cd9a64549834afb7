"""Background jobs (huey): the queue of each application, the registry through which
features register their job bodies, waiting for a result, the time limit of a render,
and the worker's start (warm-up in each worker process, crash recovery once).

This module knows no feature. A feature registers its bodies in its own ``jobs.py``
(the only feature modules that commit: they run outside any request)::

    @jobs.job("issue_certificates", retries=2, retry_delay=5)
    def issue_certificates(decision_id, certificate_ids): ...

and create_app imports those modules before a request or a worker needs them. Periodic
bodies (huey periodic tasks, run by the consumer's scheduler; no cron scripts) register
the same way with a crontab in UTC::

    @jobs.periodic("deliver_mail", minute="*")
    def deliver_mail(): ...

HUEY_BACKEND selects the queue: "sqlite" (embedded, HUEY_SQLITE_PATH; the default),
"redis" (HUEY_REDIS_URL) or "immediate" (in-process, for tests). The instance is built
lazily per application (create_app does no I/O) and the consumer is started by
``flask --app dankheo certificates worker`` (``make worker``; ``make run`` starts it)."""

import ctypes
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app, has_app_context
from flask.cli import with_appcontext
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.exceptions import HueyException, TaskException

from dankheo.extensions import db

DEFAULT_TIMEOUT = 60  # seconds a request waits for a job's result from the worker


@dataclass(frozen=True)
class Job:
    """A job body and how huey retries it."""

    name: str
    body: Callable
    retries: int = 0
    retry_delay: int = 0


@dataclass(frozen=True)
class Periodic:
    """A body the consumer runs on a schedule (crontab fields, evaluated in UTC)."""

    name: str
    body: Callable
    schedule: tuple[tuple[str, str], ...]


_registry: dict[str, Job] = {}
_periodic: dict[str, Periodic] = {}
_warm_ups: list[Callable[[], None]] = []
_recoveries: list[Callable[[], str]] = []


def job(name: str, *, retries: int = 0, retry_delay: int = 0):
    """Register the decorated function as the body of the job ``name``. Bodies run
    inside the application's context and must be idempotent: a job may run twice."""

    def register(body: Callable) -> Callable:
        known = _registry.get(name)
        if known is not None and known.body is not body:
            raise ValueError(f"job {name!r} is already registered")
        _registry[name] = Job(name, body, retries, retry_delay)
        return body

    return register


def periodic(name: str, **schedule: str):
    """Register the decorated function as a periodic job: the consumer runs it when the
    crontab ``schedule`` (minute, hour, day, month, day_of_week; UTC) matches. Bodies
    must be idempotent and safe to run late or twice: a consumer that was down misses
    runs, and two consumers both run them."""

    def register(body: Callable) -> Callable:
        known = _periodic.get(name)
        if known is not None and known.body is not body:
            raise ValueError(f"periodic job {name!r} is already registered")
        _periodic[name] = Periodic(name, body, tuple(sorted(schedule.items())))
        return body

    return register


def periodic_jobs() -> dict[str, Periodic]:
    """The registered periodic jobs by name (the worker's console and tests list them)."""
    return dict(_periodic)


def on_worker_start(hook: Callable[[], None]) -> Callable[[], None]:
    """Run ``hook`` in each worker process as it starts (in the app context): work done
    once there (a parsed stylesheet, fonts) is not paid by the first job."""
    _warm_ups.append(hook)
    return hook


def on_consumer_start(hook: Callable[[], str]) -> Callable[[], str]:
    """Run ``hook`` once when the consumer starts, before any worker takes a job: crash
    recovery (a job taken by a worker that was then killed is gone from the queue; its
    rows are not). It returns a line for the console, or ""."""
    _recoveries.append(hook)
    return hook


# --- the queue of an application ------------------------------------------------------


def get_huey(app: Flask | None = None) -> Huey:
    app = app or current_app._get_current_object()
    huey = app.extensions.get("dankheo_huey")
    if huey is None:
        huey = app.extensions["dankheo_huey"] = _build(app)
    return huey


def _build(app: Flask) -> Huey:
    backend = app.config.get("HUEY_BACKEND", "sqlite")
    if backend == "immediate":
        huey = MemoryHuey("dankheo", immediate=True)
    elif backend == "redis":
        huey = RedisHuey("dankheo", url=app.config["HUEY_REDIS_URL"])
    elif backend == "sqlite":
        Path(app.config["HUEY_SQLITE_PATH"]).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("dankheo", filename=app.config["HUEY_SQLITE_PATH"])
    else:
        raise ValueError(f"unknown HUEY_BACKEND {backend!r}")

    huey.dankheo_tasks = {
        spec.name: huey.task(retries=spec.retries, retry_delay=spec.retry_delay, name=spec.name)(
            _in_app(app, spec.body)
        )
        for spec in _registry.values()
    }
    for spec in _periodic.values():
        huey.dankheo_tasks[spec.name] = huey.periodic_task(
            crontab(**dict(spec.schedule)), name=spec.name
        )(_in_app(app, spec.body))

    @huey.on_startup()
    def _warm_up():
        _die_with_consumer()
        # Each worker process gets its own database connections, and whatever the
        # features prepare once (fork-inherited ones are not reused).
        with app.app_context():
            db.engine.dispose(close=False)
            for hook in _warm_ups:
                hook()

    return huey


def _in_app(app: Flask, body: Callable) -> Callable:
    """Run ``body`` inside ``app``'s context (the consumer has none of its own)."""

    def run(*args):
        if has_app_context() and current_app._get_current_object() is app:
            return body(*args)
        with app.app_context():
            try:
                return body(*args)
            finally:
                db.session.remove()

    run.__name__ = body.__name__
    return run


def _die_with_consumer() -> None:
    """A worker process outlives a consumer killed with SIGKILL unless told otherwise;
    an orphan would go on taking jobs. Dying mid-render is safe: jobs are idempotent."""
    if multiprocessing.parent_process() is None or not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


# --- what requests call ---------------------------------------------------------------


class JobFailed(Exception):
    """A worker job failed, or no worker answered in time."""


def enqueue(name: str, *args):
    """Queue the job ``name``; with the immediate backend it runs here and now."""
    return get_huey().dankheo_tasks[name](*args)


def wait_for(name: str, *args, timeout: int = DEFAULT_TIMEOUT):
    """Run a job on the worker and wait for its result; JobFailed when the job raised
    (huey's TaskException) or no worker answered within ``timeout`` (ResultTimeout)."""
    try:
        result = enqueue(name, *args)
        if result is None:
            return None
        return result.get(blocking=True, timeout=timeout, preserve=False)
    except (HueyException, TaskException) as err:
        raise JobFailed(name) from err


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread after ``seconds`` (worker processes run
    jobs in their main thread; elsewhere the limit is not enforced)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum, _frame):
        raise TimeoutError(f"rendering took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- the worker -----------------------------------------------------------------------


def run_worker(app: Flask, workers: int) -> None:
    """Recover unfinished work, then run the consumer with ``workers`` processes."""
    huey = get_huey(app)
    for recover in _recoveries:
        line = recover()
        if line:
            click.echo(line)
    db.session.remove()
    db.engine.dispose()  # the worker processes open their own connections
    huey.create_consumer(workers=workers, worker_type="process").run()


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker processes")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run the background worker (huey consumer) that renders certificates."""
    run_worker(current_app._get_current_object(), workers)
