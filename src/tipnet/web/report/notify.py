"""Staff notifications that carry no content: "a report arrived", or a daily digest of counts.

The default is the daily digest (``TIPNET_NOTIFY=digest``, sent by `tipnet digest --send` from
cron): an immediate message per report also tells whoever reads the operator's mail *when* a
report arrived, which SecureDrop avoids for the same reason. ``immediate`` and ``off`` are the
other choices. Mail goes through Django's e-mail settings (``EMAIL_HOST`` and friends).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from tipnet.web.accounts.models import Membership, Organisation, User
from tipnet.web.accounts.roles import OrganisationType, Role


def operator_addresses(trustee: Organisation | None = None) -> list[tuple[str, str]]:
    """(e-mail, language) of active, confirmed hotline operators of a trustee who gave an address."""
    memberships = Membership.objects.filter(
        role=Role.HOTLINE_OPERATOR, pending=False, organisation__type=OrganisationType.TRUSTEE
    )
    if trustee is not None:
        memberships = memberships.filter(organisation=trustee)
    users = User.objects.filter(is_active=True, pk__in=memberships.values("user_id")).exclude(email="")
    return sorted({(u.email, u.preferred_language) for u in users})


def notify_new_report(trustee: Organisation) -> int:
    """Immediate mode only: one content-free message per operator."""
    if settings.TIPNET_NOTIFY != "immediate":
        return 0
    sent = 0
    for address, language in operator_addresses(trustee):
        with override(language):
            sent += send_mail(
                _("tipnet: a new report"),
                _("A new report arrived on the reporting line. Sign in to read it."),
                None, [address], fail_silently=True,
            )
    return sent


def send_digest(lines: list[str]) -> int:
    """Digest mode: the day's counts (no content) to every operator."""
    if settings.TIPNET_NOTIFY == "off":
        return 0
    sent = 0
    for address, language in operator_addresses():
        with override(language):
            sent += send_mail(_("tipnet: daily digest"), "\n".join(lines), None, [address], fail_silently=False)
    return sent
