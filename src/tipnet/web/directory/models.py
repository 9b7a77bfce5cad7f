"""The services directory: a service of a member organisation, who it accepts, where and how.

Multi-valued fields (kinds, sexes, languages, prefectures, exploitation forms, residence) are
JSON lists of codes from the closed vocabularies below, validated in ``clean()``. Search filters
them with a quoted-code text match that works the same on SQLite and PostgreSQL
(``selectors._has``); the benchmark shows it is fast enough for the whole country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation
from tipnet.web.directory.prefectures import BY_CODE


@dataclass(frozen=True)
class LocalText:
    """A directory text for one page: the text, the language it is in, and whether that is a
    fallback (another language than the page's), which the page then says ("(in English)")."""

    text: str
    language: str
    fallback: bool

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def note(self) -> str:
        """The visible mark of a fallback, in the page language; "" when the text is not one."""
        if not self.fallback:
            return ""
        return str(FALLBACK_NOTES.get(self.language, ""))


class Kind(models.TextChoices):
    SHELTER = "shelter", _("Shelter")
    CONSULTATION = "consultation", _("Consultation")
    LEGAL = "legal", _("Legal help")
    MEDICAL = "medical", _("Medical care")
    LABOUR = "labour", _("Labour problems")
    RESIDENCE = "residence", _("Residence status (visa)")
    INTERPRETATION = "interpretation", _("Interpretation")
    RETURN = "return", _("Return home and reintegration")
    CHILD = "child", _("Child protection")
    HOTLINE = "hotline", _("Hotline")


class Sex(models.TextChoices):
    FEMALE = "female", _("Women and girls")
    MALE = "male", _("Men and boys")
    OTHER = "other", _("Another gender")


class Exploitation(models.TextChoices):
    SEXUAL = "sexual", _("Sexual exploitation")
    LABOUR = "labour", _("Forced labour")
    DOMESTIC = "domestic", _("Domestic servitude")
    MARRIAGE = "marriage", _("Forced or sham marriage")
    PORNOGRAPHY = "pornography", _("Forced pornography (AV)")
    OTHER = "other", _("Other exploitation")


class Residence(models.TextChoices):
    """Who may use the service by nationality or residence status; a service lists all it accepts."""

    JAPANESE = "japanese", _("Japanese nationals")
    REGULAR = "regular", _("Foreign nationals with a regular residence status")
    IRREGULAR = "irregular", _("People without a valid residence status")
    TRAINEE = "trainee", _("Technical intern trainees")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    LOW = "low", _("Low cost or fee loans")
    PAID = "paid", _("Paid")
    UNKNOWN = "unknown", _("Ask the service")


class Verification(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    TO_VERIFY = "to_verify", _("To verify")


# Languages a service may speak: the nine public languages (by their base code) and others
# common among migrants in Japan. "ja-easy" is Easy Japanese (やさしい日本語).
SERVICE_LANGUAGES: dict[str, Any] = {
    "ja": _("Japanese"),
    "ja-easy": _("Easy Japanese"),
    "en": _("English"),
    "vi": _("Vietnamese"),
    "zh": _("Chinese"),
    "fil": _("Filipino (Tagalog)"),
    "th": _("Thai"),
    "id": _("Indonesian"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "ko": _("Korean"),
    "ne": _("Nepali"),
    "my": _("Burmese"),
    "km": _("Khmer"),
    "mn": _("Mongolian"),
    "ru": _("Russian"),
    "uk": _("Ukrainian"),
    "fr": _("French"),
    "bn": _("Bengali"),
    "si": _("Sinhala"),
}
# The visible note after a text shown in another language than the page's.
FALLBACK_NOTES: dict[str, Any] = {"en": _("(in English)"), "ja": _("(in Japanese)")}

# The page language (settings.LANGUAGES) as a service language.
PAGE_TO_SERVICE_LANGUAGE = {"zh-hans": "zh", "pt-br": "pt"}


def service_language(page_language: str) -> str:
    return PAGE_TO_SERVICE_LANGUAGE.get(page_language, page_language)


def _list_of(name: str, values: object, allowed: Any) -> list[str]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise ValidationError({name: _("Expected a list of codes.")})
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError({name: _("Unknown code: %(code)s") % {"code": ", ".join(unknown)}})
    if len(set(values)) != len(values):
        raise ValidationError({name: _("A code is listed twice.")})
    return values


# Directory text is published as JSON to partners' sites (services.json, open to any origin), who
# may insert it with innerHTML. An HTML tag starts only with "<" followed by a letter, "/", "!" or
# "?", so text without that cannot become markup; "age < 18" stays allowed. The JSON view also
# turns any "<" or ">" left in older rows into full-width forms (directory.views.plain_text).
MARKUP = re.compile(r"<[A-Za-z/!?]")
TEXT_FIELDS = ("name", "nationalities", "eligibility_note", "phone", "line_id", "source")

# Texts that staff enter per page language (Service.texts), with their longest length.
TEXT_KINDS: dict[str, int] = {"name": 200, "hours": 200, "description": 1000}
# When a text is missing in the page's language: English first (read by more of the foreign readers
# than Japanese), then Japanese. On Japanese pages: Japanese, then English. docs/directory.md.
FALLBACK_LANGUAGES = ("en", "ja")
# Kana and kanji: the original name is Japanese when it has them ("IOM Japan" is not).
JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


def text_field_name(kind: str, language: str) -> str:
    """The form field and CSV column of one text in one language: ``description_zh-hans``."""
    return f"{kind}_{language}"


def hours_language(value: str) -> str:
    """The language of opening hours entered in no stated language (before texts per language):
    Japanese when they have kana or kanji ("平日9時から"), else English ("Weekdays 9:00-17:00")."""
    return "ja" if JAPANESE_SCRIPT.search(value) else "en"


def page_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES)


def _valid_texts(texts: object) -> dict[str, dict[str, str]]:
    """``texts`` is {page language: {"name"|"hours"|"description": plain text}}; raise otherwise."""
    if not isinstance(texts, dict):
        raise ValidationError({"texts": _("Expected a text per language.")})
    languages = page_languages()
    for language, entry in texts.items():
        if language not in languages:
            raise ValidationError({"texts": _("Unknown language: %(value)s.") % {"value": language}})
        if not isinstance(entry, dict) or not all(isinstance(v, str) for v in entry.values()):
            raise ValidationError({"texts": _("Expected a text per language.")})
        for kind, value in entry.items():
            if kind not in TEXT_KINDS:
                raise ValidationError({"texts": _("Unknown code: %(code)s") % {"code": kind}})
            if len(value) > TEXT_KINDS[kind]:
                raise ValidationError(
                    {f"{kind}_{language}": _("At most %(max)s characters.") % {"max": TEXT_KINDS[kind]}}
                )
    return texts


def _plain_text_only(service: Service) -> None:
    texts = [(name, getattr(service, name) or "") for name in TEXT_FIELDS]
    if isinstance(service.texts, dict):
        texts += [
            (f"{kind}_{language}", value)
            for language, entry in service.texts.items() if isinstance(entry, dict)
            for kind, value in entry.items() if isinstance(value, str)
        ]
    for name, value in texts:
        if MARKUP.search(value):
            raise ValidationError({name: _("Plain text only: remove the markup (text such as <b> or <a href=...>).")})


class Service(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(_("name (as the service calls itself)"), max_length=200)
    # {page language: {"name": ..., "hours": ..., "description": ...}}; only filled-in texts are kept.
    texts = models.JSONField(_("name, hours and description by language"), default=dict, blank=True)
    kinds = models.JSONField(_("kinds of help"), default=list, blank=True)
    # Eligibility
    sexes = models.JSONField(_("accepts (sex)"), default=list, blank=True)
    age_min = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    residence = models.JSONField(_("accepts (nationality or residence status)"), default=list, blank=True)
    nationalities = models.CharField(
        _("only these nationalities"), max_length=200, blank=True,
        help_text=_("ISO country codes separated by spaces; empty means any nationality."),
    )
    exploitation = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    eligibility_note = models.CharField(_("eligibility note"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Area
    nationwide = models.BooleanField(_("nationwide"), default=False)
    prefectures = models.JSONField(_("prefectures"), default=list, blank=True)
    # Contact
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=60, blank=True)
    website = models.URLField(_("website"), blank=True)
    cost = models.CharField(_("cost"), max_length=16, choices=Cost.choices, default=Cost.UNKNOWN)
    # Capacity
    beds_total = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    beds_free = models.PositiveIntegerField(_("free beds"), null=True, blank=True)
    capacity_updated_at = models.DateTimeField(_("capacity updated"), null=True, blank=True)
    # Trust
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, default=Verification.TO_VERIFY
    )
    verified_on = models.DateField(_("last verified"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo entry"), default=False)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(beds_free__isnull=True)
                | (models.Q(beds_total__isnull=False) & models.Q(beds_free__lte=models.F("beds_total"))),
                name="directory_free_beds_within_total",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True) | models.Q(age_max__isnull=True)
                | models.Q(age_min__lte=models.F("age_max")),
                name="directory_age_range_ordered",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "nationwide"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _plain_text_only(self)
        _list_of("kinds", self.kinds, Kind.values)
        if not self.kinds:
            raise ValidationError({"kinds": _("Choose at least one kind of help.")})
        _list_of("sexes", self.sexes, Sex.values)
        if not self.sexes:
            raise ValidationError({"sexes": _("Choose at least one.")})
        _list_of("residence", self.residence, Residence.values)
        if not self.residence:
            raise ValidationError({"residence": _("Choose at least one.")})
        _list_of("exploitation", self.exploitation, Exploitation.values)
        # An empty language list means "not known yet": the page says to ask the service.
        _list_of("languages", self.languages, SERVICE_LANGUAGES)
        _list_of("prefectures", self.prefectures, BY_CODE)
        if not self.nationwide and not self.prefectures:
            raise ValidationError({"prefectures": _("Choose the prefectures, or mark the service nationwide.")})
        if self.age_min is not None and self.age_max is not None and self.age_min > self.age_max:
            raise ValidationError({"age_max": _("The maximum age is below the minimum age.")})
        if self.beds_free is not None:
            if self.beds_total is None:
                raise ValidationError({"beds_free": _("Give the number of beds first.")})
            if self.beds_free > self.beds_total:
                raise ValidationError(
                    {"beds_free": _("Free beds cannot be more than the %(total)s beds.") % {"total": self.beds_total}}
                )
        _valid_texts(self.texts)

    # Display helpers (no queries)
    def text(self, kind: str, language: str | None = None) -> LocalText:
        """The ``kind`` text ("name", "hours", "description") for a page in ``language``: in that
        language, else in the first of FALLBACK_LANGUAGES that has it, marked as a fallback; the
        name falls back last to the original name."""
        language = language or get_language() or "en"
        texts = self.texts if isinstance(self.texts, dict) else {}
        original_is_japanese = kind == "name" and bool(JAPANESE_SCRIPT.search(self.name or ""))
        for candidate in dict.fromkeys((language, *FALLBACK_LANGUAGES)):
            value = (texts.get(candidate) or {}).get(kind, "")
            if not value and candidate == "ja" and original_is_japanese:
                value = self.name  # a Japanese original name is the Japanese name
            if value:
                return LocalText(value, candidate, candidate != language)
        # A name in neither language (e.g. "IOM Japan" with no texts): shown as it is, unmarked.
        return LocalText(self.name if kind == "name" else "", language, False)

    @property
    def original_name_lang(self) -> str:
        """"ja" when the name as the service calls itself is Japanese (for the lang attribute)."""
        return "ja" if JAPANESE_SCRIPT.search(self.name or "") else ""

    def display_name(self, language: str | None = None) -> str:
        return self.text("name", language).text

    @property
    def name_text(self) -> LocalText:
        return self.text("name")

    @property
    def hours_text(self) -> LocalText:
        return self.text("hours")

    @property
    def description_text(self) -> LocalText:
        return self.text("description")

    def text_value(self, kind: str, language: str) -> str:
        """The text staff entered for exactly this language ("" when none): forms and CSV."""
        texts = self.texts if isinstance(self.texts, dict) else {}
        return (texts.get(language) or {}).get(kind, "")

    @property
    def kind_labels(self) -> list[str]:
        return [str(Kind(k).label) for k in self.kinds]

    @property
    def sex_labels(self) -> list[str]:
        return [str(Sex(s).label) for s in self.sexes]

    @property
    def residence_labels(self) -> list[str]:
        return [str(Residence(r).label) for r in self.residence]

    @property
    def exploitation_labels(self) -> list[str]:
        return [str(Exploitation(e).label) for e in self.exploitation]

    @property
    def language_labels(self) -> list[str]:
        return [str(SERVICE_LANGUAGES[code]) for code in self.languages]

    @property
    def prefecture_names(self) -> list[str]:
        return [BY_CODE[code].name() for code in self.prefectures]

    @property
    def area_label(self) -> str:
        if self.nationwide:
            return str(_("All of Japan"))
        if len(self.prefectures) == len(BY_CODE):
            return str(_("Every prefecture (local offices)"))
        return ", ".join(self.prefecture_names)

    @property
    def has_capacity(self) -> bool:
        return self.beds_total is not None
