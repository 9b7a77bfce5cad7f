"""The catalogue data: counts from the reference, interview order, and corrections by editing data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.core.screening.cases import CASES, MET, NOT_MET, TITP_EXPLOITED, answers
from tipnet.core.screening import CatalogueError, default_catalogue, load_catalogue, screen

DATA = Path(__file__).resolve().parents[3] / "src" / "tipnet" / "core" / "screening" / "data"
LANGUAGES = ["ja", "en", "vi", "zh-hans", "fil", "th", "id", "es", "pt-br"]


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_list_sizes_follow_the_reference() -> None:
    cat = default_catalogue()
    per_dim = {d: sum(1 for i in cat.indicators.values() if i.dimension == d) for d in cat.dimensions}
    assert per_dim == {"DR": 10, "CR": 10, "AVR": 16, "EX": 9, "CD": 15, "AVD": 7}  # = 67 (Seafish summary)
    assert len(cat.profile_indicators("adult_labour")) == 67
    missing = set(cat.indicators) - set(cat.profile_indicators("child_labour"))
    assert missing == {"AVR_FALSE_INFO_LAW", "EX_NO_SOCIAL_PROTECTION"}  # C·L has 65


def test_child_labour_list_has_no_weak_ratings() -> None:
    cat = default_catalogue()
    assert all(i.strengths["child_labour"] != "W" for i in cat.indicators.values())


def test_phase_dependent_strengths_in_adult_labour() -> None:
    s = {i: ind.strengths["adult_labour"] for i, ind in default_catalogue().indicators.items()}
    for item in ("DOC_CONFISCATION", "DEBT_BONDAGE", "ISOLATION"):
        assert (s[f"CR_{item}"], s[f"CD_{item}"]) == ("M", "S")
    assert s["CR_VIOLENCE"] == s["CD_VIOLENCE"] == "S"


def test_adult_sexual_has_no_strong_exploitation_indicator() -> None:
    cat = default_catalogue()
    assert not [i for i, ind in cat.indicators.items() if ind.dimension == "EX" and ind.strengths["adult_sexual"] == "S"]
    assert cat.indicators["CD_FORCED_TASKS_CLIENTS"].strengths["adult_sexual"] == "S"


def test_reconstructed_values_carry_plausible_ranges() -> None:
    cat = default_catalogue()
    assert cat.indicators["AVR_EMOTIONAL_DEPENDENCY"].plausible == {"adult_sexual": ("M", "S"),
                                                                    "child_sexual": ("M", "S")}
    assert cat.profiles["adult_sexual"].strength_source == "M"
    assert cat.rule_status["R2"] == cat.rule_status["R3"] == "reconstruction"
    assert cat.rule_status["R5"] == "policy"


def test_version_is_recorded() -> None:
    cat = default_catalogue()
    assert re.fullmatch(r"\d+\.\d+\.\d+", cat.version)
    assert cat.changelog[-1]["version"] == cat.version
    result = screen(answers())
    assert (result.catalogue_version, result.catalogue_digest) == (cat.version, cat.digest)


@pytest.mark.parametrize("profile", ["adult_labour", "adult_sexual", "child_labour", "child_sexual", None])
def test_questions_cover_each_list_once_in_trauma_informed_order(profile: str | None) -> None:
    cat = default_catalogue()
    qs = cat.questions(profile, "en")
    ids = [q.id for q in qs]
    assert len(ids) == len(set(ids))
    expected = set(cat.profile_indicators(profile)) if profile else set(cat.indicators)
    assert {q.id for q in qs if q.kind == "indicator"} == expected
    assert [q.section for q in qs[:5]] == ["safety"] * 5  # safety and basic needs first (Vera TVIT)
    assert qs[0].id == "W_SAFE_NOW"
    assert qs[-1].section == "violence"  # the most distressing topics last
    sections = list(dict.fromkeys(q.section for q in qs))
    assert sections == [s.key for s in cat.sections]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_text(language: str) -> None:
    cat = default_catalogue()
    assert language in cat.languages
    qs = cat.questions(None, language)
    assert all(q.text.strip() and q.section_title.strip() for q in qs)
    visa = next(q for q in qs if q.id == "CTX_VISA")
    assert [v for v, _ in visa.choices] == list(cat.visa_values)
    for step in cat.next_steps:
        assert cat.text("next_steps", step.key, language)
    assert cat.native_review(language) == ("source" if language == "en" else "needed")


def test_translations_differ_from_english() -> None:
    cat = default_catalogue()
    en = {q.id: q.text for q in cat.questions(None, "en")}
    for language in LANGUAGES:
        if language != "en":
            same = [q.id for q in cat.questions(None, language) if q.text == en[q.id]]
            assert not same, (language, same)


def test_questions_are_short() -> None:
    cat = default_catalogue()
    for language in LANGUAGES:
        for q in cat.questions(None, language):
            assert len(q.text) <= 160, (language, q.id)


def test_context_questions_name_their_fields() -> None:
    qs = {q.id: q for q in default_catalogue().questions(None, "en")}
    assert qs["CTX_AGE"].field == "age" and qs["CTX_AGE"].answer == "integer"
    assert [c for c, _ in qs["CTX_THIRD_PARTY"].choices] == [
        "recruitment", "transportation", "transfer", "harbouring", "receipt"]


def test_unknown_profile_or_language() -> None:
    with pytest.raises(KeyError, match="unknown language"):
        default_catalogue().questions("adult_labour", "fr")
    with pytest.raises(KeyError, match="unknown profile"):
        default_catalogue().questions("adult", "en")


# --- Corrections by editing data (reference §9: R2/R3 and A·S/C·S strengths are unverified) ------


def test_copy_of_the_data_loads_identically(data_copy: Path) -> None:
    assert load_catalogue(data_copy).digest == default_catalogue().digest


def test_alternative_reading_ii_by_editing_r2(data_copy: Path) -> None:
    obj = CASES["coercive_recruitment_no_destination_element"][0]
    assert screen(obj).determination == NOT_MET
    edit(data_copy / "catalogue.toml", '{ key = "coercive_recruitment", all = ["CR", "EX"], any = ["CD", "AVD"] }',
         '{ key = "coercive_recruitment", all = ["CR", "EX"], any = [] }')
    edited = load_catalogue(data_copy)
    assert edited.digest != default_catalogue().digest
    result = screen(obj, edited)
    assert result.determination == MET and result.label == "coercive recruitment"


def test_alternative_reading_i_only_coercion_at_destination(data_copy: Path) -> None:
    obj = CASES["titp_vulnerability_at_destination_only"][0]
    edit(data_copy / "catalogue.toml", '{ key = "deceptive_recruitment", all = ["DR", "EX"], any = ["CD", "AVD"] }',
         '{ key = "deceptive_recruitment", all = ["DR", "EX"], any = ["CD"] }')
    assert screen(obj).determination == MET
    assert screen(obj, load_catalogue(data_copy)).determination == NOT_MET


def test_alternative_reading_iii_any_act_and_exploitation_for_children(data_copy: Path) -> None:
    obj = answers(TITP_EXPLOITED, age=15, acts=["harbouring"])
    assert screen(obj).determination == NOT_MET
    edit(data_copy / "catalogue.toml", 'types = [\n  { key = "deceptive_recruitment", all = ["DR", "EX"], any = [] },',
         'types = [\n  { key = "deceptive_recruitment", all = ["ACT", "EX"], any = [] },')
    assert screen(obj, load_catalogue(data_copy)).determination == MET


def test_correcting_a_reconstructed_strength(data_copy: Path) -> None:
    obj = answers(["AVR_EMOTIONAL_DEPENDENCY", "AVR_CONTROL_BY_EXPLOITERS"], form="sexual")
    assert screen(obj).dimensions["AVR"] == "negative"
    edit(data_copy / "indicators.toml",
         'dimension = "AVR"\nname = "psychological and emotional dependency (\\"lover-boy\\")"\n'
         'strength = { adult_labour = "M", adult_sexual = "M"',
         'dimension = "AVR"\nname = "psychological and emotional dependency (\\"lover-boy\\")"\n'
         'strength = { adult_labour = "M", adult_sexual = "S"')
    assert screen(obj, load_catalogue(data_copy)).dimensions["AVR"] == "positive"


def test_r5_can_be_switched_off(data_copy: Path) -> None:
    edit(data_copy / "catalogue.toml", "enabled = true", "enabled = false")
    result = screen(CASES["child_commercial_sex_no_third_party"][0], load_catalogue(data_copy))
    assert result.determination == NOT_MET and "R5" not in result.rules_applied


def test_r1_combinations_are_data(data_copy: Path) -> None:
    edit(data_copy / "catalogue.toml", "  { medium = 3 },\n", "")
    result = screen(answers(["DR_WAGES", "DR_CONDITIONS", "DR_CONTRACT"]), load_catalogue(data_copy))
    assert result.dimensions["DR"] == "negative"


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("indicators.toml", "[DR_WAGES]\ndimension = \"DR\"", "[DR_WAGES]\ndimension = \"XX\"", "unknown dimension"),
        ("indicators.toml", 'adult_sexual = "M", child_labour = "S", child_sexual = "S" }\nplausible = { adult_sexual = ["M", "S"] }',
         'adult_sexual = "X", child_labour = "S", child_sexual = "S" }\nplausible = { adult_sexual = ["M", "S"] }',
         "must be S, M, W"),
        ("indicators.toml", '[AVR_EMOTIONAL_DEPENDENCY]\ndimension = "AVR"\nname = "psychological and emotional dependency (\\"lover-boy\\")"\n'
         'strength = { adult_labour = "M", adult_sexual = "M"',
         '[AVR_EMOTIONAL_DEPENDENCY]\ndimension = "AVR"\nname = "psychological and emotional dependency (\\"lover-boy\\")"\n'
         'strength = { adult_labour = "M", adult_sexual = "W"', "outside plausible"),
        ("interview.toml", '"CR_ABDUCTION_SALE"]', '"CR_ABDUCTION_SALEX"]', "unknown item 'CR_ABDUCTION_SALEX'"),
        ("interview.toml", ', "CR_ABDUCTION_SALE"]', "]", "not in any section: CR_ABDUCTION_SALE"),
        ("interview.toml", 'any = ["insufficient"]', 'any = ["insufficent"]', "unknown condition"),
        ("i18n/vi.toml", "\nDR_WAGES =", "\nDR_WAGESX =", "[questions] lacks DR_WAGES"),
        ("catalogue.toml", 'version = "1.1.0"', 'version = "one"', "MAJOR.MINOR.PATCH"),
        ("catalogue.toml", 'all = ["CR", "EX"], any = ["CD", "AVD"]', 'all = ["CR", "EXX"], any = ["CD", "AVD"]',
         "unknown dimension 'EXX'"),
        ("catalogue.toml", "[r2]", "[r2 ", "catalogue.toml:"),
    ],
)
def test_broken_data_is_refused_with_a_message(data_copy: Path, file: str, old: str, new: str, message: str) -> None:
    edit(data_copy / file, old, new)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(data_copy)
    assert message in str(err.value)
    assert file.split("/")[-1] in str(err.value)


def test_missing_language_file(data_copy: Path) -> None:
    (data_copy / "i18n" / "th.toml").unlink()
    with pytest.raises(CatalogueError, match="i18n/th.toml: cannot read"):
        load_catalogue(data_copy)


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="not a catalogue directory"):
        load_catalogue(tmp_path / "nope")
