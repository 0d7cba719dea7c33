"""Settings for the registry, all in one place and read from the environment.

Every environment variable read below, with its typed default in brackets (the README's
tables describe each; ``sister_cities/tests/test_settings.py`` checks this list is whole):

Site and database:
    DEBUG [true]                       SECRET_KEY [required when DEBUG is off]
    ALLOWED_HOSTS [localhost,127.0.0.1,[::1],testserver; comma-separated]
    DATABASE_URL [sqlite:///<project>/db.sqlite3]      CONN_MAX_AGE [60 seconds]
    DATABASE_REPLICA_URLS [none; read-only replicas, ``operations.routers``]
    READ_YOUR_WRITES_SECONDS [15]      STATIC_ROOT [<project>/staticfiles]
    LOG_LEVEL [INFO]
Cache and sessions:
    REDIS_URL [none: local memory]     CACHE_KEY_PREFIX [sister-cities]
    READ_CACHE [true]                  READ_CACHE_SECONDS [600]
    WARM_AFTER_WRITE [/,/en/,/relationships/,/en/relationships/,/api/relationships/; off]
    SESSION_ENGINE [django.contrib.sessions.backends.db]  SESSION_COOKIE_AGE [28800 s]
HTTPS and proxies (``make serve``), named after the Django settings they set:
    SECURE_HSTS_SECONDS [0]  SECURE_HSTS_INCLUDE_SUBDOMAINS [false]  SECURE_HSTS_PRELOAD
    [false]  SECURE_SSL_REDIRECT [false]  SESSION_COOKIE_SECURE [false]
    CSRF_COOKIE_SECURE [false]  CSRF_TRUSTED_ORIGINS [none]
    SECURE_PROXY_SSL_HEADER [none; e.g. HTTP_X_FORWARDED_PROTO,https]  NUM_PROXIES [0]
Sign-in lockout, API and import limits:
    AXES_FAILURE_LIMIT [5]  AXES_COOLOFF_MINUTES [30]  API_ANON_RATE [600/minute]
    API_CACHE_MAX_AGE [60 seconds]  API_TOKEN_TTL_DAYS [30]  API_TOKEN_RATE [10/minute]
    IMPORT_MAX_BYTES [2 MiB]  IMPORT_MAX_ROWS [150]  IMPORT_UPLOAD_LIFETIME [3600 seconds]
    IMPORT_UPLOAD_ROOT [<temporary directory>/sister-cities-imports]
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from utilities.countries import countries_override

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default):
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - development default

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_countries",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "utilities.resources.apps.ImportExportConfig",
    "axes",
    "operations",
    "sources",
    "offices",
    "cities",
    "exchanges",
    "awards",
    "notices",
    "loader",
    "dashboard",
    "search",
    "benchmarks",
]

MIDDLEWARE = [
    # First, so that every log line of the request (and its response) carries its id.
    "operations.middleware.RequestIdMiddleware",
    # Around everything that may write: a request that commits a write has the pages of
    # WARM_AFTER_WRITE made again once its answer is sent (operations.warming).
    "operations.warming.WarmAfterWriteMiddleware",
    # Outside all that change a response: a streamed one reports for its gunicorn worker
    # as each of its final pieces is sent (a long export is not taken for a stuck worker).
    "operations.middleware.HeartbeatMiddleware",
    # Next, so that any error Django itself gives under /api/ is the API's JSON error.
    "operations.middleware.ApiErrorMiddleware",
    # Before anything reads the database: pins the request to the primary when it must.
    "operations.middleware.ReplicaRoutingMiddleware",
    # API answers are compressed (gzip) when the client accepts it; pages with forms and
    # CSRF tokens are not (BREACH), and static files come pre-compressed from whitenoise.
    "operations.middleware.APIGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language in the address on the public site (/en/…), cookie or browser elsewhere.
    "utilities.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Anonymous reads answered from the read cache, keyed by the registry's generation
    # (inside the CSRF middleware: a kept page gets the reader's own CSRF token).
    "operations.readcache.ReadCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page or JSON.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "operations.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "sister_cities.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "utilities.i18n.language_alternates",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "sister_cities.wsgi.application"

# A connection is kept CONN_MAX_AGE seconds (a new PostgreSQL connection costs a few
# milliseconds, more than a page's queries); 0 closes it after each request. A kept
# connection is checked before a request uses it, so a restarted database costs no error.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=CONN_MAX_AGE,
        conn_health_checks=True,
    )
}
# Read-only PostgreSQL replicas (streaming standbys of the primary): reads go there, writes
# and everything a user does shortly after a write go to the primary (operations.routers).
# Under tests a replica mirrors the primary unless a test points it at the real standby.
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    DATABASES[f"replica{_number}"] = {
        **dj_database_url.parse(_url, conn_max_age=CONN_MAX_AGE, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["operations.routers.PrimaryReplicaRouter"] if DATABASE_REPLICAS else []
# How long after a write the same browser or client keeps reading from the primary.
READ_YOUR_WRITES_SECONDS = env_int("READ_YOUR_WRITES_SECONDS", 15)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
# Served by whitenoise. Outside development (DEBUG off in the environment, as `make serve`
# sets it) the collected files carry a content hash in their names, are pre-compressed
# (gzip, brotli) and are sent with a far-future Cache-Control.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "operations.storage.StaticFilesStorage"
        if not env_bool("DEBUG", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = False

# Admin import (utilities.resources): a file over IMPORT_MAX_BYTES bytes or IMPORT_MAX_ROWS data
# rows is refused before it is read; an upload waits for its confirmation for at most
# IMPORT_UPLOAD_LIFETIME seconds in IMPORT_UPLOAD_ROOT (shared storage on several machines).
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 150)
IMPORT_UPLOAD_LIFETIME = env_int("IMPORT_UPLOAD_LIFETIME", 60 * 60)
IMPORT_UPLOAD_ROOT = os.environ.get("IMPORT_UPLOAD_ROOT", "")

# Shared state: with REDIS_URL the cache (throttling counts, optionally sessions, the page
# cache) is shared by every worker and machine; without it each process keeps its own.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "sister-cities"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The read cache (operations.readcache): anonymous GET and HEAD answers of the site and the
# API, kept READ_CACHE_SECONDS at most and keyed by the registry's generation, which every
# write raises (utilities.generation), so a kept answer is never older than the registry.
READ_CACHE = env_bool("READ_CACHE", True)
READ_CACHE_SECONDS = env_int("READ_CACHE_SECONDS", 600)
REGISTRY_GENERATION_MODEL = "operations.RegistryGeneration"
# The pages a worker makes again right after it served a write, once the writer has its
# answer (operations.warming): those whose figures take longest to make again at national
# scale, so the next visitor does not wait for them. "off": none.
WARM_AFTER_WRITE = [
    path
    for path in env_list(
        "WARM_AFTER_WRITE",
        ["/", "/en/", "/relationships/", "/en/relationships/", "/api/relationships/"],
    )
    if path != "off"
]
# Addresses (regular expressions, as SECURE_REDIRECT_EXEMPT) the read cache never keeps:
# staff's pages, the token endpoint, the language switch, the health check, the API's root,
# schema and documentation (the code's, not the registry's: they read no database) and the
# benchmark's trivial view (the bare stack's ceiling).
READ_CACHE_EXEMPT = [
    r"^/admin/",
    r"^/api/auth/",
    r"^/i18n/",
    r"^/healthz$",
    r"^/api/$",
    r"^/api/(schema|docs|redoc)/",
    r"^/benchmark/",
]

# Sessions: in the database by default; SESSION_ENGINE=django.contrib.sessions.backends.cache
# (or cached_db) keeps them in Redis. They last SESSION_COOKIE_AGE seconds (8 hours).
SESSION_ENGINE = os.environ.get("SESSION_ENGINE", "django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)

# Hardening: every `check --deploy` item comes from the variable of the same name.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer asks over plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# "HTTP_X_FORWARDED_PROTO,https" when a proxy that sets that header terminates TLS.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = tuple(env_list("SECURE_PROXY_SSL_HEADER", []))
    if len(SECURE_PROXY_SSL_HEADER) != 2:
        raise ImproperlyConfigured(
            "SECURE_PROXY_SSL_HEADER is a header and a value: HTTP_X_FORWARDED_PROTO,https"
        )
# Proxies in front of the server: the client's address is that many hops back in
# X-Forwarded-For (for throttling and login lockout); 0 trusts no forwarded address.
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# Content-Security-Policy on every response (django-csp 4): nothing inline, nothing from
# another server. Redoc's generated styles carry the page's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login lockout (django-axes) on the admin and the API token endpoint: after
# AXES_FAILURE_LIMIT failed attempts for one user name from one address, that pair is
# refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "operations.views.lockout"
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if NUM_PROXIES else ("REMOTE_ADDR",)
)
AXES_VERBOSE = False

# Every log line names its request (X-Request-ID); errors and 500s always reach the console
# (gunicorn's stderr), whatever DEBUG is.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "operations": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

LOGIN_URL = "admin:login"

# django-countries: Chinese country names come from its translations, corrected to the
# Ministry of Foreign Affairs' usage; Taiwan, Hong Kong and Macao are in no country list
# (utilities.countries).
COUNTRIES_FIRST = ["CN"]
COUNTRIES_OVERRIDE = countries_override()

REST_FRAMEWORK = {
    # Token first: an anonymous write then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "utilities.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "utilities.api.filter_backends.RegistryFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "utilities.api.pagination.RegistryPagination",
    # Bodies are JSON (the schema says so); form posts still work for the browsable API.
    "DEFAULT_PARSER_CLASSES": [
        "utilities.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every error in one JSON shape (README, "Generated clients and errors").
    "EXCEPTION_HANDLER": "utilities.api.errors.exception_handler",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "utilities.api.schema.RegistryAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["utilities.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
    # 0 (no proxy): the client is REMOTE_ADDR and a forged X-Forwarded-For is ignored
    # (DRF would read the whole header when this is None).
    "NUM_PROXIES": NUM_PROXIES,
}
# Tokens expire this many days after they are issued (0: never); /api/auth/token/ issues a
# fresh one. The token endpoint takes API_TOKEN_RATE attempts per address and per user name.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "10/minute")
# How long a shared cache or a browser may keep an anonymous API read (Cache-Control:
# public, max-age); reads with a token or a session are never stored (private, no-store).
API_CACHE_MAX_AGE = env_int("API_CACHE_MAX_AGE", 60)

SPECTACULAR_SETTINGS = {
    "TITLE": "Sister Cities Registry API",
    "DESCRIPTION": (
        "国际友好城市登记册：中国各地的友好城市与友好交流城市、交流项目、奖项和报告数字，"
        "每条记录都有来源引文。\n\n"
        "China's international partner-city relationships, exchanges, awards and reported "
        "figures, each with its source.\n\n"
        "- Reading is open; writing needs a staff account (`Authorization: Token <key>` from "
        "`/api/auth/token/`, or a session) and stays within the account's office.\n"
        "- Lists: `limit`/`offset` (at most 500), `ordering`, `q` (simplified, traditional, "
        "pinyin or English) and the filters below; `format=csv` on every list, "
        "`format=geojson` on places and relationships, `format=ics` on anniversaries "
        "(exports are not paginated).\n"
        '- Partial dates keep the source\'s precision: `"1997-10"` with `"month"`.\n'
        "- `Accept-Language: en` for English names, labels and messages (Chinese by default)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Requests and responses differ (a related record is an id in, a brief object out).
    "COMPONENT_SPLIT_REQUEST": True,
    # One request body type: a generated client sends JSON (forms cannot say "no fields").
    "PARSER_WHITELIST": ["utilities.api.parsers.LimitedJSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "PlaceLevelEnum": "cities.choices.PlaceLevel",
        "HoldingLevelEnum": "cities.choices.HoldingLevel",
        "AwardLevelEnum": "awards.choices.AwardLevel",
        "StageEnum": "cities.choices.Stage",
        "QualifierEnum": "utilities.quantities.Qualifier",
        "RelationshipKindEnum": "cities.choices.RelationshipKind",
        "ExchangeKindEnum": "exchanges.choices.ExchangeKind",
        "SourceKindEnum": "sources.choices.SourceKind",
        "StatementKindEnum": "cities.choices.StatementKind",
    },
}

# Where load_registry finds the fixture files and the report texts.
REGISTRY_FIXTURES_DIR = BASE_DIR / "fixtures"
