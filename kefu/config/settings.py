"""kefu settings: one env-driven file; nothing is required to start the demo.

Environment variables (all optional):
  KEFU_DATA_DIR        where the SQLite database, media and the generated secret live (./var)
  DATABASE_URL         e.g. postgres://user@127.0.0.1:5432/kefu; SQLite in KEFU_DATA_DIR if unset
  KEFU_SECRET_KEY      Django secret key (or KEFU_SECRET_KEY_FILE); generated into the data dir if unset
  KEFU_DEBUG           1 to enable Django debug
  KEFU_ALLOWED_HOSTS   comma-separated host names (default: localhost names)
  KEFU_TIME_ZONE       default display time zone (Asia/Shanghai)
  KEFU_MAX_MESSAGE_CHARS, KEFU_MAX_ATTACHMENT_BYTES, KEFU_MAX_REQUEST_BYTES  input limits
  KEFU_WEB_WORKERS, KEFU_WEB_THREADS  web processes and request threads for `kefu serve`
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kefu.config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("KEFU_DATA_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:
    key = env_str("KEFU_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key, encoding="utf-8")
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("KEFU_DEBUG", False)
ALLOWED_HOSTS = env_list("KEFU_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KEFU_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "axes",
    "kefu.core",
    "kefu.accounts",
    "kefu.customers",
    "kefu.tickets",
    "kefu.macros",
    "kefu.jobs",
    "kefu.sla",
    "kefu.routing",
    "kefu.promises",
    "kefu.automations",
    "kefu.intel",
    "kefu.notifications",
    "kefu.mailin",
    "kefu.mailout",
    "kefu.realtime",
    "kefu.workspace",
    "kefu.portal",
    "kefu.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed logins (django-axes): per user name and address.
AXES_FAILURE_LIMIT = env_int("KEFU_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("KEFU_LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "kefu.workspace.auth_views.lockout_response"  # the translated page

# Flash messages live in the session, not in a cookie: the admin shows a new API token
# once through a message, and a token must never travel in a cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGIN_URL = "workspace:login"
LOGIN_REDIRECT_URL = "workspace:home"
LOGOUT_REDIRECT_URL = "workspace:login"

ROOT_URLCONF = "kefu.config.urls"
WSGI_APPLICATION = "kefu.config.wsgi.application"
ASGI_APPLICATION = "kefu.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],  # kefu/templates: the shared layouts
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict:
    url = env_str("DATABASE_URL")
    if url:
        config: dict = dict(
            dj_database_url.parse(url, conn_max_age=env_int("KEFU_DB_CONN_MAX_AGE", 600))
        )
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
        if config["ENGINE"] == "django.db.backends.postgresql":
            config["OPTIONS"].setdefault("connect_timeout", 5)
        return config
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "kefu.sqlite3",
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing on upgrade.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-20000;"
            ),
        },
        "CONN_MAX_AGE": 600,
        "TEST": {"NAME": str(DATA_DIR / "test.sqlite3")} if env_bool("KEFU_TEST_SQLITE_FILE") else {},
    }


DATABASES = {"default": _database()}

# Request threads per web process (kefu serve). SQLite takes one writer at a time and
# makes the others sleep and retry, so more threads only add latency there; PostgreSQL
# overlaps the waits. Measured in bench/api_throughput.py (bench/README.md).
KEFU_WEB_THREADS = env_int(
    "KEFU_WEB_THREADS", 1 if DATABASES["default"]["ENGINE"].endswith("sqlite3") else 4
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("KEFU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # kefu/static: vendored htmx, kefu.css, the chat widget
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"

# Input limits: everything from outside is hostile until parsed.
KEFU_MAX_MESSAGE_CHARS = env_int("KEFU_MAX_MESSAGE_CHARS", 100_000)
KEFU_MAX_ATTACHMENT_BYTES = env_int("KEFU_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
KEFU_ATTACHMENT_CONTENT_TYPES = env_list(
    "KEFU_ATTACHMENT_CONTENT_TYPES",
    [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf",
        "text/plain", "text/csv", "application/zip",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("KEFU_MAX_REQUEST_BYTES", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
KEFU_TICKET_NUMBER_OFFSET = 10_000

NINJA_PAGINATION_PER_PAGE = 25

# Real time (Django Channels): in-memory within one process by default; Redis when
# REDIS_URL is set, which several web processes need to reach each other's sockets.
REDIS_URL = env_str("REDIS_URL")
# A socket's channel holds at most "capacity" undelivered messages; beyond that Channels
# drops group messages silently. Every new ticket and message reaches every online
# agent's socket, so the default (100) overflows in a burst (bench/chat_latency.py).
CHANNEL_CAPACITY = env_int("KEFU_CHANNEL_CAPACITY", 2000)
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer",
         "CONFIG": {"hosts": [REDIS_URL], "capacity": CHANNEL_CAPACITY}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer",
              "CONFIG": {"capacity": CHANNEL_CAPACITY}}
    )
}

# Customer portal: one-time sign-in links and web-form rate limits (fixed windows).
KEFU_PORTAL_LINK_MINUTES = env_int("KEFU_PORTAL_LINK_MINUTES", 15)
KEFU_PORTAL_LINK_LIMIT_PER_EMAIL = env_int("KEFU_PORTAL_LINK_LIMIT_PER_EMAIL", 5)
KEFU_PORTAL_LINK_LIMIT_PER_IP = env_int("KEFU_PORTAL_LINK_LIMIT_PER_IP", 20)
KEFU_PORTAL_FORM_LIMIT_PER_EMAIL = env_int("KEFU_PORTAL_FORM_LIMIT_PER_EMAIL", 5)
KEFU_PORTAL_FORM_LIMIT_PER_IP = env_int("KEFU_PORTAL_FORM_LIMIT_PER_IP", 20)
KEFU_PORTAL_RATE_WINDOW_SECONDS = env_int("KEFU_PORTAL_RATE_WINDOW_SECONDS", 3600)
KEFU_PORTAL_MAX_FILES = env_int("KEFU_PORTAL_MAX_FILES", 3)

# Background jobs (kefu.jobs): `kefu serve` runs a worker thread per web process unless
# KEFU_EMBEDDED_WORKER=0 (then run `kefu worker` processes); leases bring back the jobs
# of a worker that died; failed jobs retry with backoff.
KEFU_EMBEDDED_WORKER = env_bool("KEFU_EMBEDDED_WORKER", True)
KEFU_JOBS_LEASE_SECONDS = env_int("KEFU_JOBS_LEASE_SECONDS", 300)
KEFU_JOBS_MAX_ATTEMPTS = env_int("KEFU_JOBS_MAX_ATTEMPTS", 5)
KEFU_JOBS_RETRY_BASE_SECONDS = env_int("KEFU_JOBS_RETRY_BASE_SECONDS", 10)
KEFU_JOBS_RETRY_MAX_SECONDS = env_int("KEFU_JOBS_RETRY_MAX_SECONDS", 3600)
KEFU_JOBS_KEEP_DONE_DAYS = env_int("KEFU_JOBS_KEEP_DONE_DAYS", 7)

# Automations: how deep a chain of rules triggering rules may go before it is stopped.
KEFU_AUTOMATION_MAX_DEPTH = env_int("KEFU_AUTOMATION_MAX_DEPTH", 5)

# Live chat: the secret host sites sign visitors' customer ids with (empty: signed
# identities are refused), the team new chats go to (empty: the unassigned queue),
# and the longest chat message.
KEFU_CHAT_HMAC_SECRET = env_str("KEFU_CHAT_HMAC_SECRET", "")
KEFU_CHAT_TEAM = env_str("KEFU_CHAT_TEAM", "")
KEFU_CHAT_MAX_CHARS = env_int("KEFU_CHAT_MAX_CHARS", 5000)

# Mail leaves through SMTP when configured; the demo prints it (magic links) instead.
EMAIL_BACKEND = env_str("KEFU_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("KEFU_DEFAULT_FROM_EMAIL", "support@demo.kefu.local")
EMAIL_HOST = env_str("KEFU_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KEFU_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KEFU_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("KEFU_EMAIL_HOST_PASSWORD", "")  # or KEFU_EMAIL_HOST_PASSWORD_FILE
EMAIL_USE_TLS = env_bool("KEFU_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("KEFU_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("KEFU_EMAIL_TIMEOUT", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal data (phones, ID and card numbers, emails, addresses) is masked in every
    # log line: kefu.assist.logfilter.
    "filters": {"pii": {"()": "kefu.assist.logfilter.PiiMaskingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["pii"]}},
    "root": {"handlers": ["console"], "level": env_str("KEFU_LOG_LEVEL", "WARNING")},
}
