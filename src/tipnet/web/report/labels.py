"""Words for people in place of the stored triage codes, for the operator's pages and the PDF
(the database and the forwarded JSON keep the codes)."""

from __future__ import annotations

from tipnet.web.directory.prefectures import PREFECTURES
from tipnet.web.report.forms import CHILDREN_CHOICES, VICTIM_CHOICES
from tipnet.web.report.models import Report


def kind_label(code: str) -> str:
    return str(Report.Kind(code).label) if code in Report.Kind.values else code


def prefecture_label(code: str) -> str:
    return next((p.name() for p in PREFECTURES if p.code == code), code)


def victims_label(code: str) -> str:
    return str(dict(VICTIM_CHOICES).get(code, code)) if code else ""


def children_label(code: str) -> str:
    return str(dict(CHILDREN_CHOICES).get(code, code)) if code else ""


def triage_labels(*, kind: str, prefecture: str, victims: str, children: str) -> dict[str, str]:
    return {
        "kind": kind_label(kind),
        "prefecture": prefecture_label(prefecture),
        "victims": victims_label(victims),
        "children": children_label(children),
    }
