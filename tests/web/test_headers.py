"""Security headers on every response (DESIGN.md, security model)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ja/", "/en/staff/sign-in/", "/en/no-such-page/"])
def test_security_headers(path: str) -> None:
    response = Client().get(path, secure=True)
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"  # never a referrer to another site
    assert response["Strict-Transport-Security"].startswith("max-age=")
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_public_page_sets_no_cookie_and_keeps_language_in_url() -> None:
    response = Client().get("/vi/")
    assert response.status_code == 200
    assert not response.cookies, f"public page set cookies: {list(response.cookies)}"
    assert response["Content-Language"] == "vi"


@pytest.mark.django_db
def test_root_redirects_to_a_language() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="th")
    assert response.status_code == 302 and response["Location"] == "/th/"


def test_all_nine_languages_are_configured(settings) -> None:  # type: ignore[no-untyped-def]
    assert [code for code, _ in settings.LANGUAGES] == ["ja", "en", "vi", "zh-hans", "fil", "th", "id", "es", "pt-br"]
    from django.utils.translation import get_language_info

    assert get_language_info("fil")["name_local"] == "Filipino"
