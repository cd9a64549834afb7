"""The house's shape, checked: layers (import-linter), no import cycle, views of one
feature never imported by another, modules of at most 500 lines, no commit in a view."""

import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dankheo"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
FEATURES = {
    "admin", "api", "auth", "campaigns", "certificates", "main", "nominations",
    "notifications", "public", "registry", "reports", "review", "units",
}  # fmt: skip
MAX_LINES = 500


@cache
def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("dankheo", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph.modules:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycle_between_modules():
    assert _cycles(_graph()) == []


def test_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for name in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(name)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def _feature(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in FEATURES else None


def _is_view(module: str) -> bool:
    return any(part == "views" or part.endswith("_views") for part in module.split(".")[2:])


def test_features_do_not_import_each_others_views():
    graph = _graph()
    crossing = sorted(
        (importer, imported)
        for imported in graph.modules
        if _is_view(imported)
        for importer in graph.find_modules_that_directly_import(imported)
        if _feature(importer) is not None and _feature(importer) != _feature(imported)
    )
    assert crossing == []


def test_every_module_is_short():
    long = {
        str(path.relative_to(ROOT)): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_view_module_commits():
    commits = [
        str(path.relative_to(ROOT))
        for path in PACKAGE.rglob("*.py")
        if _is_view("dankheo." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        and re.search(r"\bsession\.commit\(", path.read_text(encoding="utf-8"))
    ]
    assert commits == []


def _lint_imports(package_root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own venv's lint-imports, fixed arguments)
        [str(LINT_IMPORTS), "--no-cache", str(ROOT / "setup.cfg")],
        cwd=package_root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin"},
        timeout=300,
        check=False,
    )


def test_import_contract_holds_and_fails_on_a_forbidden_import(tmp_path):
    """The layers contract passes on the code, and a model importing a view breaks it."""
    copy = tmp_path / "src"
    shutil.copytree(PACKAGE, copy / "dankheo", ignore=shutil.ignore_patterns("__pycache__"))
    kept = _lint_imports(copy)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    base = copy / "dankheo" / "models" / "base.py"
    base.write_text(base.read_text(encoding="utf-8") + "\nimport dankheo.review.views  # noqa\n")
    broken = _lint_imports(copy)
    assert broken.returncode != 0
    assert "dankheo.models.base -> dankheo.review.views" in broken.stdout
