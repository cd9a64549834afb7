"""Checks that can fail (issue 14, finding 10): the browser journeys' HTML check treated a
crashed vnu as "no messages". tests/e2e/vnu.py now fails when the checker does not run,
does not read a file, or does not report the known error of its canary page. Proven
here with stand-ins for ``java`` (the real vnu runs under `make test-e2e`)."""

import json
import stat
from pathlib import Path

import pytest

from tests.e2e.vnu import CANARY_ERROR, run_vnu


def _fake_java(tmp_path: Path, script: str) -> str:
    path = tmp_path / "java"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


@pytest.fixture
def setting(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html lang=vi><title>x</title></html>", encoding="utf-8")
    jar = tmp_path / "vnu.jar"
    jar.write_bytes(b"")
    return tmp_path, [page], jar


def _report(*messages) -> str:
    return json.dumps({"messages": list(messages)}).replace("'", "'\\''")


CANARY = {"url": "file:/x/vnu-canary.html", "type": "error", "message": f"no {CANARY_ERROR}"}


def test_a_crashed_checker_fails(setting):
    out, files, jar = setting
    java = _fake_java(out, "echo 'Error: Unable to access jarfile' >&2\nexit 1\n")
    problems = run_vnu(files, out, java=java, jar=jar)
    assert problems and "did not run" in problems[0] and "Unable to access jarfile" in problems[0]


def test_a_checker_that_says_nothing_fails(setting):
    out, files, jar = setting
    problems = run_vnu(files, out, java=_fake_java(out, "exit 0\n"), jar=jar)
    assert problems and "did not run" in problems[0]


def test_a_checker_that_skipped_the_files_fails(setting):
    """Valid JSON with no messages at all: the canary's error is missing."""
    out, files, jar = setting
    java = _fake_java(out, f"echo '{_report()}'\nexit 0\n")
    problems = run_vnu(files, out, java=java, jar=jar)
    assert problems and "canary" in problems[0]


def test_an_unreadable_file_fails(setting):
    out, files, jar = setting
    unreadable = {"url": "file:/x/page.html", "type": "non-document-error", "message": "IO"}
    java = _fake_java(out, f"echo '{_report(CANARY, unreadable)}'\nexit 1\n")
    assert any("could not check page.html" in p for p in run_vnu(files, out, java=java, jar=jar))


def test_errors_in_pages_are_reported_and_the_canary_is_not(setting):
    out, files, jar = setting
    error = {"url": "file:/x/page.html", "type": "error", "message": "Stray end tag", "lastLine": 3}
    java = _fake_java(out, f"echo '{_report(CANARY, error)}'\nexit 1\n")
    problems = run_vnu(files, out, java=java, jar=jar)
    assert problems == ["vnu page.html:3: Stray end tag []"]


def test_a_checker_that_ran_and_found_nothing_passes(setting):
    out, files, jar = setting
    java = _fake_java(out, f"echo '{_report(CANARY)}'\nexit 1\n")
    assert run_vnu(files, out, java=java, jar=jar) == []


def test_no_java_fails(setting):
    out, files, jar = setting
    assert run_vnu(files, out, java=None, jar=jar)
