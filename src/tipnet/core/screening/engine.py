"""The screening rule engine: rules R1-R7 of reference/screening.md, driven by the catalogue data.

- R1 (ILO/EC 2009, WCMS_105023 p. 3): a dimension is positive when its present indicators reach
  one of the strength combinations in ``[r1]``.
- R2/R3 (our reconstruction, unverified): which dimensions make a trafficking type, for adults and
  for children (Palermo art. 3(c): no means needed for a child). Data: ``[r2]``, ``[r3]``.
- R4: answers are present / absent / unknown and dimensions and rules combine with Kleene logic,
  so an unknown answer that could change the result gives "insufficient information".
- R5 (policy): a child in commercial sex is counted as trafficked without means or third party.
- R6: age unknown: evaluate the adult and the child lists; if they differ, insufficient information.
- R7: the list follows age group x form; an unknown form evaluates both forms and reports the
  more protective result.

A screening result is an aid for a caseworker, never a legal determination, and it never says
that someone is *not* a victim: the negative outcome is "indicators not met".

Three-valued values are small ints so that Kleene AND is ``min`` and OR is ``max``:
2 = positive / met, 1 = unknown, 0 = negative / not met.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from tipnet.core.screening.answers import Answers, parse_answers
from tipnet.core.screening.catalogue import ACT_TOKEN, Catalogue, default_catalogue
from tipnet.core.screening.palermo import PalermoAssessment, assess_palermo

__all__ = ["ProfileEvaluation", "ScreeningResult", "choose_profiles", "screen", "screen_many"]

POS, UNK, NEG = 2, 1, 0
_DIM_STATUS = ("negative", "unknown", "positive")
_DETERMINATION = ("indicators not met", "insufficient information", "indicators met")
_STRENGTH_INDEX = {"S": 0, "M": 1, "W": 2}
_RULE_TEXT = {
    "R1": "a dimension is positive when its present indicators reach a strength combination",
    "R2": "adult combination: recruitment dimension + exploitation + coercion or abuse of vulnerability at destination",
    "R3": "child combination: recruitment dimension + exploitation (no destination element needed)",
    "R4": "three-valued answers: unknown answers that could change the result give insufficient information",
    "R5": "a child in commercial sex is counted as trafficked without means or third party",
    "R6": "age unknown: adult and child lists evaluated; different results give insufficient information",
    "R7": "profile chosen by age group and form; unknown form evaluates both and reports the more protective result",
}


# ----------------------------------------------------------------------------------------------
# Compiled tables (built once per catalogue)
# ----------------------------------------------------------------------------------------------


class _Compiled:
    """Index-based tables so that one screening is a few hundred integer operations."""

    def __init__(self, cat: Catalogue) -> None:
        self.dims: tuple[str, ...] = tuple(cat.dimensions)
        index = {d: n for n, d in enumerate(self.dims)}
        index[ACT_TOKEN] = len(self.dims)  # the Palermo act sits after the dimensions
        # id -> flat counter slot (3 * dimension + strength), per list.
        self.weights: dict[str, dict[str, int]] = {
            p: {
                i: 3 * index[ind.dimension] + _STRENGTH_INDEX[s]
                for i, ind in cat.indicators.items()
                if (s := ind.strengths[p]) is not None
            }
            for p in cat.profiles
        }
        self.dim_of = {i: index[ind.dimension] for i, ind in cat.indicators.items()}
        # R1 as a lookup table over (strong, medium, weak) counts; no dimension is larger than `size`.
        size = max(sum(1 for i in cat.indicators.values() if i.dimension == d) for d in self.dims) + 1
        self.size = size
        self.r1_table = [
            any(s >= a and m >= b and w >= c and (m - b) + (w - c) >= d for a, b, c, d in cat.r1_combinations)
            for s in range(size) for m in range(size) for w in range(size)
        ]

        def compile_types(rules: Iterable) -> tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]:
            return tuple((r.key, tuple(index[t] for t in r.all), tuple(index[t] for t in r.any)) for r in rules)

        self.types = {"adult": compile_types(cat.adult_types), "child": compile_types(cat.child_types)}
        self.age_group = {p: prof.age_group for p, prof in cat.profiles.items()}
        n = len(cat.protective_order)
        self.rank = {_DETERMINATION.index(d): n - k for k, d in enumerate(cat.protective_order)}
        self.r6_value = _DETERMINATION.index(cat.r6_on_disagreement)
        self.order = {i: n for n, i in enumerate(cat.indicators)}
        # Next steps: each condition token becomes a member test on a set of facts about the result.
        self.steps = tuple((st.key, frozenset(st.all), frozenset(st.any)) for st in cat.next_steps)
        tokens = {t for st in cat.next_steps for t in st.all + st.any}
        self.step_indicators = tuple(t.partition(":")[2] for t in tokens if t.startswith("indicator:"))
        # Only the dimensions some condition mentions: (index, fact per status).
        self.dim_facts = tuple(
            (n, tuple(f"dimension:{d}:{status}" for status in _DIM_STATUS))
            for n, d in enumerate(self.dims)
            if any(t.startswith(f"dimension:{d}:") for t in tokens)
        )


@functools.lru_cache(maxsize=16)
def _compiled(cat: Catalogue) -> _Compiled:
    return _Compiled(cat)


# ----------------------------------------------------------------------------------------------
# Results
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProfileEvaluation:
    """The result of one list (profile). ``value``/``ilo_value``: 2 met, 1 unknown, 0 not met."""

    profile: str
    value: int
    ilo_value: int  # R1-R4 only (without R5)
    dims: tuple[int, ...]
    present: tuple[str, ...]  # present ids in this list, catalogue order
    unknown: tuple[str, ...]  # unknown ids in this list, catalogue order
    type_values: tuple[tuple[str, int], ...]  # every R2/R3 type rule and its value
    r5: int  # 2 R5 fired, 1 R5 unknown (commercial sex not answered), 0 does not apply
    r5_type: str
    not_in_list: tuple[str, ...]  # present ids that this list does not contain
    open_questions: tuple[str, ...]

    @property
    def determination(self) -> str:
        return _DETERMINATION[self.value]

    @property
    def ilo_types(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.type_values if v == POS)

    @property
    def types(self) -> tuple[str, ...]:
        return self.ilo_types + ((self.r5_type,) if self.r5 == POS else ())

    @property
    def possible_types(self) -> tuple[str, ...]:
        if self.value != UNK:
            return ()
        return tuple(k for k, v in self.type_values if v == UNK) + ((self.r5_type,) if self.r5 == UNK else ())

    def by_dimension(self, catalogue: Catalogue) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
        """Dimension -> (present ids, unknown ids), for explanations."""
        out: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        ind = catalogue.indicators
        for d in catalogue.dimensions:
            out[d] = (tuple(i for i in self.present if ind[i].dimension == d),
                      tuple(i for i in self.unknown if ind[i].dimension == d))
        return out

    def to_dict(self, catalogue: Catalogue) -> dict[str, object]:
        grouped = self.by_dimension(catalogue)
        return {
            "profile": self.profile,
            "determination": self.determination,
            "ilo_strict_determination": _DETERMINATION[self.ilo_value],
            "trafficking_types": list(self.types),
            "possible_types": list(self.possible_types),
            "dimensions": {
                d: {
                    "status": _DIM_STATUS[self.dims[n]],
                    "present": list(grouped[d][0]),
                    "unknown": list(grouped[d][1]),
                }
                for n, d in enumerate(catalogue.dimensions)
            },
            "not_in_list": list(self.not_in_list),
        }


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """An explained screening result. ``to_dict()`` is the JSON of ``tipnet screen --json``.

    ``determination`` is "indicators met", "indicators not met" or "insufficient information";
    a screening never declares that someone is not a victim.
    """

    determination: str
    trafficking_types: tuple[str, ...]
    possible_types: tuple[str, ...]
    dimensions: Mapping[str, str]
    palermo: PalermoAssessment
    divergence: bool
    divergence_note: str | None
    ilo_strict_determination: str
    ilo_strict_types: tuple[str, ...]
    rules_applied: tuple[str, ...]
    open_questions: tuple[str, ...]
    next_steps: tuple[str, ...]
    profiles_evaluated: tuple[str, ...]
    evaluations: tuple[ProfileEvaluation, ...]
    answers: Answers
    catalogue_version: str
    catalogue_digest: str
    catalogue: Catalogue = field(repr=False, compare=False)

    def _label(self, types: Sequence[str], language: str = "en") -> str | None:
        if not types:
            return None
        return " + ".join(self.catalogue.text("types", t, language) for t in types)

    @property
    def label(self) -> str | None:
        """The trafficking types found, e.g. "deceptive recruitment" (None unless indicators are met)."""
        return self._label(self.trafficking_types)

    def localized_label(self, language: str) -> str | None:
        return self._label(self.trafficking_types, language)

    @property
    def ilo_strict_label(self) -> str | None:
        """The label from the ILO/EC rules alone, without the R5 policy."""
        return self._label(self.ilo_strict_types)

    @property
    def evidence(self) -> list[dict[str, object]]:
        """Every present indicator with its dimension and its strength in each evaluated list."""
        cat = self.catalogue
        out = []
        for i in sorted(self.answers.present, key=_compiled(cat).order.__getitem__):
            ind = cat.indicators[i]
            out.append({
                "id": i,
                "dimension": ind.dimension,
                "name": ind.name,
                "strengths": {p: ind.strengths[p] for p in self.profiles_evaluated},
            })
        return out

    def explanation(self) -> list[str]:
        """One line per fact behind the result, naming every indicator and rule."""
        cat = self.catalogue
        a = self.answers
        dims = tuple(cat.dimensions)
        lines = [
            f"Determination: {self.determination}"
            + (f" ({self.label})" if self.label else "")
            + ". This is a screening aid, not a legal determination.",
        ]
        if self.determination == "indicators not met":
            lines.append("'Indicators not met' does not mean the person is not a victim; listen for new facts.")
        lines.append(_profile_line(cat, a, self.profiles_evaluated))
        for ev in self.evaluations:
            tag = f"[{ev.profile}]"
            grouped = ev.by_dimension(cat)
            for n, d in enumerate(dims):
                present = ", ".join(f"{i} ({cat.indicators[i].strengths[ev.profile]})" for i in grouped[d][0])
                unknown = ", ".join(f"{i} ({cat.indicators[i].strengths[ev.profile]})" for i in grouped[d][1])
                detail = "; ".join(x for x in (present and f"present: {present}", unknown and f"unknown: {unknown}") if x)
                lines.append(f"{tag} R1 {d} ({cat.dimensions[d].name}): {_DIM_STATUS[ev.dims[n]]}"
                             + (f" - {detail}" if detail else " - no indicator present"))
            rule = "R3" if cat.profiles[ev.profile].age_group == "child" else "R2"
            rules = cat.child_types if rule == "R3" else cat.adult_types
            for tr, (key, value) in zip(rules, ev.type_values, strict=True):
                cond = " + ".join(tr.all) + (f" + ({' or '.join(tr.any)})" if tr.any else "")
                lines.append(f"{tag} {rule} {cat.text('types', key, 'en')} = {cond}: {_DETERMINATION[value]}")
            if rule == "R3":
                agg = [d for d in cat.child_aggravating if ev.dims[dims.index(d)] == POS]
                if agg:
                    lines.append(f"{tag} R3 aggravating evidence: {', '.join(agg)} positive")
            if ev.r5 == POS:
                lines.append(f"{tag} R5 child in commercial sex: counted as trafficked "
                             f"(ILO rules alone: {_DETERMINATION[ev.ilo_value]})")
            elif ev.r5 == UNK:
                lines.append(f"{tag} R5 commercial sex not answered: it could make the result 'indicators met'")
            if ev.not_in_list:
                lines.append(f"{tag} not in this list, ignored: {', '.join(ev.not_in_list)}")
            lines.append(f"{tag} R4 result: {ev.determination}")
        if "R6" in self.rules_applied:
            results = sorted({_DETERMINATION[e.value] for e in self.evaluations})
            lines.append("R6 age unknown: " + ("lists agree" if len(results) == 1 else
                         f"lists disagree ({' / '.join(results)}) -> {cat.r6_on_disagreement}"))
        p = self.palermo
        lines.append(
            f"Palermo art. 3: act {p.act}" + (f" ({', '.join(p.acts)})" if p.acts else "")
            + f"; means {p.means}" + (f" ({', '.join(p.means_found)})" if p.means_found else "")
            + f"; purpose {p.purpose}" + (f" ({', '.join(p.purposes)})" if p.purposes else "")
            + f"; child {'yes' if p.child else 'no' if p.child is False else 'unknown'}; elements met: {p.met}"
        )
        if self.divergence:
            lines.append(f"Divergence: {self.divergence_note}")
        if self.ilo_strict_determination != self.determination:
            lines.append(f"ILO/EC rules alone (without R5): {self.ilo_strict_determination}")
        if self.open_questions:
            lines.append("Open questions that could change the result: " + ", ".join(self.open_questions))
        unverified = [r for r in self.rules_applied if cat.rule_status[r] in ("secondary", "reconstruction")]
        if unverified:
            lines.append("Rules not verified against the source: " + ", ".join(
                f"{r} ({cat.rule_status[r]})" for r in unverified) + "; see docs/screening.md")
        policy = [r for r in self.rules_applied if cat.rule_status[r] == "policy"]
        if policy:
            lines.append("Project policy choices used: " + ", ".join(policy))
        lines.append("Next steps: " + ", ".join(self.next_steps))
        lines.append(f"Catalogue version {self.catalogue_version} (digest {self.catalogue_digest})")
        return lines

    def summary(self) -> str:
        """A readable explanation for a caseworker (English)."""
        return "\n".join(self.explanation())

    def to_dict(self) -> dict[str, object]:
        return {
            "determination": self.determination,
            "label": self.label,
            "trafficking_types": list(self.trafficking_types),
            "possible_types": list(self.possible_types),
            "dimensions": dict(self.dimensions),
            "palermo": self.palermo.to_dict(),
            "divergence": self.divergence,
            "divergence_note": self.divergence_note,
            "ilo_strict_determination": self.ilo_strict_determination,
            "ilo_strict_label": self.ilo_strict_label,
            "rules_applied": list(self.rules_applied),
            "rule_status": {r: self.catalogue.rule_status[r] for r in self.rules_applied},
            "rules_text": {r: _RULE_TEXT[r] for r in self.rules_applied},
            "evidence": self.evidence,
            "open_questions": list(self.open_questions),
            "next_steps": list(self.next_steps),
            "profiles_evaluated": list(self.profiles_evaluated),
            "evaluations": [e.to_dict(self.catalogue) for e in self.evaluations],
            "explanation": self.explanation(),
            "catalogue_version": self.catalogue_version,
            "catalogue_digest": self.catalogue_digest,
        }


def _profile_line(cat: Catalogue, a: Answers, profiles: Sequence[str]) -> str:
    if a.profile is not None:
        return f"R7 profile: {a.profile} (given)"
    why = []
    why.append(f"age {a.age}" if a.age is not None else "age unknown (R6: adult and child lists)")
    why.append(f"form {a.form}" if a.form is not None else "form unknown (R7: both forms, more protective result)")
    return f"R7 profile: {', '.join(profiles)} from {' and '.join(why)}"


# ----------------------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------------------


def choose_profiles(answers: Answers, catalogue: Catalogue | None = None) -> tuple[str, ...]:
    """R6/R7: the lists to evaluate. A given profile wins; otherwise age group x form, where an
    unknown age or form means both."""
    cat = catalogue or default_catalogue()
    if answers.profile is not None:
        return (answers.profile,)
    if answers.age is None:
        groups: tuple[str, ...] = ("adult", "child")
    else:
        groups = ("child",) if answers.age < cat.child_age_limit else ("adult",)
    forms = (answers.form,) if answers.form is not None else ("labour", "sexual")
    return tuple(p for p, prof in cat.profiles.items() if prof.age_group in groups and prof.form in forms)


def _evaluate(
    cc: _Compiled, cat: Catalogue, profile: str, present: Sequence[str], unknown: Sequence[str],
    commercial_sex: bool | None, act: int,
) -> ProfileEvaluation:
    """R1-R5 for one list. ``present``/``unknown`` come sorted in catalogue order."""
    weights = cc.weights[profile]
    ndim = len(cc.dims)
    counts = [0] * (3 * ndim)
    ucounts = [0] * (3 * ndim)
    in_list: list[str] = []
    not_in: list[str] = []
    for i in present:
        slot = weights.get(i)
        if slot is None:
            not_in.append(i)
        else:
            counts[slot] += 1
            in_list.append(i)
    unknown_in: list[str] = []
    for i in unknown:
        slot = weights.get(i)
        if slot is not None:
            ucounts[slot] += 1
            unknown_in.append(i)

    vals = [NEG] * (ndim + 1)
    table, size = cc.r1_table, cc.size
    for d in range(ndim):
        k = 3 * d
        s, m, w = counts[k], counts[k + 1], counts[k + 2]
        if table[(s * size + m) * size + w]:
            vals[d] = POS
        else:
            us, um, uw = ucounts[k], ucounts[k + 1], ucounts[k + 2]
            if (us or um or uw) and table[((s + us) * size + m + um) * size + w + uw]:
                vals[d] = UNK
    vals[ndim] = act

    group = cc.age_group[profile]
    rules = cc.types[group]
    type_values = []
    ilo = NEG
    for key, all_, any_ in rules:
        v = min([vals[t] for t in all_])
        if any_ and v:
            v = min(v, max([vals[t] for t in any_]))
        type_values.append((key, v))
        if v > ilo:
            ilo = v
    r5 = NEG
    if group == "child" and cat.r5_enabled:
        if commercial_sex is True:
            r5 = POS
        elif commercial_sex is None and profile in cat.r5_unknown_counts_in:
            r5 = UNK
    value = ilo if ilo > r5 else r5
    opens: tuple[str, ...] = ()
    if value == UNK:
        opens = _open_questions(cc, rules, type_values, vals, unknown_in, r5)
    return ProfileEvaluation(
        profile=profile,
        value=value,
        ilo_value=ilo,
        dims=tuple(vals[:ndim]),
        present=tuple(in_list),
        unknown=tuple(unknown_in),
        type_values=tuple(type_values),
        r5=r5,
        r5_type=cat.r5_type,
        not_in_list=tuple(not_in),
        open_questions=opens,
    )


def _open_questions(
    cc: _Compiled, rules: Sequence[tuple[str, tuple[int, ...], tuple[int, ...]]],
    type_values: Sequence[tuple[str, int]], vals: Sequence[int], unknown: Sequence[str], r5: int,
) -> tuple[str, ...]:
    """R4: the unknown answers that could change an undecided result: the unknown indicators of
    the unknown dimensions of each undecided type (and the commercial-sex question for R5)."""
    ndim = len(cc.dims)
    wanted: set[int] = set()
    for (_key, v), (_k, all_, any_) in zip(type_values, rules, strict=True):
        if v == UNK:
            wanted.update(t for t in all_ + any_ if vals[t] == UNK)
    opens = [i for i in unknown if cc.dim_of[i] in wanted]
    if ndim in wanted:
        opens.append("CTX_THIRD_PARTY")
    if r5 == UNK:
        opens.append("CTX_COMMERCIAL_SEX")
    return tuple(opens)


def _union(seqs: Iterable[Sequence[str]]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for s in seqs:
        out.update(dict.fromkeys(s))
    return tuple(out)


_Combined = tuple[int, tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[str, ...]]


def _combine(cc: _Compiled, evals: Sequence[ProfileEvaluation], ilo: bool) -> _Combined:
    """R7 within an age group (most protective form), then R6 across age groups.

    Returns (value, types, possible types, dimension values, open questions).
    """
    if len(evals) == 1:
        e = evals[0]
        if ilo:
            return e.ilo_value, e.ilo_types, (), e.dims, ()
        return e.value, e.types, e.possible_types, e.dims, e.open_questions
    per_group: list[_Combined] = []
    for group in ("adult", "child"):
        members = [e for e in evals if cc.age_group[e.profile] == group]
        if not members:
            continue
        value_of = (lambda e: e.ilo_value) if ilo else (lambda e: e.value)
        best_rank = max(cc.rank[value_of(e)] for e in members)
        best = [e for e in members if cc.rank[value_of(e)] == best_rank]
        value = value_of(best[0])
        types = _union((e.ilo_types if ilo else e.types) for e in best)
        possible = _union(e.possible_types for e in best) if value == UNK and not ilo else ()
        dims = tuple(max(col) for col in zip(*(e.dims for e in best), strict=True))
        opens = _union(e.open_questions for e in best) if value == UNK and not ilo else ()
        per_group.append((value, types, possible, dims, opens))
    if len(per_group) == 1:
        return per_group[0]
    (va, ta, pa, da, oa), (vc, tc, pc, dc, oc) = per_group
    dims = tuple(x if x == y else UNK for x, y in zip(da, dc, strict=True))
    if va == vc:
        both = tuple(t for t in ta if t in tc)
        return va, (both or _union((ta, tc))), _union((pa, pc)), dims, _union((oa, oc))
    value = cc.r6_value
    if value == POS:
        return value, _union((ta, tc)), (), dims, ()
    if value == NEG:
        return value, (), (), dims, ()
    return value, (), _union((ta, tc, pa, pc)), dims, _union((("CTX_AGE",), oa, oc))


def _next_steps(cc: _Compiled, determination: int, child: bool | None, a: Answers,
                dim_values: Sequence[int], palermo: PalermoAssessment) -> tuple[str, ...]:
    """The next-step keys whose conditions (interview.toml ``[[next_step]]``) hold."""
    facts = {"always", ("not_met", "insufficient", "met")[determination],
             "child" if child else "adult" if child is False else "age_unknown"}
    if palermo.met in ("yes", "contested"):
        facts.add("palermo_met")
    if a.visa is not None:
        facts.add("visa:" + a.visa)
        if a.visa != "japanese_national":
            facts.add("foreign")
    if a.commercial_sex is True:
        facts.add("commercial_sex")
    for n, names in cc.dim_facts:
        facts.add(names[dim_values[n]])
    for i in cc.step_indicators:
        if i in a.present:
            facts.add("indicator:" + i)
    return tuple(key for key, all_, any_ in cc.steps if all_ <= facts and (not any_ or not any_.isdisjoint(facts)))


def _divergence(determination: int, palermo: PalermoAssessment) -> str | None:
    if determination == POS and palermo.met == "contested":
        return ("indicators are met through R5 (a child in commercial sex), but nobody recruited, moved, "
                "harboured or received the child; whether this is a Palermo act is contested")
    if determination == POS and palermo.met == "no":
        missing = [n for n, v in (("act", palermo.act), ("means", palermo.means), ("purpose", palermo.purpose))
                   if v == "absent" and not (n == "means" and palermo.child)]
        return "ILO/EC indicators are met but the Palermo elements are not: absent " + ", ".join(missing)
    if determination == NEG and palermo.met == "yes":
        return "the Palermo elements appear present but the ILO/EC indicator combinations are not met"
    return None


def screen(answers: Answers | Mapping[str, object], catalogue: Catalogue | None = None) -> ScreeningResult:
    """Screen one answers object (a parsed-JSON mapping or :class:`Answers`)."""
    cat = catalogue or default_catalogue()
    a = answers if isinstance(answers, Answers) else parse_answers(answers, cat)
    cc = _compiled(cat)
    profiles = choose_profiles(a, cat)
    if a.third_party_acts is None:
        act = UNK
    else:
        act = POS if a.third_party_acts else NEG
    order = cc.order.__getitem__
    present = sorted(a.present, key=order)
    unknown = sorted(a.unknown, key=order) if a.unknown else ()
    evals = tuple(_evaluate(cc, cat, p, present, unknown, a.commercial_sex, act) for p in profiles)
    value, types, possible, dim_values, opens = _combine(cc, evals, ilo=False)
    if any(e.r5 for e in evals):
        ilo_value, ilo_types, _, _, _ = _combine(cc, evals, ilo=True)
    else:  # without R5 the ILO-only result is the result
        ilo_value, ilo_types = value, types
    dims = {d: _DIM_STATUS[v] for d, v in zip(cc.dims, dim_values, strict=True)}

    if a.age is not None:
        child: bool | None = a.age < cat.child_age_limit
    elif a.profile is not None:
        child = cat.profiles[a.profile].age_group == "child"
    else:
        child = None
    forms = {cat.profiles[p].form for p in profiles}
    sexual_form = UNK if len(forms) == 2 else POS if "sexual" in forms else NEG
    palermo = assess_palermo(cat, dict(zip(cc.dims, dim_values, strict=True)), a.third_party_acts,
                             a.commercial_sex, child, sexual_form)
    note = _divergence(value, palermo)

    rules = {"R1", "R4", "R7"}
    groups = {cc.age_group[p] for p in profiles}
    if "adult" in groups:
        rules.add("R2")
    if "child" in groups:
        rules.add("R3")
        if any(e.r5 for e in evals):
            rules.add("R5")
    if len(groups) == 2:
        rules.add("R6")

    return ScreeningResult(
        determination=_DETERMINATION[value],
        trafficking_types=types if value == POS else (),
        possible_types=possible,
        dimensions=dims,
        palermo=palermo,
        divergence=note is not None,
        divergence_note=note,
        ilo_strict_determination=_DETERMINATION[ilo_value],
        ilo_strict_types=ilo_types if ilo_value == POS else (),
        rules_applied=tuple(sorted(rules)),
        open_questions=opens,
        next_steps=_next_steps(cc, value, child, a, dim_values, palermo),
        profiles_evaluated=profiles,
        evaluations=evals,
        answers=a,
        catalogue_version=cat.version,
        catalogue_digest=cat.digest,
        catalogue=cat,
    )


def screen_many(
    items: Iterable[Answers | Mapping[str, object]], catalogue: Catalogue | None = None
) -> list[ScreeningResult]:
    """Screen several answers objects with one catalogue."""
    cat = catalogue or default_catalogue()
    return [screen(item, cat) for item in items]
