"""Texts that tipnet itself writes on a case's timeline or support plan, stored as a code with its
values and put into words only when shown, in the reader's language.

A Vietnamese-speaking shelter worker who accepts a referral must not leave Vietnamese on a Japanese
NGO's timeline, and a status change must not read "active -> follow_up". The sealed content of such
an event keeps ``text`` (the words in the writer's language, for anything that reads only that) and
``message`` (the code and values); `shown` prefers the message. Values are codes and names, never
words of a language, so the record reads the same in every language a reader chooses.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _


def status_changed(*, old: str, new: str) -> dict[str, Any]:
    return {"code": "status", "old": old, "new": new}


def referral_state(*, organisation: str, state: str) -> dict[str, Any]:
    return {"code": "referral", "organisation": organisation, "state": state}


def returned_home(*, through_iom: bool) -> dict[str, Any]:
    return {"code": "return", "through_iom": through_iom}


def check_in(*, months: int) -> dict[str, Any]:
    return {"code": "check_in", "months": months}


def subject_export() -> dict[str, Any]:
    return {"code": "subject_export"}


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:  # a code from a later or earlier version: show it as stored
        return value


def words(message: dict[str, Any]) -> str | None:
    """The message in the active language, or None for a code this version does not know."""
    from tipnet.web.cases.models import Case, Referral

    code = message.get("code")
    if code == "status":
        return _("Status: %(old)s → %(new)s") % {"old": _label(Case.Status, str(message.get("old", ""))),
                                                 "new": _label(Case.Status, str(message.get("new", "")))}
    if code == "referral":
        return f"{message.get('organisation', '')}: {_label(Referral.State, str(message.get('state', '')))}"
    if code == "return":
        return _("Returned home through IOM") if message.get("through_iom") else _("Returned home")
    if code == "check_in":
        return _("Check-in %(months)s months after return") % {"months": message.get("months", "")}
    if code == "subject_export":
        return _("Export of the record given to the person")
    return None


def shown(content: dict[str, Any], field: str) -> str:
    """What a sealed event (``field="text"``) or task (``"title"``) says, in the reader's language."""
    message = content.get("message")
    if isinstance(message, dict):
        text = words(message)
        if text is not None:
            return text
    return str(content.get(field, ""))
