"""The error summary at the top of a public form.

On a phone, an error next to a field 1,100 px down the page is never seen: the reporter presses
*Send*, the page comes back, and nothing seems to have happened. So every public form that comes
back with errors starts with a summary (GOV.UK Design System's "error summary" pattern): a heading,
then one line per problem, each a link to its field (``#id``). It is the first thing in the page,
so it is read first with JavaScript off; with JavaScript on, ``tipnet/forms.js`` moves the focus
to it, so a screen reader announces it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.forms.forms import NON_FIELD_ERRORS

# Fields that are never linked to: the honeypot is hidden from people on purpose.
UNLINKED_FIELDS = frozenset({"website"})


@dataclass(frozen=True)
class SummaryEntry:
    message: str
    target: str = ""  # the id of the field to jump to, or "" for a problem of the whole form
    label: str = ""


def error_summary(*, forms_: tuple[forms.Form, ...] = (), general: tuple[str, ...] = ()) -> list[SummaryEntry]:
    """One entry per problem: general messages first, then each field's errors in form order."""
    entries = [SummaryEntry(message=str(message)) for message in general if message]
    for form in forms_:
        if not form.is_bound:
            continue
        for message in form.errors.get(NON_FIELD_ERRORS, []):
            entries.append(SummaryEntry(message=str(message)))
        for field in form:
            if field.name in UNLINKED_FIELDS:
                entries.extend(SummaryEntry(message=str(message)) for message in field.errors)
                continue
            entries.extend(
                SummaryEntry(message=str(message), target=field.id_for_label or "", label=str(field.label or ""))
                for message in field.errors
            )
    return entries
