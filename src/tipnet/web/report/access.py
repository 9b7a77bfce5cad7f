"""Who may see reports: hotline operators of the trustee that received them. Nobody else —
network admins included — reads report content (DESIGN.md, security model)."""

from __future__ import annotations

from django.http import Http404

from tipnet.web.accounts.access import organisations_where, user_has_role
from tipnet.web.accounts.models import User
from tipnet.web.accounts.roles import Role
from tipnet.web.report.models import Channel, Forwarding, Report


def access_inbox(*, user: User) -> None:
    if not user_has_role(user, Role.HOTLINE_OPERATOR):
        raise Http404


def access_report(*, user: User, report_id: int) -> Report:
    access_inbox(user=user)
    report = Report.objects.filter(pk=report_id, trustee__in=organisations_where(user, Role.HOTLINE_OPERATOR)).first()
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
    if not user_has_role(user, Role.NETWORK_ADMIN):
        raise Http404


def access_channel(*, user: User, channel_id: int) -> Channel:
    from tipnet.web.report.models import Channel

    access_channels(user=user)
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        raise Http404
    return channel
