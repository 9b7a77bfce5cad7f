"""The documents section and the rights link of the case page, as one inclusion tag, so that the
case page's view needs no change: ``{% load case_rights %}{% case_documents case %}``."""

from __future__ import annotations

from typing import Any

from django import template

from tipnet.web.accounts.keys import current_private_key
from tipnet.web.cases.access import document_sections, is_case_supervisor
from tipnet.web.cases.documents import documents_list
from tipnet.web.cases.forms_rights import DocumentForm

register = template.Library()


@register.inclusion_tag("cases/_documents.html", takes_context=True)
def case_documents(context: dict[str, Any], case: Any) -> dict[str, Any]:
    request = context["request"]
    # What the case page's view already worked out (its reader's key, role and sections), if it did.
    visible = context.get("visible_sections")
    sections = document_sections(user=request.user, case=case, visible=visible)
    shown, hidden = documents_list(user=request.user, case=case, private_key=current_private_key(request),
                                   keys=context.get("case_keys"), allowed=sections)
    supervisor = context.get("is_supervisor")
    if supervisor is None:
        supervisor = is_case_supervisor(user=request.user, organisation=case.organisation)
    return {
        "case": case, "documents": shown, "hidden_documents": hidden,
        "document_form": DocumentForm(sections=sections), "csrf_token": context.get("csrf_token"),
        "is_supervisor": supervisor,
    }
