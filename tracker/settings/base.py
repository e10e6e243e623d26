"""Settings shared by every environment; everything that differs comes from the environment."""

import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from tracker.db_router import replica_databases
from tracker.settings.caches import caches_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TRACKER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_rate(name: str, default: str) -> str | None:
    """A DRF throttle rate such as "120/minute"; "off" turns that throttle off (None), e.g.
    for a benchmark on loopback or when a proxy in front already limits rates."""
    raw = os.environ.get(name, default).strip()
    return None if raw.lower() == "off" else raw


def installation_secret_key() -> str:
    """This installation's own random key, made on first use and kept in VAR_DIR/secret_key
    (readable by its owner only), for when SECRET_KEY is not set: `make run` and manage.py
    then sign sessions and tokens with a key no other installation has and nobody has read."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it in the meantime: read that one
        else:
            with os.fdopen(descriptor, "w") as file:
                file.write(secrets.token_urlsafe(50) + "\n")
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: its `changepassword` command (through the password service) replaces Django's.
    "recommendations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_countries",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "synthetic",
    # Background jobs (report imports, mail to followers): Django's tasks API and its database
    # backend, run by `manage.py run_worker` (recommendations/jobs/, README "Background jobs").
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # Before anything reads the database: a request meant to write reads the primary (db_router.py).
    "tracker.db_router.PrimaryPinMiddleware",
    # Then: its headers go on every answer to another origin, an error or a preflight too.
    "corsheaders.middleware.CorsMiddleware",
    # An unsafe request is redirected with 308 (keeps the method and body), never 301.
    "recommendations.api.middleware.KeepMethodOnRedirectMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tracker.headers.SecurityHeadersMiddleware",
    "tracker.headers.PrivateResponseMiddleware",
    # Before ConditionalGet, which must tag the uncompressed body.
    "recommendations.api.middleware.ApiGZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Inside LocaleMiddleware: its messages are in the request's language.
    "recommendations.api.middleware.ApiErrorMiddleware",
    # RateLimit-Policy and RateLimit on every response an API throttle counted.
    "recommendations.api.throttling.RateLimitHeadersMiddleware",
    "recommendations.api.middleware.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CsrfViewMiddleware's check runs after every middleware's
    # request phase): a body over its limit is refused unread; tracker/request_body.py.
    "tracker.request_body.RequestBodyLimitMiddleware",
    "tracker.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: its claim on an Idempotency-Key is taken after every other check, in the
    # transaction of the work it answers (recommendations/idempotency/middleware.py).
    "recommendations.idempotency.middleware.IdempotencyKeyMiddleware",
]

# CORS (django-cors-headers), for browser clients on other origins: off unless
# CORS_ALLOWED_ORIGINS lists them ("https://a.example,https://b.example"), only for /api/. "*"
# allows every origin, and then never with credentials (cookies): Django refuses to start.
# Clients on other origins send `Authorization: Token …`, which needs no credentials mode.
CORS_ALLOWED_ORIGINS = [origin for origin in env_list("CORS_ALLOWED_ORIGINS") if origin != "*"]
CORS_ALLOW_ALL_ORIGINS = "*" in env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = env_bool("CORS_ALLOW_CREDENTIALS", False)
if CORS_ALLOW_ALL_ORIGINS and CORS_ALLOW_CREDENTIALS:
    raise ImproperlyConfigured('CORS_ALLOW_CREDENTIALS cannot be true while CORS_ALLOWED_ORIGINS allows "*"')
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_HEADERS = [
    "accept",
    "accept-language",
    "authorization",
    "content-type",
    "idempotency-key",
    "if-match",
    "if-none-match",
]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "RateLimit", "RateLimit-Policy", "Content-Disposition", "Location"]
CORS_PREFLIGHT_MAX_AGE = 3600

# Sent on every response (tracker/headers.py). Everything is loaded from this site; no inline
# script or style anywhere (tests/analyst/test_csp.py opens each kind of page in Chromium).
# data: images: the site's empty favicon and Swagger UI's inline SVG icons.
CONTENT_SECURITY_POLICY = os.environ.get(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
)
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"
ASGI_APPLICATION = "tracker.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The embedded default keeps the service runnable with no database server; PostgreSQL is
# production. Persistent connections with health checks avoid a connect per request.
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        # A check before each request's first query: no request runs on a connection the
        # server dropped (on PostgreSQL without a round trip: tracker/database/base.py).
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's PostgreSQL backend with a health check that needs no round trip per request.
    DATABASES["default"]["ENGINE"] = "tracker.database"
    # While the database is down or restarting, a request fails in seconds with a 503
    # instead of waiting for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 3))
    # PostgreSQL compiles a query's expressions (JIT) once its estimated cost passes
    # jit_above_cost: about 1 s for each query of a 100,000-row export (EXPLAIN ANALYZE: JIT
    # 923 ms of 1,857 ms), queries that run in about a second without it; this service's
    # queries are never long enough to win it back. Off for the connection, unless
    # DATABASE_JIT=true (leave the server's setting: behind PgBouncer, which refuses startup
    # options unless told to ignore them).
    if not env_bool("DATABASE_JIT", False):
        DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")
# The list's items written as JSON by the database (listing/json_items.py) rather than by
# Python: off by default. With the database on the same two cores it cost more than it saved
# (`make bench`, BENCHMARKS.md "The database writes the list's JSON": PostgreSQL's CPU per
# page 0.8 -> 4.2 ms, cold list req/s 460 -> 196); a deployment whose database has cores to
# spare may turn it on (LIST_JSON_FROM_DATABASE=true). The bytes are the same either way.
LIST_JSON_FROM_DATABASE = env_bool("LIST_JSON_FROM_DATABASE", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet: `manage.py migrate` must not fail on the missing folder
    # of the file it is about to create.
    sqlite_file = str(DATABASES["default"]["NAME"])
    if sqlite_file and sqlite_file != ":memory:" and not sqlite_file.startswith("file:"):
        try:
            Path(sqlite_file).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImproperlyConfigured(
                f"The SQLite database's folder {Path(sqlite_file).parent} cannot be created ({exc.strerror}); "
                "set TRACKER_VAR_DIR or DATABASE_URL to a writable place."
            ) from None
    # SQLite: wait for a writer instead of failing at once, and keep readers unblocked.
    # IMMEDIATE takes the write lock when a transaction starts: a deferred one that reads and
    # then writes fails at once with "database is locked" if another writer got in between,
    # instead of waiting out the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    )
# Read replicas (PostgreSQL streaming replication): reads there, writes and reads that must
# see them on the primary; see tracker/db_router.py and docs/scaling.md.
DATABASES.update(replica_databases(os.environ.get("DATABASE_REPLICA_URLS", ""), DATABASES["default"]))
DATABASE_ROUTERS = ["tracker.db_router.PrimaryReplicaRouter"] if len(DATABASES) > 1 else []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Every sign-in (the site's and the admin's login forms, the API's token endpoint) goes through
# this backend, which limits password guessing: recommendations/users/login_limits.py.
AUTHENTICATION_BACKENDS = ["recommendations.users.login_limits.RateLimitedModelBackend"]
LOGIN_LIMITS = {
    "per_address_and_username": env_int("LOGIN_FAILURES_PER_ADDRESS_AND_USERNAME", 5),
    "per_address": env_int("LOGIN_FAILURES_PER_ADDRESS", 20),
    "per_username": env_int("LOGIN_FAILURES_PER_USERNAME", 50),
    "lockout_seconds": env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60),
}
# Whose X-Forwarded-For to believe (recommendations/users/addresses.py): the proxies in front,
# as addresses or networks, or how many of them there are. Neither by default.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _network in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_network!r} is not an address or network") from exc
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# An API token is refused this many days after it was issued, at the latest (recommendations/users/tokens.py).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Validates nothing: logs every password change, whatever path saved it (users/passwords.py).
    {"NAME": "recommendations.users.passwords.PasswordChangeLogger"},
]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "az")
LANGUAGES = [("az", "Azərbaycanca"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "recommendations" / "locale"]
# Kosovo has no ISO 3166-1 code; XK is the user-assigned one the EU, the World Bank and DOL's
# findings use (importing/parsers/dol_xml.py).
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Baku")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Evidence files are private: they are served only through the API's permission-checked
# download endpoint, never from a public media URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Evidence uploads: the limit is enforced by the service; Django's own limit keeps a huge
# multipart body on disk rather than in memory.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# How slowly the server (tracker/serving.py) lets a request body arrive: after the grace
# period, at least this many bytes a second on average, or a 408.
REQUEST_BODY_GRACE_SECONDS = env_int("REQUEST_BODY_GRACE_SECONDS", 10)
REQUEST_BODY_MIN_RATE = env_int("REQUEST_BODY_MIN_RATE", 1024)
# A body declared over its limit but no larger than this is received and thrown away before the
# 413, so a client that sends it all before reading gets the answer, not a broken pipe.
REQUEST_BODY_DISCARD_BYTES = env_int("REQUEST_BODY_DISCARD_BYTES", 32 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "recommendations.api.authentication.TokenAuthentication",
        "recommendations.api.authentication.CookieSessionAuthentication",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "recommendations.api.negotiation.FirstRendererNegotiation",
    "DEFAULT_PERMISSION_CLASSES": ["recommendations.api.permissions.RolePermission"],
    "DEFAULT_FILTER_BACKENDS": ["recommendations.api.filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "recommendations.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "recommendations.api.schema.RoleAwareAutoSchema",
    "EXCEPTION_HANDLER": "recommendations.api.exceptions.exception_handler",
    # JSON bodies only: a form body is a 415 (evidence uploads add multipart, see the view).
    "DEFAULT_PARSER_CLASSES": ["recommendations.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        "recommendations.api.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "recommendations.api.throttling.AnonRateThrottle",
        "recommendations.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_rate("THROTTLE_ANON", "120/minute"),
        "user": env_rate("THROTTLE_USER", "1200/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "tracker API",
    "DESCRIPTION": (
        "Recommendations from published reports (US DOL child-labour findings, US State "
        "Department TIP reports) and the implementation progress NGOs record against them."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Swagger UI assets come from the drf-spectacular-sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Tags and operation ids from the path after the version: `recommendations_list`.
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVERS": [{"url": "/", "description": "This server (paths start with /api/v1/)."}],
    "DEFAULT_GENERATOR_CLASS": "recommendations.api.schema.EnglishSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.postprocess",
    ],
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "recommendations.choices.Status",
        "SourceKindEnum": "recommendations.choices.SourceKind",
        "EvidenceKindEnum": "recommendations.choices.EvidenceKind",
        "TagSuggestionStateEnum": "recommendations.tags.models.TagSuggestion.State",
        "StateEnum": "recommendations.indicators.models.ValueState",
        "MeasureKindEnum": "recommendations.measures.models.MeasureKind",
    },
}

# The throttle and sign-in counters' cache and the cached public reads' (tracker/settings/caches.py).
CACHES = caches_from_environment()

LOGIN_URL = "recommendations:login"
# Database sessions that never look up a key Django could not have written (tracker/sessions.py).
SESSION_ENGINE = "tracker.sessions"

# Mail (status changes to followers, reminder digests), configured with Django's own
# setting names; by default mails are printed to the console, never sent anywhere.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tracker@localhost")
# The address mails link to (the pages behind any proxy).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A followed recommendation with no progress for this many days is in the reminder digest.
REMINDER_STALE_DAYS = env_int("REMINDER_STALE_DAYS", 180)
REMINDER_DUE_SOON_DAYS = 30
# A coalition's second pair of eyes: progress is proposed, and public once a reviewer approves.
REVIEW_REQUIRED = env_bool("REVIEW_REQUIRED", False)

# Security events (recommendations/users/events.py) are JSON lines on the `tracker.security`
# logger: to standard error with the rest by default, also appended to SECURITY_LOG_FILE if set.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"bare": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_console": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "tracker.security": {"handlers": ["security_console"], "level": "INFO", "propagate": False},
    },
}
if os.environ.get("SECURITY_LOG_FILE"):
    LOGGING["handlers"]["security_file"] = {  # type: ignore[index]
        "class": "logging.handlers.WatchedFileHandler",
        "filename": os.environ["SECURITY_LOG_FILE"],
        "formatter": "bare",
    }
    LOGGING["loggers"]["tracker.security"]["handlers"].append("security_file")  # type: ignore[index]

# Background jobs: queued as rows of the default database (SQLite or PostgreSQL alike), run by
# `manage.py run_worker` (started by `make run`; the `worker` service in docker-compose.yml).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job's worker writes a heartbeat this often; a job whose heartbeat is older than
# JOBS_STALE_SECONDS lost its worker (killed, machine restarted): it is queued again, up to
# JOBS_MAX_ATTEMPTS runs in all, then failed with that reason.
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 5)
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 60)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 2)

# Report imports (manage.py import_report, the admin's import page): the largest text accepted.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# What one document may hold once read: a small file can still describe a huge one.
IMPORT_MAX_PAGES = env_int("IMPORT_MAX_PAGES", 1000)
IMPORT_MAX_CHARACTERS = env_int("IMPORT_MAX_CHARACTERS", 8_000_000)
# A PDF is read, a text parsed, in a child process under these limits (importing/confine.py): wall-clock and
# processor seconds, megabytes of memory, and the bytes its compressed streams may inflate to.
IMPORT_READ_SECONDS = env_int("IMPORT_READ_SECONDS", 120)
IMPORT_READ_CPU_SECONDS = env_int("IMPORT_READ_CPU_SECONDS", 90)
IMPORT_READ_MEMORY_MB = env_int("IMPORT_READ_MEMORY_MB", 1024)
IMPORT_MAX_INFLATED_BYTES = env_int("IMPORT_MAX_INFLATED_BYTES", 128 * 1024 * 1024)
