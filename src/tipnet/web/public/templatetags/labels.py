"""``{{ label|label_suffix }}``: a label written in a template, with the colon a form would add."""

from __future__ import annotations

from django import template

from tipnet.web.label_suffix import label_with_suffix

register = template.Library()


@register.filter(name="label_suffix")
def label_suffix(label: object) -> str:
    """The label with the current language's suffix (see ``tipnet.web.label_suffix``)."""
    return label_with_suffix(label)
