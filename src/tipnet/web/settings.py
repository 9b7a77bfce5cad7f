"""Django settings for tipnet. Everything that varies comes from the environment (config.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO

from tipnet.web.config import load_config

CONFIG = load_config()
PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir

SECRET_KEY = CONFIG.secret_key
TIPNET_PEPPER = CONFIG.pepper
TIPNET_AUDIT_KEY = CONFIG.audit_key
TIPNET_MODE = CONFIG.mode
DEBUG = False
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
# Reverse proxies whose X-Forwarded-For is believed (report.ratelimit.client_address).
TIPNET_TRUSTED_PROXIES = CONFIG.trusted_proxies

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "tipnet.web.accounts",
    "tipnet.web.public",
    "tipnet.web.research",
    "tipnet.web.screening",
    "tipnet.web.cases",
    "tipnet.web.report",
    "tipnet.web.directory",
    "tipnet.web.training",
    "tipnet.web.api",
    "tipnet.web.interchange",
]

MIDDLEWARE = [
    "tipnet.web.middleware.MalformedRequestMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tipnet.web.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tipnet.web.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "tipnet.web.urls"
WSGI_APPLICATION = "tipnet.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tipnet.web.context_processors.site",
                "tipnet.web.staff_menu.menu_context",
            ],
        },
    },
]

# Health checks: a persistent connection that a PostgreSQL restart closed is replaced before use
# instead of failing one request per worker thread (bench/kill_loss.py found 22 HTTP 500s).
DATABASES = {"default": dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers continue while a request writes; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
# Long work (research estimates; later linkage runs and data-book editions) runs in `tipnet worker`,
# never in a request: Django's Tasks API (django-tasks backport) with the ORM backend, so the queue is
# the same database (SQLite or PostgreSQL) and needs no other server (docs/operations.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Passwords: Argon2id first (argon2-cffi); the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"

# Sessions: idle expiry after 30 minutes (renewed on each request), absolute expiry after 10 hours
# (accounts.middleware), never readable from JavaScript.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
TIPNET_SESSION_MAX_SECONDS = 10 * 3600
CSRF_COOKIE_HTTPONLY = True
# A browser-session cookie, never a dated one: a year-long cookie on a phone that a trafficker
# inspects would show the reporting line was visited long after the tab was closed.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_FAILURE_VIEW = "tipnet.web.public.views.csrf_failure"

# django-otp: never show TOTP secrets in any admin; throttle wrong codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_ISSUER = "tipnet"
OTP_TOTP_THROTTLE_FACTOR = 1

# Languages: the nine public languages; the language lives in the URL prefix, so no cookie is needed.
LANG_INFO.setdefault(
    "fil", {"bidi": False, "code": "fil", "name": "Filipino", "name_local": "Filipino"}
)
LANGUAGE_CODE = "ja"
LANGUAGES = [
    ("ja", "日本語"),
    ("en", "English"),
    ("vi", "Tiếng Việt"),
    ("zh-hans", "简体中文"),
    ("fil", "Filipino"),
    ("th", "ไทย"),
    ("id", "Bahasa Indonesia"),
    ("es", "Español"),
    ("pt-br", "Português (Brasil)"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Number grouping where Django's locale data has none (zh-hans: 11,313, not 11313).
FORMAT_MODULE_PATH = ["tipnet.web.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "web" / "static"]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads are held in memory only (never spooled to disk) up to this cap.
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.MemoryFileUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": nothing leaves for other sites, but Chromium sends "Origin: null" on a
# same-site POST under "no-referrer", which Django's CSRF check (rightly) refuses.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 63072000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
if CONFIG.production:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Logging: nothing about clients. Django's request logger would record paths of 4xx/5xx; keep
# errors but never addresses (Django does not log addresses itself; gunicorn's access log is off).
# Every line goes through logscrub.ScrubFilter: no IP address and no invitation token, ever
# (a refused CSRF check logs the path, and a welcome path holds a usable token).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"scrub": {"()": "tipnet.web.logscrub.ScrubFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub"]}},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "tipnet": {"handlers": ["console"], "level": "INFO"},
    },
}

# Reporting-line rate limits (report.ratelimit.DEFAULTS); a load test raises them through the
# environment, e.g. TIPNET_RATE_LIMITS='{"submit_site_per_minute": 1000}'. They are never switched off.
TIPNET_RATE_LIMITS = json.loads(os.environ.get("TIPNET_RATE_LIMITS", "{}") or "{}")
# API rate limits per minute (api.ratelimit.DEFAULTS), e.g. TIPNET_API_RATE_LIMITS='{"token_per_minute": 600}'.
TIPNET_API_RATE_LIMITS = json.loads(os.environ.get("TIPNET_API_RATE_LIMITS", "{}") or "{}")

# Staff notifications (report.notify): "digest" (default), "immediate" or "off". Mail settings
# from the environment; without EMAIL_HOST nothing is sent.
TIPNET_NOTIFY = os.environ.get("TIPNET_NOTIFY", "digest")
if TIPNET_NOTIFY not in {"digest", "immediate", "off"}:
    from tipnet.web.config import ConfigurationError

    raise ConfigurationError("TIPNET_NOTIFY must be digest, immediate or off.")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "1") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tipnet@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.dummy.EmailBackend"
)

# Report lifetime by status, in days (report.services.retention_for); a status not listed keeps
# reports until their status changes. Override with TIPNET_RETENTION_DAYS='{"closed": 90, "new": 365}'.
TIPNET_RETENTION_DAYS = {"closed": 90, **json.loads(os.environ.get("TIPNET_RETENTION_DAYS", "{}") or "{}")}

# Interchange (issue 13): a finished export waits this long to be downloaded (once), then is deleted;
# an import waiting for its column mapping or a key holder's confirmation expires after this many days.
TIPNET_EXPORT_KEEP_HOURS = float(os.environ.get("TIPNET_EXPORT_KEEP_HOURS", "24"))
TIPNET_IMPORT_UNCONFIRMED_DAYS = float(os.environ.get("TIPNET_IMPORT_UNCONFIRMED_DAYS", "7"))

TIPNET_LOGIN_MAX_FAILURES = 5
TIPNET_LOGIN_LOCK_SECONDS = 15 * 60
# Against guessing from many addresses (accounts.throttle): this many wrong passwords on one name
# within the lock period lock it for clients that have not signed in to it in TIPNET_LOGIN_KNOWN_SECONDS.
TIPNET_LOGIN_NAME_MAX_FAILURES = 50
TIPNET_LOGIN_KNOWN_SECONDS = 90 * 24 * 3600
