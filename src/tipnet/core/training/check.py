"""``tipnet training check``: does each practice case say what the rules say?

A trainer writes the answers *and* the result she expects. The engine scores the with-care answers
(what the person says when asked well) exactly as a real screening, and every disagreement is a
problem named by field: the case would otherwise teach trainees a result the rules never give.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tipnet.core.screening import (
    Catalogue,
    ScreeningInputError,
    ScreeningResult,
    default_catalogue,
    screen,
)
from tipnet.core.training.cases import CaseProblem, PracticeCase, load_case

__all__ = ["CaseCheck", "CheckInputError", "check_case", "check_directory"]


class CheckInputError(ValueError):
    """The directory cannot be checked at all (missing, empty, or a file that is not TOML)."""


@dataclass(frozen=True, slots=True)
class CaseCheck:
    """One case file's check: the engine's result (if the file parsed) and the problems."""

    path: str
    case_id: str
    result: ScreeningResult | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        """One line for the author: ``ok`` or ``FAIL``, the case id and the engine's result."""
        status = "ok  " if self.ok else "FAIL"
        if self.result is None:
            return f"{status} {self.case_id}: not checked ({len(self.problems)} problem(s) in the file)"
        label = f" ({self.result.label})" if self.result.label else ""
        return f"{status} {self.case_id}: {self.result.determination}{label}"


def _diff(name: str, expected: Sequence[str], actual: Sequence[str], why: str) -> list[str]:
    out = []
    missing = [x for x in actual if x not in expected]
    extra = [x for x in expected if x not in actual]
    if missing:
        out.append(f"expected.{name} lacks {', '.join(missing)} ({why})")
    if extra:
        out.append(f"expected.{name} lists {', '.join(extra)}, which the answers do not give ({why})")
    return out


def check_case(case: PracticeCase, catalogue: Catalogue | None = None) -> CaseCheck:
    """Score the case's with-care answers with the engine and compare with ``[expected]``."""
    cat = catalogue or default_catalogue()
    data = case.screening_input(cat)
    try:
        result = screen(data, cat)
    except ScreeningInputError as exc:
        return CaseCheck(case.path, case.id, None, (f"answers: {exc}",))
    problems: list[str] = []
    if result.determination != case.expected_determination:
        problems.append(f"expected.determination is {case.expected_determination!r} "
                        f"but the rules give {result.determination!r}")
    problems += _diff("types", case.expected_types, result.trafficking_types, "the rules' trafficking types")
    problems += _diff("present", case.expected_present, data["present"], "answers \"yes\" with care")  # type: ignore[arg-type]
    problems += _diff("unknown", case.expected_unknown, data["unknown"], "answers \"unknown\" with care")  # type: ignore[arg-type]
    problems += _diff("next_steps", case.expected_next_steps, result.next_steps, "the next steps the rules offer")
    return CaseCheck(case.path, case.id, result, tuple(problems))


def check_directory(path: str | Path, catalogue: Catalogue | None = None) -> list[CaseCheck]:
    """Check every ``*.toml`` in ``path``. A file with field errors is a failed check (its
    problems listed); a missing or empty directory, or a file that is not readable TOML, raises
    :class:`CheckInputError` (bad input: nothing to check)."""
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise CheckInputError(f"{root}: not a directory (give the folder that holds the case files)")
    if not root.is_dir():
        raise CheckInputError(f"{root}: no such directory")
    files = sorted(root.glob("*.toml"))
    if not files:
        raise CheckInputError(f"{root}: no case files (*.toml)")
    cat = catalogue or default_catalogue()
    out = []
    for p in files:
        try:
            case = load_case(p, cat)
        except CaseProblem as exc:
            message = str(exc)
            if ": not valid TOML" in message or ": cannot read" in message:
                raise CheckInputError(message) from None
            problems = tuple(line.split(": ", 1)[1] for line in message.splitlines())
            out.append(CaseCheck(str(p), p.stem, None, problems))
            continue
        out.append(check_case(case, cat))
    return out
