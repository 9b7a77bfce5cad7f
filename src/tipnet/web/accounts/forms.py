"""Forms for sign-in and staff management. Validation only; writes happen in services.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.roles import Role


class PasswordForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=1024)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text"}),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class InviteForm(forms.Form):
    """``roles``: the choices the acting user may give in this organisation (grants.grantable_roles);
    a forged POST with any other role is refused here, and again by the service."""

    username = forms.CharField(label=_("User name"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=120, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=())

    def __init__(self, *args: object, roles: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class SetPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, max_length=1024)
    password_again = forms.CharField(label=_("New password again"), widget=forms.PasswordInput, max_length=1024)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise forms.ValidationError(_("The two passwords are not the same."))
        return data
