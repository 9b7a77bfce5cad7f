"""Phone numbers on public pages: one tap-to-call link that dials the right digits and never wraps.

``{% load phone %}{% phone "0120-924-839" %}`` renders ``<a class="tel" href="tel:0120924839">
0120-924-839</a>``; ``{% phone "110" as police %}`` keeps it for a ``blocktranslate with``.

Why a helper and not ``href="tel:{{ number }}"``: in a URI a raw ``#`` starts the fragment, so
``tel:#8891`` (the One-Stop Support Centres' short code) dials nothing; RFC 3966 §3 lets the ``#``
and ``*`` of a local number through only percent-encoded (``tel:%238891``). The visual separators
("-", spaces, dots, brackets) are dropped from the URI (RFC 3966 §5.1.1, "visual-separator") and kept
in the text. The class ``tel`` (``static/tipnet/site.css``, ``white-space: nowrap``) keeps
0120-924-839 on one line on narrow screens. Text that is not a phone number ("03-1234-5678
weekdays") is shown as it is, in a non-wrapping span, with no link rather than a broken one.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()

# An optional leading "+", then digits, "#", "*" and visual separators only.
_PHONE = re.compile(r"\+?[0-9#*][0-9#*\-.\s()]*")


def tel_uri(number: str) -> str | None:
    """The ``tel:`` URI that dials ``number``, or None when the text is not a phone number."""
    text = str(number).strip()
    if not _PHONE.fullmatch(text) or not any(ch.isdigit() for ch in text):
        return None
    dial = "".join(ch for ch in text if ch.isdigit() or ch in "+#*")
    return "tel:" + dial.replace("#", "%23")


@register.simple_tag
def phone(number: str) -> SafeString:
    """A tap-to-call link for ``number`` (or the bare text in a non-wrapping span)."""
    uri = tel_uri(number)
    if uri is None:
        return format_html('<span class="tel">{}</span>', number)
    return format_html('<a class="tel" href="{}">{}</a>', uri, str(number).strip())
