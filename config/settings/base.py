"""Kesu settings: everything a deployment changes comes from KESU_* environment variables."""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("KESU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("KESU_DEBUG", False)
# The fallback key is for a laptop only: production must set KESU_SECRET_KEY (checked below).
_DEVELOPMENT_SECRET_KEY = "kesu-development-only-not-secret"
SECRET_KEY = os.environ.get("KESU_SECRET_KEY", _DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = env_list("KESU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
if SECRET_KEY == _DEVELOPMENT_SECRET_KEY and not (
    DEBUG or set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]", "testserver"}
):
    raise ImproperlyConfigured(
        "KESU_SECRET_KEY must be set when serving hosts other than localhost"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kesu.core",
    "kesu.accounts",
    "kesu.customers",
    "kesu.complaints",
    "kesu.deadlines",
    "kesu.notifications",
    "kesu.intake",
    "kesu.handling",
    "kesu.quality",
    "kesu.demo",
    "kesu.reports",
    "kesu.web",
    "huey.contrib.djhuey",
    "django_htmx",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files from the app itself, on one machine or many (no CDN: no internet).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's own language wins over the browser's.
    "kesu.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kesu.web.middleware.ApplicationErrorMiddleware",
    # Lockout after repeated failed sign-ins; last, as django-axes asks.
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
                "kesu.web.context_processors.unread_notifications",
                "kesu.web.context_processors.intake_worker",
                "kesu.web.context_processors.quality_lead",
            ],
        },
    },
]


def database_from_url(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of one
            # failing half-way with "database is locked"; WAL lets readers go on meanwhile.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    elif config["ENGINE"] == "django.db.backends.postgresql":
        # No JIT: Kesu's queries are short aggregations over indexed ranges, where compiling
        # them costs more than it saves (200 ms of a 500 ms report query at 10M cases,
        # bench/README.md).
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config


DATABASE_URL = os.environ.get("KESU_DATABASE_URL") or f"sqlite:///{VAR_DIR / 'kesu.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "kesu.accounts.backends.RolePermissionBackend",
]

