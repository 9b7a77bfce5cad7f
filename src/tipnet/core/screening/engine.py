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
        self.weights: dict[str, dict[str, tuple[int, int]]] = {
            p: {
                i: (index[ind.dimension], _STRENGTH_INDEX[s])
                for i, ind in cat.indicators.items()
                if (s := ind.strengths[p]) is not None
            }
            for p in cat.profiles
        }
        self.combos = cat.r1_combinations
        self.memo: dict[tuple[int, int, int], bool] = {}

        def compile_types(rules: Iterable) -> tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]:
            return tuple((r.key, tuple(index[t] for t in r.all), tuple(index[t] for t in r.any)) for r in rules)

        self.types = {"adult": compile_types(cat.adult_types), "child": compile_types(cat.child_types)}
        self.age_group = {p: prof.age_group for p, prof in cat.profiles.items()}
        n = len(cat.protective_order)
        self.rank = {_DETERMINATION.index(d): n - k for k, d in enumerate(cat.protective_order)}
        self.r6_value = _DETERMINATION.index(cat.r6_on_disagreement)
        self.order = {i: n for n, i in enumerate(cat.indicators)}

    def r1(self, s: int, m: int, w: int) -> bool:
        """R1, memoised on the (strong, medium, weak) counts."""
        key = (s, m, w)
        hit = self.memo.get(key)
        if hit is None:
            hit = any(
                s >= a and m >= b and w >= c and (m - b) + (w - c) >= d for a, b, c, d in self.combos
            )
            self.memo[key] = hit
        return hit


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
    present_by_dim: tuple[tuple[str, ...], ...]
    unknown_by_dim: tuple[tuple[str, ...], ...]
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

    def to_dict(self, dims: Sequence[str]) -> dict[str, object]:
        return {
            "profile": self.profile,
            "determination": self.determination,
            "ilo_strict_determination": _DETERMINATION[self.ilo_value],
            "trafficking_types": list(self.types),
            "possible_types": list(self.possible_types),
            "dimensions": {
                d: {
                    "status": _DIM_STATUS[self.dims[n]],
                    "present": list(self.present_by_dim[n]),
                    "unknown": list(self.unknown_by_dim[n]),
                }
                for n, d in enumerate(dims)
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
            for n, d in enumerate(dims):
                present = ", ".join(f"{i} ({cat.indicators[i].strengths[ev.profile]})" for i in ev.present_by_dim[n])
                unknown = ", ".join(f"{i} ({cat.indicators[i].strengths[ev.profile]})" for i in ev.unknown_by_dim[n])
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
        dims = tuple(self.catalogue.dimensions)
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
            "evaluations": [e.to_dict(dims) for e in self.evaluations],
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


def _evaluate(cc: _Compiled, cat: Catalogue, profile: str, a: Answers, act: int) -> ProfileEvaluation:
    weights = cc.weights[profile]
    ndim = len(cc.dims)
    counts = [0] * (3 * ndim)
    ucounts = [0] * (3 * ndim)
    present_by: list[list[str]] = [[] for _ in range(ndim)]
    unknown_by: list[list[str]] = [[] for _ in range(ndim)]
    not_in: list[str] = []
    order = cc.order
    for i in sorted(a.present, key=order.__getitem__):
        wt = weights.get(i)
        if wt is None:
            not_in.append(i)
            continue
        counts[3 * wt[0] + wt[1]] += 1
        present_by[wt[0]].append(i)
    for i in sorted(a.unknown, key=order.__getitem__):
        wt = weights.get(i)
        if wt is not None:
            ucounts[3 * wt[0] + wt[1]] += 1
            unknown_by[wt[0]].append(i)

    vals = [0] * (ndim + 1)
    r1 = cc.r1
    for d in range(ndim):
        k = 3 * d
        s, m, w = counts[k], counts[k + 1], counts[k + 2]
        if r1(s, m, w):
            vals[d] = POS
        elif unknown_by[d] and r1(s + ucounts[k], m + ucounts[k + 1], w + ucounts[k + 2]):
            vals[d] = UNK
    vals[ndim] = act

    group = cc.age_group[profile]
    type_values = []
    ilo = NEG
    opens: list[str] = []
    for key, all_, any_ in cc.types[group]:
        v = min(vals[t] for t in all_)
        if any_:
            v = min(v, max(vals[t] for t in any_))
        type_values.append((key, v))
        ilo = max(ilo, v)
    if ilo == UNK:
        # Unknown answers in the unknown dimensions of an undecided type could change the result.
        for (_key, v), (_k, all_, any_) in zip(type_values, cc.types[group], strict=True):
            if v == UNK:
                for t in all_ + any_:
                    if vals[t] == UNK:
                        if t == ndim:
                            opens.append("CTX_THIRD_PARTY")
                        else:
                            opens.extend(unknown_by[t])
    r5 = NEG
    if group == "child" and cat.r5_enabled:
        if a.commercial_sex is True:
            r5 = POS
        elif a.commercial_sex is None and profile in cat.r5_unknown_counts_in:
            r5 = UNK
    value = max(ilo, r5)
    if r5 == UNK and value == UNK:
        opens.append("CTX_COMMERCIAL_SEX")
    if value != UNK:
        opens = []
    return ProfileEvaluation(
        profile=profile,
        value=value,
        ilo_value=ilo,
        dims=tuple(vals[:ndim]),
        present_by_dim=tuple(map(tuple, present_by)),
        unknown_by_dim=tuple(map(tuple, unknown_by)),
        type_values=tuple(type_values),
        r5=r5,
        r5_type=cat.r5_type,
        not_in_list=tuple(not_in),
        open_questions=tuple(dict.fromkeys(opens)),
    )


def _union(seqs: Iterable[Sequence[str]]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for s in seqs:
        out.update(dict.fromkeys(s))
    return tuple(out)


def _combine(
    cc: _Compiled, evals: Sequence[ProfileEvaluation], ilo: bool
) -> tuple[int, tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    """R7 within an age group (most protective form), then R6 across age groups.

    Returns (value, types, possible types, dimension values, open questions).
    """
    per_group: list[tuple[int, tuple[str, ...], tuple[str, ...], tuple[int, ...], tuple[str, ...]]] = []
    for group in ("adult", "child"):
        members = [e for e in evals if cc.age_group[e.profile] == group]
        if not members:
            continue
        value_of = (lambda e: e.ilo_value) if ilo else (lambda e: e.value)
        best_rank = max(cc.rank[value_of(e)] for e in members)
        best = [e for e in members if cc.rank[value_of(e)] == best_rank]
        value = value_of(best[0])
        types = _union((e.ilo_types if ilo else e.types) for e in best)
        possible = _union(e.possible_types for e in best) if value == UNK else ()
        dims = tuple(max(col) for col in zip(*(e.dims for e in best), strict=True))
        opens = _union(e.open_questions for e in best) if value == UNK else ()
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


def _next_steps(cat: Catalogue, determination: int, child: bool | None, a: Answers,
                dims: Mapping[str, str], palermo: PalermoAssessment) -> tuple[str, ...]:
    def holds(tok: str) -> bool:
        if tok == "always":
            return True
        if tok == "palermo_met":
            return palermo.met in ("yes", "contested")
        if tok == "met":
            return determination == POS
        if tok == "insufficient":
            return determination == UNK
        if tok == "not_met":
            return determination == NEG
        if tok == "child":
            return child is True
        if tok == "adult":
            return child is False
        if tok == "age_unknown":
            return child is None
        if tok == "foreign":
            return a.visa is not None and a.visa != "japanese_national"
        if tok == "commercial_sex":
            return a.commercial_sex is True
        kind, _, rest = tok.partition(":")
        if kind == "visa":
            return a.visa == rest
        if kind == "indicator":
            return rest in a.present
        dim, _, status = rest.partition(":")  # dimension:<DIM>:<status>
        return dims[dim] == status

    return tuple(
        s.key for s in cat.next_steps
        if all(holds(t) for t in s.all) and (not s.any or any(holds(t) for t in s.any))
    )


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
    evals = tuple(_evaluate(cc, cat, p, a, act) for p in profiles)
    value, types, possible, dim_values, opens = _combine(cc, evals, ilo=False)
    ilo_value, ilo_types, _, _, _ = _combine(cc, evals, ilo=True)
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
        next_steps=_next_steps(cat, value, child, a, dims, palermo),
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
