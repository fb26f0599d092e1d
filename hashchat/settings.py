"""hashchat settings, read from the environment (see docs/operations.md).

HASHCHAT_DATA_DIR   where the SQLite file, the generated secret key and media live (./var)
DATABASE_URL        PostgreSQL for several processes; SQLite in the data dir when unset
REDIS_URL           Redis pub/sub for the live hub when several web processes run
HASHCHAT_BASE_URL   the public URL, used in links in feeds, e-mails and the Mastodon API;
                    an https URL that is not localhost turns federation on (docs/federation.md)
HASHCHAT_FEDERATION_ALLOWED_HOSTS  hosts federation may reach on private or loopback
                    addresses (comma-separated; tests and private networks only)
HASHCHAT_FEDERATION_AUTHORIZED_FETCH  "1": ActivityPub GETs must be signed
HASHCHAT_DEBUG      "1" for Django's debug pages
HASHCHAT_SECRET_KEY the secret key; generated into the data dir when absent
HASHCHAT_TRUSTED_PROXIES  addresses whose X-Forwarded-For/-Proto are believed (127.0.0.1)
HASHCHAT_LOG_FORMAT "json" for one JSON object per log line; plain text otherwise
"""

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DATA_DIR = Path(os.environ.get("HASHCHAT_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    if key := os.environ.get("HASHCHAT_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once, readable only by the owner; every process on the machine shares it.
        # Written whole to a file of its own, then linked into place: of processes that
        # start together, the first link wins and every one reads the same whole key.
        draft = path.with_name(f".secret_key.{os.getpid()}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()

DEFAULT_RATE_LIMITS = {
    "post:profile": (30, 60),
    "post:ip": (120, 60),
    "signup:ip": (10, 3600),
    # Logins (accounts.login_limits, docs/security.md): attempts per client address,
    # per username from one address, and per username from everywhere together.
    "login:ip": (30, 300),
    "login:username_ip": (5, 900),
    "login:username": (50, 3600),
}


def rate_limits(override: str) -> dict[str, tuple[int, int]]:
    """The default limits, changed by HASHCHAT_RATE_LIMITS="post:profile=60/60,signup:ip=0/1"
    (requests/seconds; 0 requests turns a limit off)."""
    limits = dict(DEFAULT_RATE_LIMITS)
    for item in filter(None, (part.strip() for part in override.split(","))):
        name, _, value = item.partition("=")
        count, _, seconds = value.partition("/")
        limits[name.strip()] = (int(count), int(seconds or 60))
    return limits


DEBUG = env_bool("HASHCHAT_DEBUG")
BASE_URL = os.environ.get("HASHCHAT_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = ["*"]
CSRF_TRUSTED_ORIGINS = [BASE_URL]
# X-Forwarded-For and X-Forwarded-Proto count only from HASHCHAT_TRUSTED_PROXIES:
# uvicorn applies them to the connection's address and scheme (hashchat serve), so
# Django reads the scheme from there, never from a header any client can send.
# By default a proxy on this machine (nginx on loopback); set it empty to trust none.
TRUSTED_PROXIES = os.environ.get("HASHCHAT_TRUSTED_PROXIES", "127.0.0.1").strip()
USE_HTTPS = BASE_URL.startswith("https://")
# HSTS on every HTTPS answer (core.middleware sets the same header).
SECURE_HSTS_SECONDS = 31_536_000 if USE_HTTPS else 0
# The redirect from http:// to https:// is the proxy's (deploy/nginx/hashchat.conf):
# the web port itself answers plain HTTP on loopback, for nginx and health checks.
# HSTS for subdomains and the browsers' preload list are the domain owner's call,
# not hashchat's (other sites may live under the same domain).
SILENCED_SYSTEM_CHECKS = ["security.W008", "security.W005", "security.W021"]
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy on every page (django-csp). The admin and the own API's
# interactive docs load their own scripts and styles and go without it; exports
# carry a stricter one of their own (transcripts.downloads). The OAuth consent form
# adds its app's redirect target to form-action (mastodon_api.views.apps_oauth).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/hashchat/v1/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # https: remote profiles' pictures, loaded from their own servers.
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "accounts",
    "posts",
    "chats",
    "live",
    "transcripts",
    "mastodon_api",
    "federation",
    "gathering",
    "core",
]

MIDDLEWARE = [
    # Outermost: a database that cannot be reached answers 503, not 500.
    "core.middleware.DatabaseUnavailableMiddleware",
    # Names the URL pattern for the request log and latency metrics (core.requestlog).
    "core.requestlog.RouteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy (CONTENT_SECURITY_POLICY below), by django-csp.
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "core.middleware.ClientMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The profile a login acts as on pages; the client APIs' comes from the token.
    "accounts.middleware.ActiveProfileMiddleware",
    # Times on pages in the viewer's zone: the browser's (a cookie), else the profile's.
    "accounts.middleware.ViewerZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hashchat.urls"
APPEND_SLASH = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.profiles",
                "posts.context_processors.notifications",
            ],
        },
    },
]

ASGI_APPLICATION = "hashchat.asgi.application"

