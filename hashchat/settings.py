"""hashchat settings, read from the environment (see docs/operations.md).

HASHCHAT_DATA_DIR   where the SQLite file, the generated secret key and media live (./var)
DATABASE_URL        PostgreSQL for several processes; SQLite in the data dir when unset
REDIS_URL           Redis pub/sub for the live hub when several web processes run
HASHCHAT_BASE_URL   the public URL, used in links in feeds, e-mails and the Mastodon API;
                    an https URL that is not localhost turns federation on (docs/federation.md)
HASHCHAT_FEDERATION_ALLOWED_HOSTS  hosts federation may reach on private or loopback
                    addresses (comma-separated; tests and private networks only)
HASHCHAT_DEBUG      "1" for Django's debug pages
HASHCHAT_SECRET_KEY the secret key; generated into the data dir when absent
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
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()

DEFAULT_RATE_LIMITS = {
    "post:profile": (30, 60),
    "post:ip": (120, 60),
    "signup:ip": (10, 3600),
    "login:ip": (30, 300),
    "login:username": (10, 300),
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
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_HTTPS = BASE_URL.startswith("https://")
SESSION_COOKIE_SECURE = USE_HTTPS
CSRF_COOKIE_SECURE = USE_HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
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
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.ClientMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.ActiveProfileMiddleware",
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

# The cache holds the rate-limit counters (core/ratelimit.py): Redis when several
# processes share it, otherwise a table in the database (`createcachetable`, run by
# `hashchat serve` and `hashchat worker`).
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
    # Activities accepted from one remote domain per minute.
    "INBOX_PER_DOMAIN_PER_MINUTE": 600,
    # Fetching a thread's missing parents: how far up, and how many posts at most.
    "THREAD_DEPTH": 10,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HASHCHAT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The task queue logs every poll at INFO; hashchat's worker polls twice a second.
        "django_tasks_db": {"level": "WARNING"},
    },
}
