"""Service texts per language (name, hours, description), their marked fallback on public pages, the
leaflet and the JSON; CSV columns per language; notices and near misses in services.json; prefecture
names in every page language; the staff list's demo mark."""

from __future__ import annotations

import csv
import importlib
import io
import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import override

from tests.web.test_directory_staff import make_service
from tipnet.core import csvsafe
from tipnet.web.accounts.models import AuditEvent
from tipnet.web.accounts.roles import Role
from tipnet.web.directory.csv_io import COLUMNS, CsvImportError, parse_csv, services_to_csv
from tipnet.web.directory.leaflet import leaflet_html
from tipnet.web.directory.models import Service
from tipnet.web.directory.prefectures import BY_CODE, PREFECTURES, prefecture_lookup
from tipnet.web.directory.seed import DEMO, REAL, directory_seed
from tipnet.web.directory.seed_texts import TRANSLATIONS

LANGS = [code for code, _name in settings.LANGUAGES]
TEXTS = {
    "ja": {"description": "日本語の説明"},
    "en": {"name": "Riverside Shelter", "hours": "Weekdays 9:00-17:00", "description": "English description"},
    "vi": {"name": "Nhà tạm lánh bên sông", "description": "Mô tả tiếng Việt"},
}


@pytest.fixture
def shelter(organisations) -> Service:  # type: ignore[no-untyped-def]
    return make_service(organisations["ngo"], name="川辺シェルター", texts=TEXTS)


@pytest.fixture
def seeded(db) -> int:  # type: ignore[no-untyped-def]
    return directory_seed(demo=True)


# --- the fallback ----------------------------------------------------------------------------------


def test_text_in_the_page_language_is_not_marked(shelter) -> None:  # type: ignore[no-untyped-def]
    text = shelter.text("description", "vi")
    assert (text.text, text.language, text.fallback, text.note) == ("Mô tả tiếng Việt", "vi", False, "")


@override("en")  # the notes are lazy translations: checked in English whatever ran before
def test_missing_text_falls_back_to_english_then_japanese(shelter) -> None:  # type: ignore[no-untyped-def]
    hours = shelter.text("hours", "vi")
    assert (hours.text, hours.language, hours.fallback) == ("Weekdays 9:00-17:00", "en", True)
    assert hours.note == "(in English)"
    shelter.texts = {"ja": {"hours": "平日9時から"}}
    hours = shelter.text("hours", "th")
    assert (hours.text, hours.language, hours.fallback, hours.note) == ("平日9時から", "ja", True, "(in Japanese)")
    # On Japanese pages Japanese comes first, then English.
    description = make_service(shelter.organisation, name="B", texts={"en": {"description": "Only English"}})
    assert description.text("description", "ja").language == "en"


def test_the_original_name_is_the_japanese_name(shelter) -> None:  # type: ignore[no-untyped-def]
    assert shelter.text("name", "ja").text == "川辺シェルター"
    assert shelter.text("name", "th").text == "Riverside Shelter"  # English before Japanese
    shelter.texts = {}
    name = shelter.text("name", "th")
    assert (name.text, name.language, name.fallback) == ("川辺シェルター", "ja", True)
    shelter.name = "IOM Japan"  # neither language known: shown unmarked
    name = shelter.text("name", "th")
    assert (name.text, name.fallback) == ("IOM Japan", False)


def test_service_page_marks_the_fallback_for_screen_readers_and_eyes(shelter) -> None:  # type: ignore[no-untyped-def]
    vi = Client().get(f"/vi/help/services/{shelter.pk}/").content.decode()
    assert "Mô tả tiếng Việt" in vi and "English description" not in vi
    assert "<h1>Nhà tạm lánh bên sông</h1>" in vi
    assert '<span lang="en">Weekdays 9:00-17:00</span> <small class="fallback-note">' in vi
    th = Client().get(f"/th/help/services/{shelter.pk}/").content.decode()
    assert '<span lang="en">English description</span> <small class="fallback-note">' in th
    assert '<span lang="en">Riverside Shelter</span>' in th
    assert '<p lang="ja">川辺シェルター</p>' in th  # the original name, for a Japanese helper
    ja = Client().get(f"/ja/help/services/{shelter.pk}/").content.decode()
    assert "日本語の説明" in ja and "<h1>川辺シェルター</h1>" in ja


def test_search_results_and_leaflet_use_the_texts(shelter) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/th/help/services/", {"prefecture": "23"}).content.decode()
    assert '<span lang="en">Riverside Shelter</span> <small class="fallback-note">' in body
    Service.objects.filter(pk=shelter.pk).update(phone="052-000-0000")  # the leaflet gives hours with a phone
    html = leaflet_html(language="vi", prefecture=BY_CODE["23"])
    assert "Nhà tạm lánh bên sông" in html and "川辺シェルター" in html
    assert '<span lang="en">Weekdays 9:00-17:00</span>' in html


