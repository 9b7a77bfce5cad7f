"""The start of a screening: the person's language and what is already known."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class StartForm(forms.Form):
    person_language = forms.ChoiceField(label=_("The person's language"), choices=settings.LANGUAGES)
    age = forms.IntegerField(
        label=_("Age, if known"), required=False, min_value=0, max_value=120,
        help_text=_("Leave empty if not known. A person who may be under 18 is screened as a child too."),
    )
    form = forms.ChoiceField(
        label=_("Kind of exploitation, if known"),
        required=False,
        choices=[("", _("Not known yet")), ("labour", _("Work or services")), ("sexual", _("Sexual exploitation"))],
    )
    reference = forms.CharField(
        label=_("Case reference (optional)"), required=False, max_length=64,
        help_text=_("A case number, never a name."),
    )
