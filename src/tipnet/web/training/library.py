"""The shipped practice cases and lessons, loaded once per process (they are package data)."""

from __future__ import annotations

import functools

from tipnet.core.training import Lesson, PracticeCase, load_cases, load_lessons


@functools.cache
def cases() -> tuple[PracticeCase, ...]:
    return tuple(load_cases())


def case_by_id(case_id: str) -> PracticeCase | None:
    return next((c for c in cases() if c.id == case_id), None)


def lessons() -> tuple[Lesson, ...]:
    return load_lessons()


def lesson_by_id(lesson_id: str) -> Lesson | None:
    return next((lesson for lesson in lessons() if lesson.id == lesson_id), None)
