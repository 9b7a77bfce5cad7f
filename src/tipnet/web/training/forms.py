"""Forms for training pages. The record form mirrors the fields of a real screening."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipnet.core.screening import default_catalogue
from tipnet.core.screening.catalogue import DETERMINATIONS

ANSWER_CHOICES = (("no", _("No")), ("yes", _("Yes")), ("unknown", _("Not sure")))
SEX_CHOICES = (("", _("Not recorded")), ("yes", _("Yes")), ("no", _("No")))


class RecordForm(forms.Form):
    """Built per language: labels are the interview's own texts in the trainee's language."""

    def __init__(self, *args: object, language: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cat = default_catalogue()
        self.indicator_ids = [q.id for q in cat.questions(None, language) if q.kind == "indicator"]
        self.fields["age"] = forms.IntegerField(label=cat.text("questions", "CTX_AGE", language), required=False,
                                                min_value=0, max_value=cat.max_age)
        visa = [("", _("Not recorded"))] + [(v, cat.text("choices.visa", v, language)) for v in cat.visa_values]
        self.fields["visa"] = forms.ChoiceField(label=cat.text("questions", "CTX_VISA", language), choices=visa, required=False)
        form_choices = [("", _("Not recorded"))] + [(v, cat.text("choices.form", v, language)) for v in ("labour", "sexual")]
        self.fields["form"] = forms.ChoiceField(label=cat.text("questions", "CTX_FORM", language), choices=form_choices, required=False)
        self.fields["acts_known"] = forms.BooleanField(label=_("I asked who recruited, moved, handed over, housed or received the person"), required=False)
        self.fields["acts"] = forms.MultipleChoiceField(
            label=cat.text("questions", "CTX_THIRD_PARTY", language), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(a, cat.text("choices.act", a, language)) for a in cat.palermo_acts])
        self.fields["commercial_sex"] = forms.ChoiceField(label=cat.text("questions", "CTX_COMMERCIAL_SEX", language),
                                                          choices=SEX_CHOICES, required=False)
        for qid in self.indicator_ids:
            self.fields[f"i_{qid}"] = forms.ChoiceField(label=cat.text("questions", qid, language), choices=ANSWER_CHOICES,
                                                        initial="no", required=False)
        self.fields["determination"] = forms.ChoiceField(
            label=_("Your determination"), widget=forms.RadioSelect,
            choices=[(d, cat.text("determinations", d, language)) for d in DETERMINATIONS])
        self.fields["next_steps"] = forms.MultipleChoiceField(
            label=_("Next steps you would offer"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(s.key, cat.text("next_steps", s.key, language)) for s in cat.next_steps])

    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[f"i_{qid}"] for qid in self.indicator_ids]


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Cohort name"), max_length=200)
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    cases = forms.MultipleChoiceField(label=_("Practice cases"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: object, organisations: list, case_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]  # type: ignore[attr-defined]
        self.fields["cases"].choices = case_choices  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    count = forms.IntegerField(label=_("Number of one-time join links"), min_value=1, max_value=50, initial=5)


class JoinForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data
