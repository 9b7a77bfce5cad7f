"""A printable one-page leaflet (A4 PDF, WeasyPrint) per language and region.

It lists the services in the prefecture (and nationwide ones) that speak the reader's language,
then the others, with the emergency numbers. Fonts come from the machine (fontconfig): when a
language has no installed font, ``LeafletError`` names the Debian package to install instead of
printing empty boxes. Each service also shows its Japanese name, so Japanese fonts are needed too.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import lru_cache

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from tipnet.web.directory.models import Service, service_language
from tipnet.web.directory.prefectures import Prefecture
from tipnet.web.directory.selectors import SearchFilters, service_search

MAX_ENTRIES = 11
# fontconfig language tag and the Debian package with a font for it
FONT_NEEDS = {
    "ja": ("ja", "fonts-noto-cjk"),
    "zh-hans": ("zh-cn", "fonts-noto-cjk"),
    "th": ("th", "fonts-noto-core (or fonts-thai-tlwg)"),
    "vi": ("vi", "fonts-noto-core (or fonts-dejavu-core)"),
}
LATIN = ("en", "fonts-dejavu-core")
FONT_STACKS = {
    "ja": '"Noto Sans CJK JP", "Noto Sans", sans-serif',
    "zh-hans": '"Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans", sans-serif',
    "th": '"Noto Sans Thai", "Noto Sans", "Noto Sans CJK JP", sans-serif',
}
DEFAULT_STACK = '"Noto Sans", "DejaVu Sans", "Noto Sans CJK JP", sans-serif'


class LeafletError(Exception):
    """The leaflet cannot be made (the message is translated and says what to do)."""


@lru_cache(maxsize=32)
def _has_font_for(fc_lang: str) -> bool:
    if shutil.which("fc-list") is None:
        return False
    result = subprocess.run(["fc-list", f":lang={fc_lang}", "family"], capture_output=True, text=True, timeout=30, check=False)
    return bool(result.stdout.strip())


def missing_font_packages(language: str) -> list[str]:
    """Debian packages to install so that a leaflet in ``language`` has every glyph; [] when fine."""
    needs = [FONT_NEEDS.get(language, LATIN), FONT_NEEDS["ja"]]
    return sorted({package for fc_lang, package in needs if not _has_font_for(fc_lang)})


def leaflet_services(*, language: str, prefecture: Prefecture | None) -> tuple[list[Service], list[Service]]:
    """(services speaking the language, other services), at most MAX_ENTRIES in all."""
    spoken = service_language(language)
    everything = service_search(SearchFilters(prefecture=prefecture))
    if prefecture is None:
        everything = [s for s in everything if s.nationwide]
    speaking = [s for s in everything if spoken in s.languages]
    others = [s for s in everything if spoken not in s.languages]
    speaking = speaking[:MAX_ENTRIES]
    return speaking, others[: max(0, MAX_ENTRIES - len(speaking))]


def leaflet_html(*, language: str, prefecture: Prefecture | None) -> str:
    with translation.override(language):
        speaking, others = leaflet_services(language=language, prefecture=prefecture)
        return render_to_string(
            "directory/leaflet.html",
            {
                "prefecture": prefecture, "speaking": speaking, "others": others, "language": language,
                "font_stack": FONT_STACKS.get(language, DEFAULT_STACK),
            },
        )


def leaflet_pdf(*, language: str, prefecture: Prefecture | None) -> bytes:
    missing = missing_font_packages(language)
    if missing:
        raise LeafletError(
            _("No font on this machine can print %(language)s. Install the font package: %(packages)s.")
            % {"language": language, "packages": ", ".join(missing)}
        )
    from weasyprint import HTML

    html = leaflet_html(language=language, prefecture=prefecture)
    # No base_url: the leaflet uses no file, image or address from anywhere.
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the leaflet loads nothing from elsewhere ({url})")
