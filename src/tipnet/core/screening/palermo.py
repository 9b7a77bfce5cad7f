"""The Palermo elements (act, means, purpose, child) beside the ILO/EC result.

UN Trafficking in Persons Protocol (2000) art. 3: trafficking is an *act* (recruitment,
transportation, transfer, harbouring, receipt) by *means* (force, coercion, deception, abuse of
vulnerability...) for the *purpose* of exploitation; for a child (under 18, art. 3(d)) the means
are not needed (art. 3(c)). The ILO/EC indicators measure something close but not identical, so
the result shows both and flags where they diverge (reference/screening.md §7). The mapping from
dimensions to elements is in ``data/catalogue.toml`` ``[palermo]``.

Values use Kleene three-valued logic: 2 = present, 1 = unknown, 0 = absent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tipnet.core.screening.catalogue import ACT_TOKEN, PALERMO_PURPOSES, Catalogue

__all__ = ["PalermoAssessment", "assess_palermo"]

YES, UNKNOWN, NO = 2, 1, 0
_ELEMENT = {YES: "present", UNKNOWN: "unknown", NO: "absent"}
_MET = {YES: "yes", UNKNOWN: "unknown", NO: "no"}


@dataclass(frozen=True, slots=True)
class PalermoAssessment:
    """Each element as "present" / "absent" / "unknown" with what supports it.

    ``met`` is "yes", "no", "unknown" or "contested" (R5: a child in commercial sex with no third
    party; whether that is a Palermo *act* is disputed, reference §2.5).
    """

    act: str
    acts: tuple[str, ...]
    means: str
    means_found: tuple[str, ...]
    purpose: str
    purposes: tuple[str, ...]
    child: bool | None
    met: str

    def to_dict(self) -> dict[str, object]:
        return {
            "act": {"status": self.act, "acts": list(self.acts)},
            "means": {"status": self.means, "means": list(self.means_found)},
            "purpose": {"status": self.purpose, "purposes": list(self.purposes)},
            "child": self.child,
            "met": self.met,
        }


def assess_palermo(
    catalogue: Catalogue,
    dims: Mapping[str, int],
    third_party_acts: frozenset[str] | None,
    commercial_sex: bool | None,
    child: bool | None,
    sexual_form: int,
) -> PalermoAssessment:
    """Map dimension values (2/1/0) and the context to the Palermo elements.

    ``sexual_form`` is 2 when the sexual list applies, 0 for labour, 1 when the form is unknown.
    """
    if third_party_acts is None:
        act = UNKNOWN
        acts: tuple[str, ...] = ()
    else:
        acts = tuple(a for a in catalogue.palermo_acts if a in third_party_acts)
        act = YES if acts else NO
    vals = {**dims, ACT_TOKEN: act}

    means = max([vals[d] for d in catalogue.means_dimensions], default=NO)
    found: list[str] = []
    if means == YES:
        for d in catalogue.means_dimensions:
            if vals[d] == YES:
                found.extend(m for m in catalogue.dimensions[d].means if m not in found)

    forced = min([vals[d] for d in catalogue.forced_labour_all])
    if catalogue.forced_labour_any:
        forced = min(forced, max([vals[d] for d in catalogue.forced_labour_any]))
    # An unanswered commercial-sex question only matters where the sexual list may apply (as in R5).
    sold = {True: YES, False: NO, None: UNKNOWN if sexual_form else NO}[commercial_sex]
    prostitution = min(sold, max([vals[d] for d in catalogue.sexual_exploitation_any])) if sold else NO
    other_sexual = min(sexual_form, *[vals[d] for d in catalogue.other_sexual_exploitation_all])
    purpose = max(forced, prostitution, other_sexual)
    # The keys of the purposes' texts in every language (``[palermo.purposes]``).
    purposes = [name for name, value in zip(PALERMO_PURPOSES, (forced, prostitution, other_sexual), strict=True)
                if value == YES]

    adult_met = min(act, means, purpose)
    child_met = min(act, purpose)  # art. 3(c): no means needed
    if child is None:
        met_value = adult_met if adult_met == child_met else UNKNOWN
    else:
        met_value = child_met if child else adult_met
    met = _MET[met_value]
    if child is True and commercial_sex is True and act == NO:
        met = "contested"
    return PalermoAssessment(
        act=_ELEMENT[act], acts=acts, means=_ELEMENT[means], means_found=tuple(found),
        purpose=_ELEMENT[purpose], purposes=tuple(purposes), child=child, met=met,
    )
