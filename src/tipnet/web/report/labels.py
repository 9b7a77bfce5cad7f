"""Words for people in place of the stored triage codes, for the operator's pages and the PDF
(the database and the forwarded JSON keep the codes)."""

from __future__ import annotations

import unicodedata

from django.utils.translation import get_language_info, gettext_noop
from django.utils.translation import gettext as _

from tipnet.web.directory.prefectures import PREFECTURES
from tipnet.web.report.forms import CHILDREN_CHOICES, VICTIM_CHOICES
from tipnet.web.report.models import Report


def kind_label(code: str) -> str:
    return str(Report.Kind(code).label) if code in Report.Kind.values else code


def prefecture_label(code: str) -> str:
    return next((p.name() for p in PREFECTURES if p.code == code), code)


def victims_label(code: str) -> str:
    return str(dict(VICTIM_CHOICES).get(code, code)) if code else ""


def children_label(code: str) -> str:
    return str(dict(CHILDREN_CHOICES).get(code, code)) if code else ""


def triage_labels(*, kind: str, prefecture: str, victims: str, children: str) -> dict[str, str]:
    return {
        "kind": kind_label(kind),
        "prefecture": prefecture_label(prefecture),
        "victims": victims_label(victims),
        "children": children_label(children),
    }


# Django's own catalogues translate the names of the languages it knows; Filipino is added in
# settings.LANG_INFO, so its name is translated in ours.
gettext_noop("Filipino")


def language_names(code: str) -> tuple[str, str]:
    """A language's own name and its name in the reader's language ("Tiếng Việt", "Vietnamese");
    ("", "Not known") for a report that did not record its language."""
    try:
        info = get_language_info(code)
    except KeyError:
        return (code, "") if code else ("", _("Not known"))
    # NFC: Django's table writes some names with combining accents (Vietnamese), our texts do not.
    return unicodedata.normalize("NFC", str(info["name_local"])), str(info["name_translated"])


def language_label(code: str) -> str:
    """The language a report was written in, as one text: "Tiếng Việt (Vietnamese)"."""
    local, translated = language_names(code)
    if not local or not translated or local == translated:
        return local or translated
    return f"{local} ({translated})"


def indicator_labels(ids: list[str]) -> list[tuple[str, str]]:
    """(id, the indicator in words in the reader's language) for the triage indicators of a report,
    as the triage list shows them; an id the catalogue no longer has keeps only its id."""
    from django.utils.translation import get_language

    from tipnet.core.screening import default_catalogue

    catalogue = default_catalogue()
    language = get_language() or catalogue.source_language
    if language not in catalogue.languages:
        language = catalogue.source_language
    return [(i, catalogue.indicator_label(i, language) if i in catalogue.indicators else "") for i in ids]
