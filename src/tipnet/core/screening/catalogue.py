"""Loading and validating the screening catalogue (the versioned data files in ``data/``).

Why data and not code: the ILO/EC indicator strengths for the sexual-exploitation lists and the
dimension combination rules (R2/R3) are reconstructions that the reference (``reference/
screening.md`` §2.2, §2.4, §9) asks us to verify before relying on them. Keeping them in TOML
means a correction is an edit plus a version bump, reviewable by someone who does not read
Python. The loader is strict: a typo in an id, a missing translation or an indicator left out of
the interview order is a :class:`CatalogueError` at load time, never a silent wrong result.

Sources: ILO & European Commission, *Operational indicators of trafficking in human beings*
(2009, WCMS_105023); UN Trafficking in Persons Protocol (2000) art. 3; Vera Institute of
Justice, *Screening for Human Trafficking: Guidelines for Administering the TVIT* (2014).
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "OTHER_LANGUAGE",
    "PALERMO_PURPOSES",
    "Catalogue",
    "CatalogueError",
    "ContextItem",
    "Dimension",
    "Indicator",
    "NextStep",
    "Profile",
    "Question",
    "Section",
    "TypeRule",
    "default_catalogue",
    "load_catalogue",
]

PROFILES = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")
DETERMINATIONS = ("indicators met", "insufficient information", "indicators not met")
STRENGTHS = ("S", "M", "W")
_STRENGTH_RANK = {"-": 0, "W": 1, "M": 2, "S": 3}
_R1_KEYS = ("strong", "medium", "weak", "medium_or_weak")
_RULE_STATUSES = ("verified", "secondary", "reconstruction", "policy")
#: Token usable in R2/R3 type rules and the Palermo purpose rule for "a Palermo act is present".
ACT_TOKEN = "ACT"
_ID_RE = re.compile(r"^[A-Z]+(_[A-Z0-9]+)+$")
_CONTEXT_FIELDS = ("age", "form", "context.visa", "context.third_party_acts", "context.commercial_sex")
_ANSWER_KINDS = ("integer", "choice", "multiple", "yes_no_unknown")
#: How a welfare check is answered: yes / no / not sure, or one of the catalogue's languages.
_WELFARE_ANSWERS = ("yes_no_unknown", "language")
#: The value of a language answer for a language the catalogue has no texts in.
OTHER_LANGUAGE = "other"
#: The Palermo purposes the assessment can name (keys of ``[palermo.purposes]`` in every i18n file).
PALERMO_PURPOSES = (
    "forced labour or services",
    "exploitation of the prostitution of others",
    "other forms of sexual exploitation",
)
_STEP_SIMPLE_TOKENS = frozenset(
    {"met", "insufficient", "not_met", "child", "adult", "age_unknown", "foreign", "commercial_sex", "always",
     "palermo_met"}
)
_DATA_FILES = ("catalogue.toml", "indicators.toml", "interview.toml")


class CatalogueError(ValueError):
    """A data file is malformed or inconsistent; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Profile:
    """One of the four ILO/EC lists (R7: age group x form of exploitation)."""

    key: str
    age_group: str  # "adult" | "child"
    form: str  # "labour" | "sexual"
    strength_source: str  # reliability tag of the strengths column: "V", "S" or "M"


@dataclass(frozen=True, slots=True)
class Dimension:
    """An ILO/EC dimension and the Palermo means a positive dimension supplies."""

    key: str
    name: str
    phase: str  # "recruitment" | "destination"
    means: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Indicator:
    """An operational indicator with its strength in each list (``None``: not in that list)."""

    id: str
    dimension: str
    name: str
    strengths: Mapping[str, str | None]
    plausible: Mapping[str, tuple[str, str]]

    def in_profile(self, profile: str) -> bool:
        return self.strengths[profile] is not None


