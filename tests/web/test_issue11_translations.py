"""Issue 11, translations of the reporter's path added after the December 2026 review.

The review's rules (docs/translations.md) hold for texts written after it too: a message that quotes
a label quotes that label's translation; the Japanese pages give readings of hard words on first use
and avoid the words the review found too hard; the Chinese public pages say 你, never 您. The pages
checked here are those the review never saw: the "already sent" page, the receipt with a refused
file, the refused form and the server-error page.

Corrections of existing translations wait in ``i18n-pending/*.json`` under ``"corrections"`` until
the merger moves them into the catalogues (and removes the file). The ``corrected`` fixture lays them
over Django's loaded catalogues for the test, so the test checks what will ship, before and after.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.translation import trans_real

from tests.web.test_people_path import fresh_report_form, send, token_of
from tests.web.test_public_wording import PAGES, READINGS, visible_text

PENDING = Path(__file__).resolve().parents[2] / "i18n-pending"
LANGS = ("ja", "vi", "zh-hans", "fil", "th", "id", "es", "pt-br")
CATALOGUE = {"zh-hans": "zh_Hans", "pt-br": "pt_BR"}

# Labels that other messages quote (docs/translations.md, "Quoted labels"), with the quoting msgids.
QUOTED = {
    "Keep my other files as they are": [
        "Only photos (JPEG, PNG, HEIC, WebP, TIFF, GIF, BMP) are accepted. To send another kind of file, "
        "tick 'Keep my other files as they are'.",
        "%(name)s is not a photo. To send it as it is, tick 'Keep my other files as they are'.",
    ],
}


@pytest.fixture
def corrected() -> Iterator[None]:
    """Django's catalogues with the pending corrections laid over them, put back afterwards.

    The report form's fields are a cached template fragment (per language): the cache is emptied
    before, so the page is rendered with the corrections, and after, so no later test sees them."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    saved: list[tuple[object, str, object]] = []
    for path in sorted(PENDING.glob("*.json")):
        for msgid, by_lang in json.loads(path.read_text(encoding="utf-8")).get("corrections", {}).items():
            for lang, msgstr in by_lang.items():
                code = {v: k for k, v in CATALOGUE.items()}.get(lang, lang)
                catalog = trans_real.translation(code)._catalog  # type: ignore[attr-defined]
                saved.append((catalog, msgid, catalog.get(msgid)))
                catalog[msgid] = msgstr
    yield
    for catalog, msgid, old in reversed(saved):
        catalog[msgid] = old  # type: ignore[index]
    for cache in caches.all():
        cache.clear()


def test_the_fixture_reads_every_correction_the_catalogues_know() -> None:
    import polib

    for path in sorted(PENDING.glob("*.json")):
        for msgid, by_lang in json.loads(path.read_text(encoding="utf-8")).get("corrections", {}).items():
            for lang, msgstr in by_lang.items():
                po = Path(__file__).resolve().parents[2] / f"src/tipnet/locale/{lang}/LC_MESSAGES/django.po"
                entry = polib.pofile(str(po)).find(msgid)
                assert entry is not None and not entry.obsolete, (path.name, lang, msgid)
                assert sorted(re.findall(r"%\(\w+\)s", msgid)) == sorted(re.findall(r"%\(\w+\)s", msgstr)), (lang, msgid)


@pytest.mark.parametrize("lang", LANGS)
def test_a_quoted_label_is_the_labels_own_translation(corrected, lang: str) -> None:  # type: ignore[no-untyped-def]
    # fil quoted the checkbox's old wording after the review changed the label itself.
    with translation.override(lang):
        for label, quoting in QUOTED.items():
            shown = translation.gettext(label)
            for msgid in quoting:
                assert shown in translation.gettext(msgid), (lang, msgid)


def already_sent_page(lang: str) -> str:
    client = Client()
    token = token_of(fresh_report_form(client, lang))
    assert send(client, token, lang=lang).status_code == 200
    again = send(client, token, lang=lang)
    assert again.status_code == 409
    return again.content.decode()


def server_error_page(lang: str) -> str:
    from tipnet.web.public.views import server_error

    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        return server_error(RequestFactory().post(f"/{lang}/report/")).content.decode()


def refused_form_page(lang: str) -> str:
    return send(Client(), "not-a-token", lang=lang).content.decode()


# The rest of docs/translations.md's list ("Japanese for technical interns"): 入管 is the plain form of
# 出入国在留管理庁 and carries its reading; 被害 also covers 被害者（ひがいしゃ）.
MORE_READINGS = {"被害": "ひがい", "緊急": "きんきゅう", "法務局": "ほうむきょく", "賠償": "ばいしょう", "入管": "にゅうかん"}


def first_use_without_reading(text: str) -> list[str]:
    """The hard words whose first use on the page has no reading in brackets right after it."""
    missing = []
    for word, reading in {**READINGS, **MORE_READINGS}.items():
        first = text.find(word)
        if first >= 0 and not re.match(rf"[\u4e00-\u9fff]{{0,4}}（[^）]*{reading}", text[first + len(word): first + len(word) + 30]):
            missing.append(text[max(0, first - 10): first + 20])
    return missing


@pytest.mark.parametrize("page", [already_sent_page, server_error_page, refused_form_page])
def test_japanese_readings_and_plain_words_on_the_new_pages(corrected, operator, page) -> None:  # type: ignore[no-untyped-def]
    text = visible_text(page("ja"))
    assert not first_use_without_reading(text), first_use_without_reading(text)
    for word in ("当局", "試行", "隷属", "書き留め", "保管"):
        assert word not in text, word


