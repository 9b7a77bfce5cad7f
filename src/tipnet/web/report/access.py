"""Who may see reports: hotline operators of the trustee that received them. Nobody else —
network admins included — reads report content (DESIGN.md, security model).

Every check names the organisation: the operator role counts only in a confirmed membership of an
organisation of type trustee, and a report only for an operator of *its* trustee. An "operator"
of the police (or of any other organisation) is nobody here.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from tipnet.web.accounts import grants
from tipnet.web.accounts.models import Organisation, User
from tipnet.web.accounts.roles import OrganisationType, Role
from tipnet.web.report.models import Channel, Forwarding, Report


def operator_trustees(user: User) -> QuerySet[Organisation]:
    """The trustees where ``user`` is a confirmed hotline operator."""
    trustee_ids = (
        grants.confirmed_memberships(user)
        .filter(role=Role.HOTLINE_OPERATOR, organisation__type=OrganisationType.TRUSTEE)
        .values("organisation_id")
    )
    return Organisation.objects.filter(pk__in=trustee_ids)


def access_inbox(*, user: User) -> None:
    if not operator_trustees(user).exists():
        raise Http404


def access_staff_entry(*, user: User) -> None:
    """Entering a phone report: only an operator of the trustee that receives the reports."""
    from tipnet.web.report.services import trustee_for_reports

    trustee = trustee_for_reports()
    if trustee is None or not operator_trustees(user).filter(pk=trustee.pk).exists():
        raise Http404


def access_report(*, user: User, report_id: int) -> Report:
    access_inbox(user=user)
    report = Report.objects.filter(pk=report_id, trustee__in=operator_trustees(user)).first()
    if report is None:
        raise Http404
    return report


def access_report_file(*, user: User, report_id: int, file_id: int) -> Report:
    report = access_report(user=user, report_id=report_id)
    if not report.files.filter(pk=file_id).exists():
        raise Http404
    return report


def access_forwarding(*, user: User, report_id: int, forwarding_id: int) -> Forwarding:
    report = access_report(user=user, report_id=report_id)
    forwarding = Forwarding.objects.filter(pk=forwarding_id, report=report).first()
    if forwarding is None:
        raise Http404
    return forwarding


def access_channels(*, user: User) -> None:
    """Network admins edit the reporting line's questionnaires."""
    if not grants.is_network_admin(user):
        raise Http404


def access_channel(*, user: User, channel_id: int) -> Channel:
    from tipnet.web.report.models import Channel

    access_channels(user=user)
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise Http404
    return channel
