"""Every indicator question is a plain positive yes/no question: "yes" means the indicator is present.

The caseworker reads the question aloud and records yes / no / not sure. A tag ("..., right?") asks
the person to confirm and leads the answer; a negative question ("Doesn't your employer ...?") lets
"yes" and "no" mean opposite things in different languages (in Japanese, Chinese and Thai "yes" to a
negative question confirms the negative; in English and Spanish it denies it), so the recorded
indicator can flip. The rule is in docs/screening.md ("Wording of the questions"); the translation
review of December 2026 found both faults in five languages.

A machine cannot read every language, so this checks what it can: in English no negative
auxiliary at the start and no tag at the end, and in each language the tag and negative forms that
the review found or that are the usual ones (a native speaker's review covers the rest).
"""

from __future__ import annotations

import re

import pytest

from tipnet.core.screening import default_catalogue

CATALOGUE = default_catalogue()

# Per language: (name of the fault, pattern). Patterns are searched in each indicator question.
FORBIDDEN: dict[str, list[tuple[str, re.Pattern[str]]]] = {
    "en": [
        ("negative question", re.compile(
            r"(^|[.?!]\s+|,\s*)(don't|doesn't|didn't|isn't|aren't|wasn't|weren't|haven't|hasn't|hadn't"
            r"|won't|wouldn't|can't|couldn't|shouldn't)\b", re.IGNORECASE)),
        ("tag", re.compile(r",\s*(right|correct|isn't it|aren't you|don't you|didn't you|is that so|is that right"
                           r"|true)\s*\?\s*$", re.IGNORECASE)),
        ("leading frame", re.compile(r"\b(is it true that|isn't it true|surely)\b", re.IGNORECASE)),
    ],
    "ja": [
        # 〜ませんか / 〜ませんでしたか / 〜ないですか: negative question (and 〜てもらえませんか is a request).
        ("negative question or request", re.compile(r"(ませんか|ませんでしたか|ないですか|なかったですか|じゃない(です)?か)")),
        ("tag", re.compile(r"(ですよね|ますよね|でしょう[？?]|よね[？?])")),
    ],
    "vi": [
        ("tag", re.compile(r"(phải không|đúng không|có đúng không|chứ\s*[?？]|nhỉ\s*[?？]|\bà\s*[?？]|hả\s*[?？])",
                           re.IGNORECASE)),
        ("negative question", re.compile(r"(chẳng phải|không phải là .* sao|chẳng lẽ)", re.IGNORECASE)),
    ],
    "zh-hans": [
        ("tag", re.compile(r"(吧[？?]|对吧|是吧|是不是[？?]|对不对[？?]|好不好[？?])")),
        ("negative question", re.compile(r"(不是[^？?]*吗|难道|不遵守|没有实现吗|没有拿到吗|没有做到吗)")),
        # The last clause negated and asked with 吗 ("…没有…吗？"): yes/no can flip.
        ("negated last clause", re.compile(r"(^|[，？?])[^，？?]*(没有|没)[^，？?]*吗[？?]$")),
    ],
    "fil": [
        ("tag", re.compile(r"(hindi ba\b|\bdi ba\b|'di ba\b|\bdiba\b|\btama ba\s*[?？]|\bano\s*[?？]$)", re.IGNORECASE)),
        ("presupposing frame", re.compile(r"dahil ba sa\b.*\bkaya\b", re.IGNORECASE)),
        ("negative question", re.compile(r"^hindi\b", re.IGNORECASE)),
    ],
    "th": [
        # ไหม / หรือเปล่า alone are the neutral question endings; ใช่ไหม and friends ask for confirmation.
        ("tag", re.compile(r"(ใช่ไหม|ใช่มั้ย|ใช่หรือเปล่า|ใช่หรือไม่|ไม่ใช่หรือ|ใช่ป่ะ|นะ\s*$)")),
        ("negative question", re.compile(r"(ไม่ทำตาม|แต่คุณไม่ได้ใช่|ไม่เป็นอย่างนั้นใช่)")),
    ],
    "id": [
        ("tag", re.compile(r"(,\s*(bukan|kan|ya|betul|benar)\s*\?\s*$)", re.IGNORECASE)),
        ("negative question", re.compile(r"(bukankah|tidakkah|^apakah \S+ (tidak|bukan)\b)", re.IGNORECASE)),
    ],
    "es": [
        ("tag", re.compile(r"(¿verdad\?|¿cierto\?|¿no\?|¿no es así\?|,\s*(verdad|cierto|no)\s*\?\s*$)", re.IGNORECASE)),
        # "¿Su empleador no cumple…?": the question itself is negated.
        ("negative question", re.compile(r"(^|¿)(\S+\s+){0,2}no\s", re.IGNORECASE)),
    ],
    "pt-br": [
        ("tag", re.compile(r"(não é\s*\?|\bné\s*\?|,\s*(certo|não|verdade)\s*\?\s*$)", re.IGNORECASE)),
        ("negative question", re.compile(r"^(\S+\s+){0,2}não\s", re.IGNORECASE)),
    ],
}


def test_every_language_is_checked() -> None:
    assert set(FORBIDDEN) == set(CATALOGUE.languages)


def indicator_questions(language: str) -> list[tuple[str, str]]:
    texts = CATALOGUE.texts[language]["questions"]
    return [(key, texts[key]) for key in CATALOGUE.indicators]


@pytest.mark.parametrize("language", sorted(FORBIDDEN))
def test_indicator_questions_are_plain_positive_yes_no_questions(language: str) -> None:
    faults = [
        f"{key}: {fault} ({pattern.search(text).group(0)!r}) in {text!r}"  # type: ignore[union-attr]
        for key, text in indicator_questions(language)
        for fault, pattern in FORBIDDEN[language]
        if pattern.search(text)
    ]
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("language", sorted(FORBIDDEN))
def test_indicator_questions_are_one_question(language: str) -> None:
    """Each indicator question ends with a question mark (Thai has none: it ends with ไหม / หรือเปล่า)."""
    for key, text in indicator_questions(language):
        if language == "th":
            assert text.endswith(("ไหม", "หรือเปล่า")) or re.search(r"(ไหม|หรือเปล่า)\s", text), (key, text)
        else:
            assert text.rstrip().endswith(("?", "？")), (key, text)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Doesn't your employer break the contract?"),
        ("en", "You took this work for money, right?"),
        ("ja", "学校や研修に行かせてもらえませんか？"),
        ("ja", "雇い主は、契約や働くルールを守っていませんか？"),
        ("vi", "Bạn rời quê vì chiến tranh phải không?"),
        ("zh-hans", "雇主不遵守合同或劳动规定吗？"),
        ("zh-hans", "你是为了钱来的吧？"),
        ("fil", "Dahil ba sa visa mo kaya mahirap tumanggi?"),
        ("fil", "Pumunta ka rito para sa pamilya, hindi ba?"),
        ("th", "คุณรับงานนี้เพราะต้องการเงินมากใช่ไหม"),
        ("th", "นายจ้างไม่ทำตามสัญญาหรือกฎการทำงานไหม"),
        ("id", "Apakah majikan tidak membayar Anda?"),
        ("es", "¿Su empleador no cumple el contrato o las normas laborales?"),
        ("es", "Vino por dinero, ¿verdad?"),
        ("pt-br", "Você veio por dinheiro, não é?"),
    ],
)
def test_the_patterns_catch_the_faults_the_review_found(language: str, text: str) -> None:
    assert any(pattern.search(text) for _fault, pattern in FORBIDDEN[language])
