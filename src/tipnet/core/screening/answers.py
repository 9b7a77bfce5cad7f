"""Parsing and validating a caseworker's answers (the input object of ``tipnet screen``).

The input is deliberately strict: a misspelt indicator id that were silently ignored would turn
a "present" answer into "absent" and could change the result, so every unknown field, id or
value is a :class:`ScreeningInputError` whose message names the problem.

Input shape (ids not listed in ``present`` or ``unknown`` are absent)::

    {"profile": "adult_labour" | "adult_sexual" | "child_labour" | "child_sexual" | null,
     "age": int | null, "form": "labour" | "sexual" | null,
     "present": [ids], "unknown": [ids],
     "context": {"commercial_sex": true | false | null,
                 "third_party_acts": [act names] | null,
                 "visa": string | null}}

``third_party_acts`` distinguishes ``[]`` (nobody recruited, moved, harboured or received the
person: the Palermo act is absent) from ``null`` or a missing key (not asked: unknown).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from tipnet.core.screening.catalogue import Catalogue, default_catalogue

__all__ = ["Answers", "ScreeningInputError", "parse_answers"]

_FIELDS = ("profile", "age", "form", "present", "unknown", "context")
_CONTEXT_FIELDS = ("commercial_sex", "third_party_acts", "visa")
FORMS = ("labour", "sexual")


class ScreeningInputError(ValueError):
    """The answers object is invalid; the message names the field and the problem."""


@dataclass(frozen=True, slots=True)
class Answers:
    """Validated answers. ``present`` and ``unknown`` are disjoint; every other indicator is absent."""

    profile: str | None = None
    age: int | None = None
    form: str | None = None
    present: frozenset[str] = frozenset()
    unknown: frozenset[str] = frozenset()
    commercial_sex: bool | None = None
    third_party_acts: frozenset[str] | None = None
    visa: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The input shape again (sorted lists), e.g. to store beside a result."""
        return {
            "profile": self.profile,
            "age": self.age,
            "form": self.form,
            "present": sorted(self.present),
            "unknown": sorted(self.unknown),
            "context": {
                "commercial_sex": self.commercial_sex,
                "third_party_acts": None if self.third_party_acts is None else sorted(self.third_party_acts),
                "visa": self.visa,
            },
        }


def _fail(message: str) -> NoReturn:
    raise ScreeningInputError(message)


def _suggest(word: str, options: object) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)  # type: ignore[arg-type]
    return f" (did you mean {close[0]}?)" if close else ""


def _choice(value: object, name: str, options: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or value not in options:
        hint = _suggest(value, options) if isinstance(value, str) else ""
        _fail(f"{name} must be one of {', '.join(options)} or null, got {value!r}{hint}")
    return value  # type: ignore[return-value]


def _id_list(value: object, name: str, catalogue: Catalogue) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        _fail(f"{name} must be a list of indicator ids, got {type(value).__name__}")
    for item in value:  # type: ignore[union-attr]
        if not isinstance(item, str):
            _fail(f"{name} must contain indicator ids (strings), got {item!r}")
        if item not in catalogue.indicators:
            _fail(f"unknown indicator id {item!r} in {name}{_suggest(item, catalogue.indicators)}")
    return frozenset(value)  # type: ignore[arg-type]


def parse_answers(obj: object, catalogue: Catalogue | None = None) -> Answers:
    """Validate one answers object (parsed JSON) and return :class:`Answers`.

    Raises :class:`ScreeningInputError` for an unknown field or id, a bad value, an id listed
    both present and unknown, or a profile that contradicts the age or the form.
    """
    cat = catalogue or default_catalogue()
    if isinstance(obj, Answers):
        return obj
    if not isinstance(obj, Mapping):
        _fail(f"an answers object must be a JSON object, got {type(obj).__name__}")
    extra = [k for k in obj if k not in _FIELDS]  # type: ignore[union-attr]
    if extra:
        _fail(f"unknown field {extra[0]!r}{_suggest(str(extra[0]), _FIELDS)} (expected: {', '.join(_FIELDS)})")
    get = obj.get  # type: ignore[union-attr]

    profile = _choice(get("profile"), "profile", tuple(cat.profiles))
    form = _choice(get("form"), "form", FORMS)
    age = get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= cat.max_age):
        _fail(f"age must be a whole number from 0 to {cat.max_age} or null, got {age!r}")

    present = _id_list(get("present"), "present", cat)
    unknown = _id_list(get("unknown"), "unknown", cat)
    both = present & unknown
    if both:
        _fail(f"indicator {sorted(both)[0]} is listed both in present and in unknown")

    ctx = get("context")
    if ctx is None:
        ctx = {}
    if not isinstance(ctx, Mapping):
        _fail(f"context must be an object, got {type(ctx).__name__}")
    extra = [k for k in ctx if k not in _CONTEXT_FIELDS]
    if extra:
        _fail(f"unknown field context.{extra[0]}{_suggest(str(extra[0]), _CONTEXT_FIELDS)} "
              f"(expected: {', '.join(_CONTEXT_FIELDS)})")
    commercial_sex = ctx.get("commercial_sex")
    if commercial_sex is not None and not isinstance(commercial_sex, bool):
        _fail(f"context.commercial_sex must be true, false or null, got {commercial_sex!r}")
    visa = _choice(ctx.get("visa"), "context.visa", cat.visa_values)
    acts_raw = ctx.get("third_party_acts")
    acts: frozenset[str] | None = None
    if acts_raw is not None:
        if not isinstance(acts_raw, list):
            _fail(f"context.third_party_acts must be a list of act names or null, got {type(acts_raw).__name__}")
        for act in acts_raw:
            _choice(act, "each of context.third_party_acts", cat.palermo_acts)
        acts = frozenset(acts_raw)

    if profile is not None:
        prof = cat.profiles[profile]
        if age is not None and (age < cat.child_age_limit) != (prof.age_group == "child"):
            group = f"a child (under {cat.child_age_limit})" if age < cat.child_age_limit else "an adult"
            _fail(f"profile {profile!r} contradicts age {age}: that is {group}")
        if form is not None and form != prof.form:
            _fail(f"profile {profile!r} contradicts form {form!r}")
    return Answers(profile, age, form, present, unknown, commercial_sex, acts, visa)
