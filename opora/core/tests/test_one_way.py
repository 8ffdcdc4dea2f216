"""The one way to do each thing (docs/architecture.md, «One way to do each thing»), checked
on the source: the layers, protected fetches, service errors on forms, dates."""

from __future__ import annotations

import ast
import re
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
# The public site's pages (opora/public/views.py) obey the same scan; their selectors
# (opora/public/selectors.py) are the one exception to «through core.access» by design: no
# user, only published rows, 404 for the rest (see that module's docstring).


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


# --- A service's refusal goes onto the form, or into messages ------------------------------


def _refusal_problems(tree: ast.AST) -> list[tuple[int, str]]:
    """Inside `except ValidationError` blocks: no hand-made `add_error` or `messages.error`
    (the helpers are `core.web.errors_to_form` and `core.web.errors_to_messages`)."""
    problems = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ExceptHandler) or node.type is None:
            continue
        if "ValidationError" not in ast.unparse(node.type):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute):
                call = ast.unparse(inner.func)
                if inner.func.attr == "add_error" or call == "messages.error":
                    problems.append((inner.lineno, call))
    return problems


def test_refusals_reach_the_user_one_way() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _thin_modules()
        for line, what in _refusal_problems(ast.parse(path.read_text()))
    ]
    assert not problems, "\n".join(problems)
    old = """
try:
    save()
except ValidationError as exc:
    for message in exc.messages:
        form.add_error(None, message)
    messages.error(request, " ".join(exc.messages))
"""
    assert {what for _l, what in _refusal_problems(ast.parse(old))} == {
        "form.add_error",
        "messages.error",
    }


# --- Dates come from opora.core.dates ------------------------------------------------------

DATE_IDIOMS = {
    # The server's date (UTC near midnight) or the local one by another road: dates.today().
    r"\bdate\.today\b": "date.today",
    r"\blocaldate\(\)": "timezone.localdate()",
    # «Which academic year is this date in», written by hand: dates.academic_year_of().
    r"\.month\s*(>=|<)\s*9\b|\(\s*month\s*<\s*9\s*\)": "a September rule",
    # «2024/25» formatted by hand: dates.academic_year_label() / the academic_year filter.
    r"%\s*100\s*:02d|%\s*100\}": "a «2024/25» label",
}


def date_problems(text: str) -> list[str]:
    return [what for pattern, what in DATE_IDIOMS.items() if re.search(pattern, text)]


def test_dates_one_way() -> None:
    problems = []
    for path in sorted((ROOT / "opora").rglob("*")):
        if path.suffix not in (".py", ".html") or path.name == "dates.py":
            continue
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for what in date_problems(line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {what}")
    assert not problems, "\n".join(problems)
    old = [
        "today = datetime.date.today()",
        "day = timezone.localdate()",
        "return day.year if day.month >= 9 else day.year - 1",
        'return f"{y}/{(y + 1) % 100:02d}"',
        "held = datetime.date(year + (month < 9), month, day)",
    ]
    assert [date_problems(line) for line in old] == [
        ["date.today"],
        ["timezone.localdate()"],
        ["a September rule"],
        ["a «2024/25» label"],
        ["a September rule"],
    ]


# --- One pager --------------------------------------------------------------------------------


def test_the_pager_keeps_the_filters_and_is_the_tables_pager() -> None:
    """Every paged list and table shows includes/pager.html, whose links keep the query
    string: the second page of overdue items is still the «soon» tab of one programme (the
    old pager linked to «?page=2» and dropped them)."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/roadmaps/execution/", {"tab": "soon", "programme": "7"})
    request.user = AnonymousUser()
    page = Paginator(list(range(250)), 100).get_page(1)
    html = render_to_string("includes/pager.html", {"page": page}, request=request)
    assert 'href="?tab=soon&amp;programme=7&amp;page=2"' in html
    assert "Стр. 1 из 3" in html
    tables = ROOT / "opora/core/templates/django_tables2/bootstrap5-responsive.html"
    assert '{% include "includes/pager.html"' in tables.read_text()
    templates = [p for p in (ROOT / "opora").rglob("*.html") if "django_tables2" not in p.parts]
    own_markup = [
        str(p.relative_to(ROOT))
        for p in templates
        if 'class="pagination' in p.read_text() and p.name != "pager.html"
    ]
    assert not own_markup, own_markup
