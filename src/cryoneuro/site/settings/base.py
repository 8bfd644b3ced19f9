"""Settings shared by every environment. Values that differ come from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from cryoneuro import countries
from cryoneuro.site import env

PACKAGE_DIR = Path(__file__).resolve().parents[2]
PROJECT_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = Path(env.get_str("CRYONEURO_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = False
SECRET_KEY = env.get_str("SECRET_KEY", "")  # required in prod; dev/test provide their own
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.get_list("CSRF_TRUSTED_ORIGINS", [])

# The audit trail's seal keys ("id:hex[,id:hex...]", newest last) and the file its
# verified heads are anchored in: both outside the database (audit/keys.py, anchors.py).
AUDIT_KEYS = env.get_str("CRYONEURO_AUDIT_KEYS", "")
AUDIT_ANCHOR_FILE = Path(
    env.get_str("CRYONEURO_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "ninja",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "cryoneuro.accounts",
    "cryoneuro.audit",
    "cryoneuro.patients",
    "cryoneuro.evaluation",
    "cryoneuro.treatmentplans",
    "cryoneuro.scheduling",
    "cryoneuro.procedures",
    "cryoneuro.followup",
    "cryoneuro.careplans",
    "cryoneuro.web",
]

MIDDLEWARE = [
    "cryoneuro.core.middleware.RequestIdMiddleware",  # first: every later log line has the id
    "cryoneuro.core.metrics.RequestMetricsMiddleware",  # latency by route name (/metrics)
    "django.middleware.security.SecurityMiddleware",
    "cryoneuro.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cryoneuro.accounts.middleware.SessionTimeoutMiddleware",
    "cryoneuro.accounts.middleware.StaffMFARequiredMiddleware",
    "cryoneuro.accounts.middleware.AccessDeniedAuditMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cryoneuro.site.urls"
WSGI_APPLICATION = "cryoneuro.site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cryoneuro.accounts.context_processors.role",
                "cryoneuro.patients.context_processors.country",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "template_partials.templatetags.partials",
                "cryoneuro.core.templatetags.typography",
            ],
        },
    }
]

DATABASES = {
    "default": env.get_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cryoneuro.sqlite3'}")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds allauth's rate limits (failed passwords, TOTP guesses) and the TOTP codes
# already used, so every worker process must see the same one (docs/security/rate-limits.md):
# a table in the database by default (created by accounts' migration 0002, nothing to run),
# Redis where CRYONEURO_REDIS_URL is set. Never a per-process memory cache.
CACHE_TABLE = "cryoneuro_cache"
REDIS_URL = env.get_redis_url("CRYONEURO_REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cryoneuro",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Culling drops a third of the entries when full: rate-limit histories must not
            # be among them, so the ceiling is far above what a clinic's logins fill.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# Background work (docs/operations/tasks.md): Django's tasks API (django-tasks, the
# backport of django.tasks). Reminders, follow-up sends, the nightly audit check and
# plan computations are tasks. "database" (default): queued in a table of this database
# and run by `manage db_worker` (started by `make run` next to the web server), nothing
# else to install; "rq": queued in Redis (CRYONEURO_REDIS_URL) and run by RQ workers
# (`manage rqworker --job-class django_tasks_rq.Job default`) on any number of machines;
# "immediate": run at once inside the request (tests, or a server with no worker).
# CRYONEURO_TASKS_MAX_AGE_SECONDS: /healthz fails when the oldest task waiting to run is
# older (no worker, or one that cannot keep up).
TASKS_BACKEND = env.get_choice(
    "CRYONEURO_TASKS_BACKEND", "database", ("database", "rq", "immediate")
)
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "rq": "django_tasks_rq.RQBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
if TASKS_BACKEND == "rq":
    if not REDIS_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CRYONEURO_TASKS_BACKEND=rq needs CRYONEURO_REDIS_URL.")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A plan computation takes under a minute; ten before RQ kills a stuck one.
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
TASKS_MAX_AGE_SECONDS = env.get_int("CRYONEURO_TASKS_MAX_AGE_SECONDS", 300, minimum=10)
# The periodic jobs that `manage run_periodic` queues (cryoneuro.web.periodic), in place of
# cron lines: reminders every N minutes, follow-up e-mails and the audit check daily at a
# time of the clinic's zone (TIME_ZONE), old task results pruned daily.
PERIODIC_REMINDERS_EVERY_MINUTES = env.get_int("CRYONEURO_REMINDERS_EVERY_MINUTES", 10, minimum=1)
PERIODIC_FOLLOWUP_AT = env.get_clock_time("CRYONEURO_FOLLOWUP_SEND_AT", "08:00")
PERIODIC_AUDIT_VERIFY_AT = env.get_clock_time("CRYONEURO_AUDIT_VERIFY_AT", "03:00")
PERIODIC_PRUNE_TASKS_AT = env.get_clock_time("CRYONEURO_PRUNE_TASKS_AT", "04:00")

# Prometheus metrics at /metrics (cryoneuro.core.metrics): answered to a direct
# connection from one of these addresses (not through the proxy: a request that carries
# X-Forwarded-For came through it), or to `Authorization: Bearer <token>` when a token is set.
METRICS_ALLOWED_ADDRESSES = env.get_list("CRYONEURO_METRICS_ADDRESSES", ["127.0.0.1", "::1"])
METRICS_TOKEN = env.get_str("CRYONEURO_METRICS_TOKEN", "")

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # allauth's, loading with the user whether they have TOTP set up (one query fewer
    # per request). Sessions name their backend: those of allauth's own are logged out.
    "cryoneuro.accounts.backends.ClinicAuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: username + password; staff then add TOTP (enforced by middleware).
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_ADAPTER = "cryoneuro.accounts.adapters.ClinicAccountAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
# Failed passwords and TOTP codes: 10 a minute per address, 5 in 5 minutes per account
# (allauth keys TOTP guesses by user); counted in the shared cache above.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "cryoneuro"
# One period of clock drift either way, as RFC 6238 section 5.2 recommends.
MFA_TOTP_TOLERANCE = 1

# django-axes (ASVS 2.2.1), in the database so every worker process counts the same
# failures: lock an account+address pair after 5 failures for 30 minutes, and the account
# itself, from every address, after 20 failures from any addresses within those 30 minutes
# (cryoneuro.accounts.lockout): rotating source addresses no longer escapes the lockout,
# and a shared address (the clinic's NAT) is never locked for everyone behind it.
AXES_HANDLER = "cryoneuro.accounts.lockout.AccountLockoutHandler"
AXES_FAILURE_LIMIT = env.get_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_ACCOUNT_FAILURE_LIMIT = env.get_int("AXES_ACCOUNT_FAILURE_LIMIT", 20, minimum=1)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # so a locked user sees the lockout page
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_CALLABLE = "cryoneuro.accounts.adapters.axes_username"

# Sessions: idle timeout by cookie age refreshed on every request, absolute timeout by
# SessionTimeoutMiddleware (ASVS 3.3.2). New session key at login is Django's default.
SESSION_IDLE_TIMEOUT_SECONDS = env.get_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.get_int(
    "SESSION_ABSOLUTE_TIMEOUT_SECONDS", 10 * 3600, minimum=300
)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = False  # SessionTimeoutMiddleware refreshes it once a minute
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = env.get_language("LANGUAGE", "fr")
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One date and number format per language, everywhere (cryoneuro/site/formats/).
FORMAT_MODULE_PATH = ["cryoneuro.site.formats"]
USE_I18N = True
USE_TZ = True
# The clinic's country (cryoneuro.countries): its identifiers, insurance, coding, retention
# and secure mail; its zone is the default TIME_ZONE (Switzerland: Europe/Zurich).
# patients.country.active_profile() is the one accessor the apps and templates use.
CRYONEURO_COUNTRY = env.get_country("CRYONEURO_COUNTRY", countries.DEFAULT)
TIME_ZONE = env.get_time_zone("TIME_ZONE", countries.profile(CRYONEURO_COUNTRY).time_zone)
# A Swiss clinic keeps patients' AHV numbers only where a law lets it (AHVG art. 153b-153i;
# the LAMal invoice): the field shows only when the clinic says its legal basis holds.
CRYONEURO_AHV_ALLOWED = env.get_bool("CRYONEURO_AHV_ALLOWED", False)

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # never served directly: patient files go through audited views

EMAIL_BACKEND = env.get_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.get_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.get_int("EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL", "Clinique de la Douleur <noreply@localhost>")

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy: only our own scripts and styles; images may be data: URLs
# (rendered plots) and blob: (uploaded image previews).
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # JSON lines with the request id (cryoneuro.core.logs); no patient data in them.
    "formatters": {"json": {"()": "cryoneuro.core.logs.JsonFormatter"}},
    "filters": {"request_id": {"()": "cryoneuro.core.logs.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"axes": {"level": "WARNING"}, "django.request": {"level": "ERROR"}},
}

# Clinic settings
CLINIC_NAME = env.get_str("CLINIC_NAME", "Clinique de la Douleur")

# scheduling
# Times are stored in UTC and shown in the clinic's zone, which is TIME_ZONE.
# Reminder e-mails this many hours before an appointment (7 days and 1 day by default).
SCHEDULING_REMINDER_OFFSETS_HOURS = [
    int(h) for h in env.get_list("SCHEDULING_REMINDER_OFFSETS_HOURS", ["168", "24"])
]
SCHEDULING_SLOT_STEP_MINUTES = env.get_int("SCHEDULING_SLOT_STEP_MINUTES", 15, minimum=5)
SCHEDULING_MIN_NOTICE_MINUTES = env.get_int("SCHEDULING_MIN_NOTICE_MINUTES", 0, minimum=0)
SCHEDULING_SEARCH_DAYS = env.get_int("SCHEDULING_SEARCH_DAYS", 60, minimum=1)

# procedures and follow-up
# Follow-up schedule generated at discharge (days after the procedure); editable per patient.
FOLLOWUP_SCHEDULE = [
    {"day": 1, "kind": "call"},
    {"day": 7, "kind": "questionnaire"},
    {"day": 30, "kind": "questionnaire"},
    {"day": 30, "kind": "visit"},
    {"day": 90, "kind": "questionnaire"},
    {"day": 180, "kind": "questionnaire"},
]
# Also a questionnaire at the start of the predicted end-of-relief window (regrowth model).
FOLLOWUP_ADD_WINDOW_ITEM = True
FOLLOWUP_KNEE_INSTRUMENT = env.get_str("FOLLOWUP_KNEE_INSTRUMENT", "koos")  # or "womac"
# Base address for links in follow-up e-mails sent outside a request (daily command).
FOLLOWUP_SITE_URL = env.get_str("FOLLOWUP_SITE_URL", "http://127.0.0.1:8000")

# treatment plans
# Uploaded placement images (DICOM, PNG, JPEG) are stored under MEDIA_ROOT/treatmentplans/
# and served only by an audited, permission-checked view; larger files are refused.
TREATMENTPLANS_MAX_IMAGE_BYTES = env.get_int(
    "TREATMENTPLANS_MAX_IMAGE_BYTES", 30 * 1024 * 1024, minimum=1024
)
# Any uploaded file is received only up to this size, then dropped (cryoneuro.core.uploads):
# placement images are the only uploads, so their limit. Django would otherwise write a file
# of any size to a temporary file before the form could refuse it.
FILE_UPLOAD_MAX_BYTES = TREATMENTPLANS_MAX_IMAGE_BYTES
FILE_UPLOAD_HANDLERS = [
    "cryoneuro.core.uploads.BoundedFileUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A plan computation asked for from the form (run by the task worker) that has no result
# after this long is shown as failed: no worker took it, or the one that did died.
TREATMENTPLANS_COMPUTATION_TIMEOUT_SECONDS = env.get_int(
    "TREATMENTPLANS_COMPUTATION_TIMEOUT_SECONDS", 600, minimum=60
)
# The most pixel values an uploaded image may declare (rows x columns x frames x samples
# per pixel), checked in the file's header before anything is decoded (issue 13: a 1.5 MB
# RLE DICOM declaring 10000 x 10000 made the server allocate 2.4 GB). 4096 x 4096 is the
# largest matrix of the flat-panel radiography detectors (43 x 43 cm at ~0.1 mm); an
# ultrasound or CT still is far smaller (1024 x 768 x 3, 512 x 512). Decoded at 16 bits it
# is 32 MiB; the reader adds an 8-bit copy and float32 bands of rows, never a float64 copy
# of the image. Pillow's own decompression-bomb limit is set to the same number.
TREATMENTPLANS_MAX_IMAGE_PIXELS = env.get_int(
    "TREATMENTPLANS_MAX_IMAGE_PIXELS",
    4096 * 4096,
    minimum=64 * 64,  # below, no image is usable
)
