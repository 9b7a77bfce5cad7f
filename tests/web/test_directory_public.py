"""Public directory pages: help pages, search, service page, JSON, leaflet; no cookies, nine languages."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tipnet.web.directory.models import Service
from tipnet.web.directory.seed import directory_seed

LANGS = [code for code, _name in settings.LANGUAGES]
HELP_PAGES = ["help", "help-trafficking", "help-rights", "help-after"]
URLS = {
    "help": "/{lang}/help/",
    "help-trafficking": "/{lang}/help/what-is-trafficking/",
    "help-rights": "/{lang}/help/your-rights/",
    "help-after": "/{lang}/help/after-asking-for-help/",
    "search": "/{lang}/help/services/",
}


@pytest.fixture
def seeded(db) -> int:  # type: ignore[no-untyped-def]
    return directory_seed(demo=True)


def served_languages() -> list[str]:
    from django.utils.translation import check_for_language

    return [lang for lang in LANGS if check_for_language(lang)]


@pytest.mark.parametrize("page", list(URLS))
def test_public_pages_in_every_language_set_no_cookie(seeded, page) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for lang in served_languages():
        response = client.get(URLS[page].format(lang=lang))
        assert response.status_code == 200, (lang, page)
        assert f'<html lang="{lang}">' in response.content.decode()
        assert not response.cookies, (lang, page, response.cookies)
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "<script>" not in response.content.decode() and "style=" not in response.content.decode()


def test_help_page_has_emergency_numbers_and_links(db) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/en/help/").content.decode()
    for number in ("110", "119", "0120-924-839", "0570-078377"):
        assert number in body
    assert "/en/help/your-rights/" in body and "/en/help/services/" in body


def test_rights_page_names_the_four_rights(db) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/en/help/your-rights/").content.decode()
    for heading in ("Protection and a safe place", "Permission to stay", "Free legal help", "Not punished for what you were forced to do"):
        assert heading in body


def test_seed_is_marked_to_verify_and_idempotent(seeded) -> None:  # type: ignore[no-untyped-def]
    assert seeded > 10
    assert directory_seed(demo=True) == 0
    real = Service.objects.filter(is_demo=False)
    assert real.exists() and not real.exclude(verification="to_verify").exists()
    assert Service.objects.filter(is_demo=True).exists()
    assert all("demo" in s.name.lower() for s in Service.objects.filter(is_demo=True))
    houterasu = Service.objects.get(name__startswith="法テラス")
    assert houterasu.phone == "0570-078377" and houterasu.nationwide
    # Only contacts the reference shows: HELP has none there.
    help_shelter = Service.objects.get(name="女性の家HELP")
    assert not (help_shelter.phone or help_shelter.email or help_shelter.website or help_shelter.line_id)


def search(client: Client, lang: str = "en", **params: str):  # type: ignore[no-untyped-def]
    return client.get(f"/{lang}/help/services/", params)


def test_vietnamese_man_in_aichi_looking_for_a_shelter_sees_the_gap(seeded) -> None:  # type: ignore[no-untyped-def]
    response = search(Client(), "vi", need="shelter", language="vi", prefecture="Aichi", sex="male", age="30")
    assert response.status_code == 200
    names = [s.name for s in response.context["results"]]
    assert names == []  # no shelter speaking Vietnamese accepts men in Aichi
    relaxed = [s.name for s in response.context["relaxed"]]
    assert "法務局 人権擁護部" in relaxed  # emergency lodging for men, nationwide
    assert "女性相談支援センター" not in relaxed  # women only
    assert response.context["men_shelter_gap"]


def test_thai_woman_in_tokyo_finds_legal_help(seeded) -> None:  # type: ignore[no-untyped-def]
    response = search(Client(), "th", need="legal", language="th", prefecture="13", sex="female")
    assert response.status_code == 200
    names = [s.name for s in response.context["results"]]
    assert any(name.startswith("法テラス") for name in names)
    assert "Demo: legal aid desk" in names
    # Local before nationwide
    assert names.index("Demo: legal aid desk") < names.index(next(n for n in names if n.startswith("法テラス")))
    assert response.content.decode().count("<article") == len(names)


def test_page_language_codes_are_accepted_for_the_spoken_language(seeded) -> None:  # type: ignore[no-untyped-def]
    response = search(Client(), "zh-hans", language="zh-hans", need="hotline")
    assert response.status_code == 200
    assert any("zh" in s.languages for s in response.context["results"])


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"colour": "red"}, "Unknown filter: colour"),
        ({"language": "xx"}, "Unknown language: xx"),
        ({"need": "spa"}, "Unknown kind of help: spa"),
        ({"prefecture": "Atlantis"}, "Unknown prefecture: Atlantis"),
        ({"age": "old"}, "Enter the age as a number"),
        ({"age": "-3"}, ""),
        ({"sex": "robot"}, "Unknown value for sex: robot"),
    ],
)
def test_bad_filters_get_a_clear_message(seeded, params, message) -> None:  # type: ignore[no-untyped-def]
    response = search(Client(), **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'role="alert"' in response.content.decode()


def test_bad_filter_message_in_the_readers_language(seeded) -> None:  # type: ignore[no-untyped-def]
    response = search(Client(), "ja", language="xx")
    assert response.status_code == 400
    with translation.override("ja"):
        from django.utils.translation import gettext

        expected = gettext("Unknown language: %(value)s.") % {"value": "xx"}
    assert expected in response.content.decode()


def test_service_page_shows_everything(seeded) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.get(name="Demo: women's shelter")
    body = Client().get(f"/en/help/services/{service.pk}/").content.decode()
    assert "3 of 8" in body and "updated" in body
    assert "Demo entry" in body and "not been verified" in body
    assert "Aichi" in body and "Vietnamese" in body


def test_unpublished_and_missing_services_are_not_found(seeded) -> None:  # type: ignore[no-untyped-def]
    service = Service.objects.first()
    Service.objects.filter(pk=service.pk).update(is_published=False)
    assert Client().get(f"/en/help/services/{service.pk}/").status_code == 404
    assert Client().get("/en/help/services/999999/").status_code == 404


def test_json_endpoint_is_read_only_cors_and_cookieless(seeded) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.get("/vi/help/services.json", {"need": "shelter", "prefecture": "Aichi", "sex": "female"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    assert not response.cookies
    data = json.loads(response.content)
    assert data["language"] == "vi" and data["count"] == len(data["services"]) > 0
    first = data["services"][0]
    assert {"kinds", "languages", "prefectures", "contact", "beds_free", "verification"} <= set(first)
    assert client.post("/vi/help/services.json").status_code == 405
    assert "Access-Control-Allow-Origin" not in client.post("/vi/help/services.json")
    bad = client.get("/en/help/services.json", {"language": "xx"})
    assert bad.status_code == 400 and "Unknown language" in json.loads(bad.content)["problems"][0]


def test_leaflet_pdf(seeded) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/vi/help/leaflet.pdf", {"prefecture": "Aichi"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not response.cookies
    bad = Client().get("/en/help/leaflet.pdf", {"prefecture": "Atlantis"})
    assert bad.status_code == 400 and "Unknown prefecture: Atlantis" in bad.content.decode()


def test_leaflet_names_the_missing_font_package(seeded, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from tipnet.web.directory import leaflet

    monkeypatch.setattr(leaflet, "_has_font_for", lambda fc_lang: fc_lang != "th")
    response = Client().get("/th/help/leaflet.pdf")
    assert response.status_code == 503
    assert "fonts-noto-core" in response.content.decode()
