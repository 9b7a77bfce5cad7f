"""Form labels end in the colon of their language, never in "？:" or "）:" (issue 11).

Every form of the project is rendered in Japanese and Chinese; no label may carry an ASCII colon
after full-width punctuation, and a label that ends in a letter gets the full-width "：".
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

import tipnet.web
from tipnet.web.label_suffix import label_with_suffix


# Constructor arguments for the forms that need some, by module and class (two apps have an InviteForm).
def _kwargs(form_class: type[forms.BaseForm]) -> dict[str, object]:
    from django.utils.translation import get_language

    name = f"{form_class.__module__}.{form_class.__name__}"
    if name == "tipnet.web.accounts.forms.InviteForm":
        return {"roles": [("caseworker", "Caseworker")]}
    if name == "tipnet.web.report.forms.ForwardForm":
        from tipnet.web.accounts.models import Organisation

        return {"queryset": Organisation.objects.none()}
    if name == "tipnet.web.training.forms.CohortForm":
        return {"organisations": [], "case_choices": []}
    if name == "tipnet.web.training.forms.RecordForm":
        return {"language": get_language() or "en"}
    if name == "tipnet.web.cases.forms.CaseForm":
        from tipnet.web.cases.access import SECTIONS

        return {"sections": frozenset(SECTIONS), "intake": True}
    if form_class.__module__ == "tipnet.web.interchange.forms":  # ImportForm, ExportForm: the user's organisations
        from tipnet.web.accounts.models import User

        return {"user": User(pk=0)}
    if form_class.__module__ == "tipnet.web.cases.forms" and "organisation" in form_class.__init__.__code__.co_varnames:
        from tipnet.web.accounts.models import Organisation

        return {"organisation": Organisation(pk=0)}
    return {}


FULL_WIDTH_END = "？。！）」："


def project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(tipnet.web.__path__, "tipnet.web."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    todo = [forms.Form, forms.ModelForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            # a private base (cases' _RecipientForm) is never rendered on its own: its subclasses are
            if sub.__module__.startswith("tipnet.web.") and not sub.__name__.startswith("_") and sub not in found:
                found.append(sub)
    return sorted(found, key=lambda c: c.__qualname__)


def labels_of(form_class: type[forms.BaseForm]) -> list[str]:
    """Each field's label as the form renders it (label or legend), without the tags."""
    form = form_class(**_kwargs(form_class))  # type: ignore[arg-type]
    return [re.sub(r"<[^>]+>", "", str(field.label_tag())).strip() for field in form]


def rendered(form_class: type[forms.BaseForm]) -> str:
    return str(form_class(**_kwargs(form_class)).as_p())  # type: ignore[arg-type]


def test_the_project_has_forms_to_check(db) -> None:  # type: ignore[no-untyped-def]
    names = {cls.__name__ for cls in project_forms()}
    assert {"ReportForm", "SearchForm", "PasswordForm", "ServiceForm", "StartForm"} <= names


@pytest.mark.parametrize("language", ["ja", "zh-hans"])
def test_no_ascii_colon_after_full_width_punctuation_in_any_form(db, language) -> None:  # type: ignore[no-untyped-def]
    problems = []
    suffixed = 0
    with translation.override(language):
        for form_class in project_forms():
            for label in labels_of(form_class):
                if not label:
                    continue
                if re.search(r"[？。！）」：][:：]$", label) or label.endswith(":"):
                    problems.append(f"{form_class.__name__}: {label!r}")
                suffixed += label.endswith("：")
            html = rendered(form_class)
            problems += [f"{form_class.__name__} (page): {m.group(0)!r}" for m in re.finditer(r".{0,12}[？。！）」：][:：]", html)]
    assert not problems, "\n".join(problems)
    assert suffixed > 10  # labels that end in a letter get the full-width colon


def test_english_labels_keep_the_ascii_colon(db) -> None:  # type: ignore[no-untyped-def]
    with translation.override("en"):
        labels = [label for cls in project_forms() for label in labels_of(cls)]
    assert labels and all(label.endswith((":", "?", ".", "!")) for label in labels if label)


@pytest.mark.parametrize(
    ("language", "label", "shown"),
    [
        ("ja", "何歳ですか？", "何歳ですか？"),
        ("ja", "メール（任意）", "メール（任意）"),
        ("ja", "電話", "電話："),
        ("zh-hans", "电话", "电话："),
        ("zh-hans", "你多大了？", "你多大了？"),
        ("en", "Phone", "Phone:"),
        ("en", "How old are you?", "How old are you?"),
        ("vi", "Điện thoại", "Điện thoại:"),
    ],
)
def test_label_with_suffix_follows_the_language_and_the_last_character(language: str, label: str, shown: str) -> None:
    with translation.override(language):
        assert label_with_suffix(label) == shown
        assert Template("{% load labels %}{{ label|label_suffix }}").render(Context({"label": label})) == shown


def test_a_form_label_and_the_template_filter_agree(db) -> None:  # type: ignore[no-untyped-def]
    class Probe(forms.Form):
        age = forms.CharField(label="何歳ですか？")
        phone = forms.CharField(label="電話")

    with translation.override("ja"):
        html = Probe().as_p()
        assert "何歳ですか？</label>" in html and "電話：</label>" in html
        assert label_with_suffix("電話") == "電話："
