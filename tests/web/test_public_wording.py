"""The public pages' wording from issue 11: one name for 0120-924-839, "receipt number" for the
receipt, and readings for the hard Japanese words on their first use on each page."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from django.test import Client

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "tipnet" / "web" / "templates"
PUBLIC = ["base.html", "public", "directory", "report/form.html", "report/receipt.html", "report/follow_up.html",
          "report/conversation.html", "report/_danger.html", "404.html", "500.html"]

# Word -> its reading in brackets, as docs/translations.md lists them.
READINGS = {"匿名": "とくめい", "通報": "つうほう", "受付番号": "うけつけばんごう", "在留資格": "ざいりゅうしかく",
            "搾取": "さくしゅ", "人身取引": "じんしんとりひき"}
PAGES = ["/ja/", "/ja/help/", "/ja/help/what-is-trafficking/", "/ja/help/your-rights/", "/ja/help/after-asking-for-help/",
         "/ja/help/services/", "/ja/report/", "/ja/report/follow-up/"]


def public_template_sources() -> list[tuple[str, str]]:
    out = []
    for entry in PUBLIC:
        path = TEMPLATES / entry
        files = sorted(path.rglob("*.html")) if path.is_dir() else [path]
        out += [(str(f.relative_to(TEMPLATES)), f.read_text(encoding="utf-8")) for f in files]
    return out


def test_the_dial_has_one_name_and_the_receipt_one_word() -> None:
    for name, source in public_template_sources():
        assert "Government of Japan" not in source, name
        assert not re.search(r"\b(a|your) code\b(?! from)", source), name  # sign-in codes are staff pages
        for match in re.finditer(r"0120-924-839", source):
            before = source[max(0, match.start() - 40): match.start()]
            assert "{% phone" in before, (name, "0120-924-839 outside the phone tag")
        for block in re.findall(r"{% blocktranslate[^%]*%}(.*?){% endblocktranslate %}", source, re.S):
            if "0120" in block or "Reporting Dial" in block or "reporting line of" in block.lower():
                assert "Anonymous Reporting Dial of the police" in block, (name, block)


def visible_text(html: str) -> str:
    body = re.sub(r"<head>.*?</head>", "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", body))


@pytest.mark.parametrize("url", PAGES)
def test_hard_japanese_words_have_their_reading_on_first_use(db, url) -> None:  # type: ignore[no-untyped-def]
    text = visible_text(Client().get(url).content.decode())
    for word, reading in READINGS.items():
        first = text.find(word)
        if first < 0:
            continue
        # the reading follows the word, or the compound it starts (匿名通報（とくめいつうほう）)
        after = text[first + len(word): first + len(word) + 30]
        assert re.match(rf"[\u4e00-\u9fff]{{0,4}}（[^）]*{reading}", after), (url, word, text[max(0, first - 20): first + 30])


def test_japanese_public_texts_avoid_the_words_the_review_found_too_hard(db) -> None:  # type: ignore[no-untyped-def]
    for url in PAGES:
        text = visible_text(Client().get(url).content.decode())
        for word in ("当局", "試行", "隷属", "書き留め", "保管"):
            assert word not in text, (url, word)
