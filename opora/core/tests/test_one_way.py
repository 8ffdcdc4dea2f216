"""The one way to do each thing (docs/architecture.md, «One way to do each thing»), checked
on the source: the layers, protected fetches, service errors on forms, dates."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_layers_hold() -> None:
    """import-linter's layers contract (pyproject.toml): the core imports no app, and each
    app imports only the layers below it."""
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- Protected objects are fetched through selectors ---------------------------------------

# Modules that must stay thin: pages, the API, the respondents' pages, commands. Job handlers
# (functions decorated with @job_handler) are checked wherever they live.
THIN_MODULES = ("views.py", "api.py", "public.py")
FORBIDDEN_CALLS = {"restrict", "get_for_user", "get_object_or_404", "get_list_or_404"}
# Unprotected reference data a thin module may read directly. Empty on purpose: every read
# so far has a selector; add a model here only with a comment saying why it is public.
REFERENCE_MODELS: set[str] = set()


def _thin_modules() -> list[Path]:
    opora = ROOT / "opora"
    found = [
        path
        for path in opora.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and (path.name in THIN_MODULES or "commands" in path.parent.parts[-1:])
    ]
    return sorted(found)


def _job_handlers(tree: ast.AST) -> list[ast.FunctionDef]:
    handlers = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                name = getattr(call, "id", getattr(call, "attr", ""))
                if name == "job_handler":
                    handlers.append(node)
    return handlers


def _fetch_problems(tree: ast.AST) -> list[tuple[int, str]]:
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in FORBIDDEN_CALLS:
                problems.append((node.lineno, f"{name}()"))
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "_default_manager"):
            owner = ast.unparse(node.value)
            if owner not in REFERENCE_MODELS:
                problems.append((node.lineno, f"{owner}.{node.attr}"))
    return problems


def test_thin_modules_fetch_through_selectors() -> None:
    """Views, API viewsets, commands and job handlers never scope or fetch protected rows
    themselves: they call the app's `<entity>_get(user, pk, action)` / `<entity>_list(user,
    …)` selectors (docs/architecture.md, «One way to do each thing»)."""
    problems = []
    for path in _thin_modules():
        for line, what in _fetch_problems(ast.parse(path.read_text())):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    for path in sorted((ROOT / "opora").rglob("*.py")):
        if "tests" in path.parts or path in _thin_modules():
            continue
        tree = ast.parse(path.read_text())
        for handler in _job_handlers(tree):
            for line, what in _fetch_problems(handler):
                problems.append(f"{path.relative_to(ROOT)}:{line} (job handler): {what}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_what_it_forbids() -> None:
    """The scan above can fail: each forbidden idiom of the old views is found."""
    source = """
@job_handler("x")
def handler(job, reporter):
    return Run.objects.get(pk=job.params["id"])

def view(request, pk):
    a = get_object_or_404(Activity, roadmap=roadmap, pk=pk)
    b = get_for_user(Roadmap.objects.all(), request.user, pk)
    c = restrict(Roadmap.objects.filter(school=school), request.user)
    d = model._default_manager.all()
"""
    tree = ast.parse(source)
    found = {what for _line, what in _fetch_problems(tree)}
    assert found == {
        "Run.objects",
        "get_object_or_404()",
        "get_for_user()",
        "Roadmap.objects",
        "restrict()",
        "model._default_manager",
    }
    assert [h.name for h in _job_handlers(tree)] == ["handler"]
