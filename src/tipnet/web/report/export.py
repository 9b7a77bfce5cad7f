"""The forwarded package: the report as JSON and as a PDF for people, zipped in memory and
encrypted with age to the receiver, so it opens with the standard tool:
``age -d -i receiver-key.txt report.zip.age > report.zip``."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from django.template.loader import render_to_string


def _labels(document: dict[str, Any]) -> dict[str, Any]:
    from django.utils.translation import gettext as _

    from tipnet.web.report.labels import indicator_labels, language_label, triage_labels

    return {
        **triage_labels(kind=document["kind"], prefecture=document["prefecture"],
                        victims=document["possible_victims"], children=document["children"]),
        "staff": _("Reporting line"),
        "reporter": _("Reporter"),
        "language": language_label(str(document.get("language") or "")),
        "indicators": indicator_labels(document.get("indicators") or []),
    }


def forwarding_pdf(document: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("report/forward_pdf.html", {"doc": document, "label": _labels(document)})
    return HTML(string=html).write_pdf()


def forwarding_package(document: dict[str, Any]) -> bytes:
    """A zip (in memory, fixed timestamps, no file names from the reporter) with JSON and PDF."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (
            ("report.json", json.dumps(document, ensure_ascii=False, indent=2).encode()),
            ("report.pdf", forwarding_pdf(document)),
        ):
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()
