"""The colon after a form label, right in every language.

Django writes a form label as the label plus ``Form.label_suffix`` (``gettext(":")``), unless the
label already ends in one of the characters of ``gettext(":?.!")`` (``BoundField.label_tag``).
Django's own ja and zh_Hans catalogues leave both msgids in ASCII, so a Japanese or Chinese label
that ends in a full-width "？" or "）" came out as "何歳ですか？:" and "（任意）:" (issue 11).

Our catalogues come first (``LOCALE_PATHS`` takes precedence over Django's), and they translate the
two msgids marked below: in ja and zh_Hans the suffix is the full-width "：" and the end
punctuation also lists the full-width marks "：？。！）」", so no suffix follows them. Every
``forms.Form`` of the project gets this without any change to the form, because Django itself
asks gettext. ``label_with_suffix`` does the same for a label written in a template outside a form
(``{{ label|label_suffix }}``, ``public/templatetags/labels.py``).
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# Translators: put after a form label ("Name:"). Japanese and Chinese: the full-width colon "：".
LABEL_SUFFIX = gettext_noop(":")
# Translators: a label ending in one of these characters gets no suffix after it. Keep ":?.!" and
# add the full-width marks your script uses (Japanese and Chinese: "：？。！）」").
LABEL_END_PUNCTUATION = gettext_noop(":?.!")


def label_with_suffix(label: object) -> str:
    """The label as a Django form shows it in the current language: suffixed unless it ends in
    punctuation."""
    text = str(label)
    if not text or text[-1] in gettext(LABEL_END_PUNCTUATION):
        return text
    return text + gettext(LABEL_SUFFIX)
