"""Scoring a trainee's practice interview against the case, with the screening engine's rules.

The feedback is structured (reason codes with their parameters), never English sentences: the web
layer words it in the trainee's language. For each indicator the trainee missed it names the rule
it feeds (R1 dimension, the R2/R3 types that need that dimension, the Palermo element) and the
question that would have found it, and whether that question was asked at all, or asked before
the care questions (then the person said "no"). Next steps are compared one by one, and three
are singled out because officials get them wrong most (TIP Report Japan 2023; reference §5.4):
a shelter for men too, the non-punishment principle, and the police only with consent.

Pass mark (docs/training.md): the determination right, the three key next steps right, at least
75 % of the expected indicators found and at most two marked that the person did not give.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tipnet.core.screening import (
    Catalogue,
    ScreeningInputError,
    ScreeningResult,
    default_catalogue,
    screen,
)
from tipnet.core.training.cases import UNKNOWN, PracticeCase

__all__ = [
    "KEY_STEPS",
    "MIN_RECALL",
    "MAX_WRONG",
    "Asked",
    "Feedback",
    "IndicatorFeedback",
    "StepFeedback",
    "TraineeRecord",
    "ask",
    "lesson_after",
    "score",
]

KEY_STEPS = ("shelter", "non_punishment", "police_report_with_consent")
MIN_RECALL = 0.75
MAX_WRONG = 2


@dataclass(frozen=True, slots=True)
class Asked:
    """One question the trainee asked, in order, and what the person said."""

    question: str
    with_care: bool
    value: object


def ask(case: PracticeCase, question: str, asked_before: Sequence[str], catalogue: Catalogue | None = None) -> Asked:
    """The person's answer to ``question`` given the questions already asked (care rule)."""
    cat = catalogue or default_catalogue()
    valid = {*cat.welfare, *cat.context, *cat.indicators}
    if question not in valid:
        raise KeyError(question)
    care = case.asked_with_care(question, asked_before)
    return Asked(question, care, case.answer(question, cat).value(with_care=care))


@dataclass(frozen=True, slots=True)
class TraineeRecord:
    """What the trainee recorded after the interview (the same fields as a real screening)."""

    present: frozenset[str]
    unknown: frozenset[str]
    age: int | None
    visa: str | None
    form: str | None
    third_party_acts: frozenset[str] | None
    commercial_sex: bool | None
    determination: str
    next_steps: frozenset[str]

    def screening_input(self) -> dict[str, object]:
        return {
            "age": self.age, "form": self.form,
            "present": sorted(self.present), "unknown": sorted(self.unknown - self.present),
            "context": {"commercial_sex": self.commercial_sex, "visa": self.visa,
                        "third_party_acts": None if self.third_party_acts is None else sorted(self.third_party_acts)},
        }


@dataclass(frozen=True, slots=True)
class IndicatorFeedback:
    """A missed or wrongly marked indicator and why it matters.

    ``reason``: "missed" (the person gave it; not recorded), "wrong" (recorded; the person said
    no or did not know), "missed_unknown" (the person did not know; record it as not sure).
    ``asked``: None (never asked), "plain" or "with_care"; ``changes_with_care``: the person
    answers differently when asked with care.
    """

    indicator: str
    reason: str
    dimension: str
    strength: str | None
    dimension_status: str
    types: tuple[str, ...]
    palermo: tuple[str, ...]
    asked: str | None
    changes_with_care: bool
    answer: object


@dataclass(frozen=True, slots=True)
class StepFeedback:
    key: str
    expected: bool
    chosen: bool
    key_step: bool

    @property
    def right(self) -> bool:
        return self.expected == self.chosen


@dataclass(frozen=True)
class Feedback:
    """The whole score of one practice interview."""

    case_id: str
    expected_determination: str
    determination: str
    record_result: ScreeningResult | None  # what the trainee's own record gives under the rules
    found: tuple[str, ...]
    indicators: tuple[IndicatorFeedback, ...]
    steps: tuple[StepFeedback, ...]
    context: Mapping[str, tuple[object, object]]  # field -> (expected, recorded), only differences
    asked_count: int
    care_first: bool
    expected_count: int
    notes: tuple[str, ...] = field(default=())

    @property
    def determination_right(self) -> bool:
        return self.determination == self.expected_determination

    @property
    def missed(self) -> tuple[IndicatorFeedback, ...]:
        return tuple(i for i in self.indicators if i.reason == "missed")

    @property
    def wrong(self) -> tuple[IndicatorFeedback, ...]:
        return tuple(i for i in self.indicators if i.reason == "wrong")

    @property
    def recall(self) -> float:
        return 1.0 if not self.expected_count else len(self.found) / self.expected_count

    @property
    def key_steps_right(self) -> bool:
        return all(s.right for s in self.steps if s.key_step)

    @property
    def passed(self) -> bool:
        return (self.determination_right and self.key_steps_right and self.recall >= MIN_RECALL
                and len(self.wrong) <= MAX_WRONG)

    @property
    def score(self) -> int:
        """0-100: half indicators (found minus wrong), a quarter determination, a quarter steps."""
        ind = max(0.0, (len(self.found) - len(self.wrong)) / max(1, self.expected_count))
        steps = sum(s.right for s in self.steps) / max(1, len(self.steps))
        return round(100 * (0.5 * min(1.0, ind) + 0.25 * self.determination_right + 0.25 * steps))

    def to_dict(self) -> dict[str, object]:
        return {
            "case": self.case_id, "passed": self.passed, "score": self.score,
            "determination": self.determination, "expected_determination": self.expected_determination,
            "found": list(self.found), "missed": [i.indicator for i in self.missed],
            "wrong": [i.indicator for i in self.wrong],
            "steps_wrong": [s.key for s in self.steps if not s.right],
            "context_wrong": sorted(self.context),
        }


def _explain(cat: Catalogue, case: PracticeCase, expected: ScreeningResult, indicator: str, reason: str,
             asked: Mapping[str, Asked]) -> IndicatorFeedback:
    ind = cat.indicators[indicator]
    d = ind.dimension
    profile = expected.profiles_evaluated[0]
    child = cat.profiles[profile].age_group == "child"
    rules = cat.child_types if child else cat.adult_types
    types = tuple(r.key for r in rules if d in r.all or d in r.any)
    palermo = []
    if d in cat.means_dimensions:
        palermo.append("means")
    if d in (*cat.forced_labour_all, *cat.forced_labour_any, *cat.sexual_exploitation_any):
        palermo.append("purpose")
    a = asked.get(indicator)
    return IndicatorFeedback(
        indicator=indicator, reason=reason, dimension=d, strength=ind.strengths[profile],
        dimension_status=expected.dimensions[d], types=types, palermo=tuple(palermo),
        asked=None if a is None else ("with_care" if a.with_care else "plain"),
        changes_with_care=case.answer(indicator, cat).changes_with_care,
        answer=case.answer(indicator, cat).with_care,
    )


def score(case: PracticeCase, record: TraineeRecord, asked: Iterable[Asked],
          catalogue: Catalogue | None = None) -> Feedback:
    """Compare the trainee's record with the case's expected result and explain each difference."""
    cat = catalogue or default_catalogue()
    asked = list(asked)
    by_question = {a.question: a for a in asked}
    truth = case.screening_input(cat)
    expected_result = screen(truth, cat)
    try:
        record_result: ScreeningResult | None = screen(record.screening_input(), cat)
    except ScreeningInputError:
        record_result = None
    expected_present = set(truth["present"])  # type: ignore[arg-type]
    expected_unknown = set(truth["unknown"])  # type: ignore[arg-type]
    order = list(cat.indicators)
    items = []
    for i in order:
        if i in expected_present and i not in record.present:
            items.append(_explain(cat, case, expected_result, i, "missed", by_question))
        elif i in record.present and i not in expected_present:
            items.append(_explain(cat, case, expected_result, i, "wrong", by_question))
        elif i in expected_unknown and i not in record.unknown and i not in record.present:
            items.append(_explain(cat, case, expected_result, i, "missed_unknown", by_question))
    steps = tuple(
        StepFeedback(s.key, s.key in expected_result.next_steps, s.key in record.next_steps, s.key in KEY_STEPS)
        for s in cat.next_steps
    )
    ctx_truth = truth["context"]  # type: ignore[index]
    acts = ctx_truth["third_party_acts"]  # type: ignore[index]
    compare = {
        "age": (truth["age"], record.age),
        "visa": (ctx_truth["visa"], record.visa),  # type: ignore[index]
        "form": (truth["form"], record.form),
        "third_party_acts": (None if acts is None else frozenset(acts), record.third_party_acts),
        "commercial_sex": (ctx_truth["commercial_sex"], record.commercial_sex),  # type: ignore[index]
    }
    context = {k: v for k, v in compare.items() if v[0] != v[1]}
    first_indicator = next((n for n, a in enumerate(asked) if a.question in cat.indicators), None)
    care_first = first_indicator is None or all(
        c in [a.question for a in asked[:first_indicator]] for c in case.care)
    return Feedback(
        case_id=case.id, expected_determination=case.expected_determination,
        determination=record.determination, record_result=record_result,
        found=tuple(i for i in order if i in expected_present and i in record.present),
        indicators=tuple(items), steps=steps, context=context, asked_count=len(asked),
        care_first=care_first, expected_count=len(expected_present),
    )


def lesson_after(feedback: Feedback) -> str:
    """The id of the lesson to read before the next case: the one about the first kind of mistake
    (asking too early, a key next step, a missed indicator, the determination); "palermo" when
    nothing was wrong (the lessons are in ``lessons/``; a test checks that each id exists)."""
    if not feedback.care_first or any(i.asked == "plain" and i.changes_with_care for i in feedback.missed):
        return "asking-with-care"
    wrong_steps = {s.key for s in feedback.steps if not s.right}
    if "non_punishment" in wrong_steps:
        return "non-punishment"
    if wrong_steps & {"shelter", "police_report_with_consent", "child_protection", "change_of_employer"}:
        return "referral"
    if feedback.missed or feedback.wrong:
        return "ilo-dimensions"
    if not feedback.determination_right:
        return "japan"
    return "palermo"


def answer_label(value: object) -> str:
    """A stable key for an answer value (for the web layer's words)."""
    if value == UNKNOWN:
        return "unknown"
    return str(value)
