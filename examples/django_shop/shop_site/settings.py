"""Settings of the example marketplace. Everything that changes between runs comes from the
environment: `PAYMENTS_URL` (the payment service), `SHOP_DATABASE` (the SQLite file),
`SHOP_SECRET_KEY`, `SHOP_DEBUG`."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("SHOP_SECRET_KEY", "django-insecure-example-shop-only")
DEBUG = os.environ.get("SHOP_DEBUG", "1") == "1"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

#: Where the payment service answers; each vendor's API key and webhook secret are on its
#: `Store` row.
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "http://127.0.0.1:8000")
#: How the service reaches this shop (notification and return URLs).
SHOP_URL = os.environ.get("SHOP_URL", "http://127.0.0.1:8001")

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
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

#: The tests run against a real payment service process (see shop/tests/runner.py).
TEST_RUNNER = "shop.tests.runner.ServiceTestRunner"
