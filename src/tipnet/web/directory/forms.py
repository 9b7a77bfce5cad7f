"""Forms: the public search (GET, no cookie), the staff service form, free capacity, CSV import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tipnet.web.directory.models import (
    SERVICE_LANGUAGES,
    TEXT_KINDS,
    Cost,
    Exploitation,
    Kind,
    Residence,
    Service,
    Sex,
    service_language,
    text_field_name,
)
from tipnet.web.directory.prefectures import prefecture_choices, prefecture_lookup
from tipnet.web.directory.selectors import SearchFilters

# The texts staff enter per language, in the order of the form and the CSV columns.
TEXT_LABELS = {"name": _("Name"), "hours": _("Hours"), "description": _("Description")}


SEARCH_PARAMETERS = ("need", "language", "prefecture", "sex", "age")
MAX_AGE = 120


def language_choices() -> list[tuple[str, str]]:
    return [(code, label) for code, label in SERVICE_LANGUAGES.items()]


class SearchForm(forms.Form):
    """The public search. Every choice has an "any" entry; values are codes (or names, for prefectures)."""

    need = forms.ChoiceField(label=_("What help do you need?"), required=False)
    language = forms.ChoiceField(label=_("Language you speak"), required=False)
    prefecture = forms.CharField(label=_("Where are you? (prefecture)"), required=False, widget=forms.Select)
    sex = forms.ChoiceField(label=_("You are"), required=False)
    age = forms.IntegerField(
        label=_("Your age"), required=False, min_value=0, max_value=MAX_AGE,
        error_messages={"invalid": _("Enter the age as a number.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone = [("", _("Any"))]
        self.fields["need"].choices = anyone + list(Kind.choices)
        self.fields["need"].error_messages["invalid_choice"] = _("Unknown kind of help: %(value)s.")
        self.fields["language"].choices = anyone + language_choices()
        self.fields["language"].error_messages["invalid_choice"] = _("Unknown language: %(value)s.")
        self.fields["prefecture"].widget.choices = [("", _("Anywhere in Japan"))] + prefecture_choices()
        self.fields["sex"].choices = [("", _("Prefer not to say"))] + [
            (Sex.FEMALE, _("A woman or girl")), (Sex.MALE, _("A man or boy")), (Sex.OTHER, _("Another gender")),
        ]
        self.fields["sex"].error_messages["invalid_choice"] = _("Unknown value for sex: %(value)s.")

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or ""

    def full_clean(self) -> None:
        # Accept page-language codes (zh-hans, pt-br) for the spoken language.
        if self.is_bound and self.data.get("language"):
            data = self.data.copy()
            data["language"] = service_language(str(data["language"]).lower())
            self.data = data
        super().full_clean()

    def clean_prefecture(self) -> str:
        value = self.cleaned_data.get("prefecture") or ""
        if value and prefecture_lookup(value) is None:
            raise forms.ValidationError(_("Unknown prefecture: %(value)s."), params={"value": value})
        return value

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        prefecture = prefecture_lookup(data["prefecture"]) if data.get("prefecture") else None
        return SearchFilters(
            kind=data.get("need") or "", language=data.get("language") or "", prefecture=prefecture,
            sex=data.get("sex") or "", age=data.get("age"),
        )


def unknown_parameters(query: Any) -> list[str]:
    return sorted(name for name in query if name not in SEARCH_PARAMETERS)


class ServiceForm(forms.ModelForm):
    """The staff form: every field of a service; lists as checkboxes."""

    kinds = forms.MultipleChoiceField(label=_("Kinds of help"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple)
    sexes = forms.MultipleChoiceField(label=_("Accepts (sex)"), choices=Sex.choices, widget=forms.CheckboxSelectMultiple)
    residence = forms.MultipleChoiceField(
        label=_("Accepts (nationality or residence status)"), choices=Residence.choices, widget=forms.CheckboxSelectMultiple
    )
    exploitation = forms.MultipleChoiceField(
        label=_("Forms of exploitation (none ticked: all)"), choices=Exploitation.choices,
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=language_choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    prefectures = forms.MultipleChoiceField(
        label=_("Prefectures"), choices=prefecture_choices, widget=forms.SelectMultiple(attrs={"size": 8}), required=False
    )
    cost = forms.ChoiceField(label=_("Cost"), choices=Cost.choices)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Service
        fields = [
            "name", "kinds", "sexes", "age_min", "age_max", "residence", "nationalities", "exploitation",
            "eligibility_note", "languages", "nationwide", "prefectures", "phone", "email", "line_id", "website",
            "cost", "beds_total", "beds_free", "source", "is_published",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = self.instance
        widgets = {
            "name": forms.TextInput(attrs={"size": 30}),
            "hours": forms.TextInput(attrs={"size": 30}),
            "description": forms.Textarea(attrs={"rows": 3, "cols": 30}),
        }
        for code, _language_name in settings.LANGUAGES:
            for kind, label in TEXT_LABELS.items():
                self.fields[text_field_name(kind, code)] = forms.CharField(
                    label=label, required=False, max_length=TEXT_KINDS[kind], widget=widgets[kind],
                    initial=service.text_value(kind, code) if service else "",
                )
                self.fields[text_field_name(kind, code)].widget.attrs["lang"] = code
        self.language_names = dict(settings.LANGUAGES)

    @property
    def main_fields(self) -> list[forms.BoundField]:
        """The fields that are not per language, in the order of Meta.fields."""
        return [self[name] for name in self.Meta.fields]

    @property
    def language_fieldsets(self) -> list[dict[str, Any]]:
        """One fieldset per page language: its code, its name (in itself) and its three fields."""
        return [
            {"code": code, "name": self.language_names[code],
             "fields": [self[text_field_name(kind, code)] for kind in TEXT_LABELS]}
            for code in self.language_names
        ]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        texts: dict[str, dict[str, str]] = {}
        for code, _name in settings.LANGUAGES:
            for kind in TEXT_LABELS:
                value = (self.cleaned_data.get(text_field_name(kind, code)) or "").strip()
                if value:
                    texts.setdefault(code, {})[kind] = value
        data["texts"] = texts
        return data

    def _post_clean(self) -> None:
        # Validation happens in services.py (model clean plus constraints), not twice here.
        pass


class CapacityForm(forms.Form):
    beds_free = forms.IntegerField(label=_("Free beds now"), error_messages={"invalid": _("Enter a whole number.")})


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Directory CSV file (UTF-8)"))
