"""A certificate (A4 PDF, WeasyPrint) for a trainee who passed every case of a cohort, in ja or en.

Made like the directory leaflet (tipnet.web.directory.leaflet): server-side HTML, the machine's
fonts, nothing fetched from anywhere.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import User
from tipnet.web.directory.leaflet import (
    DEFAULT_STACK,
    FONT_STACKS,
    _no_fetch,
    missing_font_packages,
)
from tipnet.web.training.library import case_by_id
from tipnet.web.training.models import Cohort


class CertificateError(Exception):
    """The certificate cannot be made (translated message saying what to do)."""


def certificate_html(*, user: User, cohort: Cohort, language: str) -> str:
    with translation.override(language):
        titles = [case.title[language] for cid in cohort.case_ids if (case := case_by_id(cid)) is not None]
        return render_to_string("training/certificate.html", {
            "name": user.display_name or user.username, "cohort": cohort, "titles": titles,
            "organisation": cohort.organisation.name, "date": timezone.localdate(),
            "language": language, "font_stack": FONT_STACKS.get(language, DEFAULT_STACK),
        })


def certificate_pdf(*, actor: User, cohort: Cohort, language: str) -> bytes:
    missing = missing_font_packages(language)
    if missing:
        raise CertificateError(
            _("No font on this machine can print %(language)s. Install the font package: %(packages)s.")
            % {"language": language, "packages": ", ".join(missing)})
    from weasyprint import HTML

    pdf = HTML(string=certificate_html(user=actor, cohort=cohort, language=language), url_fetcher=_no_fetch).write_pdf()
    audit_record(actor=actor, action=Action.TRAINING_CERTIFICATE, organisation=cohort.organisation,
                 target_type="cohort", target_id=cohort.pk)
    return pdf
