"""The intake and edit form, and the small forms of the case page. Fields follow HTCDS 2.0.

``CaseForm`` holds only the sections the user may write (``access.visible_sections``), so a
hidden section is never shown, never posted and never overwritten (the service keeps it).
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation
from tipnet.web.cases import vocabulary as v
from tipnet.web.cases.access import HEALTH, IDENTITY, SECTIONS, SEXUAL, SITUATION
from tipnet.web.cases.models import Case, CaseEvent, Consent

_ISO3 = re.compile(r"^[A-Z]{3}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")

# field name -> section; list fields are one value per line or comma-separated in the form.
FIELDS: dict[str, str] = {
    "names": IDENTITY, "aliases": IDENTITY, "birth_date": IDENTITY, "contact": IDENTITY,
    "sex": SITUATION, "citizenships": SITUATION, "languages": SITUATION, "age_trafficked": SITUATION,
    "trafficking_status": SITUATION, "residence_status": SITUATION, "recruitment": SITUATION,
    "control": SITUATION, "exploitation": SITUATION, "industry": SITUATION, "locations": SITUATION,
    "health_notes": HEALTH, "sex_exploitation": SEXUAL, "sexual_notes": SEXUAL,
}
LINES = ("names", "aliases")
CODES = ("citizenships", "languages")

INTAKE_CONSENTS = [
    (purpose, label) for purpose, label in Consent.Purpose.choices if purpose != Consent.Purpose.REFERRAL
]


def _split(text: str, *, lines: bool) -> list[str]:
    parts = text.splitlines() if lines else re.split(r"[,\s]+", text)
    return [p.strip() for p in parts if p.strip()]


class CaseForm(forms.Form):
    names = forms.CharField(label=_("Names (one per line, in any script)"), required=False, max_length=500,
                            widget=forms.Textarea(attrs={"rows": 2}))
    aliases = forms.CharField(label=_("Other names or spellings (one per line)"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    contact = forms.CharField(label=_("How to reach the person safely"), required=False, max_length=300)
    sex = forms.ChoiceField(label=_("Gender"), choices=v.SEX, initial="unknown")
    citizenships = forms.CharField(label=_("Citizenships (ISO codes, e.g. VNM, PHL)"), required=False, max_length=60)
    languages = forms.CharField(label=_("Languages (e.g. vi, ja)"), required=False, max_length=60)
    age_trafficked = forms.IntegerField(label=_("Age when trafficked"), required=False, min_value=0, max_value=120)
    trafficking_status = forms.ChoiceField(label=_("Trafficking status"), choices=v.TRAFFICKING_STATUS, initial="possible")
    residence_status = forms.ChoiceField(label=_("Residence status"), choices=v.RESIDENCE_STATUS, initial="unknown")
    recruitment = forms.MultipleChoiceField(label=_("How the person was recruited"), choices=v.RECRUITMENT,
                                            required=False, widget=forms.CheckboxSelectMultiple)
    control = forms.MultipleChoiceField(label=_("Methods of control"), choices=v.CONTROL, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    exploitation = forms.MultipleChoiceField(label=_("Types of exploitation"), choices=v.EXPLOITATION, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    industry = forms.ChoiceField(label=_("Industry"), choices=v.INDUSTRY, required=False)
    locations = forms.CharField(label=_("Places of recruitment and exploitation"), required=False, max_length=1000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    health_notes = forms.CharField(label=_("Health"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    sex_exploitation = forms.MultipleChoiceField(label=_("Type of sexual exploitation"), choices=v.SEX_EXPLOITATION,
                                                 required=False, widget=forms.CheckboxSelectMultiple)
    sexual_notes = forms.CharField(label=_("Sexual history notes"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sections: frozenset[str], intake: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections
        for name, section in FIELDS.items():
            if section not in sections:
                del self.fields[name]
        if intake:
            self.fields["consents"] = forms.MultipleChoiceField(
                label=_("Consent given today"), choices=INTAKE_CONSENTS, required=False,
                widget=forms.CheckboxSelectMultiple)
            self.fields["confirm_new"] = forms.BooleanField(
                label=_("I checked the possible duplicates: this is a different person."), required=False)
        else:
            self.fields["status"] = forms.ChoiceField(label=_("Status"), choices=Case.Status.choices)
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean_birth_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("birth_date")
        if value and (value > timezone.localdate() or value.year < 1900):
            raise forms.ValidationError(_("The birth date must be between 1900 and today."))
        return value

    def clean_citizenships(self) -> list[str]:
        codes = [c.upper() for c in _split(self.cleaned_data.get("citizenships", ""), lines=False)]
        bad = [c for c in codes if not _ISO3.match(c)]
        if bad:
            raise forms.ValidationError(
                _("Write each citizenship as a three-letter ISO code (VNM, PHL, IDN): %(codes)s") % {"codes": ", ".join(bad)})
        return codes

    def clean_languages(self) -> list[str]:
        codes = _split(self.cleaned_data.get("languages", ""), lines=False)
        bad = [c for c in codes if not _LANGUAGE.match(c)]
        if bad:
            raise forms.ValidationError(
                _("Write each language as a short code (vi, ja, tl): %(codes)s") % {"codes": ", ".join(bad)})
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        birth, age = data.get("birth_date"), data.get("age_trafficked")
        if birth and age is not None and birth.year + age > timezone.localdate().year:
            self.add_error("age_trafficked", _("The age when trafficked is older than the person is today."))
        return data

    def content(self) -> dict[str, dict[str, Any]]:
        """The sections this form holds, as stored in the sealed content."""
        content: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS if s in self.sections}
        for name, section in FIELDS.items():
            if section not in self.sections:
                continue
            value = self.cleaned_data.get(name)
            if name in LINES:
                value = _split(value or "", lines=True)
            elif name == "birth_date":
                value = value.isoformat() if value else ""
            content[section][name] = value
        return content


def form_initial(content: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The form's initial values from stored content."""
    initial: dict[str, Any] = {}
    for name, section in FIELDS.items():
        value = (content.get(section) or {}).get(name)
        if value is None:
            continue
        if name in LINES:
            value = "\n".join(value)
        elif name in CODES:
            value = ", ".join(value)
        initial[name] = value
    return initial


