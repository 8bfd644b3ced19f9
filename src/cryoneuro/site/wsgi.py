import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cryoneuro.site.settings.prod")
application = get_wsgi_application()
# The URLconf (and through it every app's views and API schemas) imported now, not on each
# worker's first request: with gunicorn's preload_app the workers share it, and a worker
# started after a crash answers its first request without a second's import (issue 13).
get_resolver().url_patterns  # noqa: B018 -- the import is the point
