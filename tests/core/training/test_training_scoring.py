"""Scoring a practice interview: what was missed, why it matters, and the key next steps."""

from __future__ import annotations

from tipnet.core.training import TraineeRecord, ask, case_dir, load_case, score

CASE = load_case(case_dir() / "titp-debt-passport.toml")
MAN = load_case(case_dir() / "construction-man.toml")


def record(case, *, drop=(), add=(), determination=None, steps=None, **ctx):  # type: ignore[no-untyped-def]
    truth = case.screening_input()
    present = (set(truth["present"]) - set(drop)) | set(add)
    c = truth["context"]
    fields = {
        "age": truth["age"], "visa": c["visa"], "form": truth["form"],
        "third_party_acts": None if c["third_party_acts"] is None else frozenset(c["third_party_acts"]),
        "commercial_sex": c["commercial_sex"],
    }
    fields.update(ctx)
    return TraineeRecord(
        present=frozenset(present), unknown=frozenset(truth["unknown"]),
        determination=determination or case.expected_determination,
        next_steps=frozenset(case.expected_next_steps if steps is None else steps), **fields,
    )


def interview(case, order):  # type: ignore[no-untyped-def]
    asked, done = [], []
    for q in order:
        asked.append(ask(case, q, done))
        done.append(q)
    return asked


def test_perfect_record_passes() -> None:
    fb = score(CASE, record(CASE), interview(CASE, ["W_SAFE_NOW", "W_CONSENT", "CD_DOC_CONFISCATION"]))
    assert fb.passed and fb.score == 100 and not fb.indicators and fb.care_first
    assert fb.record_result is not None and fb.record_result.determination == "indicators met"


def test_question_asked_before_care_gets_the_plain_answer() -> None:
    asked = interview(CASE, ["CD_DOC_CONFISCATION", "W_SAFE_NOW", "W_CONSENT"])
    assert asked[0].value == "no" and not asked[0].with_care
    fb = score(CASE, record(CASE, drop=["CD_DOC_CONFISCATION"]), asked)
    missed = fb.missed[0]
    assert missed.indicator == "CD_DOC_CONFISCATION" and missed.asked == "plain" and missed.changes_with_care
    assert missed.dimension == "CD" and missed.strength == "S" and missed.dimension_status == "positive"
    assert set(missed.types) == {"deceptive_recruitment", "coercive_recruitment", "recruitment_abuse_of_vulnerability"}
    assert missed.palermo == ("means", "purpose")
    assert not fb.care_first


def test_wrong_marks_and_wrong_determination_fail() -> None:
    fb = score(CASE, record(CASE, add=["CD_VIOLENCE", "CD_ISOLATION", "CR_VIOLENCE"],
                            determination="insufficient information"), [])
    assert [i.indicator for i in fb.wrong] == ["CR_VIOLENCE", "CD_ISOLATION", "CD_VIOLENCE"]
    assert fb.wrong[0].asked is None
    assert not fb.determination_right and not fb.passed


def test_shelter_for_a_man_is_a_key_step() -> None:
    steps = [s for s in MAN.expected_next_steps if s != "shelter"]
    fb = score(MAN, record(MAN, steps=steps), [])
    wrong = [s for s in fb.steps if not s.right]
    assert [(s.key, s.expected, s.chosen, s.key_step) for s in wrong] == [("shelter", True, False, True)]
    assert not fb.passed


def test_context_differences_are_reported() -> None:
    fb = score(CASE, record(CASE, age=17, third_party_acts=None), [])
    assert fb.context["age"] == (23, 17)
    assert "third_party_acts" in fb.context


def test_too_many_misses_fail() -> None:
    drop = CASE.expected_present[:5]
    fb = score(CASE, record(CASE, drop=drop), [])
    assert fb.recall < 0.75 and not fb.passed


def test_lesson_after_points_at_the_first_kind_of_mistake() -> None:
    from tipnet.core.training import load_lessons
    from tipnet.core.training.scoring import lesson_after

    ids = {lesson.id for lesson in load_lessons()}
    care = interview(CASE, ["W_SAFE_NOW", "W_CONSENT"])
    assert lesson_after(score(CASE, record(CASE), care)) == "palermo"
    assert lesson_after(score(CASE, record(CASE), interview(CASE, ["CD_DOC_CONFISCATION"]))) == "asking-with-care"
    steps = [s for s in CASE.expected_next_steps if s != "non_punishment"]
    assert lesson_after(score(CASE, record(CASE, steps=steps), care)) == "non-punishment"
    steps = [s for s in CASE.expected_next_steps if s != "police_report_with_consent"]
    assert lesson_after(score(CASE, record(CASE, steps=steps), care)) == "referral"
    assert lesson_after(score(CASE, record(CASE, drop=["DR_WAGES"]), care)) == "ilo-dimensions"
    assert lesson_after(score(CASE, record(CASE, determination="indicators not met"), care)) == "japan"
    assert {"palermo", "asking-with-care", "non-punishment", "referral", "ilo-dimensions", "japan"} <= ids


def test_each_key_step_decides_the_pass_both_ways() -> None:
    """Shelter (for men too), non-punishment and the police only with consent: leaving one out when
    the rules offer it, or choosing one they do not, fails the case and is flagged as a key step."""
    from tipnet.core.training.scoring import KEY_STEPS

    assert set(KEY_STEPS) <= set(CASE.expected_next_steps)
    for key in KEY_STEPS:
        fb = score(CASE, record(CASE, steps=[s for s in CASE.expected_next_steps if s != key]), [])
        assert [(s.key, s.key_step) for s in fb.steps if not s.right] == [(key, True)] and not fb.passed, key
    # Indicators not met (labour exploitation only): the police report is not offered; choosing it fails.
    only = load_case(case_dir() / "labour-exploitation-only.toml")
    assert "police_report_with_consent" not in only.expected_next_steps
    fb = score(only, record(only, steps=[*only.expected_next_steps, "police_report_with_consent"]), [])
    assert [s.key for s in fb.steps if not s.right] == ["police_report_with_consent"] and not fb.passed
