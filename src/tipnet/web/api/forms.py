"""The token page's form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipnet.web.api.models import Scope
from tipnet.web.api.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=80, required=False,
                           help_text=_("For example: our Kobo import script."))
    scope = forms.ChoiceField(label=_("Access"), choices=Scope.choices, initial=Scope.READ)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS)
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=12,
                           help_text=_("Enter a new code to confirm that it is you."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))
    unlock = forms.BooleanField(
        label=_("Let this token open case content"), required=False,
        help_text=_("Only if your program must read or write what cases say (names, story, notes). Your "
                    "password then opens your key once, here, and the key is stored locked under the token: "
                    "whoever holds the token can read the cases you can read. Revoke it when it is no longer needed."))
    password = forms.CharField(label=_("Your password (only to open case content)"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
