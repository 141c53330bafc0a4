"""Settings of the example marketplace. Everything that changes between runs comes from the
environment: `PAYMENTS_URL` (the payment service), `SHOP_URL` (how the service and customers
reach the shop), `SHOP_DATABASE` (the SQLite file), `SHOP_SECRET_KEY`, `SHOP_DEBUG`.

Safe to copy: `DEBUG` is off unless `SHOP_DEBUG=true` (a debug page shows the frames' local
variables, a store's webhook secret among them); there is no default `SECRET_KEY` (it signs
sessions: one that everybody knows lets anybody sign in as anybody); when `SHOP_URL` is https,
cookies are sent over https only and browsers are told to keep to https (HSTS)."""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
MAKE_A_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("SHOP_SECRET_KEY", "")
    if len(key) < 32:
        raise ImproperlyConfigured(
            f"SHOP_SECRET_KEY must be set to a secret of 32 characters or more: {MAKE_A_KEY}"
        )
    return key


SECRET_KEY = _secret_key()
DEBUG = _flag("SHOP_DEBUG")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

#: Where the payment service answers; each vendor's API key and webhook secret are on its
#: `Store` row.
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "http://127.0.0.1:8000")
#: How the service reaches this shop (notification and return URLs).
SHOP_URL = os.environ.get("SHOP_URL", "http://127.0.0.1:8001")
if urlsplit(SHOP_URL).hostname not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(urlsplit(SHOP_URL).hostname or "localhost")

# Served over https (behind a proxy that sets X-Forwarded-Proto, as deploy/ in the service's
# repository does): cookies never travel in clear, and browsers keep to https for a year.
if urlsplit(SHOP_URL).scheme == "https":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "shop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop_site.urls"

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
                "shop.cart.cart_summary",
            ],
        },
    },
]

WSGI_APPLICATION = "shop_site.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("SHOP_DATABASE", str(BASE_DIR / "db.sqlite3")),
        # A file, not memory: the live server's thread (which the payment service notifies
        # during the tests) and the tests share it.
        "TEST": {"NAME": os.environ.get("SHOP_TEST_DATABASE", str(BASE_DIR / "test-db.sqlite3"))},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fr"
TIME_ZONE = "Africa/Abidjan"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Cookies are shared by every port of a host: on 127.0.0.1 beside the payment service
# (`make demo`), the shop's names must not be the service's (`csrftoken`, `session`).
CSRF_COOKIE_NAME = "shop_csrftoken"
SESSION_COOKIE_NAME = "shop_sessionid"
SESSION_COOKIE_HTTPONLY = True
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: The tests run against a real payment service process (see shop/tests/runner.py).
TEST_RUNNER = "shop.tests.runner.ServiceTestRunner"
