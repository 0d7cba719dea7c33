"""Settings for the registry, all in one place and read from the environment.

Environment variables (typed defaults in brackets):
    DEBUG [true for development]            SECRET_KEY [required when DEBUG is off]
    DATABASE_URL [sqlite:///<project>/db.sqlite3]
    ALLOWED_HOSTS [localhost,127.0.0.1,[::1] ; comma-separated]
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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
    "django_countries",
    "django_filters",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "sources",
    "cities",
    "exchanges",
    "awards",
    "benchmarks",
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
    "simple_history.middleware.HistoryRequestMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "sister_cities.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
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
STATIC_ROOT = BASE_DIR / "staticfiles"

LOGIN_URL = "admin:login"

# django-countries: Chinese country names come from Django's own translations.
COUNTRIES_FIRST = ["CN"]

REST_FRAMEWORK = {
    # Token first: an anonymous write then gets 401 with "WWW-Authenticate: Token".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "utilities.api.pagination.RegistryPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "utilities.api.schema.RegistryAutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["utilities.api.throttling.AnonymousRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_ANON_RATE", "600/minute")},
}

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
    "ENUM_NAME_OVERRIDES": {
        "PlaceLevelEnum": "cities.choices.PlaceLevel",
        "HoldingLevelEnum": "cities.choices.HoldingLevel",
        "AwardLevelEnum": "awards.choices.AwardLevel",
        "StageEnum": "cities.choices.Stage",
        "QualifierEnum": "utilities.quantities.Qualifier",
        "RelationshipKindEnum": "cities.choices.RelationshipKind",
        "ExchangeKindEnum": "exchanges.choices.ExchangeKind",
    },
}

# Where load_registry finds the fixture files and the report texts.
REGISTRY_FIXTURES_DIR = BASE_DIR / "fixtures"
