"""The test settings with a per-process memory cache, as before the shared cache: only for
the control in test_worker_limits.py, which shows two workers then count apart."""

from cryoneuro.site.settings.test import *  # noqa: F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