class OwnIdsForm(forms.Form):
    """A form that shares the case page with others: its fields' ids start with ``id_prefix``.

    Several of those forms have a "recipient", a "purpose", a "reason" or a "title"; with Django's
    default ids (``id_title``) a label then points at another form's field, so clicking "Task" put
    the cursor in the document's title and a screen reader named the wrong box."""

    id_prefix = "form"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class EventForm(OwnIdsForm):
    id_prefix = "event"
    kind = forms.ChoiceField(label=_("Kind"), choices=[(CaseEvent.Kind.NOTE, CaseEvent.Kind.NOTE.label),
                                                       (CaseEvent.Kind.MEETING, CaseEvent.Kind.MEETING.label)])
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class ReferralNoteForm(forms.Form):
    """An update by the receiving organisation on the referring case's timeline."""

    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class TaskForm(OwnIdsForm):
    id_prefix = "task"
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class _RecipientForm(OwnIdsForm):
    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = Organisation.objects.exclude(pk=organisation.pk).order_by("name")


class ConsentForm(_RecipientForm):
    id_prefix = "consent"
    purpose = forms.ChoiceField(label=_("Consent to"), choices=Consent.Purpose.choices)
    recipient = forms.ModelChoiceField(label=_("Organisation (for a referral)"), queryset=Organisation.objects.none(),
                                       required=False)
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs={"type": "date"}))


class DisclosureForm(_RecipientForm):
    id_prefix = "disclosure"
    purpose = forms.ChoiceField(label=_("Shared as"), choices=[
        (p, p.label) for p in (Consent.Purpose.POLICE, Consent.Purpose.IMMIGRATION, Consent.Purpose.LABOUR_INSPECTION,
                               Consent.Purpose.REFERRAL)])
    recipient = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    override = forms.BooleanField(label=_("Override a missing consent (case supervisors only)"), required=False)
    reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


SECTION_CHOICES = [("identity", _("Identity")), ("situation", _("Situation")), ("health", _("Health")),
                   ("sexual", _("Sexual history"))]


class ReferralForm(_RecipientForm):
    id_prefix = "referral"
    need = forms.ChoiceField(label=_("What the person needs"), required=False)
    recipient = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.none())
    transfer = forms.BooleanField(label=_("Transfer the whole case (the other organisation takes it over)"),
                                  required=False)
    sections = forms.MultipleChoiceField(label=_("Sections to share"), choices=SECTION_CHOICES, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label=_("Reason for the referral and what the service should know"), required=False,
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    override = forms.BooleanField(label=_("Override a missing consent (case supervisors only)"), required=False)
    override_reason = forms.CharField(label=_("Reason for the override"), required=False, max_length=2000,
                                      widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organisation: Organisation, receivers: list[int] | None = None,
                 **kwargs: Any) -> None:
        """``receivers``: on the case page, only the organisations with a fitting service are offered
        (cases.receivers); a posted form accepts any other organisation, which the service then
        refuses with a clear message when it does not fit."""
        super().__init__(*args, organisation=organisation, **kwargs)
        from tipnet.web.cases.receivers import NEEDS

        self.fields["need"].choices = [("", _("Any kind of help")), *NEEDS]
        if receivers is not None:
            self.fields["recipient"].queryset = self.fields["recipient"].queryset.filter(pk__in=receivers)


class ReturnForm(OwnIdsForm):
    id_prefix = "return"
    returned_on = forms.DateField(label=_("Date of return"), widget=forms.DateInput(attrs={"type": "date"}))
    through_iom = forms.BooleanField(label=_("Through IOM (assisted voluntary return and reintegration)"),
                                     required=False)
