"""A report forwarded by the reporting line's trustee to a member organisation, opened there as a
case (issue 12).

When the trustee forwards a report to an organisation whose caseworkers can read sealed records
(``receivers.organisations_receiving``), the forwarded document (the same as the age package: the
report's triage fields, what happened, how the reporter knows, the nationality and language as
written, the exchange with the reporter; no internal notes, no files, no receipt) is also sealed to
that organisation's key (``ForwardedReport``). Its caseworkers and case supervisors read it (audited)
and may open a case from it: the intake form is pre-filled with what maps onto case fields, the
report's text becomes the first note of the timeline, the two are linked, audited
(``case.opened_from_report``), and the trustee sees the forwarding acknowledged. Intake rules stay:
the person's consent to the interview is still required, and the duplicate warning still runs.

Missing and another organisation's forwarded report look the same: Http404.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from tipnet.web.accounts import orgkeys
from tipnet.web.accounts.audit import Action, audit_record
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.cases import services
from tipnet.web.cases.access import access_cases, case_organisations
from tipnet.web.cases.models import Case, CaseEvent, ForwardedReport
from tipnet.web.cases.receivers import organisations_receiving
from tipnet.web.cases.sealing import ContentError, content_open, content_seal

# Report kind -> HTCDS type of exploitation (cases.vocabulary.EXPLOITATION); "child", "other" and
# "not sure" say nothing certain about the type.
_EXPLOITATION = {"labour": ["forced_labour"], "sexual": ["sexual"]}
_ISO3 = re.compile(r"^[A-Z]{3}$")


def organisation_receives_cases(organisation: Organisation) -> bool:
    """A member organisation that can receive a forwarded report in tipnet."""
    return organisation.pk in organisations_receiving({organisation.pk})


def forwarded_report_deliver(*, forwarding: Any, document: dict[str, Any]) -> ForwardedReport | None:
    """Seal the forwarded document to the receiving organisation's key (called by
    ``report.services.report_forward`` inside its transaction); None when it cannot receive."""
    recipient = forwarding.recipient
    if not organisation_receives_cases(recipient):
        return None
    org_key = orgkeys.organisation_key_ensure(organisation=recipient)
    if org_key is None:
        return None
    row = ForwardedReport(forwarding=forwarding, organisation=recipient)
    row.sealed_key, row.ciphertext = content_seal(public_key=bytes(org_key.public_key),
                                                  content={**document, "trustee": forwarding.report.trustee.name})
    row.save()
    return row


def forwarded_reports_visible(*, user: User) -> Any:
    return (ForwardedReport.objects.filter(organisation__in=case_organisations(user=user))
            .select_related("organisation", "case", "forwarding").defer("sealed_key", "ciphertext"))


def access_forwarded_report(*, user: User, forwarded_id: int) -> ForwardedReport:
    """Only caseworkers and case supervisors of the receiving organisation."""
    access_cases(user=user)
    row = (ForwardedReport.objects.filter(pk=forwarded_id, organisation__in=case_organisations(user=user))
           .select_related("organisation", "case", "forwarding", "forwarding__report__trustee").first())
    if row is None:
        raise Http404
    return row


def forwarded_report_read(*, actor: User, forwarded: ForwardedReport, private_key: bytes | None) -> dict[str, Any]:
    """The forwarded document (audited as a read); CaseLocked or CaseUnreadable otherwise."""
    org_private = services.organisation_private(user=actor, private_key=private_key, organisation=forwarded.organisation)
    try:
        document = content_open(private_key=org_private, sealed_key=bytes(forwarded.sealed_key),
                                ciphertext=bytes(forwarded.ciphertext))
    except ContentError as error:
        raise services.CaseUnreadable(_(
            "This report cannot be decrypted: its stored data was changed or damaged. Nothing of it is shown."
        )) from error
    audit_record(actor=actor, action=Action.RECORD_READ, organisation=forwarded.organisation,
                 target_type="forwarded_report", target_id=forwarded.pk)
    return document


def intake_initial(document: dict[str, Any]) -> dict[str, Any]:
    """What the report holds that maps onto the intake form (codes the form accepts, nothing guessed)."""
    from tipnet.web.directory.prefectures import BY_CODE

    initial: dict[str, Any] = {"trafficking_status": "possible"}
    exploitation = _EXPLOITATION.get(str(document.get("kind") or ""))
    if exploitation:
        initial["exploitation"] = exploitation
    prefecture = BY_CODE.get(str(document.get("prefecture") or ""))
    if prefecture is not None:
        initial["locations"] = prefecture.name()
    nationality = str(document.get("nationality") or "").strip().upper()
    if _ISO3.match(nationality):
        initial["citizenships"] = nationality
    return initial


def report_note(document: dict[str, Any]) -> str:
    """The report's own words, for the case's first note (sealed like every timeline entry)."""
    parts = [_("From a report forwarded by %(trustee)s (received %(received)s).") % {
        "trustee": document.get("trustee", ""), "received": document.get("received", "")}]
    for label, key in ((_("What happened"), "what_happened"), (_("How the reporter knows"), "how_known"),
                       (_("Nationality (as written)"), "nationality")):
        if document.get(key):
            parts.append(f"{label}: {document[key]}")
    return "\n".join(parts)[:services.MAX_TEXT]


@transaction.atomic
def case_open_from_report(
    *, actor: User, forwarded: ForwardedReport, content: dict[str, dict[str, Any]], consents: set[str],
    private_key: bytes | None,
) -> Case:
    """Open a case in the receiving organisation from the forwarded report, once. The usual intake
    rules apply (``services.case_open``: the interview consent first); the report's text becomes the
    first note; report and case are linked and the opening audited. Nothing is kept if any step fails."""
    locked = ForwardedReport.objects.select_for_update().select_related(
        "organisation", "forwarding", "forwarding__report__trustee").get(pk=forwarded.pk)
    if locked.organisation not in case_organisations(user=actor):
        raise Http404
    if locked.case_id is not None:
        raise services.CaseError(_("This report was already opened as case %(reference)s.") % {
            "reference": Case.objects.values_list("reference", flat=True).get(pk=locked.case_id)})
    document = forwarded_report_read(actor=actor, forwarded=locked, private_key=private_key)
    case = services.case_open(actor=actor, organisation=locked.organisation, content=content, consents=consents,
                              private_key=private_key)
    services.case_event_add(actor=actor, case=case, kind=CaseEvent.Kind.NOTE, occurred_on=case.opened_on,
                            text=report_note(document))
    locked.case, locked.opened_by, locked.opened_at = case, actor, timezone.now()
    locked.save(update_fields=["case", "opened_by", "opened_at"])
    forwarding = locked.forwarding
    if forwarding.state == forwarding.State.SENT:
        forwarding.state = forwarding.State.ACKNOWLEDGED
        forwarding.save(update_fields=["state"])
    audit_record(actor=actor, action="case.opened_from_report", organisation=locked.organisation, target_type="case",
                 target_id=case.pk, details={"forwarded_report": locked.pk, "report": forwarding.report_id})
    return case
