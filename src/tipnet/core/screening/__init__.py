"""Victim-identification screening: ILO/EC indicators, rules R1-R7 and the Palermo elements.

Pure Python (never imports Django). Typical use::

    from tipnet.core.screening import screen, default_catalogue
    result = screen({"age": 24, "form": "labour", "present": ["DR_WAGES", ...],
                     "context": {"third_party_acts": ["recruitment"], "visa": "technical_intern"}})
    result.determination, result.label, result.summary(), result.to_dict()

    cat = default_catalogue()
    cat.questions("adult_labour", "vi")     # ordered interview questions (welfare first)
    cat.text("next_steps", "shelter", "ja")  # next-step text

A result is a screening aid for a caseworker, never a legal determination, and never says that
someone is not a victim. Sources: ILO/EC *Operational indicators of trafficking in human beings*
(2009); UN Trafficking in Persons Protocol (2000) art. 3; Vera Institute TVIT (2014).
"""

from tipnet.core.screening.answers import Answers, ScreeningInputError, parse_answers
from tipnet.core.screening.catalogue import (
    Catalogue,
    CatalogueError,
    Indicator,
    Question,
    default_catalogue,
    load_catalogue,
)
from tipnet.core.screening.engine import (
    ProfileEvaluation,
    ScreeningResult,
    choose_profiles,
    screen,
    screen_many,
)
from tipnet.core.screening.palermo import PalermoAssessment

__all__ = [
    "Answers",
    "Catalogue",
    "CatalogueError",
    "Indicator",
    "PalermoAssessment",
    "ProfileEvaluation",
    "Question",
    "ScreeningInputError",
    "ScreeningResult",
    "choose_profiles",
    "default_catalogue",
    "load_catalogue",
    "parse_answers",
    "screen",
    "screen_many",
]