# Argon2 for new and changed passwords; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Five failed sign-ins for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = os.environ.get("KESU_LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"KESU_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}")
LOCALE_PATHS = [BASE_DIR / "kesu" / "locale"]
TIME_ZONE = os.environ.get("KESU_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Attachments and raw mail in an S3-compatible bucket (MinIO, OSS, COS, S3) when
# KESU_S3_BUCKET is set; needs `pip install "kesu[s3]"` (django-storages with boto3).
if os.environ.get("KESU_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["KESU_S3_BUCKET"],
            "endpoint_url": os.environ.get("KESU_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("KESU_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("KESU_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("KESU_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Serve straight from the apps too, so that a fresh checkout needs no collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KESU_LOG_LEVEL", "INFO")},
    # The worker gives huey a handler of its own; do not print its lines twice.
    "loggers": {"huey": {"propagate": False}, "axes": {"level": "WARNING"}},
}

# Limits on what one request may carry; larger texts are refused with a clear error.
KESU_MAX_TEXT_LENGTH = 10_000

# Time limits: a case is "at risk" once this share of its time is used; an overdue case goes
# to head office this long after it went to the supervisor.
KESU_AT_RISK_RATIO = float(os.environ.get("KESU_AT_RISK_RATIO", "0.8"))
KESU_SECOND_ESCALATION_AFTER_HOURS = float(
    os.environ.get("KESU_SECOND_ESCALATION_AFTER_HOURS", "24")
)
if not 0 < KESU_AT_RISK_RATIO < 1:
    raise ImproperlyConfigured("KESU_AT_RISK_RATIO must lie between 0 and 1, e.g. 0.8")

# Background work (huey): SQLite storage beside the database by default, Redis when
# KESU_REDIS_URL is set (several workers on several machines).
REDIS_URL = os.environ.get("KESU_REDIS_URL", "")
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "kesu", "url": REDIS_URL, "immediate": False}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "kesu",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
    }
HUEY["consumer"] = {"workers": 2, "worker_type": "thread"}

# Email: SMTP when KESU_EMAIL_HOST is set; otherwise messages are written to var/mail, so
# nothing is lost and nothing is sent from a laptop.
EMAIL_HOST = os.environ.get("KESU_EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("KESU_EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("KESU_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("KESU_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("KESU_EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("KESU_EMAIL_USE_SSL", False)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = os.environ.get("KESU_EMAIL_FROM", "kesu@localhost")

# Customer messages: the address customers reply to (the IMAP mailbox below), the name
# messages are signed with, and the public address of the portal used in links.
KESU_EMAIL_REPLY_TO = os.environ.get("KESU_EMAIL_REPLY_TO", "")
KESU_FIRM_NAME = os.environ.get("KESU_FIRM_NAME", "客诉服务中心")
KESU_BASE_URL = os.environ.get("KESU_BASE_URL", "http://127.0.0.1:8000")

# SMS: "log" writes to the log (the default); "http" posts to a provider's URL with
# KESU_SMS_PARAMS, a JSON object whose strings may contain {phone} and {text}.
KESU_SMS_GATEWAY = os.environ.get("KESU_SMS_GATEWAY", "log")
KESU_SMS_URL = os.environ.get("KESU_SMS_URL", "")
KESU_SMS_METHOD = os.environ.get("KESU_SMS_METHOD", "POST")
KESU_SMS_TOKEN = os.environ.get("KESU_SMS_TOKEN", "")
try:
    KESU_SMS_PARAMS = json.loads(
        os.environ.get("KESU_SMS_PARAMS", '{"mobile": "{phone}", "content": "{text}"}')
    )
except ValueError as _error:
    raise ImproperlyConfigured(f"KESU_SMS_PARAMS is not valid JSON: {_error}") from None
if KESU_SMS_GATEWAY not in ("log", "http"):
    raise ImproperlyConfigured("KESU_SMS_GATEWAY must be log or http")
# A message that fails is tried again, waiting longer each time, this many times in all.
KESU_MESSAGE_MAX_ATTEMPTS = int(os.environ.get("KESU_MESSAGE_MAX_ATTEMPTS", "6"))

# Email intake: an IMAP mailbox polled by the worker when KESU_IMAP_HOST is set.
KESU_IMAP_HOST = os.environ.get("KESU_IMAP_HOST", "")
KESU_IMAP_PORT = int(os.environ.get("KESU_IMAP_PORT", "993"))
KESU_IMAP_USER = os.environ.get("KESU_IMAP_USER", "")
KESU_IMAP_PASSWORD = os.environ.get("KESU_IMAP_PASSWORD", "")
KESU_IMAP_FOLDER = os.environ.get("KESU_IMAP_FOLDER", "INBOX")
KESU_IMAP_SSL = env_bool("KESU_IMAP_SSL", True)
KESU_IMAP_INTERVAL_MINUTES = int(os.environ.get("KESU_IMAP_INTERVAL_MINUTES", "2"))

# Intake without a member of staff (portal, email) lands at this org unit's code; the root
# of the tree when empty.
KESU_INTAKE_UNIT = os.environ.get("KESU_INTAKE_UNIT", "")

# The portal: how long what the customer sends is kept (stated in the privacy notice), and
# the abuse limits: submissions per IP per hour and per contact per day, failed tracking
# checks per IP and per number per hour.
KESU_RETENTION_YEARS = int(os.environ.get("KESU_RETENTION_YEARS", "3"))
KESU_PORTAL_SUBMITS_PER_IP_HOUR = int(os.environ.get("KESU_PORTAL_SUBMITS_PER_IP_HOUR", "5"))
KESU_PORTAL_SUBMITS_PER_CONTACT_DAY = int(
    os.environ.get("KESU_PORTAL_SUBMITS_PER_CONTACT_DAY", "3")
)
KESU_PORTAL_CHECKS_PER_HOUR = int(os.environ.get("KESU_PORTAL_CHECKS_PER_HOUR", "10"))
KESU_PORTAL_MAX_FILES = 5

# Repeat complaints: the same customer and category within this many days are linked.
KESU_REPEAT_WINDOW_DAYS = int(os.environ.get("KESU_REPEAT_WINDOW_DAYS", "90"))
# The revisit, when no time-limit policy sets its delay: this many days after the answer.
KESU_DEFAULT_REVISIT_DAYS = int(os.environ.get("KESU_DEFAULT_REVISIT_DAYS", "3"))
# A PDF font with Chinese glyphs to embed in handling forms (a .ttf); without one, the
# standard Adobe CJK font STSong-Light is used, which PDF readers supply themselves.
KESU_PDF_FONT = os.environ.get("KESU_PDF_FONT", "")

# Evidence files: at most this large each (KESU_MAX_UPLOAD_MB, default 20).
KESU_MAX_UPLOAD_BYTES = int(float(os.environ.get("KESU_MAX_UPLOAD_MB", "20")) * 1024 * 1024)
MEDIA_URL = "media/"
