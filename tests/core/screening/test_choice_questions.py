"""Issue 11, the screening interview as caseworkers met it: the Palermo elements, the choice
questions and the language question in every language, one order of the dimensions, and the
mapping of free-text triage words to indicator ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tipnet.core.screening import default_catalogue, screen
from tipnet.core.screening.catalogue import (
    OTHER_LANGUAGE,
    PALERMO_PURPOSES,
    CatalogueError,
    load_catalogue,
)

CATALOGUE = default_catalogue()
DATA = Path(__file__).resolve().parents[3] / "src" / "tipnet" / "core" / "screening" / "data"
ALL_MEANS = sorted({m for d in CATALOGUE.dimensions.values() for m in d.means})


@pytest.mark.parametrize("language", CATALOGUE.languages)
def test_every_palermo_element_has_a_text_in_every_language(language: str) -> None:
    for act in CATALOGUE.palermo_acts:
        assert CATALOGUE.palermo_text("acts", act, language).strip()
    for means in ALL_MEANS:
        assert CATALOGUE.palermo_text("means", means, language).strip()
    for purpose in PALERMO_PURPOSES:
        assert CATALOGUE.palermo_text("purposes", purpose, language).strip()


@pytest.mark.parametrize("language", ["ja", "fil", "vi", "zh-hans", "th"])
def test_palermo_facts_are_not_left_in_english(language: str) -> None:
    """The bug: "recruitment, deception, forced labour or services" inside a Japanese result."""
    english = [*CATALOGUE.palermo_acts, *ALL_MEANS, *PALERMO_PURPOSES]
    for group, keys in (("acts", CATALOGUE.palermo_acts), ("means", ALL_MEANS), ("purposes", PALERMO_PURPOSES)):
        for key in keys:
            assert CATALOGUE.palermo_text(group, key, language) not in english, (group, key)


def test_the_assessment_names_only_purposes_that_have_texts() -> None:
    result = screen({"age": 30, "form": "labour", "present": ["DR_JOB_NATURE", "DR_WAGES", "EX_LOW_NO_PAY",
                     "EX_EXCESSIVE_HOURS", "CD_DOC_CONFISCATION", "CD_DEBT_BONDAGE"],
                     "context": {"third_party_acts": ["recruitment"], "commercial_sex": False}})
    palermo = result.to_dict()["palermo"]
    assert palermo["purpose"]["purposes"] == ["forced labour or services"]
    assert set(palermo["means"]["means"]) <= set(ALL_MEANS)
    assert CATALOGUE.palermo_text("purposes", "forced labour or services", "ja") == "強制労働・役務"


@pytest.mark.parametrize("language", CATALOGUE.languages)
def test_choice_questions_have_labels_in_every_language(language: str) -> None:
    questions = {q.id: q for q in CATALOGUE.questions(None, language)}
    for qid in ("CTX_VISA", "CTX_FORM", "CTX_THIRD_PARTY", "W_LANGUAGE"):
        values = [value for value, _label in questions[qid].choices]
        assert values, qid
        assert all(label.strip() for _value, label in questions[qid].choices), qid
    if language != "en":
        english = {q.id: dict(q.choices) for q in CATALOGUE.questions(None, "en")}
        assert dict(questions["CTX_VISA"].choices) != english["CTX_VISA"]


def test_the_language_question_is_a_language_choice() -> None:
    """ "Which language would you like to talk in?" could only be answered yes / no."""
    ja = {q.id: q for q in CATALOGUE.questions(None, "ja")}
    question = ja["W_LANGUAGE"]
    assert question.kind == "welfare" and question.answer == "language"
    values = [value for value, _label in question.choices]
    assert values == [*CATALOGUE.languages, OTHER_LANGUAGE]
    labels = dict(question.choices)
    # Each language by its own name, whatever the interview language; "another language" translated.
    assert labels["vi"] == "Tiếng Việt" and labels["fil"] == "Filipino" and labels["ja"] == "日本語"
    assert labels[OTHER_LANGUAGE] == "ほかの言語"
    assert dict({q.id: q for q in CATALOGUE.questions(None, "fil")}["W_LANGUAGE"].choices)["vi"] == "Tiếng Việt"
    # The interpreter is its own yes / no question, right after it.
    order = [q.id for q in CATALOGUE.questions(None, "en")]
    assert order[order.index("W_LANGUAGE") + 1] == "W_INTERPRETER"
    assert ja["W_INTERPRETER"].answer == "yes_no_unknown"


def test_one_order_of_the_dimensions_whatever_the_mapping_order() -> None:
    """A saved result comes back from JSON with sorted keys (AVD, AVR, CD, CR, DR, EX); the page
    must show the catalogue's order, as for a fresh result."""
    fresh = screen({"age": 30, "form": "labour", "present": ["DR_JOB_NATURE"]}).to_dict()["dimensions"]
    stored = json.loads(json.dumps(fresh, sort_keys=True))
    assert list(stored) != list(CATALOGUE.dimensions)
    assert CATALOGUE.ordered_dimensions(stored) == CATALOGUE.ordered_dimensions(fresh)
    assert [key for key, _status in CATALOGUE.ordered_dimensions(stored)] == list(CATALOGUE.dimensions)


@pytest.mark.parametrize(("text", "expected"), [
    ("CD_DOC_CONFISCATION", "CD_DOC_CONFISCATION"),
    (" cd doc confiscation ", "CD_DOC_CONFISCATION"),
    ("dr-job-nature", "DR_JOB_NATURE"),
    ("Deceived about wages or earnings", "DR_WAGES"),
    ("Does someone else keep your passport or residence card?", "CD_DOC_CONFISCATION"),
    ("passport", None),  # fits CR_ and CD_DOC_CONFISCATION: not guessed
    ("wages", None),
    ("Tanaka hits her", None),
    ("", None),
])
def test_free_text_maps_to_an_indicator_only_when_unambiguous(text: str, expected: str | None) -> None:
    assert CATALOGUE.match_indicator(text) == expected


def test_indicators_are_grouped_by_dimension_with_translated_labels() -> None:
    groups = CATALOGUE.indicators_by_dimension()
    assert [dim for dim, _ids in groups] == list(CATALOGUE.dimensions)
    assert sorted(i for _dim, ids in groups for i in ids) == sorted(CATALOGUE.indicators)
    assert CATALOGUE.indicator_label("CD_DOC_CONFISCATION", "ja") != CATALOGUE.indicator_label("CD_DOC_CONFISCATION", "en")


def test_a_missing_palermo_text_is_refused_at_load(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "i18n" / "fil.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"fraud" = ', '"frawd" = '), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"i18n/fil.toml.*palermo.means"):
        load_catalogue(copy)


def test_a_welfare_answer_kind_is_checked(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    path = copy / "interview.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('answer = "language"', 'answer = "lingo"'), encoding="utf-8")
    with pytest.raises(CatalogueError, match="welfare.W_LANGUAGE"):
        load_catalogue(copy)
