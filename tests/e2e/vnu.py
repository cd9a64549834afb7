"""Running the Nu HTML checker (vnu) so that a checker that did not run fails.

The old check read vnu's standard output and took an empty one as "no messages": a
crashed JVM, a missing jar or a broken file list passed as valid HTML. Now:

- no JSON report on standard output, or an unreadable one, is a failure saying why
  (exit status and the end of standard error);
- a "non-document-error" (vnu could not read a file) is a failure;
- a canary page with a known error is validated with the pages: if vnu does not report
  it, vnu did not really validate, and that is a failure too.
"""

import json
import subprocess
from pathlib import Path

# Valid but for one thing vnu always reports: a head without a title.
CANARY = '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body></body></html>'
CANARY_ERROR = "title"


def run_vnu(files: list[Path], out: Path, *, java: str | None, jar: Path) -> list[str]:
    """Problems of ``files`` (HTML as served) by vnu, or why vnu could not say."""
    if not files:
        return []
    if java is None:
        return ["java not found: run `make test-e2e` (installs default-jre-headless)"]
    if not Path(jar).exists():
        return [f"{jar} not found: run `make test-e2e` (npm ci)"]
    canary = out / "vnu-canary.html"
    canary.write_text(CANARY, encoding="utf-8")
    try:
        proc = subprocess.run(  # noqa: S603 (fixed argv: java, our jar, our files)
            [java, "-jar", str(jar), "--format", "json", "--stdout", "--errors-only"]
            + [str(p) for p in [*files, canary]],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return [f"vnu did not run: {err}"]
    why = f"exit status {proc.returncode}; stderr: {proc.stderr.strip()[-500:]!r}"
    try:
        report = json.loads(proc.stdout)
        messages = report["messages"]
    except (ValueError, KeyError, TypeError):
        return [f"vnu did not run (no JSON report on standard output; {why})"]
    (out / "vnu.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), "utf-8")
    problems = []
    canary_seen = False
    for m in messages:
        name = Path(m.get("url", "")).name
        if name == canary.name:
            canary_seen = canary_seen or (
                m.get("type") == "error" and CANARY_ERROR in m.get("message", "")
            )
            continue
        if m.get("type") == "non-document-error":
            problems.append(f"vnu could not check {name}: {m.get('message')}")
        elif m.get("type") == "error":
            problems.append(
                f"vnu {name}:{m.get('lastLine', '?')}: {m.get('message')} "
                f"[{m.get('extract', '').strip()[:80]}]"
            )
    if not canary_seen:
        problems.append(f"vnu did not report the canary page's error: it did not validate ({why})")
    return problems
