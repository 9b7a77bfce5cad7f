"""Forms of the documents and of the person's rights (erasure, export, retention)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tipnet.web.accounts.models import Organisation
from tipnet.web.cases.forms import OwnIdsForm
from tipnet.web.cases.models_rights import MAX_RETENTION_YEARS, CaseDocument, SubjectAccess
from tipnet.web.report.attachments import MAX_FILE_BYTES


class DocumentForm(OwnIdsForm):
    id_prefix = "document"
    section = forms.ChoiceField(label=_("Section"), choices=CaseDocument.Section.choices)
    title = forms.CharField(label=_("What is it? (for example: passport copy, contract)"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        help_text=lazy(lambda: gettext(
            "A photo or scan (cleaned of location and camera data) or a PDF (kept as it is, with its "
            "author and software data), at most %(max)s MB.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}, str)())

    def __init__(self, *args: Any, sections: frozenset[str] = frozenset(CaseDocument.Section.values),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(code, label) for code, label in CaseDocument.Section.choices if code in sections]


class ErasureForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the erasure (who asked, when, how)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    confirmation = forms.CharField(label=_("Type the case reference to confirm"), max_length=40)
    code = forms.CharField(label=_("Code from your authenticator app"), max_length=12,
                           help_text=_("Enter a new code to confirm that it is you."),
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class ExportForm(forms.Form):
    format = forms.ChoiceField(label=_("Format"), choices=SubjectAccess.Format.choices, widget=forms.RadioSelect)


class RetentionForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    years = forms.IntegerField(label=_("Years a closed case is kept"), min_value=1, max_value=MAX_RETENTION_YEARS)

    def __init__(self, *args: Any, organisations: list[Organisation] | None = None, **kwargs: Any) -> None:
        organisations = organisations or []
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk
