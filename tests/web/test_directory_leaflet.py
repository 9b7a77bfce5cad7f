"""The leaflet PDF rendered to PNG (pypdfium2) and checked glyph by glyph.

For every character on the page, pdfium names the embedded font that draws it; the test finds
that font's file through fontconfig and checks that its character map holds the character. A
character drawn with a font that lacks it would print as an empty box (tofu). The PNG of each
leaflet is kept in test-artifacts/leaflets/ for a person to look at.
"""

from __future__ import annotations

import ctypes
import subprocess
from functools import lru_cache

import pytest
from django.test import Client

from tests.support import REPO_ROOT
from tipnet.web.directory.leaflet import missing_font_packages
from tipnet.web.directory.seed import directory_seed

pdfium = pytest.importorskip("pypdfium2")
ARTIFACTS = REPO_ROOT / "test-artifacts" / "leaflets"
# Japanese, Chinese, Thai, Vietnamese, plus English as a control.
CASES = [("ja", "Tokyo"), ("zh-hans", "Osaka"), ("th", "Tokyo"), ("vi", "Aichi"), ("en", "Kanagawa")]


@lru_cache(maxsize=1)
def _font_files() -> dict[str, tuple[str, str, str]]:
    """WeasyPrint's font name ("Noto-Sans-CJK-JP-Bold") -> (file, family, style), from fontconfig."""
    out = subprocess.run(
        ["fc-list", "--format", "%{file}|%{family[0]}|%{style[0]}\\n"], capture_output=True, text=True, check=True
    ).stdout
    files: dict[str, tuple[str, str, str]] = {}
    for line in out.splitlines():
        path, family, style = (line.split("|") + ["", ""])[:3]
        key = family.replace(" ", "-")
        files.setdefault(f"{key}-{style.replace(' ', '-')}", (path, family, style))
        if style in ("Regular", "Book"):
            files[key] = (path, family, style)
    return files


@lru_cache(maxsize=64)
def _cmap(font_name: str) -> frozenset[int]:
    from fontTools.ttLib import TTCollection, TTFont

    found = _font_files().get(font_name)
    assert found, f"the PDF uses font {font_name!r}, which fontconfig does not know"
    path, family, style = found
    fonts = TTCollection(path).fonts if path.lower().endswith(".ttc") else [TTFont(path)]
    for font in fonts:
        names = {font["name"].getDebugName(1), font["name"].getDebugName(16)}
        if family in names:
            return frozenset(font.getBestCmap())
    return frozenset(fonts[0].getBestCmap())


def glyph_problems(pdf: bytes) -> tuple[list[str], int]:
    """Characters drawn with a font that has no glyph for them, and how many characters were checked."""
    document = pdfium.PdfDocument(pdf)
    problems, checked = [], 0
    raw = pdfium.raw
    for page in document:
        text_page = page.get_textpage()
        for index in range(text_page.count_chars()):
            code = raw.FPDFText_GetUnicode(text_page, index)
            if code in (0, 0x0A, 0x0D, 0x20, 0xFFFE, 0xFFFF) or raw.FPDFText_IsGenerated(text_page, index) == 1:
                continue
            flags = ctypes.c_int()
            size = raw.FPDFText_GetFontInfo(text_page, index, None, 0, ctypes.byref(flags))
            buffer = ctypes.create_string_buffer(size)
            raw.FPDFText_GetFontInfo(text_page, index, buffer, size, ctypes.byref(flags))
            name = buffer.value.decode("latin-1").split("+", 1)[-1]
            if not name:
                continue
            checked += 1
            if code < 0x80:
                # Every font here covers ASCII; an ASCII code on a Thai font is WeasyPrint's
                # ToUnicode entry for the nikhahit of a decomposed SARA AM (คำ), drawn correctly.
                continue
            if code not in _cmap(name):
                problems.append(f"U+{code:04X} {chr(code)!r} in {name}")
    return problems, checked


@pytest.fixture
def seeded(db) -> None:  # type: ignore[no-untyped-def]
    directory_seed(demo=True)


@pytest.mark.parametrize(("lang", "prefecture"), CASES)
def test_leaflet_renders_every_glyph(seeded, lang: str, prefecture: str) -> None:  # type: ignore[no-untyped-def]
    missing = missing_font_packages(lang)
    if missing:
        from tests.support import required

        required("browser", f"fonts for {lang} are not installed: {missing}")
    response = Client().get(f"/{lang}/help/leaflet.pdf", {"prefecture": prefecture})
    assert response.status_code == 200
    pdf = response.content
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 1, "the leaflet must fit on one page"
    image = document[0].render(scale=1.5).to_pil()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image.save(ARTIFACTS / f"leaflet-{lang}-{prefecture.lower()}.png")
    assert image.convert("L").getextrema()[0] < 100, "the page is blank"
    problems, checked = glyph_problems(pdf)
    assert checked > 500
    assert not problems, f"missing glyphs: {problems[:20]}"

