"""Settings for the Kankakee social media records portal, read from the environment.

Every variable is documented in README.md ("Configuration"). With nothing set, the
portal runs on a SQLite file with tasks executed in-process, so that a newcomer can
start it with one command; production sets DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

# Running under pytest: fast password hashing and a throwaway secret key.
TESTING = "pytest" in sys.modules

# The embedded default (no DATABASE_URL: a SQLite file) is a development run, so it
# defaults to DEBUG; anything pointed at a real database defaults to production.
DATABASE_URL = env_str("DATABASE_URL", "")
DEBUG = env_bool("DEBUG", default=not DATABASE_URL)

if DEBUG or TESTING:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-never-use-in-production")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or TESTING) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    # Sign-in: lockout (axes), second factor (django-otp: TOTP, recovery codes, passkeys).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "config.portal.apps.PortalConfig",
    "sites_registry",
    "moderation",
    "records",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses a request body above its limit from Content-Length, before anything reads it.
    "config.portal.accounts.middleware.RequestBodyLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.portal.accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second factor passed in this session.
    "django_otp.middleware.OTPMiddleware",
    # A signed-in person who must use a second factor and has not reaches only the
    # second-factor pages (enrolment on first sign-in) and sign-out.
    "config.portal.accounts.middleware.SecondFactorRequiredMiddleware",
    # Secure by default: every page needs a login unless its view is marked
    # @login_not_required (the public pages, the login page, the token API).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: the in-place actions answer a fragment to htmx and redirect a plain post.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.portal.context_processors.portal",
            ],
            # The one way of showing people and City-time dates, in every template without a load.
            "builtins": ["config.portal.templatetags.portal"],
        },
    },
]

# --- Database -------------------------------------------------------------------
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "portal.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRESQL = DATABASES["default"]["ENGINE"].endswith("postgresql")

# --- Redis, cache and Celery ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL)
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public pages (config/portal/public_cache.py). Each web process re-reads the pages' change tokens
# at most every PUBLIC_CACHE_TOKEN_SECONDS (and at once after a write of its own); a reverse proxy,
# a CDN or a browser may keep a page PUBLIC_CACHE_MAX_AGE seconds and serve it stale while it asks
# again for PUBLIC_CACHE_STALE_WHILE_REVALIDATE more. Together at most 60 s: the transparency
# report is never more than a minute behind a change.
_token_seconds = env_str("PUBLIC_CACHE_TOKEN_SECONDS", "1") or "1"
try:
    PUBLIC_CACHE_TOKEN_SECONDS = float(_token_seconds)
except ValueError:
    raise ImproperlyConfigured(f"PUBLIC_CACHE_TOKEN_SECONDS={_token_seconds!r} is not a number.") from None
if not 0 <= PUBLIC_CACHE_TOKEN_SECONDS <= 10:
    raise ImproperlyConfigured("PUBLIC_CACHE_TOKEN_SECONDS must be between 0 and 10 (seconds).")
PUBLIC_CACHE_MAX_AGE = env_int("PUBLIC_CACHE_MAX_AGE", 30)
PUBLIC_CACHE_STALE_WHILE_REVALIDATE = env_int("PUBLIC_CACHE_STALE_WHILE_REVALIDATE", 29)
if PUBLIC_CACHE_MAX_AGE < 0 or PUBLIC_CACHE_STALE_WHILE_REVALIDATE < 0:
    raise ImproperlyConfigured(
        "PUBLIC_CACHE_MAX_AGE and PUBLIC_CACHE_STALE_WHILE_REVALIDATE cannot be negative."
    )
if PUBLIC_CACHE_TOKEN_SECONDS + PUBLIC_CACHE_MAX_AGE + PUBLIC_CACHE_STALE_WHILE_REVALIDATE > 60:
    raise ImproperlyConfigured(
        "PUBLIC_CACHE_TOKEN_SECONDS + PUBLIC_CACHE_MAX_AGE + PUBLIC_CACHE_STALE_WHILE_REVALIDATE must be "
        "at most 60 (seconds): the public transparency report may be at most a minute behind a change."
    )
# The largest public file (the transparency CSV) kept whole in the cache once streamed.
PUBLIC_CACHE_MAX_FILE_BYTES = env_int("PUBLIC_CACHE_MAX_FILE_BYTES", 16 * 1024 * 1024)

# No broker: tasks run in-process, synchronously, so the embedded default still works.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TIMEZONE = "America/Chicago"
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Jobs are written to be idempotent (they re-fetch by id and do only missing work),
# so a message is acknowledged only after the task finished, and a task whose worker
# died is handed to another worker rather than lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 55 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
# Redis re-delivers an unacknowledged message after the visibility timeout; it must
# be longer than the longest hard time limit or a running job is started twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "portal-heartbeat": {"task": "portal.heartbeat", "schedule": 300.0},
}

# --- Auth -------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTHENTICATION_BACKENDS = [
    # Counts failures and refuses a locked-out user name or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "public-home"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Password reset links by e-mail stay valid this long (seconds).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60)

# Lockout (django-axes): every sign-in (portal and admin) is counted per user name and, apart,
# per address; AXES_FAILURE_LIMIT failures lock that user name or address out for
# AXES_COOLOFF_MINUTES (a further failure while locked out starts the wait again).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.portal.accounts.signin.lockout_response"
# The address is the one the portal's proxy saw (BEHIND_TLS_PROXY), not the proxy's own.
AXES_CLIENT_IP_CALLABLE = "config.portal.accounts.signin.client_address"
# Sign-ins are recorded by the portal's own sign-in log (config.portal.accounts.models.SignInEvent),
# and unlocking goes through its service, so axes keeps neither a log nor an admin of its own.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Second factor (django-otp). Required for the City Clerk, the Communications Office and
# administrators; for the Technical Services Team while MFA_REQUIRED_FOR_TST is on.
MFA_REQUIRED_FOR_TST = env_bool("MFA_REQUIRED_FOR_TST", default=True)
# Development only (honoured only with DEBUG; a system check refuses it in production):
# user names that sign in without a second factor, so the demo users of `make run` just work.
MFA_EXEMPT_USERNAMES = env_list("MFA_EXEMPT_USERNAMES", [])
OTP_TOTP_ISSUER = "Kankakee Social Media Portal"
OTP_WEBAUTHN_RP_NAME = "Kankakee Social Media Portal"
# A passkey is a second factor here, after the password: never a way round the lockout.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# Recovery codes issued at enrolment (each works once).
MFA_RECOVERY_CODES = 10

# --- Time, language ----------------------------------------------------------------
# Calendar years, business days and every date a person sees are in the City's time
# zone; times are stored in UTC.
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

# --- Static files, exports -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # USWDS, installed from npm by `make install` and served by WhiteNoise: no CDN.
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
    # htmx (in-place actions) and tom-select (searchable pickers), from npm the same way.
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
]
EXPORT_ROOT = Path(env_str("EXPORT_ROOT", str(VAR_DIR / "exports")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "media")},
    },
    # FOIA export bundles: never served publicly; downloads go through a view that
    # checks the Clerk's role and records each download. Any django-storages backend
    # (for example storages.backends.s3.S3Storage) can be named here.
    "exports": {
        "BACKEND": env_str("EXPORT_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": {"location": str(EXPORT_ROOT)} if env_str("EXPORT_STORAGE_BACKEND", "") == "" else {},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}

# --- E-mail ---------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Kankakee Social Media Portal <no-reply@citykankakee-il.gov>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where reports of potential violations go at once (Ordinance 2019-70, Sec. VI).
COMMUNICATIONS_OFFICE_EMAIL = env_list("COMMUNICATIONS_OFFICE_EMAIL", ["communications@citykankakee-il.gov"])
CITY_CLERK_EMAIL = env_list("CITY_CLERK_EMAIL", ["clerk@citykankakee-il.gov"])

# --- Security (all on in production; `manage.py check --deploy` is clean) -------------
_SECURE = not (DEBUG or TESTING)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=_SECURE)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=_SECURE)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=_SECURE)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=_SECURE)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=_SECURE)
# Behind the City's reverse proxy: trust its X-Forwarded-Proto, and take the visitor's address
# for the public forms' rate limits from the last X-Forwarded-For entry (the proxy's own).
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", default=False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. Every script
# and style sheet is a file under static/ (USWDS is served from node_modules, no CDN).
CSP_REPORT_URI = env_str("CSP_REPORT_URI", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        **({"report-uri": [CSP_REPORT_URI]} if CSP_REPORT_URI else {}),
    }
}
# Permissions-Policy: the browser features the portal never uses are off for every page;
# passkeys (WebAuthn) work on the portal's own pages only.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
}
# Bodies: Django keeps at most this much of a form in memory; a request whose Content-Length
# is above PORTAL_MAX_REQUEST_BYTES is refused (413) before its body is read. The largest
# legitimate body is an upload of CAPTURE_UPLOAD_MAX_BYTES (below) with its form.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2621440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2621440)

# --- Simple history --------------------------------------------------------------------
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
SIMPLE_HISTORY_REVERT_DISABLED = True  # records are evidence: never "revert" from the admin
# History is read by record id (config.portal.audit.AuditHistory), never by date across records:
# an index on history_date would only slow every write.
SIMPLE_HISTORY_DATE_INDEX = False

# --- Portal ------------------------------------------------------------------------------
CITY_NAME = "City of Kankakee"
CITY_WEBSITE_URL = env_str("CITY_WEBSITE_URL", "https://www.citykankakee-il.gov/")
SYSTEM_USERNAME = "system"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes logs every sign-in at INFO; the sign-in log (SignInEvent) already keeps them.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- Sites registry ---
# The person who requested a site, or confirmed one of its required disclosures, may not
# approve it. Off only for a one-person office: the decision then records that it was relaxed.
SITE_APPROVAL_SEPARATION_OF_DUTIES = env_bool("SITE_APPROVAL_SEPARATION_OF_DUTIES", default=True)
# Approved sites not re-certified for this many months are flagged to the Communications Office.
SITES_RECERTIFY_AFTER_MONTHS = env_int("SITES_RECERTIFY_AFTER_MONTHS", 12)

# --- Moderation: removals, reports, referrals ---------------------------------
# Business days the Communications Office has to resolve a report before it is flagged
# overdue (Ordinance 2019-70, Sec. VI: it "will investigate and respond to all reports").
MODERATION_REPORT_RESPONSE_BUSINESS_DAYS = env_int("MODERATION_REPORT_RESPONSE_BUSINESS_DAYS", 3)
# Links in e-mails point here (the portal's public address).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")
# Passkeys are bound to the portal's own host name and accepted from its own origin only
# (both from PORTAL_BASE_URL). Changing the host name means enrolling passkeys again.
# A passkey cannot be bound to an IP address: the development address 127.0.0.1 becomes
# localhost (open http://localhost:8000 to try passkeys with `make run`).
_PORTAL_ORIGIN = urlsplit(PORTAL_BASE_URL)
_PORTAL_HOST = _PORTAL_ORIGIN.hostname or "localhost"
if _PORTAL_HOST.replace(".", "").isdigit() or ":" in _PORTAL_HOST:
    _PORTAL_HOST = "localhost"
OTP_WEBAUTHN_RP_ID = env_str("OTP_WEBAUTHN_RP_ID", _PORTAL_HOST)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    [
        f"{_PORTAL_ORIGIN.scheme}://{_PORTAL_HOST}"
        + (f":{_PORTAL_ORIGIN.port}" if _PORTAL_ORIGIN.port else "")
    ],
)
# Each business morning, the Communications Office gets a list of overdue reports.
CELERY_BEAT_SCHEDULE["moderation-overdue-report-digest"] = {
    "task": "moderation.overdue_report_digest",
    "schedule": crontab(hour=8, minute=0, day_of_week="mon-fri"),
}

# --- FOIA ---
# Where export bundles are assembled before the atomic publish; default: a ".work"
# folder inside the exports storage (same file system), or the system temp folder
# for storages without local paths.
FOIA_EXPORT_WORK_DIR = env_str("FOIA_EXPORT_WORK_DIR", "")
FOIA_EXPORT_COMPRESSION_LEVEL = env_int("FOIA_EXPORT_COMPRESSION_LEVEL", 6)
FOIA_EXPORT_PROGRESS_EVERY = env_int("FOIA_EXPORT_PROGRESS_EVERY", 2000)
# Tests only: seconds slept per exported record, to kill a worker mid-build.
FOIA_EXPORT_ROW_DELAY = float(env_str("FOIA_EXPORT_ROW_DELAY", "0") or 0) if TESTING or DEBUG else 0.0
CELERY_BEAT_SCHEDULE["records-foia-daily-digest"] = {
    "task": "records.foia_daily_digest",
    # 7:00 in the City's time zone (CELERY_TIMEZONE), on weekdays.
    "schedule": crontab(hour=7, minute=0, day_of_week="1-5"),
}

# --- Public FOIA requests (the web form, the requester's status page) ---
# Hours a confirmation link stays valid; an unconfirmed submission is deleted after that.
FOIA_CONFIRMATION_HOURS = env_int("FOIA_CONFIRMATION_HOURS", 48)
# Days a status link works (each e-mail to the requester carries a new one; any can be re-sent).
FOIA_STATUS_LINK_DAYS = env_int("FOIA_STATUS_LINK_DAYS", 180)
# Rate limits of the public form (counted in the cache, i.e. Redis in production), per window.
FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY = env_int("FOIA_SUBMISSIONS_PER_ADDRESS_PER_DAY", 5)
FOIA_SUBMISSIONS_PER_IP_PER_HOUR = env_int("FOIA_SUBMISSIONS_PER_IP_PER_HOUR", 10)
FOIA_RESENDS_PER_ADDRESS_PER_DAY = env_int("FOIA_RESENDS_PER_ADDRESS_PER_DAY", 3)
FOIA_RESENDS_PER_IP_PER_HOUR = env_int("FOIA_RESENDS_PER_IP_PER_HOUR", 10)
# Where a request can be mailed or brought (shown on the public form).
FOIA_OFFICE_ADDRESS = env_str(
    "FOIA_OFFICE_ADDRESS", "FOIA Officer, City Clerk's Office, 304 S. Indiana Avenue, Kankakee, IL 60901"
)
CELERY_BEAT_SCHEDULE["records-foia-submissions-expire"] = {
    "task": "records.foia_submissions_expire",
    "schedule": crontab(minute=40),
}

# --- Retention, legal holds, Disposal Certificates ---------------------------------
# Records destroyed per transaction by the purge (one commit per batch; keep a batch < 1 s).
RETENTION_PURGE_BATCH_SIZE = env_int("RETENTION_PURGE_BATCH_SIZE", 5000)
# Off: purge batches commit without waiting for the WAL flush (PostgreSQL synchronous_commit
# = off for those transactions only). Each batch stays atomic; a crash can lose only the last
# batches' destruction, records and tombstones together, and the next run redoes it. On by
# default: the benchmark showed no gain on this hardware worth the difference.
RETENTION_PURGE_SYNCHRONOUS_COMMIT = env_bool("RETENTION_PURGE_SYNCHRONOUS_COMMIT", default=True)
# When the nightly retention job runs, City time (after midnight so "today" is the new day).
RETENTION_NIGHTLY_HOUR = env_int("RETENTION_NIGHTLY_HOUR", 2)
CELERY_BEAT_SCHEDULE["records-enforce-retention"] = {
    "task": "records.enforce_retention",
    "schedule": crontab(hour=RETENTION_NIGHTLY_HOUR, minute=15),
}

# --- Audit ledger ---
# The nightly verification of the whole chain (after the retention job), which e-mails the
# Clerk and the administrators the day's chain head, or the first entry that does not verify.
AUDIT_LEDGER_NIGHTLY_HOUR = env_int("AUDIT_LEDGER_NIGHTLY_HOUR", 4)
CELERY_BEAT_SCHEDULE["portal-verify-audit-ledger"] = {
    "task": "portal.verify_audit_ledger",
    "schedule": crontab(hour=AUDIT_LEDGER_NIGHTLY_HOUR, minute=30),
}

# --- Capture: importers, search, monitoring queue ----------------------------
# Screening hints in the TST queue (they never act on their own): words to flag, and the
# phrases that mark a comment as asking the City for a response (Ordinance Sec. V).
CAPTURE_SCREENING_WORDS = env_list(
    "CAPTURE_SCREENING_WORDS", ["kill", "shoot", "bomb", "threat", "lawsuit", "sue", "attorney"]
)
CAPTURE_RESPONSE_PHRASES = env_list(
    "CAPTURE_RESPONSE_PHRASES",
    [
        "?",
        "please respond",
        "please reply",
        "please call me",
        "please contact me",
        "can someone",
        "who do i contact",
        "who should i contact",
        "i need help",
        "any update",
    ],
)
# Rows per database round trip when importing; bounds the import's memory.
CAPTURE_IMPORT_BATCH_SIZE = env_int("CAPTURE_IMPORT_BATCH_SIZE", 5000)
# Largest file the upload form accepts (bytes); bigger files go through import_captures.
CAPTURE_UPLOAD_MAX_BYTES = env_int("CAPTURE_UPLOAD_MAX_BYTES", 50 * 1024 * 1024)
# The largest request body the portal reads at all (bytes): an upload and its form.
PORTAL_MAX_REQUEST_BYTES = env_int("PORTAL_MAX_REQUEST_BYTES", CAPTURE_UPLOAD_MAX_BYTES + 1024 * 1024)
# Largest number of items in one Capture API batch.
CAPTURE_API_MAX_ITEMS = env_int("CAPTURE_API_MAX_ITEMS", 1000)

# --- Automatic capture: connectors to the platforms' APIs ---------------------
# Fernet keys (comma-separated, newest first) that encrypt connected sites' credentials;
# required in production. See moderation.connectors.crypto and rotate_connector_keys.
CONNECTOR_TOKEN_KEYS = env_list("CONNECTOR_TOKEN_KEYS", [])
# Each platform's API base URL (tests point them at a local server).
CAPTURE_API_URLS = {
    "facebook": env_str("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v23.0"),
    "instagram": env_str("INSTAGRAM_GRAPH_URL", "https://graph.facebook.com/v23.0"),
    "x": env_str("X_API_URL", "https://api.x.com"),
    "youtube": env_str("YOUTUBE_API_URL", "https://www.googleapis.com/youtube/v3"),
}
# Minutes between two captures of a site (a site's own setting overrides it).
CAPTURE_INTERVAL_MINUTES = env_int("CAPTURE_INTERVAL_MINUTES", 15)
# Every run lists the comments of the posts of the last CAPTURE_ACTIVE_DAYS days; once a
# day (CAPTURE_RESCAN_HOURS) a re-scan lists CAPTURE_RESCAN_DAYS days, to see edits and
# deletions on older posts.
CAPTURE_ACTIVE_DAYS = env_int("CAPTURE_ACTIVE_DAYS", 3)
CAPTURE_RESCAN_DAYS = env_int("CAPTURE_RESCAN_DAYS", 30)
CAPTURE_RESCAN_HOURS = env_int("CAPTURE_RESCAN_HOURS", 24)
# The Celery queue of captures: a worker of its own, so a slow platform never delays
# FOIA exports or the purge.
CAPTURE_QUEUE = env_str("CAPTURE_QUEUE", "capture")
# HTTP: seconds before a request times out; attempts per request on a fault (5xx, time-out,
# throttling); the longest wait a platform may ask for (Retry-After) before the run stops
# and the next one carries on from the cursor.
CAPTURE_HTTP_TIMEOUT = env_int("CAPTURE_HTTP_TIMEOUT", 30)
CAPTURE_HTTP_ATTEMPTS = env_int("CAPTURE_HTTP_ATTEMPTS", 4)
CAPTURE_HTTP_MAX_WAIT = env_int("CAPTURE_HTTP_MAX_WAIT", 120)
# The first back-off after a fault (milliseconds); it doubles on each attempt, with jitter.
CAPTURE_HTTP_BACKOFF_SECONDS = env_int("CAPTURE_HTTP_BACKOFF_MS", 1000) / 1000
# The largest page a platform may answer (bytes); the platforms' own stay far below.
CAPTURE_MAX_PAGE_BYTES = env_int("CAPTURE_MAX_PAGE_BYTES", 8 * 1024 * 1024)
# Items written per transaction by a capture run (a killed worker loses no committed page).
CAPTURE_COMMIT_ITEMS = env_int("CAPTURE_COMMIT_ITEMS", 2000)
# Hours without a successful capture before TST is told by e-mail.
CAPTURE_STALE_HOURS = env_int("CAPTURE_STALE_HOURS", 24)
CELERY_TASK_ROUTES = {"moderation.capture_site": {"queue": CAPTURE_QUEUE}}
CELERY_BEAT_SCHEDULE["moderation-capture-due-sites"] = {
    "task": "moderation.capture_due_sites",
    "schedule": 60.0,
}
# Where the Technical Services Team is told that a site needs reauthorization or has not
# been captured for CAPTURE_STALE_HOURS (comma-separated).
TECHNICAL_SERVICES_EMAIL = env_list("TECHNICAL_SERVICES_EMAIL", ["technicalservices@citykankakee-il.gov"])
# Connecting a site through the platform's own consent page (OAuth 2 authorization code).
# The "Authorize with …" button shows only for a platform whose client id is set; without
# one, an administrator pastes a long-lived token instead. The redirect URI to register
# with each platform is PORTAL_BASE_URL + /portal/moderation/connections/oauth/callback/.
_FACEBOOK_OAUTH = {
    "client_id": env_str("FACEBOOK_APP_ID", ""),
    "client_secret": env_str("FACEBOOK_APP_SECRET", ""),
    "authorize_url": "https://www.facebook.com/v23.0/dialog/oauth",
    "token_url": "https://graph.facebook.com/v23.0/oauth/access_token",
    "token_endpoint_auth_method": "client_secret_post",
    "pkce": False,
    "extra": {},
}
CAPTURE_OAUTH = {
    # Facebook's user token is exchanged for a long-lived one, then for the Page's own token.
    "facebook": {
        **_FACEBOOK_OAUTH,
        "scope": "pages_show_list pages_read_engagement pages_read_user_content pages_manage_engagement",
        "exchange": "facebook",
        "page_token": True,
    },
    # Instagram professional accounts are reached through the Facebook app and its Page.
    "instagram": {
        **_FACEBOOK_OAUTH,
        "scope": "instagram_basic instagram_manage_comments pages_show_list pages_read_engagement",
        "exchange": "facebook",
        "page_token": False,
    },
    "x": {
        "client_id": env_str("X_CLIENT_ID", ""),
        "client_secret": env_str("X_CLIENT_SECRET", ""),
        "authorize_url": "https://x.com/i/oauth2/authorize",
        "token_url": "https://api.x.com/2/oauth2/token",
        "token_endpoint_auth_method": "client_secret_basic",
        "pkce": True,  # X requires PKCE (S256)
        "scope": "tweet.read users.read block.read offline.access",
        "extra": {},
    },
    "youtube": {
        "client_id": env_str("GOOGLE_CLIENT_ID", ""),
        "client_secret": env_str("GOOGLE_CLIENT_SECRET", ""),
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "token_endpoint_auth_method": "client_secret_post",
        "pkce": True,
        "scope": "https://www.googleapis.com/auth/youtube.force-ssl",
        # A refresh token, so the capture goes on after the hour the access token lasts.
        "extra": {"access_type": "offline", "prompt": "consent"},
    },
}
# TST is told by e-mail, once per episode, of every connected site without a successful
# capture for CAPTURE_STALE_HOURS; the Communications Office gets a summary each month.
CELERY_BEAT_SCHEDULE["moderation-capture-health-check"] = {
    "task": "moderation.capture_health_check",
    "schedule": crontab(minute=20),
}
CELERY_BEAT_SCHEDULE["moderation-capture-monthly-summary"] = {
    "task": "moderation.capture_monthly_summary",
    # 07:30 on the first of the month, City time (CELERY_TIMEZONE).
    "schedule": crontab(hour=7, minute=30, day_of_month=1),
}