# --- staff form ------------------------------------------------------------------------------------


def _form_data(client, service: Service) -> dict[str, object]:  # type: ignore[no-untyped-def]
    form = client.get(f"/en/staff/directory/{service.pk}/").context["form"]
    data: dict[str, object] = {
        name: form[name].value() for name in form.fields if form[name].value() not in (None, "", False, [])
    }
    data.pop("is_published", None)
    data["is_published"] = "on"
    return data


def test_staff_enter_texts_per_language_audited(staff, organisations, client_for) -> None:  # type: ignore[no-untyped-def]
    service = make_service(organisations["ngo"], name="川辺シェルター", texts=TEXTS)
    client = client_for(staff[Role.ORG_ADMIN])
    page = client.get(f"/en/staff/directory/{service.pk}/").content.decode()
    assert page.count('<fieldset class="language-text">') == len(LANGS)
    assert '<legend lang="vi">Tiếng Việt</legend>' in page
    assert 'name="description_zh-hans"' in page and "Mô tả tiếng Việt" in page
    data = _form_data(client, service)
    data.update({"description_th": "คำอธิบายภาษาไทย", "hours_th": "ทุกวัน", "name_vi": "", "description_en": ""})
    response = client.post(f"/en/staff/directory/{service.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    service.refresh_from_db()
    assert service.texts == {
        "ja": {"description": "日本語の説明"},
        "en": {"name": "Riverside Shelter", "hours": "Weekdays 9:00-17:00"},
        "vi": {"description": "Mô tả tiếng Việt"},
        "th": {"hours": "ทุกวัน", "description": "คำอธิบายภาษาไทย"},
    }
    event = AuditEvent.objects.filter(action="directory.service_updated").last()
    assert event.details["fields"] == ["texts"]
    assert "คำอธิบาย" not in json.dumps(event.details)  # names of fields only, never contents


@pytest.mark.parametrize(("field", "value"), [
    ("description_vi", '<a href="https://evil.example">bấm</a>'),
    ("name_th", "x" * 201),
])
def test_bad_translation_changes_nothing(staff, organisations, client_for, field, value) -> None:  # type: ignore[no-untyped-def]
    service = make_service(organisations["ngo"], name="川辺シェルター", texts=TEXTS)
    client = client_for(staff[Role.ORG_ADMIN])
    data = _form_data(client, service)
    data[field] = value
    response = client.post(f"/en/staff/directory/{service.pk}/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Plain text only" in body or "at most 200 characters" in body
    service.refresh_from_db()
    assert service.texts == TEXTS
    assert not AuditEvent.objects.filter(action="directory.service_updated").exists()


def test_forged_post_to_another_organisations_service_is_refused(staff, organisations, client_for) -> None:  # type: ignore[no-untyped-def]
    other = make_service(organisations["other"], name="Other shelter", texts={"en": {"description": "Theirs"}})
    client = client_for(staff[Role.ORG_ADMIN])
    response = client.post(f"/en/staff/directory/{other.pk}/", {"name": "Mine now", "description_vi": "Của tôi"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.texts == {"en": {"description": "Theirs"}} and other.name == "Other shelter"


def test_texts_of_an_unknown_language_are_refused(organisations) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_service(organisations["ngo"], texts={"xx": {"name": "?"}})
    with pytest.raises(ValidationError):
        make_service(organisations["ngo"], texts={"vi": {"motto": "?"}})
    with pytest.raises(ValidationError):
        make_service(organisations["ngo"], texts={"vi": "not a dict"})


# --- CSV ---------------------------------------------------------------------------------------------


def test_csv_has_a_column_per_text_and_language_and_round_trips(shelter) -> None:  # type: ignore[no-untyped-def]
    shelter.texts = {**TEXTS, "th": {"name": '=HYPERLINK("https://evil.example","x")', "hours": "+24h"}}
    shelter.save()
    for kind in ("name", "hours", "description"):
        for language in LANGS:
            assert f"{kind}_{language}" in COLUMNS
    text = services_to_csv([shelter])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["name_vi"] == "Nhà tạm lánh bên sông" and rows[0]["hours_en"] == "Weekdays 9:00-17:00"
    assert rows[0]["name_th"].startswith("'=") and rows[0]["hours_th"] == "'+24h"
    for cell in rows[0].values():
        assert not cell.startswith(csvsafe.FORMULA_START), cell
    parsed = parse_csv(text)[0]
    assert parsed.pk == shelter.pk and parsed.texts == shelter.texts


def test_csv_empty_cell_removes_a_text_and_missing_column_keeps_it(shelter) -> None:  # type: ignore[no-untyped-def]
    header = "id,organisation,name,kinds,sexes,residence,languages,nationwide,prefectures,description_vi\n"
    line = f"{shelter.pk},Test NGO,川辺シェルター,shelter,female,regular,en,no,23,\n"
    parsed = parse_csv(header + line)[0]
    assert "vi" not in parsed.texts or "description" not in parsed.texts["vi"]
    assert parsed.texts["vi"]["name"] == "Nhà tạm lánh bên sông"  # name_vi not in the file: kept
    assert parsed.texts["en"] == TEXTS["en"]


def test_csv_old_hours_column_is_read_in_its_language(organisations) -> None:  # type: ignore[no-untyped-def]
    header = "organisation,name,kinds,sexes,residence,languages,nationwide,prefectures,hours\n"
    rows = parse_csv(header + "Test NGO,A,shelter,female,regular,ja,no,23,平日9時から17時\n"
                     "Test NGO,B,shelter,female,regular,ja,no,23,Weekdays 9-17\n")
    assert rows[0].texts == {"ja": {"hours": "平日9時から17時"}}
    assert rows[1].texts == {"en": {"hours": "Weekdays 9-17"}}


def test_csv_bad_translation_lists_the_line_and_imports_nothing(organisations) -> None:  # type: ignore[no-untyped-def]
    header = "organisation,name,kinds,sexes,residence,languages,nationwide,prefectures,description_th,name_xx\n"
    with pytest.raises(CsvImportError) as failure:
        parse_csv(header + "Test NGO,A,shelter,female,regular,ja,no,23,<b>x</b>,\n")
    assert failure.value.problems == ["line 1: unknown column: name_xx"]
    header = header.replace(",name_xx", "")
    with pytest.raises(CsvImportError) as failure:
        parse_csv(header + "Test NGO,A,shelter,female,regular,ja,no,23,<b>x</b>\n")
    assert failure.value.problems[0].startswith("line 2: description_th: Plain text only")
    assert not Service.objects.exists()


# --- JSON ----------------------------------------------------------------------------------------------


def test_json_gives_texts_in_the_language_and_names_the_fallback(shelter) -> None:  # type: ignore[no-untyped-def]
    entry = Client().get("/vi/help/services.json").json()["services"][0]
    assert entry["name"] == "川辺シェルター" and entry["name_en"] == "Riverside Shelter"
    assert entry["display_name"] == "Nhà tạm lánh bên sông" and entry["description"] == "Mô tả tiếng Việt"
    assert entry["hours"] == "Weekdays 9:00-17:00"
    assert entry["text_language"] == {"display_name": "vi", "hours": "en", "description": "vi"}
    entry = Client().get("/th/help/services.json").json()["services"][0]
    assert entry["text_language"] == {"display_name": "en", "hours": "en", "description": "en"}


def test_json_has_the_notices_and_near_misses_the_page_shows(seeded) -> None:  # type: ignore[no-untyped-def]
    query = {"need": "shelter", "language": "vi", "prefecture": "23", "sex": "male", "age": "30"}
    payload = Client().get("/en/help/services.json", query).json()
    codes = [notice["code"] for notice in payload["notices"]]
    assert codes == ["no_public_shelter_for_men", "no_service_fits", "language_near_misses"]
    assert payload["count"] == 0 and payload["services"] == []
    near = [s["name"] for s in payload["near_misses"]]
    assert "法務局 人権擁護部" in near and "女性相談支援センター" not in near
    page = Client().get("/en/help/services/", query)
    assert [s.name for s in page.context["relaxed"]] == near
    html = re.sub(r"<[^>]+>", "", page.content.decode())  # the page links 110 for tap-to-call
    for notice in payload["notices"]:
        assert notice["text"] in html and notice["title"] in html, notice
    assert payload["notices"][2]["title"] == "Services that fit but may not speak your language"


def test_json_has_no_notice_when_services_fit(seeded) -> None:  # type: ignore[no-untyped-def]
    payload = Client().get("/en/help/services.json", {"need": "legal", "prefecture": "13"}).json()
    assert payload["count"] > 0 and payload["notices"] == [] and payload["near_misses"] == []


def test_json_notice_text_is_in_the_requested_language(seeded) -> None:  # type: ignore[no-untyped-def]
    from django.utils import translation

    query = {"need": "shelter", "prefecture": "27", "sex": "male"}
    payload = Client().get("/ja/help/services.json", query).json()
    with translation.override("ja"):
        from tipnet.web.directory.forms import SearchForm
        from tipnet.web.directory.views import search_outcome

        form = SearchForm(query)
        assert form.is_valid()
        expected = [n.text for n in search_outcome(form.filters()).notices]
    assert [n["text"] for n in payload["notices"]] == expected
    assert payload["notices"][0]["code"] == "no_public_shelter_for_men"


# --- prefectures ------------------------------------------------------------------------------------


# Japanese forms whose simplified Chinese form differs (県→县, 島→岛, 児→儿, 広→广, 徳→德 ...).
JAPANESE_ONLY_FORMS = set("県島児広徳愛長岡鳥縄賀庫葉馬宮東")


def test_prefectures_in_simplified_chinese() -> None:
    names = {p.code: p.name("zh-hans") for p in PREFECTURES}
    assert (names["21"], names["34"], names["46"], names["14"], names["09"], names["36"], names["23"]) == (
        "岐阜县", "广岛县", "鹿儿岛县", "神奈川县", "栃木县", "德岛县", "爱知县"
    )
    assert (names["01"], names["13"], names["26"], names["27"], names["47"]) == ("北海道", "东京都", "京都府", "大阪府", "冲绳县")
    for code, name in names.items():
        assert not JAPANESE_ONLY_FORMS & set(name), (code, name)
        assert name[-1] in "县都府道", (code, name)
    assert len(set(names.values())) == 47


def test_prefectures_in_every_page_language() -> None:
    thai = re.compile(r"^[\u0e00-\u0e7f]+$")
    for p in PREFECTURES:
        assert p.name("ja") == p.ja and p.name("en") == p.en
        assert thai.match(p.name("th")), p.name("th")
        for language in ("vi", "fil", "id", "es", "pt-br"):
            assert p.name(language).isascii() or language in ("es", "pt-br"), (language, p.name(language))
    assert BY_CODE["13"].name("es") == "Tokio" and BY_CODE["13"].name("pt-br") == "Tóquio"
    assert BY_CODE["23"].name("th") == "ไอจิ" and BY_CODE["23"].name("vi") == "Aichi"
    for value, code in [("爱知县", "23"), ("爱知", "23"), ("广岛", "34"), ("ไอจิ", "23"), ("Tokio", "13"), ("quioto", "26")]:
        found = prefecture_lookup(value)
        assert found is not None and found.code == code, value


@pytest.mark.django_db
def test_zh_hans_search_page_offers_simplified_names() -> None:
    body = Client().get("/zh-hans/help/services/").content.decode()
    assert '<option value="34">广岛县</option>' in body and "広島" not in body


# --- seed and staff list ----------------------------------------------------------------------------


def test_seed_translations_belong_to_entries_and_are_complete(seeded) -> None:  # type: ignore[no-untyped-def]
    names = {entry.name for entry in REAL + DEMO}
    assert set(TRANSLATIONS) <= names
    for entry in REAL:
        service = Service.objects.get(name=entry.name)
        for language in LANGS:
            assert not service.text("description", language).fallback, (entry.name, language)
            assert not service.text("name", language).fallback, (entry.name, language)
            if entry.hours:
                assert not service.text("hours", language).fallback, (entry.name, language)


def test_staff_list_marks_a_demo_entry_once(staff, seeded, client_for) -> None:  # type: ignore[no-untyped-def]
    body = client_for(staff[Role.NETWORK_ADMIN]).get("/en/staff/directory/").content.decode()
    assert "Demo: women&#x27;s shelter</a> (demo)" in body
    assert "(demo) (demo)" not in body and body.count("(demo)") == len(DEMO)


def test_migration_moves_old_texts_and_drops_the_second_demo_mark() -> None:
    migration = importlib.import_module("tipnet.web.directory.migrations.0002_service_texts")
    name, texts = migration.old_to_texts(
        name="Demo: women's shelter (demo)", name_en="Demo: women's shelter (demo)",
        description={"en": "A shelter.", "vi": " ", "ja": "シェルター"}, hours="Weekdays 9-17", is_demo=True,
    )
    assert name == "Demo: women's shelter"
    assert texts == {"en": {"description": "A shelter.", "name": "Demo: women's shelter", "hours": "Weekdays 9-17"},
                     "ja": {"description": "シェルター"}}
    name, texts = migration.old_to_texts(name="窓口 (demo)", name_en="", description={}, hours="平日9時", is_demo=False)
    assert (name, texts) == ("窓口 (demo)", {"ja": {"hours": "平日9時"}})
