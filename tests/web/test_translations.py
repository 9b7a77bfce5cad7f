"""The gettext catalogues in src/tipnet/locale are complete, safe to format and compiled.

English is the source language (the msgids), so `en` stays empty; every other language must
translate every entry. How to add or change a string: docs/translations.md.
No database is needed: the catalogues are read with polib, and one test asks Django's gettext.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

import tipnet

LOCALE_DIR = Path(tipnet.__file__).parent / "locale"

# catalogue folder -> (Django language code, the Plural-Forms header it must carry)
ONE_FORM = "nplurals=1; plural=0;"
LANGUAGES = {
    "ja": ("ja", ONE_FORM),
    "vi": ("vi", ONE_FORM),
    "zh_Hans": ("zh-hans", ONE_FORM),
    "fil": (
        "fil",
        "nplurals=2; plural=(n != 1 && n != 2 && n != 3 && "
        "(n % 10 == 4 || n % 10 == 6 || n % 10 == 9));",
    ),
    "th": ("th", ONE_FORM),
    "id": ("id", ONE_FORM),
    "es": ("es", "nplurals=2; plural=(n != 1);"),
    "pt_BR": ("pt-br", "nplurals=2; plural=(n > 1);"),
}
SOURCE = "en"

# msgids whose translation may be the msgid itself: proper names and codes only...
# ":" and ":?.!" are the label suffix and its end punctuation (tipnet.web.label_suffix): ASCII outside CJK.
SAME_AS_SOURCE_ALLOWED = {"tipnet", "BCa", "JSON", "CSV", "QR", "TOTP", ":", ":?.!", "HTCDS CSV", "HTCDS JSON"}
# A place name with a citation reads the same in Latin-script languages.
KOSOVO = "Kosovo 1999 (Ball et al. 2002)"
# ...and, per language, words that are genuinely spelt the same (Spanish "no" is "no"; these
# language names are written the same in Filipino and Portuguese).
SAME_WORD_IN = {
    "es": {"no", "No", "No.", KOSOVO},
    # Filipinos say "website" and "report" (translation review, December 2026); Indonesian "Status".
    "fil": {"Filipino (Tagalog)", "Thai", "Nepali", "Khmer", "Bengali", "Sinhala", KOSOVO,
            "Website", "website", "Report", "Report %(n)s", "Filipino"},
    "id": {"Status"},
    "pt_BR": {"Bengali", "E-mail", "e-mail", KOSOVO},
}

# Named Python %-format placeholders, as both `_()` with `% {...}` and blocktranslate produce.
PLACEHOLDER = re.compile(r"%\(([^)]*)\)[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]")


def _po(folder: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / folder / "LC_MESSAGES" / "django.po"))


def _entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete and e.msgid]


def _msgstrs(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _report(problems: list[str]) -> str:
    return f"{len(problems)} problem(s):\n" + "\n".join(problems[:40])


lang_params = pytest.mark.parametrize("folder", sorted(LANGUAGES))


def test_every_django_language_has_a_catalogue() -> None:
    codes = {code for code, _name in settings.LANGUAGES}
    assert codes == {code for code, _forms in LANGUAGES.values()} | {SOURCE}
    for code in codes:
        folder = translation.to_locale(code)
        assert (LOCALE_DIR / folder / "LC_MESSAGES" / "django.po").is_file(), folder
        assert (LOCALE_DIR / folder / "LC_MESSAGES" / "django.mo").is_file(), folder


def test_all_catalogues_hold_the_same_msgids() -> None:
    def keys(po: polib.POFile) -> set[tuple[str, str, str | None]]:
        return {(e.msgid, e.msgid_plural, e.msgctxt) for e in _entries(po)}

    source = keys(_po(SOURCE))
    assert source, "the English catalogue is empty: run makemessages (docs/translations.md)"
    for folder in LANGUAGES:
        assert keys(_po(folder)) == source, f"{folder} and {SOURCE} differ: run makemessages for all"


def test_source_catalogue_stays_untranslated() -> None:
    po = _po(SOURCE)
    assert po.metadata.get("Language") == SOURCE
    assert not po.metadata_is_fuzzy
    filled = [e.msgid for e in _entries(po) if any(_msgstrs(e))]
    assert not filled, f"English is the source language; leave en msgstrs empty: {filled[:5]}"


@lang_params
def test_header(folder: str) -> None:
    po = _po(folder)
    _code, plural_forms = LANGUAGES[folder]
    assert po.metadata.get("Language") == folder
    assert " ".join(po.metadata.get("Plural-Forms", "").split()) == plural_forms
    assert po.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy, "remove '#, fuzzy' from the header"


@lang_params
def test_every_entry_is_translated_and_not_fuzzy(folder: str) -> None:
    po = _po(folder)
    nplurals = int(LANGUAGES[folder][1].split("nplurals=")[1].split(";")[0])
    problems = []
    for entry in _entries(po):
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        strs = _msgstrs(entry)
        if entry.msgid_plural and len(strs) != nplurals:
            problems.append(f"{len(strs)} plural forms, want {nplurals}: {entry.msgid!r}")
        if not all(s.strip() for s in strs):
            problems.append(f"empty: {entry.msgid!r}")
    assert not problems, _report(problems)


@lang_params
def test_no_msgstr_is_a_copy_of_its_msgid(folder: str) -> None:
    problems = [
        f"copied: {entry.msgid!r}"
        for entry in _entries(_po(folder))
        if entry.msgid not in SAME_AS_SOURCE_ALLOWED | SAME_WORD_IN.get(folder, set())
        and any(s in (entry.msgid, entry.msgid_plural) for s in _msgstrs(entry) if s)
    ]
    assert not problems, _report(problems)


@lang_params
def test_placeholders_match(folder: str) -> None:
    problems = []
    for entry in _entries(_po(folder)):
        wanted = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        for text in _msgstrs(entry):
            if text and _placeholders(text) != wanted:
                problems.append(f"{entry.msgid!r}: {sorted(_placeholders(text))} != {sorted(wanted)}")
    assert not problems, _report(problems)


@lang_params
def test_python_format_strings_format(folder: str) -> None:
    """`msgstr % {...}` works wherever the code (or blocktranslate) formats the string."""
    problems = []
    for entry in _entries(_po(folder)):
        if "python-format" not in entry.flags:
            continue
        values = {name: 1 for name in _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")}
        for text in _msgstrs(entry):
            try:
                text % values
            except (KeyError, ValueError, TypeError) as error:
                problems.append(f"{entry.msgid!r}: {error!r}")
    assert not problems, _report(problems)


@pytest.mark.parametrize("folder", [*sorted(LANGUAGES), SOURCE])
def test_compiled_mo_matches_po(folder: str) -> None:
    directory = LOCALE_DIR / folder / "LC_MESSAGES"
    po = polib.pofile(str(directory / "django.po"))
    mo = polib.mofile(str(directory / "django.mo"))

    def as_map(entries) -> dict:  # type: ignore[no-untyped-def]
        out = {}
        for e in entries:
            if e.obsolete or not e.msgid or "fuzzy" in getattr(e, "flags", []):
                continue
            strs = tuple(_msgstrs(e))
            if any(strs):  # msgfmt leaves untranslated entries out of the .mo
                out[(e.msgctxt, e.msgid, e.msgid_plural)] = strs
        return out

    assert as_map(mo) == as_map(po), (
        f"{directory / 'django.mo'} is stale: run compilemessages (docs/translations.md)"
    )


@pytest.mark.parametrize("folder", sorted(LANGUAGES))
def test_django_serves_the_translation(folder: str) -> None:
    code, _forms = LANGUAGES[folder]
    expected = next(e.msgstr for e in _entries(_po(folder)) if e.msgid == "Staff sign-in")
    with translation.override(code):
        got = translation.gettext("Staff sign-in")
        quick_exit = translation.gettext("Leave this site quickly")
    assert got == expected
    assert got != "Staff sign-in"
    assert quick_exit != "Leave this site quickly"


def test_django_serves_english_as_written() -> None:
    with translation.override(SOURCE):
        assert translation.gettext("Staff sign-in") == "Staff sign-in"
