"""Per-channel questionnaires: the default report form, minus the optional questions a channel
hides, plus the channel's own questions.

A channel's own questions are data a network admin edits (JSON), with their wording in each
language; the default questions' wording goes through gettext like every other string. Answers to
a channel's own questions are encrypted with the rest of the report.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

OPTIONAL_DEFAULTS = ("kind", "prefecture", "victims", "children", "nationality", "how_known", "files")
TYPES = ("text", "long_text", "choice", "yes_no")
KEY = re.compile(r"[a-z][a-z0-9_]{1,39}")
CHOICE_VALUE = re.compile(r"[a-z0-9_]{1,40}")
MAX_QUESTIONS = 20
MAX_TEXT = 2000
REQUIRED_LANGUAGES = ("en", "ja")


class QuestionnaireError(ValueError):
    """The questionnaire data is not valid; the message names the question and the problem."""


@dataclass(frozen=True)
class ChannelQuestion:
    key: str
    type: str
    required: bool
    label: dict[str, str]
    help: dict[str, str]
    choices: tuple[tuple[str, dict[str, str]], ...]

    def text(self, texts: dict[str, str], language: str) -> str:
        return texts.get(language) or texts.get("en") or ""

    def missing_languages(self) -> list[str]:
        return [code for code, _name in settings.LANGUAGES if not self.label.get(code)]


def _texts(value: Any, where: str) -> dict[str, str]:
    codes = {code for code, _name in settings.LANGUAGES}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise QuestionnaireError(_("%(where)s must be an object of texts by language code.") % {"where": where})
    unknown = sorted(set(value) - codes)
    if unknown:
        raise QuestionnaireError(_("%(where)s: unknown language code %(code)s.") % {"where": where, "code": unknown[0]})
    return {k: v.strip() for k, v in value.items() if v.strip()}


def parse_questions(raw: str | list[Any]) -> list[ChannelQuestion]:
    """Validate a channel's own questions (JSON text or a parsed list)."""
    if isinstance(raw, str):
        try:
            data = json.loads(raw or "[]")
        except json.JSONDecodeError as error:
            raise QuestionnaireError(_("The questions are not valid JSON (line %(line)s): %(reason)s") % {"line": error.lineno, "reason": error.msg}) from error
    else:
        data = raw
    if not isinstance(data, list):
        raise QuestionnaireError(_("The questions must be a JSON list."))
    if len(data) > MAX_QUESTIONS:
        raise QuestionnaireError(_("At most %(max)s questions per channel.") % {"max": MAX_QUESTIONS})
    seen: set[str] = set()
    questions = []
    for number, item in enumerate(data, start=1):
        where = _("Question %(n)s") % {"n": number}
        if not isinstance(item, dict):
            raise QuestionnaireError(_("%(where)s must be an object.") % {"where": where})
        unknown_fields = sorted(set(item) - {"key", "type", "required", "label", "help", "choices"})
        if unknown_fields:
            raise QuestionnaireError(_("%(where)s: unknown field %(field)s.") % {"where": where, "field": unknown_fields[0]})
        key = item.get("key")
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise QuestionnaireError(_("%(where)s: the key must be 2 to 40 lower-case letters, digits or _, starting with a letter.") % {"where": where})
        if key in seen or key in OPTIONAL_DEFAULTS or key in ("what_happened", "danger_now", "website", "keep_files"):
            raise QuestionnaireError(_("%(where)s: the key %(key)s is already used.") % {"where": where, "key": key})
        seen.add(key)
        kind = item.get("type", "text")
        if kind not in TYPES:
            raise QuestionnaireError(_("%(where)s: the type must be one of %(types)s.") % {"where": where, "types": ", ".join(TYPES)})
        label = _texts(item.get("label"), where)
        missing = [code for code in REQUIRED_LANGUAGES if code not in label]
        if missing:
            raise QuestionnaireError(_("%(where)s: the question needs its text at least in %(languages)s.") % {"where": where, "languages": ", ".join(missing)})
        help_texts = _texts(item.get("help", {}), where)
        choices: list[tuple[str, dict[str, str]]] = []
        if kind == "choice":
            raw_choices = item.get("choices")
            if not isinstance(raw_choices, list) or len(raw_choices) < 2:
                raise QuestionnaireError(_("%(where)s: a choice question needs at least two choices.") % {"where": where})
            for choice in raw_choices:
                if not isinstance(choice, dict) or not isinstance(choice.get("value"), str) or not CHOICE_VALUE.fullmatch(choice["value"]):
                    raise QuestionnaireError(_("%(where)s: every choice needs a value of lower-case letters, digits or _.") % {"where": where})
                choices.append((choice["value"], _texts(choice.get("label"), where)))
        elif "choices" in item:
            raise QuestionnaireError(_("%(where)s: only choice questions have choices.") % {"where": where})
        questions.append(ChannelQuestion(key, kind, bool(item.get("required", False)), label, help_texts, tuple(choices)))
    return questions


def add_channel_fields(form: forms.Form, *, hidden: list[str], questions: list[ChannelQuestion], language: str) -> None:
    """Hide the optional default questions a channel does not ask, and add its own questions."""
    for name in hidden:
        if name in OPTIONAL_DEFAULTS:
            form.fields.pop(name, None)
            if name == "files":
                form.fields.pop("keep_files", None)
    for q in questions:
        label = q.text(q.label, language)
        help_text = q.text(q.help, language)
        name = f"extra_{q.key}"
        if q.type == "long_text":
            field: forms.Field = forms.CharField(label=label, help_text=help_text, required=q.required, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
        elif q.type == "choice":
            field = forms.ChoiceField(label=label, help_text=help_text, required=q.required,
                                      choices=[("", "—")] + [(value, q.text(texts, language)) for value, texts in q.choices])
        elif q.type == "yes_no":
            field = forms.ChoiceField(label=label, help_text=help_text, required=q.required,
                                      choices=[("", "—"), ("yes", _("Yes")), ("no", _("No")), ("not_sure", _("Not sure"))])
        else:
            field = forms.CharField(label=label, help_text=help_text, required=q.required, max_length=MAX_TEXT)
        form.fields[name] = field
    # The honeypot stays last.
    if "website" in form.fields:
        form.fields["website"] = form.fields.pop("website")


def extra_answers(cleaned: dict[str, Any], questions: list[ChannelQuestion]) -> dict[str, str]:
    return {q.key: str(cleaned.get(f"extra_{q.key}") or "") for q in questions if cleaned.get(f"extra_{q.key}")}