@dataclass(frozen=True, slots=True)
class TypeRule:
    """R2/R3: a trafficking type is met when every dimension in ``all`` is positive and, if
    ``any`` is not empty, at least one in ``any`` is."""

    key: str
    all: tuple[str, ...]
    any: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContextItem:
    """A context question that fills an input field (``age``, ``form``, ``context.visa``...)."""

    id: str
    field: str
    answer: str
    choices: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A group of interview items, asked in order."""

    key: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NextStep:
    """A next-step key and the condition tokens under which it is offered."""

    key: str
    all: tuple[str, ...]
    any: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Question:
    """One interview item in one language, as the web layer shows it."""

    id: str
    kind: str  # "welfare" | "context" | "indicator"
    section: str
    section_title: str
    text: str
    dimension: str | None = None
    field: str | None = None
    answer: str = "yes_no_unknown"
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The whole screening catalogue: indicators, rules, interview order and texts.

    ``eq=False`` keeps identity hashing, so the engine can cache compiled tables per catalogue.
    """

    version: str
    released: str
    digest: str
    languages: tuple[str, ...]
    source_language: str
    profiles: Mapping[str, Profile]
    dimensions: Mapping[str, Dimension]
    indicators: Mapping[str, Indicator]
    r1_combinations: tuple[tuple[int, int, int, int], ...]  # strong, medium, weak, medium_or_weak
    adult_types: tuple[TypeRule, ...]
    child_types: tuple[TypeRule, ...]
    child_aggravating: tuple[str, ...]
    r5_enabled: bool
    r5_type: str
    r5_unknown_counts_in: frozenset[str]
    child_age_limit: int
    max_age: int
    r6_on_disagreement: str
    protective_order: tuple[str, ...]
    palermo_acts: tuple[str, ...]
    means_dimensions: tuple[str, ...]
    forced_labour_all: tuple[str, ...]
    forced_labour_any: tuple[str, ...]
    sexual_exploitation_any: tuple[str, ...]
    other_sexual_exploitation_all: tuple[str, ...]
    rule_status: Mapping[str, str]
    welfare: tuple[str, ...]
    welfare_answers: Mapping[str, str]  # welfare id -> "yes_no_unknown" | "language"
    context: Mapping[str, ContextItem]
    sections: tuple[Section, ...]
    next_steps: tuple[NextStep, ...]
    texts: Mapping[str, Mapping[str, Any]]  # language -> parsed i18n file
    changelog: tuple[Mapping[str, str], ...]

    @property
    def visa_values(self) -> tuple[str, ...]:
        """Allowed ``context.visa`` values (the choices of the CTX_VISA question)."""
        return self.context["CTX_VISA"].choices

    def text(self, group: str, key: str, language: str) -> str:
        """A text from ``i18n/<language>.toml``, e.g. ``text("next_steps", "shelter", "vi")``."""
        if language not in self.texts:
            raise KeyError(f"unknown language {language!r}; known: {', '.join(self.languages)}")
        node: Any = self.texts[language]
        for part in group.split("."):
            node = node[part]
        return node[key]

    def native_review(self, language: str) -> str:
        """``"source"``, ``"needed"`` or ``"done"``: whether a native speaker has reviewed the texts."""
        return self.texts[language]["native_review"]

    def profile_indicators(self, profile: str) -> tuple[str, ...]:
        """The ids in one list, in catalogue order."""
        return tuple(i for i, ind in self.indicators.items() if ind.strengths[profile] is not None)

    def questions(self, profile: str | None, language: str) -> list[Question]:
        """The interview in trauma-informed order (welfare first, violence last) for one list.

        ``profile=None`` (age or form not known yet) gives every indicator of every list, so the
        answers suffice for R6/R7, which evaluate several lists.
        """
        if profile is not None and profile not in self.profiles:
            raise KeyError(f"unknown profile {profile!r}")
        if language not in self.texts:
            raise KeyError(f"unknown language {language!r}; known: {', '.join(self.languages)}")
        texts = self.texts[language]
        out: list[Question] = []
        for section in self.sections:
            title = texts["sections"][section.key]
            for item in section.items:
                text = texts["questions"][item]
                if item in self.indicators:
                    ind = self.indicators[item]
                    if profile is not None and not ind.in_profile(profile):
                        continue
                    out.append(Question(item, "indicator", section.key, title, text, dimension=ind.dimension))
                elif item in self.context:
                    ctx = self.context[item]
                    group = {"CTX_VISA": "visa", "CTX_FORM": "form", "CTX_THIRD_PARTY": "act"}.get(item)
                    choices = tuple((c, texts["choices"][group][c]) for c in ctx.choices) if group else ()
                    out.append(
                        Question(item, "context", section.key, title, text, field=ctx.field,
                                 answer=ctx.answer, choices=choices)
                    )
                else:
                    answer = self.welfare_answers[item]
                    choices = self.language_choices(language) if answer == "language" else ()
                    out.append(Question(item, "welfare", section.key, title, text, answer=answer, choices=choices))
        return out

    def language_choices(self, language: str) -> tuple[tuple[str, str], ...]:
        """The answers to a language question: each catalogue language by its own name (the same in
        every interview language, so the person can point at theirs), then "another language"."""
        own = tuple((code, str(self.texts[code]["name"])) for code in self.languages)
        return (*own, (OTHER_LANGUAGE, self.texts[language]["choices"]["language"][OTHER_LANGUAGE]))

    def indicator_label(self, indicator_id: str, language: str) -> str:
        """An indicator in words for staff lists (triage): its interview question in ``language``,
        the one text every indicator has in every language."""
        return self.texts[language]["questions"][indicator_id]

    def indicators_by_dimension(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """Every indicator id grouped by dimension, both in catalogue order."""
        return tuple(
            (dim, tuple(i for i, ind in self.indicators.items() if ind.dimension == dim)) for dim in self.dimensions
        )

    def ordered_dimensions(self, statuses: Mapping[str, str]) -> list[tuple[str, str]]:
        """(dimension, status) in catalogue order (DR, CR, AVR, EX, CD, AVD), whatever order the
        mapping has: a result read back from storage (JSON with sorted keys) shows the dimensions
        in the same order as a fresh one."""
        return [(key, statuses[key]) for key in self.dimensions if key in statuses]

    def palermo_text(self, group: str, key: str, language: str) -> str:
        """A Palermo act, means or purpose (``group`` "acts", "means", "purposes") in ``language``;
        the key itself if the catalogue has no text for it (a result from another version)."""
        return self.texts[language]["palermo"][group].get(key, key)

    def match_indicator(self, text: str) -> str | None:
        """The indicator id that ``text`` names unambiguously, or None. Accepts an id in any case
        (with spaces or dashes for underscores), an indicator's English name, or its question in
        any language, exactly. Used to map triage indicators written as free text before the
        list existed; anything else (a word like "passport" fits two indicators) is not guessed."""
        cleaned = " ".join(text.split()).strip(" .,;:、，。")
        candidate = re.sub(r"[\s-]+", "_", cleaned).upper()
        if candidate in self.indicators:
            return candidate
        folded = cleaned.casefold()
        if not folded:
            return None
        found = {i for i, ind in self.indicators.items() if ind.name.casefold() == folded}
        for texts in self.texts.values():
            found |= {i for i in self.indicators if texts["questions"][i].casefold() == folded}
        return found.pop() if len(found) == 1 else None


# ----------------------------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------------------------


def _data_root() -> Traversable:
    return resources.files("tipnet.core.screening").joinpath("data")


@functools.cache
def default_catalogue() -> Catalogue:
    """The catalogue shipped in the package (loaded and validated once per process)."""
    return load_catalogue()


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue directory (default: the packaged ``data/``).

    Pass a copy of the directory to try a correction before shipping it
    (``tipnet screen --catalogue DIR``).
    """
    root: Traversable = Path(path) if path is not None else _data_root()
    if not root.is_dir():
        raise CatalogueError(f"{root}: not a catalogue directory")
    raw: dict[str, bytes] = {}
    for name in _DATA_FILES:
        raw[name] = _read(root, name)
    manifest = _parse("catalogue.toml", raw["catalogue.toml"])
    languages = _str_list(manifest, "languages", "catalogue.toml")
    for lang in languages:
        raw[f"i18n/{lang}.toml"] = _read(root, f"i18n/{lang}.toml")
    digest = hashlib.sha256()
    for name in sorted(raw):
        digest.update(name.encode() + b"\0" + raw[name] + b"\0")
    parsed = {name: _parse(name, data) for name, data in raw.items()}
    return _build(parsed, languages, digest.hexdigest()[:16])


def _read(root: Traversable, name: str) -> bytes:
    node = root
    for part in name.split("/"):
        node = node.joinpath(part)
    try:
        return node.read_bytes()
    except (FileNotFoundError, IsADirectoryError, OSError) as exc:
        raise CatalogueError(f"{name}: cannot read ({exc.__class__.__name__})") from None


def _parse(name: str, data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CatalogueError(f"{name}: {exc}") from None


def _need(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise CatalogueError(f"{where}: {problem}")


def _get(table: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    _need(key in table, where, f"missing key {key!r}")
    value = table[key]
    ok = isinstance(value, bool) if kind is bool else isinstance(value, kind) and not isinstance(value, bool)
    _need(ok, where, f"{key!r} has the wrong type ({type(value).__name__})")
    return value


def _str_list(table: Mapping[str, Any], key: str, where: str, default: list[str] | None = None) -> tuple[str, ...]:
    if key not in table and default is not None:
        return tuple(default)
    value = _get(table, key, where, list)
    _need(all(isinstance(v, str) for v in value), where, f"{key!r} must be a list of strings")
    _need(len(set(value)) == len(value), where, f"{key!r} lists a value twice")
    return tuple(value)


def _rule_tokens(tokens: tuple[str, ...], dims: Mapping[str, Any], where: str) -> None:
    for t in tokens:
        _need(t in dims or t == ACT_TOKEN, where, f"unknown dimension {t!r} (known: {', '.join(dims)}, {ACT_TOKEN})")


def _build(files: Mapping[str, dict[str, Any]], languages: tuple[str, ...], digest: str) -> Catalogue:
    m = files["catalogue.toml"]
    w = "catalogue.toml"
    version = _get(m, "version", w, str)
    _need(re.fullmatch(r"\d+\.\d+\.\d+", version) is not None, w, f"version {version!r} is not MAJOR.MINOR.PATCH")
    source_language = _get(m, "source_language", w, str)
    _need(source_language in languages, w, "source_language must be one of languages")

    profiles: dict[str, Profile] = {}
    for key, p in _get(m, "profiles", w, dict).items():
        pw = f"{w}: profiles.{key}"
        _need(key in PROFILES, pw, f"unknown profile (known: {', '.join(PROFILES)})")
        profiles[key] = Profile(key, _get(p, "age_group", pw, str), _get(p, "form", pw, str),
                                _get(p, "strength_source", pw, str))
        _need(key == f"{profiles[key].age_group}_{profiles[key].form}", pw, "age_group/form do not match the key")
    _need(set(profiles) == set(PROFILES), w, f"profiles must be exactly {', '.join(PROFILES)}")

    dimensions: dict[str, Dimension] = {}
    for key, d in _get(m, "dimensions", w, dict).items():
        dw = f"{w}: dimensions.{key}"
        dimensions[key] = Dimension(key, _get(d, "name", dw, str), _get(d, "phase", dw, str), _str_list(d, "means", dw))
        _need(dimensions[key].phase in ("recruitment", "destination"), dw, "phase must be recruitment or destination")

    rule_status: dict[str, str] = {}
    r1 = _get(m, "r1", w, dict)
    combos: list[tuple[int, int, int, int]] = []
    for n, c in enumerate(_get(r1, "combinations", f"{w}: r1", list)):
        cw = f"{w}: r1.combinations[{n}]"
        _need(isinstance(c, dict) and set(c) <= set(_R1_KEYS), cw, f"keys must be among {', '.join(_R1_KEYS)}")
        vals = tuple(c.get(k, 0) for k in _R1_KEYS)
        _need(all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in vals) and sum(vals) > 0,
              cw, "counts must be non-negative integers, not all zero")
        combos.append(vals)  # type: ignore[arg-type]
    _need(bool(combos), f"{w}: r1", "needs at least one combination")

    def types(table_key: str) -> tuple[TypeRule, ...]:
        t = _get(m, table_key, w, dict)
        out = []
        for n, r in enumerate(_get(t, "types", f"{w}: {table_key}", list)):
            tw = f"{w}: {table_key}.types[{n}]"
            rule = TypeRule(_get(r, "key", tw, str), _str_list(r, "all", tw), _str_list(r, "any", tw, []))
            _need(bool(rule.all), tw, "'all' must name at least one dimension")
            _rule_tokens(rule.all + rule.any, dimensions, tw)
            out.append(rule)
        _need(len({r.key for r in out}) == len(out), f"{w}: {table_key}", "type keys must be unique")
        return tuple(out)

    adult_types, child_types = types("r2"), types("r3")
    r3 = m["r3"]
    aggravating = _str_list(r3, "aggravating", f"{w}: r3", [])
    _rule_tokens(aggravating, dimensions, f"{w}: r3")
    r5 = _get(m, "r5", w, dict)
    r5_unknown = _str_list(r5, "unknown_counts_in", f"{w}: r5", [])
    _need(set(r5_unknown) <= set(PROFILES), f"{w}: r5", "unknown_counts_in names an unknown profile")
    age = _get(m, "age", w, dict)
    r6 = _get(m, "r6", w, dict)
    on_disagreement = _get(r6, "on_disagreement", f"{w}: r6", str)
    _need(on_disagreement in DETERMINATIONS, f"{w}: r6", "on_disagreement must be a determination")
    r7 = _get(m, "r7", w, dict)
    order = _str_list(r7, "protective_order", f"{w}: r7")
    _need(sorted(order) == sorted(DETERMINATIONS), f"{w}: r7", "protective_order must list the three determinations")
    for rule in ("r1", "r2", "r3", "r5", "r6", "r7"):
        status = _get(m[rule], "status", f"{w}: {rule}", str)
        _need(status in _RULE_STATUSES, f"{w}: {rule}", f"status must be one of {', '.join(_RULE_STATUSES)}")
        rule_status[rule.upper()] = status
    rule_status["R4"] = "policy"

    pal = _get(m, "palermo", w, dict)
    pw = f"{w}: palermo"
    acts = _str_list(pal, "acts", pw)
    means_dims = _str_list(pal, "means_dimensions", pw)
    fl_all, fl_any = _str_list(pal, "forced_labour_all", pw), _str_list(pal, "forced_labour_any", pw, [])
    sx_any = _str_list(pal, "sexual_exploitation_any", pw)
    sx_other = _str_list(pal, "other_sexual_exploitation_all", pw)
    _rule_tokens(means_dims + fl_all + fl_any + sx_any + sx_other, dimensions, pw)

    indicators = _build_indicators(files["indicators.toml"], dimensions)
    welfare, welfare_answers, context, sections, steps = _build_interview(
        files["interview.toml"], indicators, dimensions, acts)
    type_keys = {r.key for r in adult_types + child_types} | {_get(r5, "type", f"{w}: r5", str)}
    texts = {lang: _check_texts(files[f"i18n/{lang}.toml"], lang, indicators, welfare, context, sections,
                                steps, dimensions, type_keys, acts) for lang in languages}
    limit = _get(age, "child_age_limit", f"{w}: age", int)
    max_age = _get(age, "max_age", f"{w}: age", int)
    _need(0 < limit < max_age, f"{w}: age", "need 0 < child_age_limit < max_age")

    return Catalogue(
        version=version,
        released=str(m.get("released", "")),
        digest=digest,
        languages=languages,
        source_language=source_language,
        profiles=MappingProxyType(profiles),
        dimensions=MappingProxyType(dimensions),
        indicators=MappingProxyType(indicators),
        r1_combinations=tuple(combos),
        adult_types=adult_types,
        child_types=child_types,
        child_aggravating=aggravating,
        r5_enabled=_get(r5, "enabled", f"{w}: r5", bool),
        r5_type=r5["type"],
        r5_unknown_counts_in=frozenset(r5_unknown),
        child_age_limit=limit,
        max_age=max_age,
        r6_on_disagreement=on_disagreement,
        protective_order=order,
        palermo_acts=acts,
        means_dimensions=means_dims,
        forced_labour_all=fl_all,
        forced_labour_any=fl_any,
        sexual_exploitation_any=sx_any,
        other_sexual_exploitation_all=sx_other,
        rule_status=MappingProxyType(rule_status),
        welfare=welfare,
        welfare_answers=MappingProxyType(welfare_answers),
        context=MappingProxyType(context),
        sections=sections,
        next_steps=steps,
        texts=MappingProxyType(texts),
        changelog=tuple(m.get("changelog", ())),
    )


def _build_indicators(table: Mapping[str, Any], dimensions: Mapping[str, Dimension]) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for ind_id, t in table.items():
        w = f"indicators.toml: {ind_id}"
        _need(_ID_RE.fullmatch(ind_id) is not None, w, "ids are upper case, like DR_WAGES")
        _need(isinstance(t, dict), w, "must be a table")
        _need(set(t) <= {"dimension", "name", "strength", "plausible"}, w,
              f"unexpected keys {sorted(set(t) - {'dimension', 'name', 'strength', 'plausible'})}")
        dim = _get(t, "dimension", w, str)
        _need(dim in dimensions, w, f"unknown dimension {dim!r}")
        _need(ind_id.startswith(dim + "_"), w, f"id must start with its dimension {dim}_")
        strength = _get(t, "strength", w, dict)
        _need(set(strength) == set(PROFILES), w, f"strength must give all of {', '.join(PROFILES)}")
        for p, v in strength.items():
            _need(v in _STRENGTH_RANK, w, f"strength.{p} must be S, M, W or '-', got {v!r}")
        plausible: dict[str, tuple[str, str]] = {}
        for p, rng in t.get("plausible", {}).items():
            _need(p in PROFILES, w, f"plausible.{p}: unknown profile")
            _need(isinstance(rng, list) and len(rng) == 2 and all(v in _STRENGTH_RANK for v in rng)
                  and _STRENGTH_RANK[rng[0]] <= _STRENGTH_RANK[rng[1]], w,
                  f"plausible.{p} must be [low, high] with values S/M/W/-")
            _need(_STRENGTH_RANK[rng[0]] <= _STRENGTH_RANK[strength[p]] <= _STRENGTH_RANK[rng[1]], w,
                  f"strength.{p} = {strength[p]!r} lies outside plausible {rng}")
            plausible[p] = (rng[0], rng[1])
        out[ind_id] = Indicator(
            ind_id, dim, _get(t, "name", w, str),
            MappingProxyType({p: (None if v == "-" else v) for p, v in strength.items()}),
            MappingProxyType(plausible),
        )
    _need(bool(out), "indicators.toml", "no indicators")
    return out


def _build_interview(
    t: Mapping[str, Any],
    indicators: Mapping[str, Indicator],
    dimensions: Mapping[str, Dimension],
    acts: tuple[str, ...],
) -> tuple[tuple[str, ...], dict[str, str], dict[str, ContextItem], tuple[Section, ...], tuple[NextStep, ...]]:
    w = "interview.toml"
    welfare_table = _get(t, "welfare", w, dict)
    welfare = tuple(welfare_table)
    welfare_answers: dict[str, str] = {}
    for wid, spec in welfare_table.items():
        ww = f"{w}: welfare.{wid}"
        _need(isinstance(spec, dict) and set(spec) <= {"answer"}, ww, "only 'answer' may be set")
        answer = spec.get("answer", "yes_no_unknown")
        _need(answer in _WELFARE_ANSWERS, ww, f"answer must be one of {', '.join(_WELFARE_ANSWERS)}")
        welfare_answers[wid] = answer
    context: dict[str, ContextItem] = {}
    for cid, c in _get(t, "context", w, dict).items():
        cw = f"{w}: context.{cid}"
        item = ContextItem(cid, _get(c, "field", cw, str), _get(c, "answer", cw, str), _str_list(c, "choices", cw, []))
        _need(item.field in _CONTEXT_FIELDS, cw, f"field must be one of {', '.join(_CONTEXT_FIELDS)}")
        _need(item.answer in _ANSWER_KINDS, cw, f"answer must be one of {', '.join(_ANSWER_KINDS)}")
        context[cid] = item
    for cid in ("CTX_VISA", "CTX_FORM", "CTX_THIRD_PARTY"):
        _need(cid in context, w, f"context.{cid} is required")
    _need(set(context["CTX_FORM"].choices) == {"labour", "sexual"}, w, "CTX_FORM choices must be labour, sexual")
    _need(context["CTX_THIRD_PARTY"].choices == acts, w, "CTX_THIRD_PARTY choices must equal palermo.acts")
    _need(bool(context["CTX_VISA"].choices), w, "CTX_VISA needs choices (the allowed visa values)")

    sections: list[Section] = []
    seen: dict[str, str] = {}
    for n, s in enumerate(_get(t, "section", w, list)):
        sw = f"{w}: section[{n}]"
        sec = Section(_get(s, "key", sw, str), _str_list(s, "items", sw))
        for item in sec.items:
            _need(item in indicators or item in context or item in welfare, sw, f"unknown item {item!r}")
            _need(item not in seen, sw, f"{item} is already in section {seen.get(item)!r}")
            seen[item] = sec.key
        sections.append(sec)
    _need(len({s.key for s in sections}) == len(sections), w, "section keys must be unique")
    missing = [i for i in (*indicators, *context, *welfare) if i not in seen]
    _need(not missing, w, f"not in any section: {', '.join(missing)}")

    steps: list[NextStep] = []
    visa_values = set(context["CTX_VISA"].choices)
    for n, s in enumerate(_get(t, "next_step", w, list)):
        sw = f"{w}: next_step[{n}]"
        step = NextStep(_get(s, "key", sw, str), _str_list(s, "all", sw, []), _str_list(s, "any", sw, []))
        _need(bool(step.all or step.any), sw, "needs 'all' or 'any' conditions")
        for tok in step.all + step.any:
            _need(_valid_step_token(tok, indicators, dimensions, visa_values), sw, f"unknown condition {tok!r}")
        steps.append(step)
    _need(len({s.key for s in steps}) == len(steps), w, "next_step keys must be unique")
    return welfare, welfare_answers, context, tuple(sections), tuple(steps)


def _valid_step_token(tok: str, indicators: Mapping[str, Any], dimensions: Mapping[str, Any], visas: set[str]) -> bool:
    if tok in _STEP_SIMPLE_TOKENS:
        return True
    kind, _, rest = tok.partition(":")
    if kind == "visa":
        return rest in visas
    if kind == "indicator":
        return rest in indicators
    if kind == "dimension":
        dim, _, status = rest.partition(":")
        return dim in dimensions and status in ("positive", "unknown", "negative")
    return False


def _check_texts(
    t: Mapping[str, Any],
    lang: str,
    indicators: Mapping[str, Indicator],
    welfare: tuple[str, ...],
    context: Mapping[str, ContextItem],
    sections: tuple[Section, ...],
    steps: tuple[NextStep, ...],
    dimensions: Mapping[str, Dimension],
    type_keys: set[str],
    acts: tuple[str, ...],
) -> Mapping[str, Any]:
    """Every language must have every text: a missing question would silently drop an indicator."""
    w = f"i18n/{lang}.toml"
    _need(t.get("language") == lang, w, f"language must be {lang!r}")
    _need(t.get("native_review") in ("source", "needed", "done"), w, "native_review must be source, needed or done")
    _need(isinstance(t.get("name"), str) and t["name"].strip() != "", w,
          "name (the language's own name, offered in the language question) must be a non-empty string")
    expected: dict[str, set[str]] = {
        "answers": {"present", "absent", "unknown"},
        "questions": {*welfare, *context, *indicators},
        "sections": {s.key for s in sections},
        "next_steps": {s.key for s in steps},
        "determinations": set(DETERMINATIONS),
        "types": type_keys,
        "dimensions": set(dimensions),
        "choices.form": {"labour", "sexual"},
        "choices.act": set(acts),
        "choices.visa": set(context["CTX_VISA"].choices),
        "choices.language": {OTHER_LANGUAGE},
        "palermo.acts": set(acts),
        "palermo.means": {m for d in dimensions.values() for m in d.means},
        "palermo.purposes": set(PALERMO_PURPOSES),
    }
    for group, keys in expected.items():
        node: Any = t
        for part in group.split("."):
            _need(isinstance(node, dict) and part in node, w, f"missing table [{group}]")
            node = node[part]
        have = set(node)
        _need(not keys - have, w, f"[{group}] lacks {', '.join(sorted(keys - have))}")
        _need(not have - keys, w, f"[{group}] has unknown keys {', '.join(sorted(have - keys))}")
        for k in keys:
            _need(isinstance(node[k], str) and node[k].strip() != "", w, f"[{group}] {k} must be a non-empty string")
    return MappingProxyType(dict(t))
