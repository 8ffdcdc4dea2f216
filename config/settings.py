"""Opora settings, read from environment variables.

Development defaults let `make run` work on a fresh machine with the embedded SQLite
database under ./var; production sets DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=False
(see README, "Production").
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is convenient for production hosts; it never overrides the real environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

VAR_DIR = Path(env.str("OPORA_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
# The development key is only accepted while DEBUG is on: production must set its own.
_DEV_SECRET_KEY = "opora-development-key-not-for-production"
# Read as is: django-environ would take a key beginning with «$» (Django's generator makes
# one in ~1 of 50) for a reference to another variable and silently fall back to the default.
SECRET_KEY = os.environ.get("SECRET_KEY") or _DEV_SECRET_KEY
if SECRET_KEY == _DEV_SECRET_KEY and not DEBUG and not env.bool("OPORA_TESTING", default=False):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form sent from a stale page gets a Russian page saying what to do, not Django's.
CSRF_FAILURE_VIEW = "opora.core.errors.csrf_failure"

INSTALLED_APPS = [
    # First, so that its registration/*.html (login, password change) win over the admin's.
    "opora.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "treebeard",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    # The flood limits (opora.core.flood); installed for its system checks, see below.
    "django_ratelimit",
    "opora.registry",
    "opora.results",
    "opora.identification",
    "opora.roadmaps",
    "opora.staff",
    "opora.surveys",
    "opora.support",
    "opora.events",
    "opora.governance",
    "opora.monitoring",
    "opora.practices",
    "opora.public",
    "opora.evaluation",
    "opora.reports",
    "opora.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "opora.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "opora.core.middleware.AdminForSuperusersOnlyMiddleware",
    # Last, as django-axes requires: turns a lockout flagged during the request into the page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "opora.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'opora.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and IMMEDIATE transactions let the web server and the job worker share the file
    # without "database is locked" errors under ordinary load.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # Prepared statements: PostgreSQL parses and plans every query it is sent. With server-side
    # binding psycopg prepares a query once it has run five times on a connection (its
    # prepare_threshold), and on the persistent connections above the server then skips the
    # planning, which was a third of its CPU on the everyday pages (issue 17,
    # docs/benchmarks.md). Django leaves them off for the sake of transaction-mode poolers
    # (PgBouncer before 1.21): behind one, set DATABASE_PREPARED_STATEMENTS=false.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 5}
        )

# The cache counts anonymous requests per client (the flood limits of the survey links and the
# public pages, opora.core.flood) and holds the public pages. One process by
# default; production with several web processes sets a shared one, e.g.
# CACHE_URL=dbcache://opora_cache (after `opora createcachetable`) or a Redis URL.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# Routes /bench/trivial/, the floor of `opora bench load`; only the bench's server sets it.
OPORA_BENCH_TRIVIAL = env.bool("OPORA_BENCH_TRIVIAL", default=False)
# django-ratelimit's check refuses any cache but memcached and django-redis: the in-process
# default (right for one process: development, the demo, tests) and the database cache (whose
# increments are not atomic: two requests of one client at the same instant may count once,
# so the limit is a little looser, never stricter). The README's production section asks for
# a shared CACHE_URL (Redis, or the database cache); its other checks (no cache at all, a
# wrong cache name) still run.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"
# The lockout backend first: it refuses a locked-out client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "opora.core.auth.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    # FILE_STORAGE_BACKEND switches uploads to an S3-compatible store in production
    # (e.g. "storages.backends.s3.S3Storage" with django-storages installed).
    "default": {
        "BACKEND": env.str(
            "FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
        )
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="opora@localhost")

# --- The edge: client address, HTTPS, headers, login lockout -------------------------------

# The client's address (login lockout, API throttle, survey flood limit; opora.core.web.
# client_ip). 0: Opora faces the network and REMOTE_ADDR is the client. Behind N reverse
# proxies that each append to OPORA_CLIENT_IP_HEADER the address they got the request from
# (nginx: `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`), set N: the client is
# then the N-th address from the right and whatever the client wrote further left is ignored.
OPORA_TRUSTED_PROXIES = env.int("OPORA_TRUSTED_PROXIES", default=0)
OPORA_CLIENT_IP_HEADER = env.str("OPORA_CLIENT_IP_HEADER", default="X-Forwarded-For")

# Behind HTTPS in production set SECURE_COOKIES=true: cookies only over HTTPS, plain HTTP
# redirected to HTTPS, and browsers told to use nothing but HTTPS for a year (HSTS).
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_COOKIES)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if SECURE_COOKIES else 0)
# Opora lives on a host of its own, so its subdomains are HTTPS-only too. «preload» only
# permits submitting the host to the browsers' preload list (hstspreload.org); it does nothing
# until someone does.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if SECURE_COOKIES:
    # TLS ends at the reverse proxy, which talks plain HTTP to gunicorn and says what the
    # browser used in X-Forwarded-Proto; the proxy must set (overwrite) it on every request —
    # nginx: `proxy_set_header X-Forwarded-Proto $scheme;` (README, «Production»).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy of every page (django-csp): Opora loads nothing from other hosts
# and runs no inline script, so scripts, styles, images and fonts come from Opora itself.
# Bootstrap's and Swagger UI's stylesheets draw icons as data: SVG images. Inline style=""
# attributes are allowed: they cannot run code, and the templates still use a few for
# widths; <style> elements are not (htmx's own is turned off in base.html). An inline
# <script> needs the request's nonce (`nonce="{{ request.csp_nonce }}"`). Downloads of stored
# files send their own, stricter «sandbox» policy (opora.core.web.attachment).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Password guessing (django-axes, opora.core.auth): failures on the login page and at
# /api/token/ alike are counted until OPORA_LOGIN_LOCKOUT_MINUTES pass without one, against
# three limits — an account from one address (someone who forgot or guesses a password; the real
# user elsewhere is not affected), an account from all addresses (guessing spread over
# many machines) and an address over all accounts (one machine trying many accounts; high,
# since a school's staff share one public address). Reaching any of them locks that
# account, address or pair until that many minutes have passed without a new failure.
OPORA_LOGIN_FAILURES = env.int("OPORA_LOGIN_FAILURES", default=5)
OPORA_LOGIN_FAILURES_ACCOUNT = env.int("OPORA_LOGIN_FAILURES_ACCOUNT", default=30)
OPORA_LOGIN_FAILURES_ADDRESS = env.int("OPORA_LOGIN_FAILURES_ADDRESS", default=30)
OPORA_LOGIN_LOCKOUT_MINUTES = env.int("OPORA_LOGIN_LOCKOUT_MINUTES", default=15)
AXES_HANDLER = "opora.core.auth.LayeredLockoutHandler"
# In the order of the limits above; LayeredLockoutHandler applies each its own limit, so
# axes' single AXES_FAILURE_LIMIT is the number of limits reached that locks: one.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_FAILURE_LIMIT = 1
AXES_COOLOFF_TIME = timedelta(minutes=OPORA_LOGIN_LOCKOUT_MINUTES)
AXES_CLIENT_IP_CALLABLE = "opora.core.web.client_ip"
AXES_LOCKOUT_CALLABLE = "opora.core.auth.lockout_response"
# A failure during a lockout (the right password included) starts the window anew: whoever
# keeps guessing stays locked out, and the lockout page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
# A success does not wipe the failures: it would let one who sprays passwords from an
# address reset the address's count by logging into their own account now and then.
AXES_RESET_ON_SUCCESS = False
# Successful logins are not stored with address and browser: personal data Opora does not
# need (the failures are kept for the lockout window only).
AXES_DISABLE_ACCESS_LOG = True

# Uploads: anything larger than this is refused with a message before it is read.
OPORA_MAX_UPLOAD_MB = env.int("OPORA_MAX_UPLOAD_MB", default=50)
# Reading a spreadsheet or document from outside (opora.core.imports.limits): an .xlsx/.docx
# whose parts would unpack to more than this is refused from its ZIP directory, unpacked;
# then rows, columns and wall time are bounded while the file is read.
OPORA_IMPORT_MAX_UNCOMPRESSED_MB = env.int("OPORA_IMPORT_MAX_UNCOMPRESSED_MB", default=300)
OPORA_IMPORT_MAX_ROWS = env.int("OPORA_IMPORT_MAX_ROWS", default=200_000)
OPORA_IMPORT_MAX_COLUMNS = env.int("OPORA_IMPORT_MAX_COLUMNS", default=500)
OPORA_IMPORT_MAX_SECONDS = env.int("OPORA_IMPORT_MAX_SECONDS", default=120)
# Evidence of executed activities (orders, minutes, photo reports): one file at most this.
OPORA_EVIDENCE_MAX_MB = env.int("OPORA_EVIDENCE_MAX_MB", default=20)
# A photo of a visit (taken on a phone on the day): images only, each at most this.
OPORA_VISIT_PHOTO_MAX_MB = env.int("OPORA_VISIT_PHOTO_MAX_MB", default=15)
# Anonymous survey answers accepted per hour from one address for one link. A class answers
# from its school's single public address, so the limit is generous; it only stops floods.
OPORA_SURVEY_RESPONSES_PER_HOUR = env.int("OPORA_SURVEY_RESPONSES_PER_HOUR", default=300)

# The public site (opora.public): a figure resting on fewer schools or respondents than this
# is shown as «—» (and enough others hidden that it cannot be recomputed from a total).
OPORA_PUBLIC_MIN_COUNT = env.int("OPORA_PUBLIC_MIN_COUNT", default=5)
# Public pages are cached this long; publication switches take effect at once regardless.
OPORA_PUBLIC_CACHE_SECONDS = env.int("OPORA_PUBLIC_CACHE_SECONDS", default=60)
# Requests per minute one client (core.web.client_ip) may make to the public pages; then 429.
# Counted in CACHE_URL's cache: with several server processes use a shared cache (Redis).
OPORA_PUBLIC_REQUESTS_PER_MINUTE = env.int("OPORA_PUBLIC_REQUESTS_PER_MINUTE", default=300)
# Sites that may embed the public widget pages in an <iframe> (CSP frame-ancestors), e.g.
# "https://edu.example.ru"; "*" (the default) lets any site embed them. Other pages: nobody.
OPORA_PUBLIC_FRAME_ANCESTORS = env.list("OPORA_PUBLIC_FRAME_ANCESTORS", default=["*"])
# Invitation letters: how long the link to set a password works, and the address links in
# letters point to (empty: the address of the request that sent the letter; letters sent by
# a background job, e.g. a staff import, need it set in production).
OPORA_INVITATION_DAYS = env.int("OPORA_INVITATION_DAYS", default=7)
OPORA_SITE_URL = env.str("OPORA_SITE_URL", default="")
# Wrong one-time survey codes accepted per hour from one address: a class mistypes a few,
# someone guessing needs about a million (opora.surveys.codes).
OPORA_SURVEY_CODE_ATTEMPTS_PER_HOUR = env.int("OPORA_SURVEY_CODE_ATTEMPTS_PER_HOUR", default=60)
# Student-level result rows are aggregated on import; the rows themselves are kept only
# when this is on (they are personal data, even anonymised).
OPORA_KEEP_STUDENT_ROWS = env.bool("OPORA_KEEP_STUDENT_ROWS", default=False)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A running background job refreshes its heartbeat every few seconds; one silent for longer
# than this has lost its worker and is marked failed (it can be started again). On SQLite
# the heartbeat waits while a job saves, so the lease must exceed the longest save.
OPORA_JOB_LEASE_SECONDS = env.int("OPORA_JOB_LEASE_SECONDS", default=300)
# Engagement of supported schools (opora.support, «Вовлечённость»): a school shows when it has
# at least this many recommendations overdue, no roadmap report for this many days, or at
# least this many visits refused within the last this many days.
OPORA_ENGAGEMENT_OVERDUE_RECOMMENDATIONS = env.int(
    "OPORA_ENGAGEMENT_OVERDUE_RECOMMENDATIONS", default=1
)
OPORA_ENGAGEMENT_REPORT_DAYS = env.int("OPORA_ENGAGEMENT_REPORT_DAYS", default=30)
OPORA_ENGAGEMENT_REFUSED_VISITS = env.int("OPORA_ENGAGEMENT_REFUSED_VISITS", default=1)
OPORA_ENGAGEMENT_REFUSED_DAYS = env.int("OPORA_ENGAGEMENT_REFUSED_DAYS", default=183)
# A roadmap's import preview posts about eight fields a row; Django's default of 1,000
# refused a roadmap of some 120 activities. The memory bound above still caps a request.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Mentor schools (opora.support): how many schools one mentor works with at once; how much
# higher (in the identification's standard units) a candidate's results index must be to
# count as clearly better; what a candidate from another municipality adds to its distance.
OPORA_MENTOR_MAX_PAIRS = env.int("OPORA_MENTOR_MAX_PAIRS", default=3)
OPORA_MENTOR_RESULTS_GAP = env.float("OPORA_MENTOR_RESULTS_GAP", default=0.5)
OPORA_MENTOR_MUNICIPALITY_PENALTY = env.float("OPORA_MENTOR_MUNICIPALITY_PENALTY", default=0.5)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

AUDITLOG_CID_GETTER = "opora.core.middleware.get_request_id"
AUDITLOG_STORE_JSON_CHANGES = True

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # ?limit= at most OPORA_API_MAX_PAGE_SIZE; a number beyond it, or beyond what a database
    # integer holds, gives that maximum, never a whole table or a 500.
    "DEFAULT_PAGINATION_CLASS": "opora.core.api.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Slows down anonymous probing, /api/token/ included (the lockout counts its failures),
    # per client address (opora.core.web.client_ip).
    "DEFAULT_THROTTLE_CLASSES": ["opora.core.api.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_RATE", default="60/minute")},
    # Missing and forbidden objects alike answer a Russian «Не найдено.».
    "EXCEPTION_HANDLER": "opora.core.api.exception_handler",
}
OPORA_API_MAX_PAGE_SIZE = env.int("OPORA_API_MAX_PAGE_SIZE", default=500)
SPECTACULAR_SETTINGS = {
    "TITLE": "API системы «Опора»",
    "DESCRIPTION": (
        "Данные системы «Опора» для других систем: реестр территорий, организаций и школ, "
        "программы поддержки ШНОР и ШНСУ, расчёты выявления. Вход по токену (/api/token/) "
        "или по сессии браузера; доступ тот же, что в интерфейсе."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for a choice set that several fields use (a consultation's preferred and
    # scheduled form).
    "ENUM_NAME_OVERRIDES": {"ConsultationFormEnum": "opora.support.choices.ConsultationForm"},
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
# django-filter's default empty choice is «---------»; Opora's filters name theirs.
FILTERS_EMPTY_CHOICE_LABEL = "— все —"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Not axes' banner on every command; its warnings about failed logins stay.
        "axes.apps": {"level": "WARNING"},
        # Not fontTools' report of every font it subsets for a PDF (dozens of lines a file).
        "fontTools": {"level": "WARNING"},
    },
}
