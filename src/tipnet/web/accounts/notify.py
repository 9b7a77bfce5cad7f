"""Content-free e-mail to key holders: someone awaits their confirmation (no names, no roles).

Why content-free: whoever reads a key holder's mail should learn no more than that there is
something to look at after signing in (the same reasoning as report/notify.py). Mail goes through
Django's e-mail settings; a failure to send never undoes the membership.
"""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils.translation import gettext as _
from django.utils.translation import override

from tipnet.web.accounts import grants
from tipnet.web.accounts.models import Organisation


def notify_confirmation_needed(organisation: Organisation, role: str) -> int:
    """One message to every key holder of ``organisation`` who may confirm a new ``role``
    membership (grants.confirmers) and gave an address."""
    holders = grants.confirmers(organisation, role).exclude(email="")
    addresses = sorted({(u.email, u.preferred_language) for u in holders})
    sent = 0
    for address, language in addresses:
        with override(language):
            sent += send_mail(
                _("tipnet: a new colleague awaits your confirmation"),
                _("Someone was given a role in your organisation. Before they can receive its keys, "
                  "a key holder must confirm them. Sign in to confirm or decline."),
                None, [address], fail_silently=True,
            )
    return sent
