"""The report form (the default questionnaire) and the operator's forms."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tipnet.core.screening import default_catalogue
from tipnet.web.directory.prefectures import PREFECTURES
from tipnet.web.report.attachments import MAX_FILE_BYTES, MAX_FILES, client_limits
from tipnet.web.report.models import Forwarding, Report
from tipnet.web.report.services import unknown_indicators


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); the view reads request.FILES."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def file_check_attributes() -> dict[str, str]:
    """data- attributes of a reporter's file field: the server's limits (one source:
    attachments.client_limits) and, in the page's language, what tipnet/forms.js says about a file
    the server would refuse. ``%(name)s`` is left for the script to fill in with the file's name."""
    megabytes = 1024 * 1024
    total = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    return {
        **client_limits(total_bytes=total),
        "data-msg-heading": gettext("These files will not be sent:"),
        "data-msg-too-big": gettext("%(name)s is larger than %(max)s MB.") % {"name": "%(name)s", "max": MAX_FILE_BYTES // megabytes},
        "data-msg-not-photo": gettext("%(name)s is not a photo. To send it as it is, tick 'Keep my other files as they are'.")
        % {"name": "%(name)s"},
        "data-msg-too-many": gettext("%(name)s: at most %(max)s files can be sent at a time.") % {"name": "%(name)s", "max": MAX_FILES},
        "data-msg-total": gettext("Together your files are larger than %(max)s MB, so none of them would be sent. "
                                  "Please choose fewer or smaller files.") % {"max": total // megabytes},
    }


VICTIM_CHOICES = [("", _("Not known")), ("1", _("One person")), ("2-5", _("2 to 5 people")), ("6+", _("6 or more people"))]
CHILDREN_CHOICES = [("", _("Not known")), ("yes", _("Yes, children (under 18)")), ("no", _("No, only adults"))]


def prefecture_choices() -> list[tuple[str, str]]:
    return [("", _("Not known"))] + [(p.code, p.name()) for p in PREFECTURES]


class ReportForm(forms.Form):
    danger_now = forms.BooleanField(label=_("Someone is in danger now"), required=False)
    what_happened = forms.CharField(
        label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000,
        help_text=_("Write in any language. Say what you saw or what happened to you, when and where."),
    )
    kind = forms.ChoiceField(label=_("What kind of situation is it?"), choices=Report.Kind.choices, initial=Report.Kind.NOT_SURE)
    prefecture = forms.ChoiceField(label=_("Where? (prefecture)"), choices=(), required=False)
    victims = forms.ChoiceField(label=_("How many people are affected?"), choices=VICTIM_CHOICES, required=False)
    children = forms.ChoiceField(label=_("Are there children?"), choices=CHILDREN_CHOICES, required=False)
    nationality = forms.CharField(label=_("Their nationality, if you know it"), max_length=100, required=False)
    how_known = forms.CharField(
        label=_("How do you know about this?"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: it happened to me, a co-worker, I saw it. Do not write your name."),
    )
    files = MultipleFileField(label=_("Photos (optional)"), required=False,
                              help_text=_("Photos in JPEG, PNG, HEIC, WebP, TIFF, GIF and BMP are cleaned of location and "
                                          "camera data. Together, your files may be at most 10 MB."))
    keep_files = forms.BooleanField(label=_("Keep my other files as they are"), required=False,
                                    help_text=_("Other files (documents, videos) are not cleaned and may contain your name "
                                                "or location."))
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["prefecture"].choices = prefecture_choices()
        self.fields["files"].widget.attrs.update(file_check_attributes())

    def clean_website(self) -> str:
        value = self.cleaned_data.get("website", "")
        if value:
            raise forms.ValidationError(_("Please leave this field empty."))
        return value


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt number"), max_length=120,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}))


class ReplyForm(forms.Form):
    receipt = forms.CharField(widget=forms.HiddenInput, max_length=120)
    message = forms.CharField(label=_("Your answer or new information"), widget=forms.Textarea(attrs={"rows": 5}),
                              max_length=20000, required=False)
    files = MultipleFileField(label=_("Photos (optional)"), required=False,
                              help_text=ReportForm.base_fields["files"].help_text)
    keep_files = forms.BooleanField(label=_("Keep my other files as they are"), required=False,
                                    help_text=ReportForm.base_fields["keep_files"].help_text)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["files"].widget.attrs.update(file_check_attributes())


class StaffMessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the reporter"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Own ids: the report page shows this form and NoteForm, both with a "body" field, and two
        # id="id_body" made the "Internal note" label focus the message to the reporter. Only the
        # ids change (not the field names the page posts).
        kwargs.setdefault("auto_id", "id_message_%s")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Internal note (never shown to the reporter)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("auto_id", "id_note_%s")  # see StaffMessageForm
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


MAX_TRIAGE_INDICATORS = 50


def indicator_choices(language: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The screening catalogue's indicators grouped by dimension, each labelled with its id and its
    interview question in ``language`` (the catalogue's translated text for it)."""
    catalogue = default_catalogue()
    if language not in catalogue.languages:
        language = catalogue.source_language
    return [
        (f"{dim} · {catalogue.text('dimensions', dim, language)}",
         [(i, f"{i}: {catalogue.indicator_label(i, language)}") for i in ids])
        for dim, ids in catalogue.indicators_by_dimension()
    ]


class IndicatorField(forms.MultipleChoiceField):
    """Catalogue indicator ids, ticked in a list. A value may also hold several ids separated by
    commas or spaces, in any case (what the field used to take, for scripts and old bookmarks);
    each must be an id of the catalogue, or nothing is saved."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: object) -> list[str]:
        values = super().to_python(value)
        return [part.upper() for v in values for part in re.split(r"[,\s、，]+", v) if part]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        unknown = unknown_indicators(value)
        if unknown:
            raise forms.ValidationError(
                _("Not indicator ids of the screening catalogue: %(ids)s. Use ids such as DR_JOB_NATURE."),
                code="invalid_choice", params={"ids": ", ".join(unknown)[:200]},
            )
        if len(set(value)) > MAX_TRIAGE_INDICATORS:
            raise forms.ValidationError(_("Choose at most %(max)s indicators."), code="too_many",
                                        params={"max": MAX_TRIAGE_INDICATORS})


class TriageForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Report.Status.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Report.Kind.choices)
    indicators = IndicatorField(
        label=_("Indicators noted"), required=False,
        help_text=_("Tick the screening catalogue's indicators that the report shows. Only these ids are stored, "
                    "unencrypted, beside the sealed report: write anything else in an internal note."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicators"].choices = indicator_choices(get_language() or "en")  # type: ignore[attr-defined]

    def clean_indicators(self) -> list[str]:
        return sorted(set(self.cleaned_data.get("indicators", [])))

    def indicator_groups(self) -> list[tuple[str, str, list[tuple[str, str, bool]]]]:
        """(dimension, group label, [(id, label, ticked)]) for the template: one fieldset per
        dimension, ticked as posted (a refused form keeps its ticks) or as stored."""
        raw = self["indicators"].value() or []
        ticked = {part.upper() for v in (raw if isinstance(raw, list | tuple) else [raw])
                  for part in re.split(r"[,\s、，]+", str(v)) if part}
        return [(label.split(" · ")[0], label, [(i, text, i in ticked) for i, text in items])
                for label, items in self.fields["indicators"].choices]  # type: ignore[attr-defined]


class ForwardForm(forms.Form):
    recipient = forms.ModelChoiceField(label=_("Forward to"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: object, queryset: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["recipient"].queryset = queryset  # type: ignore[attr-defined]


class ForwardingUpdateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Forwarding.State.choices)
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=200)


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.SlugField(label=_("Address name (letters, digits, dashes)"), max_length=40)
    hidden_fields = forms.MultipleChoiceField(
        label=_("Optional questions this channel does not ask"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("kind", _("Kind of situation")), ("prefecture", _("Prefecture")), ("victims", _("How many people")),
                 ("children", _("Children")), ("nationality", _("Nationality")), ("how_known", _("How the reporter knows")),
                 ("files", _("Photos"))],
    )
    questions = forms.CharField(
        label=_("The channel's own questions (JSON)"), required=False, widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=_('A list like [{"key": "workplace", "type": "text", "required": false, "label": {"en": "Where do you work?", "ja": "どこで働いていますか？"}}]. Types: text, long_text, choice (with "choices": [{"value": "a", "label": {...}}]), yes_no. Give the text in every language you can; English and Japanese are required, and English is shown where a language is missing.'),
    )
