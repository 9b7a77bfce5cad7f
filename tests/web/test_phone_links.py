"""Phone numbers on public pages: tap-to-call links that dial the right digits and never break.

`tel:#8891` dialled nothing (the "#" started the URI's fragment), the emergency numbers were plain
text, and 0120-924-839 wrapped in the middle on narrow screens (issue 11).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client

from tipnet.web.directory.models import Service
from tipnet.web.directory.seed import directory_seed
from tipnet.web.public.templatetags.phone import tel_uri

LANGS = [code for code, _name in settings.LANGUAGES]
TEL_LINK = re.compile(r'<a class="tel" href="([^"]*)">([^<]*)</a>')
ANY_TEL_HREF = re.compile(r'href="(tel:[^"]*)"')
CSS = Path(__file__).resolve().parents[2] / "src" / "tipnet" / "web" / "static" / "tipnet" / "site.css"


def dialled(uri: str) -> str:
    """What a phone dials for a tel: URI: the path, percent-decoded, without visual separators."""
    parts = urlsplit(uri)
    assert parts.scheme == "tel", uri
    assert parts.fragment == "" and "#" not in uri, f"{uri}: a raw # starts a fragment and dials nothing"
    return re.sub(r"[-.()\s]", "", unquote(parts.path))


@pytest.mark.parametrize(
    ("number", "digits"),
    [
        ("110", "110"),
        ("119", "119"),
        ("0120-924-839", "0120924839"),
        ("0570-078377", "0570078377"),
        ("#8891", "#8891"),
        ("#8778", "#8778"),
        ("+81 3-1234-5678", "+81312345678"),
        (" 03 (1234) 5678 ", "0312345678"),
    ],
)
def test_tel_uri_dials_the_right_digits(number: str, digits: str) -> None:
    uri = tel_uri(number)
    assert uri is not None
    assert dialled(uri) == digits


@pytest.mark.parametrize("text", ["", "  ", "LINE only", "03-1234-5678 weekdays", "1+1", "javascript:alert(1)", "---"])
def test_text_that_is_not_a_number_gets_no_link(text: str) -> None:
    assert tel_uri(text) is None
    html = Template('{% load phone %}{% phone text %}').render(Context({"text": text}))
    assert "href" not in html and html.startswith('<span class="tel">')


def test_the_tag_renders_a_non_wrapping_link_and_escapes() -> None:
    html = Template('{% load phone %}{% phone "#8891" %}').render(Context())
    assert html == '<a class="tel" href="tel:%238891">#8891</a>'
    hostile = Template('{% load phone %}{% phone text %}').render(Context({"text": '<b onclick="x">'}))
    assert "<b" not in hostile and "&lt;b" in hostile
    assert re.search(r"\.tel\s*\{[^}]*white-space:\s*nowrap", CSS.read_text(encoding="utf-8"))


def test_the_tag_keeps_the_link_inside_a_translated_sentence() -> None:
    html = Template(
        '{% load i18n phone %}{% phone "0120-924-839" as number %}'
        "{% blocktranslate with number=number %}Anonymous Reporting Dial of the police: {{ number }} (free call, Japanese)"
        "{% endblocktranslate %}"
    ).render(Context())
    assert '<a class="tel" href="tel:0120924839">0120-924-839</a>' in html


@pytest.fixture
def seeded(db) -> int:  # type: ignore[no-untyped-def]
    return directory_seed(demo=True)


def public_pages() -> list[str]:
    pages = ["/{lang}/", "/{lang}/help/", "/{lang}/help/what-is-trafficking/", "/{lang}/help/your-rights/",
             "/{lang}/help/after-asking-for-help/", "/{lang}/help/services/",
             "/{lang}/help/services/?need=shelter&language=vi&prefecture=Aichi&sex=male&age=30",
             "/{lang}/report/", "/{lang}/report/follow-up/"]
    return pages + [f"/{{lang}}/help/services/{pk}/" for pk in Service.objects.values_list("pk", flat=True)]


def test_every_public_page_in_every_language_has_working_phone_links(seeded) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    seen_short_code = False
    for lang in LANGS:
        for page in public_pages():
            url = page.format(lang=lang)
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            for href in ANY_TEL_HREF.findall(body):
                dialled(href)  # no raw "#", scheme tel
            links = TEL_LINK.findall(body)
            for href, text in links:
                assert dialled(href) == re.sub(r"[-.()\s]", "", text), (url, href, text)
            seen_short_code |= any(text == "#8891" for _href, text in links)
            # the footer's police number is a link on every page
            assert ("tel:110", "110") in links, url
            # 0120-924-839 only ever appears inside a non-wrapping link
            assert body.count("0120-924-839") == sum(text == "0120-924-839" for _href, text in links), url
    assert seen_short_code


def test_help_page_emergency_numbers_are_links(seeded) -> None:  # type: ignore[no-untyped-def]
    body = Client().get("/ja/help/").content.decode()
    links = dict((text, href) for href, text in TEL_LINK.findall(body))
    assert links["110"] == "tel:110" and links["119"] == "tel:119"
    assert links["0120-924-839"] == "tel:0120924839"
    assert links["0570-078377"] == "tel:0570078377"
    assert links["#8891"] == "tel:%238891"


def test_home_page_names_the_dial_as_the_help_pages_do(db) -> None:  # type: ignore[no-untyped-def]
    home = Client().get("/en/").content.decode()
    help_page = Client().get("/en/help/").content.decode()
    assert "Government of Japan" not in home
    assert "Anonymous Reporting Dial of the police" in home and "Anonymous Reporting Dial of the police" in help_page
