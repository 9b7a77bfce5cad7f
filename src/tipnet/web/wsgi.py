"""WSGI entry point used by `tipnet serve` (gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipnet.web.settings")
application = get_wsgi_application()
