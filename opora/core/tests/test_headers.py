"""Headers for production: a strict Content-Security-Policy on every page, no inline script
in any template, HSTS and HTTPS redirect with SECURE_COOKIES, and `check --deploy` with the
README's production variables passes with no warning."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management.utils import get_random_secret_key
from django.http import HttpResponse
from django.test import RequestFactory

from opora.core.web import attachment

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [p for p in (ROOT / "opora").glob("*/templates") if p.is_dir()]


def policy(response: HttpResponse) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.parametrize("persona", ["coordinator", "anonymous"])
def test_pages_carry_a_strict_policy(world, persona):
    response = world.client(persona).get("/" if persona != "anonymous" else "/accounts/login/")
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, so no nonce is issued
    assert "unsafe" not in directives["script-src"] and "unsafe" not in directives["style-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_api_docs_page_runs_no_inline_script(world):
    client = world.client("coordinator")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    assert not inline_scripts(html)
    script = re.search(r'<script src="(/api/docs/\?[^"]*script=[^"]*)"', html)
    assert script, html
    js = client.get(script.group(1).replace("&amp;", "&"))
    assert js.status_code == 200 and "SwaggerUIBundle" in js.content.decode()
    assert policy(page)["script-src"] == "'self'"


def test_a_stored_file_keeps_its_sandbox_policy():
    from csp.middleware import CSPMiddleware

    def download(request):
        return attachment(ContentFile(b"<script>alert(1)</script>", name="x.html"), "x.html")

    response = CSPMiddleware(download)(RequestFactory().get("/"))
    assert response["Content-Security-Policy"] == "sandbox"


def inline_scripts(html: str) -> list[str]:
    """<script> tags without src and without a nonce."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html, flags=re.IGNORECASE)
        if "src=" not in tag and "nonce=" not in tag
    ]


def without_comments(text: str) -> str:
    text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.DOTALL)
    return re.sub(r"{#.*?#}", "", text)


def test_no_template_has_inline_script_or_event_handlers():
    problems = []
    for directory in TEMPLATE_DIRS:
        for template in directory.rglob("*.html"):
            text = without_comments(template.read_text(encoding="utf-8"))
            name = template.relative_to(ROOT)
            problems += [f"{name}: {tag}" for tag in inline_scripts(text)]
            problems += [
                f"{name}: {m.group(0)}"
                for m in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text, flags=re.IGNORECASE)
            ]
            problems += [f"{name}: javascript: URL" for _ in re.finditer(r"javascript:", text)]
            problems += [f"{name}: <style> element" for _ in re.finditer(r"<style\b", text)]
    assert not problems, "\n".join(problems)


def readme_production_environment(tmp_path: Path) -> dict[str, str]:
    """The variables the README's «Production» section exports, with a real secret key and
    writable folders instead of its placeholders."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production", 1)[1]
    command = re.search(r"^export (.+?)(?<!\\)$", section, flags=re.MULTILINE | re.DOTALL)
    assert command, "the README's production section exports its variables"
    words = shlex.split(command.group(1).replace("\\\n", " "))
    variables = dict(word.split("=", 1) for word in words)
    assert variables["SECRET_KEY"] == "…" and variables["SECURE_COOKIES"] == "true"
    variables["SECRET_KEY"] = get_random_secret_key()
    variables["MEDIA_ROOT"] = str(tmp_path / "media")
    variables["OPORA_VAR_DIR"] = str(tmp_path / "var")
    return variables


def opora(args: list[str], variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **variables,
    }
    return subprocess.run(
        [sys.executable, "-m", "opora.cli", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_the_readme_production_variables(tmp_path):
    variables = readme_production_environment(tmp_path)
    result = opora(["check", "--deploy", "--fail-level", "WARNING"], variables)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout

    shown = opora(
        [
            "shell",
            "-c",
            "import json; from django.conf import settings as s; print(json.dumps({k: "
            "getattr(s, k) for k in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
            "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_PROXY_SSL_HEADER', "
            "'OPORA_TRUSTED_PROXIES')}))",
        ],
        variables,
    )
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout.strip().splitlines()[-1])
    assert values == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "OPORA_TRUSTED_PROXIES": 1,
    }


def test_without_secure_cookies_plain_http_still_works(tmp_path):
    """Development and an intranet without HTTPS: no redirect, no HSTS."""
    variables = readme_production_environment(tmp_path) | {"SECURE_COOKIES": "false"}
    shown = opora(
        [
            "shell",
            "-c",
            "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, "
            "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)",
        ],
        variables,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "False 0 False None", shown.stderr


def test_a_secret_key_beginning_with_a_dollar_is_used_as_is(tmp_path):
    """Django's key generator uses «$»; a key that begins with it is a key, not a reference
    to another variable (the production process must not fall back to the development key)."""
    variables = readme_production_environment(tmp_path) | {"SECRET_KEY": "$" + "k" * 60}
    shown = opora(
        ["shell", "-c", "from django.conf import settings as s; print(s.SECRET_KEY)"], variables
    )
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip().splitlines()[-1] == "$" + "k" * 60
