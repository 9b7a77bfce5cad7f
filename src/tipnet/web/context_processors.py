"""Values every template needs: links to this page in each language and the quick-exit target."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

# A neutral, busy site: leaving for it looks like ordinary browsing.
QUICK_EXIT_URL = "https://www.google.com/search?q=weather"


def site(request: HttpRequest) -> dict[str, object]:
    path = request.path
    return {
        "LANGUAGE_LINKS": [
            {"code": code, "name": name, "url": translate_url(path, code)} for code, name in settings.LANGUAGES
        ],
        "QUICK_EXIT_URL": QUICK_EXIT_URL,
        "TIPNET_DEMO": settings.TIPNET_MODE == "demo",
    }
