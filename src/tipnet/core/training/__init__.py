"""Training: practice cases that answer back, scored by the screening engine's own rules.

Pure Python (never imports Django). A trainer writes practice cases as TOML (``cases.py``), checks
them with ``tipnet training check`` (``check.py``); the web app lets a trainee interview a case and
scores the record (``scoring.py``); short lessons between cases are data too (``lessons.py``).
Anchors: UNODC Global eLearning modules on trafficking, IOM training manuals, the ILO/EC indicator
brochure (2009); Vera Institute TVIT guidelines (2014) for the "asked with care" rule.
"""

from tipnet.core.training.cases import (
    Answer,
    CaseProblem,
    PracticeCase,
    case_dir,
    load_case,
    load_cases,
    parse_case,
)
from tipnet.core.training.check import CaseCheck, CheckInputError, check_case, check_directory
from tipnet.core.training.lessons import Lesson, lesson_blocks, load_lessons
from tipnet.core.training.scoring import KEY_STEPS, Asked, Feedback, TraineeRecord, ask, score

__all__ = [
    "KEY_STEPS",
    "Answer",
    "Asked",
    "CaseCheck",
    "CaseProblem",
    "CheckInputError",
    "Feedback",
    "Lesson",
    "PracticeCase",
    "TraineeRecord",
    "ask",
    "case_dir",
    "check_case",
    "check_directory",
    "load_case",
    "load_cases",
    "load_lessons",
    "lesson_blocks",
    "parse_case",
    "score",
]