@pytest.mark.parametrize("path", PAGES)
def test_every_listed_hard_word_has_its_reading_on_first_use(corrected, db, path: str) -> None:  # type: ignore[no-untyped-def]
    # test_public_wording checks the words of the issue; this checks the whole list of the docs.
    text = visible_text(Client().get(path).content.decode())
    assert not first_use_without_reading(text), first_use_without_reading(text)


@pytest.mark.parametrize("page", [already_sent_page, server_error_page, refused_form_page])
def test_chinese_public_pages_say_ni(corrected, operator, page) -> None:  # type: ignore[no-untyped-def]
    assert "您" not in visible_text(page("zh-hans"))


def test_chinese_receipt_with_a_refused_file_says_ni(corrected, operator) -> None:  # type: ignore[no-untyped-def]
    import io

    client = Client()
    big = io.BytesIO(b"\xff" * (8 * 1024 * 1024 + 1))
    big.name = "night-shift.jpg"
    body = send(client, token_of(fresh_report_form(client, "zh-hans")), lang="zh-hans", files=[big]).content.decode()
    assert 'id="refused-files"' in body
    assert "您" not in visible_text(body)


@pytest.mark.parametrize("path", ["/zh-hans/", "/zh-hans/help/", "/zh-hans/help/your-rights/", "/zh-hans/report/",
                                  "/zh-hans/report/follow-up/", "/zh-hans/help/services/"])
def test_chinese_public_pages_the_review_saw_say_ni(db, path: str) -> None:  # type: ignore[no-untyped-def]
    assert "您" not in visible_text(Client().get(path).content.decode())


def test_spanish_public_texts_use_latin_american_verbs(corrected) -> None:  # type: ignore[no-untyped-def]
    # The review asked for agregar / llenar / ingresar / presionar on public pages (a mainly Latin
    # American readership); texts written after it had slipped back to añadir and pulsar.
    with translation.override("es"):
        for msgid in (
            "The receipt number is shown only once. If you wrote it down, use it to read our answer or to add "
            "information. If you did not, you can send a new report.",
            "Everything else was sent. You can add these files later on the page for your receipt number.",
            "It was received when you first pressed Send, and it was not sent a second time.",
            "This form was open for too long, or it came from another page. Nothing was sent. Please check what "
            "you wrote and press Send again.",
        ):
            shown = translation.gettext(msgid)
            assert shown != msgid and not re.search(r"añad|puls|rellen", shown), shown


# The review's major points outside the interview (the interview's are in
# tests/core/screening/test_question_wording.py): the selection sense of "Your choices" and id's
# "account status" must not come back with a later retranslation.
MAJOR_FIXED = {
    ("Your choices", "ja"): ("あなたが選んだ条件", "決め"),
    ("Your choices", "fil"): ("Mga pinili mo", "magpapasya"),
    ("Your choices", "es"): ("Lo que eligió", "decide"),
    ("Your choices", "th"): ("ตัวเลือกของคุณ", "เลือกเอง"),
    ("Status", "id"): ("Status akun", "Status"),
}


@pytest.mark.parametrize(("msgid", "lang"), sorted(MAJOR_FIXED))
def test_the_reviews_major_points_stay_fixed(corrected, msgid: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    wrong, needed = MAJOR_FIXED[(msgid, lang)]
    with translation.override(lang):
        shown = translation.gettext(msgid)
    assert shown != wrong and needed in shown, shown


# One word for what a reporter gets back: each language's glossary term (docs/translations.md).
RECEIPT_NUMBER = {"ja": "受付番号", "vi": "số biên nhận", "zh-hans": "受理号码", "fil": "receipt number",
                  "th": "หมายเลขรับเรื่อง", "id": "nomor tanda terima", "es": "número de recibo",
                  "pt-br": "número de protocolo"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_about_the_receipt_number_uses_the_glossary_term(corrected, lang: str) -> None:  # type: ignore[no-untyped-def]
    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / f"src/tipnet/locale/{CATALOGUE.get(lang, lang)}/LC_MESSAGES/django.po"))
    msgids = [e.msgid for e in po if not e.obsolete and not e.msgid_plural and "receipt number" in e.msgid.lower()]
    assert msgids
    with translation.override(lang):
        off = [msgid for msgid in msgids if RECEIPT_NUMBER[lang].lower() not in translation.gettext(msgid).lower()]
    assert not off, off


def test_filipino_does_not_promise_the_answer_later_today(corrected) -> None:  # type: ignore[no-untyped-def]
    # "mamaya" is later today; answers and added files come days later (review, fil minor).
    with translation.override("fil"):
        for msgid in (
            "No answer yet. Please come back later.",
            "You do not need to give your name. We keep no record of who you are or where you write from. After you "
            "send, you get a receipt number: with it you can read our answer and add information later.",
            "Everything else was sent. You can add these files later on the page for your receipt number.",
        ):
            shown = translation.gettext(msgid)
            assert shown != msgid and "mamaya" not in shown, shown


def test_vietnamese_says_bao_tin_for_a_report_as_the_glossary_does(corrected) -> None:  # type: ignore[no-untyped-def]
    # Texts written after the review said "tin báo" where the glossary and the rest say "báo tin".
    import polib

    po = polib.pofile(str(Path(__file__).resolve().parents[2] / "src/tipnet/locale/vi/LC_MESSAGES/django.po"))
    with translation.override("vi"):
        off = [e.msgid for e in po if not e.obsolete and not e.msgid_plural
               and re.search(r"\btin báo\b", translation.gettext(e.msgid), re.IGNORECASE)]
    assert not off, off
