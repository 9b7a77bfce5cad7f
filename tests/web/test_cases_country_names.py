"""The case page (and what a receiver sees of a referral) names citizenships and languages in the
reader's language, not by their codes (VNM, vi): the codes stay in the sealed content."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tests.web.cases_support import caseworker_fixture  # noqa: F401 (the "caseworker" fixture)
from tests.web.conftest import url
from tests.web.test_cases_documents import case_of, client_of
from tipnet.web.cases import vocabulary as v


def _values(page: str) -> list[str]:
    """The values shown in the case's sections."""
    return re.findall(r'<dd class="pre">([^<]*)</dd>', page)


@pytest.mark.parametrize(("lang", "country", "language"), [
    ("en", "Vietnam", "Vietnamese"),
    ("ja", "ベトナム", "ベトナム語"),
    ("pt-br", "Vietnã", "vietnamita"),
])
def test_the_case_page_names_citizenship_and_language_in_the_readers_language(  # type: ignore[no-untyped-def]
        lang, country, language, caseworker) -> None:
    case = case_of(caseworker)  # citizenships ["VNM"], languages ["vi"]
    page = client_of(caseworker).get(url("cases:case", case.pk, lang=lang)).content.decode()
    values = _values(page)
    assert country in values, values
    assert language in values, values
    assert "VNM" not in values and "vi" not in values


def test_names_for_several_codes_and_unknown_codes_kept() -> None:
    with translation.override("ja"):
        assert v.country_names(["VNM", "phl", "XXX"]) == ["ベトナム", "フィリピン", "XXX"]
        assert v.language_names(["vi", "ja", "pt-BR", "zz"]) == ["ベトナム語", "日本語", "ポルトガル語 (ブラジル)", "zz"]
    with translation.override("en"):
        assert v.country_names(["VNM", "IDN"]) == ["Vietnam", "Indonesia"]
        assert v.language_names(["vi", "th"]) == ["Vietnamese", "Thai"]
