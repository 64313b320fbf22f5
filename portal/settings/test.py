"""Tests: the base settings with fast hashing and mail kept in memory. DATABASE_URL still chooses the database."""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tasks run in-process unless a test starts a real worker (tests/portal/test_celery.py does).
CELERY_TASK_ALWAYS_EAGER = True

# Parallel test workers (pytest-xdist) each get a Redis database of their own, so clearing one
# worker's cache never touches another's.
_worker = env.str("PYTEST_XDIST_WORKER", default="gw0")
_redis_db = 1 + int(_worker.removeprefix("gw") or 0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailsafeRedisCache",
            "LOCATION": REDIS_URL.rsplit("/", 1)[0] + f"/{_redis_db}",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# The replica alias is the test database itself (a second connection to it), so a test can route reads there;
# the router is on only in the test that proves the routing (tests/portal/test_replica.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = []
