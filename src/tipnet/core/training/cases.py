"""Practice cases as data: one TOML file per invented person, written and reviewed by trainers.

Why data: a trainer (an NGO caseworker, not a programmer) must be able to write a case, and a
second trainer must be able to review it, in a text editor. The same strict-loader habit as the
screening catalogue: a misspelt question id would silently turn an answer into "no", so every
unknown key, id or value is a :class:`CaseProblem` naming the file and the field.

File format (``format = 1``), documented in docs/training.md::

    format = 1
    id = "titp-debt-passport"             # = the file name without .toml
    title = { ja = "...", en = "..." }
    teaches = { ja = "...", en = "..." }  # what the case is for (shown to trainers)
    person_language = "vi"                # a screening language: questions are also shown in it
    care = ["W_SAFE_NOW", "W_CONSENT"]    # optional: the questions that make later ones "asked with care"
    [person]
    name = { ja = "...", en = "..." }     # invented; never a real person
    sex = "female"                        # female | male | other
    nationality = { ja = "...", en = "..." }
    [story]     ja/en: what the trainee knows before the interview (the referral)
    [debrief]   ja/en: the whole story, shown with the feedback
    [answers]   question id -> answer (see below)
    [expected]  determination, types, present, unknown, next_steps

An answer is a plain value (``EX_LOW_NO_PAY = "yes"``) or a table
``{ answer = "no", answer_with_care = "yes", say = {ja, en}, say_with_care = {ja, en} }``.
Indicator and yes/no questions take "yes", "no" or "unknown"; CTX_AGE an integer or "unknown";
CTX_VISA and CTX_FORM one of their choices or "unknown"; CTX_THIRD_PARTY a list of acts (``[]``:
nobody) or "unknown". A question not listed answers "no" (indicators, as in ``tipnet screen``) or
"unknown" (context and welfare questions).

"Asked with care" (Vera TVIT practice, 2014: safety and consent first): a question counts as asked
with care when every question in ``care`` was asked before it. The answers the engine scores, and
the ones the trainee should record, are the with-care answers: what the person says when asked well.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tipnet.core.screening import Catalogue, default_catalogue
from tipnet.core.screening.catalogue import DETERMINATIONS

__all__ = [
    "CASE_LANGUAGES",
    "DEFAULT_CARE",
    "Answer",
    "CaseProblem",
    "PracticeCase",
    "case_dir",
    "load_case",
    "load_cases",
    "parse_case",
]

FORMAT = 1
CASE_LANGUAGES = ("ja", "en")
DEFAULT_CARE = ("W_SAFE_NOW", "W_CONSENT")
YES_NO = ("yes", "no", "unknown")
UNKNOWN = "unknown"
SEXES = ("female", "male", "other")
_TOP = {"format", "id", "title", "teaches", "person_language", "care", "person", "story", "debrief",
        "answers", "expected"}
_PERSON = {"name", "sex", "nationality"}
_EXPECTED = {"determination", "types", "present", "unknown", "next_steps"}
_ANSWER_TABLE = {"answer", "answer_with_care", "say", "say_with_care"}


class CaseProblem(ValueError):
    """A case file is malformed; the message names the file and the field."""


AnswerValue = str | int | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """What the person answers to one question, plainly and when asked with care."""

    question: str
    plain: AnswerValue
    with_care: AnswerValue
    say: Mapping[str, str] = field(default_factory=dict)
    say_with_care: Mapping[str, str] = field(default_factory=dict)

    @property
    def changes_with_care(self) -> bool:
        return self.plain != self.with_care

    def value(self, *, with_care: bool) -> AnswerValue:
        return self.with_care if with_care else self.plain

    def text(self, *, with_care: bool, language: str) -> str:
        """The person's own words, if the author wrote them ("" otherwise: the app says yes/no)."""
        said = self.say_with_care if with_care and self.say_with_care else self.say
        return said.get(language, "")


@dataclass(frozen=True, eq=False)
class PracticeCase:
    """One invented person who answers the interview's questions."""

    id: str
    path: str
    title: Mapping[str, str]
    teaches: Mapping[str, str]
    person_language: str
    care: tuple[str, ...]
    name: Mapping[str, str]
    sex: str
    nationality: Mapping[str, str]
    story: Mapping[str, str]
    debrief: Mapping[str, str]
    answers: Mapping[str, Answer]
    expected_determination: str
    expected_types: tuple[str, ...]
    expected_present: tuple[str, ...]
    expected_unknown: tuple[str, ...]
    expected_next_steps: tuple[str, ...]

    def answer(self, question: str, catalogue: Catalogue | None = None) -> Answer:
        """The answer to ``question``; unlisted ones answer "no" (indicators) or "unknown"."""
        if question in self.answers:
            return self.answers[question]
        cat = catalogue or default_catalogue()
        default = "no" if question in cat.indicators else UNKNOWN
        return Answer(question, default, default)

    def asked_with_care(self, question: str, asked_before: Sequence[str]) -> bool:
        """True when every ``care`` question was asked before ``question`` (the care questions
        themselves are always asked with care)."""
        if question in self.care:
            return True
        return all(c in asked_before for c in self.care)

    def screening_input(self, catalogue: Catalogue | None = None, *, with_care: bool = True) -> dict[str, object]:
        """The ``tipnet screen`` input the person's answers make (with care by default)."""
        cat = catalogue or default_catalogue()
        present, unknown = [], []
        for qid in cat.indicators:
            value = self.answer(qid, cat).value(with_care=with_care)
            if value == "yes":
                present.append(qid)
            elif value == UNKNOWN:
                unknown.append(qid)

        def ctx(qid: str) -> Any:
            value = self.answer(qid, cat).value(with_care=with_care)
            return None if value == UNKNOWN else value

        sold = ctx("CTX_COMMERCIAL_SEX")
        acts = ctx("CTX_THIRD_PARTY")
        return {
            "age": ctx("CTX_AGE"),
            "form": ctx("CTX_FORM"),
            "present": present,
            "unknown": unknown,
            "context": {
                "commercial_sex": None if sold is None else sold == "yes",
                "third_party_acts": None if acts is None else list(acts),
                "visa": ctx("CTX_VISA"),
            },
        }


# ----------------------------------------------------------------------------------------------
# Parsing
# ----------------------------------------------------------------------------------------------


class _Collector:
    """Collects every problem of one file, so an author sees them all at once."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.problems: list[str] = []

    def add(self, field_name: str, problem: str) -> None:
        self.problems.append(f"{self.where}: {field_name}: {problem}")


def _texts(c: _Collector, table: Mapping[str, Any], key: str,
           languages: Sequence[str] = CASE_LANGUAGES) -> Mapping[str, str]:
    """A table of texts by language: every one of ``languages`` present and non-empty, no other."""
    value = table.get(key)
    if not isinstance(value, Mapping):
        c.add(key, f"missing, or not a table with {', '.join(languages)}")
        return {}
    out = {}
    for lang in languages:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            c.add(f"{key}.{lang}", "missing or empty")
        else:
            out[lang] = text.strip()
    extra = sorted(set(value) - set(languages))
    if extra:
        c.add(key, f"unknown language key {extra[0]!r} (expected: {', '.join(languages)})")
    return MappingProxyType(out)


def _id_list(c: _Collector, table: Mapping[str, Any], key: str, known: Mapping[str, Any] | Sequence[str], what: str,
             prefix: str = "") -> tuple[str, ...]:
    value = table.get(key, [])
    name = prefix + key
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        c.add(name, f"must be a list of {what}")
        return ()
    for v in value:
        if v not in known:
            c.add(name, f"unknown {what[:-1] if what.endswith('s') else what} {v!r}")
    if len(set(value)) != len(value):
        c.add(name, "lists a value twice")
    return tuple(value)


def _answer_value(c: _Collector, qid: str, value: Any, cat: Catalogue, name: str) -> AnswerValue | None:
    where = f"answers.{qid}.{name}" if name != "answer" else f"answers.{qid}"
    if qid == "CTX_AGE":
        if value == UNKNOWN or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= cat.max_age):
            return value
        c.add(where, f"must be an age from 0 to {cat.max_age} or \"unknown\", got {value!r}")
        return None
    if qid in ("CTX_VISA", "CTX_FORM"):
        choices = cat.context[qid].choices
        if value == UNKNOWN or value in choices:
            return value
        c.add(where, f"must be one of {', '.join(choices)} or \"unknown\", got {value!r}")
        return None
    if qid == "CTX_THIRD_PARTY":
        if value == UNKNOWN:
            return value
        if isinstance(value, list) and all(v in cat.palermo_acts for v in value):
            return tuple(value)
        c.add(where, f"must be a list of acts ({', '.join(cat.palermo_acts)}; [] for nobody) or \"unknown\", got {value!r}")
        return None
    if value in YES_NO:
        return value
    c.add(where, f"must be \"yes\", \"no\" or \"unknown\", got {value!r}")
    return None


def _parse_answers(c: _Collector, raw: Any, cat: Catalogue) -> dict[str, Answer]:
    if not isinstance(raw, Mapping):
        c.add("answers", "missing, or not a table")
        return {}
    questions = {*cat.welfare, *cat.context, *cat.indicators}
    out: dict[str, Answer] = {}
    for qid, spec in raw.items():
        if qid not in questions:
            import difflib

            close = difflib.get_close_matches(qid, list(questions), n=1)
            c.add(f"answers.{qid}", "unknown question id" + (f" (did you mean {close[0]}?)" if close else ""))
            continue
        if isinstance(spec, Mapping):
            extra = sorted(set(spec) - _ANSWER_TABLE)
            if extra:
                c.add(f"answers.{qid}", f"unknown key {extra[0]!r} (expected: {', '.join(sorted(_ANSWER_TABLE))})")
            if "answer" not in spec:
                c.add(f"answers.{qid}", "a table needs answer = ...")
                continue
            plain = _answer_value(c, qid, spec["answer"], cat, "answer")
            care = _answer_value(c, qid, spec["answer_with_care"], cat, "answer_with_care") if "answer_with_care" in spec else plain
            say: dict[str, str] = {}
            say_care: dict[str, str] = {}
            for key, target in (("say", say), ("say_with_care", say_care)):
                if key in spec:
                    if not isinstance(spec[key], Mapping):
                        c.add(f"answers.{qid}.{key}", "must be a table with ja and en")
                        continue
                    target.update(_texts(c, spec, key))
            if plain is None or care is None:
                continue
            out[qid] = Answer(qid, plain, care, MappingProxyType(say), MappingProxyType(say_care))
        else:
            value = _answer_value(c, qid, spec, cat, "answer")
            if value is not None:
                out[qid] = Answer(qid, value, value)
    return out


def parse_case(data: Mapping[str, Any], *, where: str, stem: str | None = None,
               catalogue: Catalogue | None = None) -> PracticeCase:
    """Validate one parsed case file. Raises :class:`CaseProblem` listing every problem found."""
    cat = catalogue or default_catalogue()
    c = _Collector(where)
    for key in sorted(set(data) - _TOP):
        c.add(key, f"unknown field (expected: {', '.join(sorted(_TOP))})")
    if data.get("format") != FORMAT:
        c.add("format", f"must be {FORMAT}, got {data.get('format')!r}")
    case_id = data.get("id")
    if not isinstance(case_id, str) or not case_id:
        c.add("id", "missing or not a string")
        case_id = ""
    elif stem is not None and case_id != stem:
        c.add("id", f"{case_id!r} must equal the file name {stem!r}")
    title = _texts(c, data, "title")
    teaches = _texts(c, data, "teaches")
    story = _texts(c, data, "story")
    debrief = _texts(c, data, "debrief")
    language = data.get("person_language")
    if language not in cat.languages:
        c.add("person_language", f"must be one of {', '.join(cat.languages)}, got {language!r}")
    care = _id_list(c, data, "care", cat.welfare, "welfare question ids") if "care" in data else DEFAULT_CARE

    person = data.get("person")
    name: Mapping[str, str] = {}
    nationality: Mapping[str, str] = {}
    sex = ""
    if not isinstance(person, Mapping):
        c.add("person", "missing, or not a table")
    else:
        for key in sorted(set(person) - _PERSON):
            c.add(f"person.{key}", f"unknown field (expected: {', '.join(sorted(_PERSON))})")
        name = _texts(c, person, "name")
        nationality = _texts(c, person, "nationality")
        sex = person.get("sex", "")
        if sex not in SEXES:
            c.add("person.sex", f"must be one of {', '.join(SEXES)}, got {sex!r}")

    answers = _parse_answers(c, data.get("answers"), cat)

    expected = data.get("expected")
    determination, types, present, unknown, steps = "", (), (), (), ()
    if not isinstance(expected, Mapping):
        c.add("expected", "missing, or not a table")
    else:
        for key in sorted(set(expected) - _EXPECTED):
            c.add(f"expected.{key}", f"unknown field (expected: {', '.join(sorted(_EXPECTED))})")
        determination = expected.get("determination", "")
        if determination not in DETERMINATIONS:
            c.add("expected.determination", f"must be one of {', '.join(DETERMINATIONS)}, got {determination!r}")
        type_keys = {*(r.key for r in cat.adult_types + cat.child_types), cat.r5_type}
        types = _id_list(c, expected, "types", sorted(type_keys), "trafficking types", "expected.")
        present = _id_list(c, expected, "present", cat.indicators, "indicator ids", "expected.")
        unknown = _id_list(c, expected, "unknown", cat.indicators, "indicator ids", "expected.")
        steps = _id_list(c, expected, "next_steps", [s.key for s in cat.next_steps], "next steps", "expected.")
        if "next_steps" not in expected:
            c.add("expected.next_steps", "missing")

    if c.problems:
        raise CaseProblem("\n".join(c.problems))
    return PracticeCase(
        id=case_id, path=where, title=title, teaches=teaches, person_language=str(language), care=care,
        name=name, sex=sex, nationality=nationality, story=story, debrief=debrief,
        answers=MappingProxyType(answers), expected_determination=determination, expected_types=types,
        expected_present=present, expected_unknown=unknown, expected_next_steps=steps,
    )


def load_case(path: str | Path, catalogue: Catalogue | None = None) -> PracticeCase:
    """Read and validate one case file. Raises :class:`CaseProblem` (unreadable, bad TOML, bad
    fields); the message starts with the file name."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseProblem(f"{p}: cannot read ({exc.__class__.__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseProblem(f"{p}: not valid TOML: {exc}") from None
    return parse_case(data, where=str(p), stem=p.stem, catalogue=catalogue)


def case_dir() -> Path:
    """The practice cases shipped with tipnet."""
    return Path(__file__).with_name("cases")


def load_cases(path: str | Path | None = None, catalogue: Catalogue | None = None) -> list[PracticeCase]:
    """Every ``*.toml`` case in a directory (default: the shipped library), sorted by file name.
    Raises :class:`CaseProblem` for the first bad file (use ``check_directory`` to see all)."""
    root = Path(path) if path is not None else case_dir()
    return [load_case(p, catalogue) for p in sorted(root.glob("*.toml"))]
