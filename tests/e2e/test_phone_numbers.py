"""0120-924-839 never breaks in the middle on a phone (it did on the id, es and pt-br home pages)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE

LANGUAGES = ["ja", "en", "vi", "zh-hans", "fil", "th", "id", "es", "pt-br"]
NARROW = {"width": 320, "height": 640}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("viewport", [PHONE, NARROW], ids=["phone", "narrow"])
def test_phone_numbers_stay_on_one_line(make_context, tipnet_server, lang, viewport) -> None:  # type: ignore[no-untyped-def]
    page = make_context(viewport=viewport, java_script_enabled=False).new_page()
    for path in (f"/{lang}/", f"/{lang}/help/"):
        page.goto(path)
        links = page.locator("a.tel")
        assert links.count() > 0, path
        numbers = [
            (links.nth(i).inner_text(), links.nth(i).evaluate("a => a.getClientRects().length"))
            for i in range(links.count())
        ]
        assert "0120-924-839" in [text for text, _lines in numbers], path
        assert all(lines == 1 for _text, lines in numbers), (path, numbers)
