"""Values every template needs: links to this page in each language and the quick-exit target."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation

# A neutral, busy site: leaving for it looks like ordinary browsing.
QUICK_EXIT_URL = "https://www.google.com/search?q=weather"


def language_url(path: str, code: str) -> str:
    """This page in language ``code``; the start page in that language when the path is not one of
    ours. Why: translate_url returns an unknown path unchanged, so a 404 for ``//evil.example/``
    would offer ``//evil.example/`` (another site) as a language link."""
    try:
        resolve(path)
    except Resolver404:
        url = ""
    else:
        url = translate_url(path, code)
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        with translation.override(code):
            url = reverse("public:home")
    return url


def site(request: HttpRequest) -> dict[str, object]:
    path = request.path
    return {
        "LANGUAGE_LINKS": [{"code": code, "name": name, "url": language_url(path, code)} for code, name in settings.LANGUAGES],
        "QUICK_EXIT_URL": QUICK_EXIT_URL,
        "TIPNET_DEMO": settings.TIPNET_MODE == "demo",
    }
