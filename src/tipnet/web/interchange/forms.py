"""The import and export forms: the choices offered are the user's own organisations (access.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipnet.web.interchange.access import export_organisations, import_organisations
from tipnet.web.interchange.models import CaseExport, ColumnMapping

PAGE_MAX_BYTES = 10 * 1024 * 1024
FORMAT_LABELS = (
    ("auto", gettext_lazy("Recognise from the file")),
    ("htcds_csv", gettext_lazy("HTCDS CSV")),
    ("htcds_json", gettext_lazy("HTCDS JSON")),
    ("kobo_csv", gettext_lazy("KoboToolbox or ODK export (CSV)")),
    ("kobo_json", gettext_lazy("KoboToolbox or ODK export (JSON)")),
    ("csv", gettext_lazy("Another CSV sheet (map its columns)")),
    ("xlsx", gettext_lazy("Excel sheet (.xlsx; map its columns)")),
)


class ImportForm(forms.Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"))
    file = forms.FileField(label=gettext_lazy("File"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_LABELS, initial="auto")
    mapping = forms.ChoiceField(label=gettext_lazy("Saved column mapping"), required=False)

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        organisations = import_organisations(user=user)  # type: ignore[arg-type]
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]
        mappings = ColumnMapping.objects.filter(organisation__in=organisations).select_related("organisation")
        self.fields["mapping"].choices = [("", _("None"))] + [
            (str(m.pk), f"{m.name} ({m.organisation.name})") for m in mappings]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > PAGE_MAX_BYTES:
            raise forms.ValidationError(_(
                "This page takes files up to 10 MB. Split the file, or use `tipnet import` on the command line."))
        return upload


class ExportForm(forms.Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"))
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=CaseExport.Purpose.choices,
                                widget=forms.RadioSelect, initial=CaseExport.Purpose.OWN)
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=(("csv", "CSV"), ("json", "JSON")), initial="csv")

    def __init__(self, *args: object, user: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organisation"].choices = [(str(o.pk), o.name) for o in export_organisations(user=user)]  # type: ignore[arg-type]