# The embedded default is SQLite in WAL mode: writers take the lock at BEGIN
# (IMMEDIATE) so concurrent requests queue instead of failing, synchronous=FULL
# makes every acknowledged commit survive a killed process or a power cut.
SQLITE_PATH = DATA_DIR / "hashchat.sqlite3"
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
    if "postgresql" in DATABASES["default"]["ENGINE"]:
        # Parameters travel apart from the SQL, and a statement a connection has run
        # five times is prepared: PostgreSQL plans it once, not on every request (a
        # timeline page's planning took longer than running it). Behind a pooler in
        # transaction mode that cannot keep prepared statements, set
        # HASHCHAT_PG_PREPARED_STATEMENTS=off.
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        if os.environ.get("HASHCHAT_PG_PREPARED_STATEMENTS", "on").lower() != "off":
            options["prepare_threshold"] = 5
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            # Each of the server's worker threads keeps its connection open.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=FULL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

REDIS_URL = os.environ.get("REDIS_URL", "")


def _instance_key() -> str:
    """Names what this instance keeps in Redis (live streams, rate-limit counters).

    Processes that share a database are one instance and share their streams; two
    instances that happen to share a Redis server (or a test run beside a server)
    never see each other's events or counters.
    """
    if explicit := os.environ.get("HASHCHAT_REDIS_PREFIX"):
        return explicit
    db = DATABASES["default"]
    identity = "|".join(str(db.get(k, "")) for k in ("ENGINE", "NAME", "HOST", "PORT"))
    return "hashchat:" + hashlib.sha256(identity.encode()).hexdigest()[:12]


REDIS_PREFIX = _instance_key()

# The rate-limit counters (core/ratelimit.py, on the `limits` library): in Redis when
# several processes share them, otherwise in the memory of the one web process.
RATE_LIMIT_STORAGE = REDIS_URL or "memory://"

# The cache (feeds and other cached pages): Redis when several processes share it,
# otherwise a table in the database (`createcachetable`, run by `hashchat serve` and
# `hashchat worker`).
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "hashchat_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 4},
        }
    }
# What pages keep for a moment (the Atom feeds' entries): a GET must not write the
# database, so without Redis this lives in the process's memory.
CACHES["pages"] = (
    {**CACHES["default"], "KEY_PREFIX": f"{REDIS_PREFIX}:pages"}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# /static/... URLs carry a hash of the file, so nginx may cache them for long.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.staticfiles.VersionedStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "HASHCHAT_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("HASHCHAT_FROM_EMAIL", "hashchat@localhost")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# hashchat's own limits (the Mastodon API's instance configuration reports them)
HASHCHAT = {
    "SITE_NAME": os.environ.get("HASHCHAT_SITE_NAME", "hashchat"),
    "MAX_POST_CHARS": 500,
    # A public hashtag stream needs no token unless this is set.
    "STREAMING_REQUIRES_TOKEN": env_bool("HASHCHAT_STREAMING_REQUIRES_TOKEN"),
    # name -> (requests, per seconds); see core/ratelimit.py and docs/security.md.
    "RATE_LIMITS": rate_limits(os.environ.get("HASHCHAT_RATE_LIMITS", "")),
    # Profiles younger than this many hours may put at most so many mentions and links in a post.
    "NEW_PROFILE_HOURS": 24,
    "NEW_PROFILE_MAX_MENTIONS": 5,
    "NEW_PROFILE_MAX_LINKS": 2,
}

# Federation (federation/, docs/federation.md). It is on only when BASE_URL is https
# and not localhost; these caps bound what a remote server can make hashchat do.
FEDERATION = {
    "ALLOWED_HOSTS": [
        h.strip()
        for h in os.environ.get("HASHCHAT_FEDERATION_ALLOWED_HOSTS", "").split(",")
        if h.strip()
    ],
    # Outgoing requests: seconds, bytes of a response, redirects followed.
    "TIMEOUT": 10,
    "MAX_RESPONSE_BYTES": 1_000_000,
    "MAX_REDIRECTS": 3,
    # Incoming: bytes of an inbox POST, JSON nesting depth, seconds a Date may be off.
    "MAX_INBOX_BYTES": 256_000,
    "MAX_JSON_DEPTH": 20,
    "SIGNATURE_WINDOW": 300,
    # Deliveries: parallel sends to one domain, attempts before giving up (about 36 h).
    "DELIVERY_PER_DOMAIN": 4,
    "DELIVERY_ATTEMPTS": 16,
    # Incoming activities: attempts at processing one before giving up (about 1.5 h).
    "INBOX_ATTEMPTS": 10,
    # Activities accepted from one remote domain per minute.
    "INBOX_PER_DOMAIN_PER_MINUTE": 600,
    # Fetching a thread's missing parents: how far up, and how many posts at most.
    "THREAD_DEPTH": 10,
    # "Authorized fetch": ActivityPub GETs must be signed by a remote server's key
    # (unsigned ones get a profile's key and inbox only). Off by default, as on Mastodon.
    "AUTHORIZED_FETCH": env_bool("HASHCHAT_FEDERATION_AUTHORIZED_FETCH"),
}

LOG_FORMAT = os.environ.get("HASHCHAT_LOG_FORMAT", "plain").strip().lower()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.requestlog.RequestIdFilter"},
        "redact": {"()": "core.requestlog.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HASHCHAT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task queue logs every poll at INFO; hashchat's worker polls twice a second.
        "django_tasks_db": {"level": "WARNING"},
        # hashchat logs each request itself (core.requestlog), without query strings.
        "uvicorn.access": {"level": "WARNING"},
        "uvicorn.error": {"handlers": ["console"], "propagate": False},
    },
}
