"""Browser journeys: a live server on a free loopback port, Debian's Chromium driven by
Playwright, and a checker that screenshots, runs axe-core and collects every page for the
Nu HTML checker (vnu).

These tests run only under ``make test-e2e`` (which sets DANKHEO_E2E=1 and installs
Chromium, Java and the npm tools); ``make test`` skips the folder so it stays fast.
Playwright never downloads a browser here: it launches /usr/bin/chromium.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("DANKHEO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DEMO_PASSWORD = "dankheo-demo"

if not os.environ.get("DANKHEO_E2E"):
    # `make test` collects tests/ as a whole: leave the browser tests to `make test-e2e`.
    collect_ignore_glob = ["test_*.py"]


# --- the live server ------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    app: object
    instance: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The application on a free loopback port, with a fresh instance folder (SQLite)
    loaded with the demo data, served by Werkzeug in a thread, and the certificate
    worker (huey consumer) in a subprocess on the same instance, as in production."""
    from werkzeug.serving import make_server

    instance = tmp_path_factory.mktemp("instance")
    env = {
        "DANKHEO_INSTANCE_PATH": str(instance),
        "DANKHEO_SECRET_KEY": "e2e-secret",
        "DANKHEO_HUEY_BACKEND": "sqlite",
        "DANKHEO_ARGON2_TIME_COST": "1",
        "DANKHEO_ARGON2_MEMORY_COST": "8192",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    os.environ.pop("DANKHEO_SQLALCHEMY_DATABASE_URI", None)

    from dankheo import create_app
    from dankheo.demo import seed_demo
    from dankheo.extensions import db

    app = create_app()
    with app.app_context():
        db.create_all()
        for _line in seed_demo():
            pass
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.socket.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    app.config["PUBLIC_BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker_log = open(instance / "worker.log", "w")  # noqa: SIM115 (closed at teardown)
    worker = subprocess.Popen(  # noqa: S603 (our own flask command)
        [
            str(Path(sys.executable).with_name("flask")),
            "--app",
            "dankheo",
            "certificates",
            "worker",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env={**os.environ, "DANKHEO_PUBLIC_BASE_URL": base},
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    yield LiveServer(url=base, app=app, instance=instance)
    os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    worker_log.close()
    server.shutdown()
    thread.join(timeout=5)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# --- the browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `make test-e2e` (installs Debian's chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


# --- checking every page ----------------------------------------------------------------

# A phone's viewport (the narrowest the pages are checked at).
PHONE = {"width": 390, "height": 844}

# axe-core impacts that fail the journey.
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class PageChecker:
    """Call ``check(page, name)`` after each step: it saves a screenshot, runs axe-core
    (no serious or critical violation), records CSP violations and JavaScript errors
    reported by the browser, and keeps the page's HTML as served for vnu."""

    out: Path
    problems: list[str] = field(default_factory=list)
    html_files: list[Path] = field(default_factory=list)
    step: int = 0

    def watch(self, page) -> None:
        def on_console(msg):
            text = msg.text
            if msg.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
                self.problems.append(f"CSP violation on {page.url}: {text}")

        page.on("console", on_console)
        page.on("pageerror", lambda err: self.problems.append(f"JS error on {page.url}: {err}"))

    def check(
        self, page, name: str, *, axe: bool = True, html: bool = True, phone: bool = True
    ) -> None:
        self.step += 1
        slug = f"{self.step:02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}"
        page.screenshot(path=str(self.out / f"{slug}.png"), full_page=True)
        if axe:
            self._axe(page, slug)
        if phone:
            self._no_sideways_scroll(page, slug)
        if html:
            response = page.request.get(page.url)
            if "text/html" in response.headers.get("content-type", ""):
                path = self.out / "html" / f"{slug}.html"
                path.write_text(response.text(), encoding="utf-8")
                self.html_files.append(path)

    def _no_sideways_scroll(self, page, slug: str) -> None:
        """At the page's own width and at a phone's (390 px) the page must not scroll
        sideways: the document is no wider than the viewport (tables become cards or keep
        essential columns)."""
        size = page.viewport_size or {"width": 1280, "height": 720}
        for viewport in (size, PHONE):  # the page's own width, then a phone's
            page.set_viewport_size(viewport)
            self._overflow(page, slug, viewport["width"])
        page.set_viewport_size(size)

    def _overflow(self, page, slug: str, width: int) -> None:
        widths = page.evaluate(
            "() => ({scroll: document.documentElement.scrollWidth, view: window.innerWidth})"
        )
        if widths["scroll"] <= widths["view"]:
            return
        culprits = page.evaluate(
            """() => Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                     + (e.className && e.className.baseVal === undefined
                        ? '.' + String(e.className).trim().replace(/\\s+/g, '.') : ''))"""
        )
        page.screenshot(path=str(self.out / f"{slug}.{width}px.png"), full_page=True)
        self.problems.append(
            f"sideways scroll at {width} px on {page.url} ({slug}): scrollWidth "
            f"{widths['scroll']} > {widths['view']}; widest: {culprits}"
        )

    def _axe(self, page, slug: str) -> None:
        # Evaluated through the DevTools protocol, which the page's CSP does not govern,
        # so the CSP stays enforced for everything the application itself loads.
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;0")
        result = page.evaluate(
            """async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
            }"""
        )
        (self.out / f"{slug}.axe.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        for violation in result:
            if violation["impact"] in BLOCKING_IMPACTS:
                self.problems.append(
                    f"axe {violation['impact']} on {page.url} ({slug}): {violation['id']} – "
                    f"{violation['help']} at {violation['nodes']}"
                )

    def vnu_errors(self) -> list[str]:
        """Validate every collected page with the Nu HTML checker in one JVM run."""
        if not self.html_files:
            return []
        java = shutil.which("java")
        if java is None:
            return ["java not found: run `make test-e2e` (installs default-jre-headless)"]
        if not VNU_JAR.exists():
            return [f"{VNU_JAR} not found: run `make test-e2e` (npm ci)"]
        proc = subprocess.run(  # noqa: S603 (fixed argv: java, our jar, our files)
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only"]
            + [str(p) for p in self.html_files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        report = json.loads(proc.stdout or '{"messages": []}')
        (self.out / "vnu.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        return [
            f"vnu {Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')} "
            f"[{m.get('extract', '').strip()[:80]}]"
            for m in report.get("messages", [])
            if m.get("type") == "error"
        ]


@pytest.fixture
def checker(request):
    out = ARTIFACTS / request.node.name
    shutil.rmtree(out, ignore_errors=True)
    (out / "html").mkdir(parents=True)
    return PageChecker(out=out)


# --- signing in -----------------------------------------------------------------------


def sign_in(page, username: str, checker: PageChecker | None = None) -> None:
    page.goto("/auth/login")
    if checker is not None:
        checker.check(page, f"login {username}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert "Đăng nhập thành công" in page.content(), f"{username} could not sign in"


def sign_out(page) -> None:
    page.context.clear_cookies()
