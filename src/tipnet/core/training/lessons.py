"""Short lessons between practice cases, as data (``lessons/*.toml``), in plain words.

Each lesson has a title and a body in Japanese and English (trainers' languages). A lesson marked
``public = true`` also has a ``summary`` in all nine public languages: the part a trainee may
show or hand to the person in front of them (non-punishment, who to call). The loader refuses a
lesson with a missing text, so a gap is found at start-up, not by a trainee.

Body format: paragraphs separated by a blank line; lines starting with "- " are list items.
Sources: Palermo Protocol art. 3; ILO/EC operational indicators (2009); UNODC Global eLearning
module on trafficking; IOM counter-trafficking training manuals; reference/japan.md.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from tipnet.core.screening import default_catalogue
from tipnet.core.training.cases import CASE_LANGUAGES, CaseProblem, _Collector, _texts

__all__ = ["Lesson", "lesson_blocks", "load_lessons"]


@dataclass(frozen=True, slots=True)
class Lesson:
    id: str
    order: int
    title: Mapping[str, str]
    body: Mapping[str, str]
    public: bool
    summary: Mapping[str, str]

    def text(self, part: str, language: str) -> str:
        """Title, body or summary in ``language``, falling back to English."""
        texts: Mapping[str, str] = getattr(self, part)
        return texts.get(language) or texts.get("en", "")


def lesson_blocks(text: str) -> list[tuple[str, object]]:
    """[("p", text)] paragraphs and [("ul", [items])] lists, for a template to render safely."""
    blocks: list[tuple[str, object]] = []
    for chunk in text.strip().split("\n\n"):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            blocks.append(("ul", [line[2:] for line in lines]))
        elif lines:
            blocks.append(("p", " ".join(lines)))
    return blocks


def _load(path: Path) -> Lesson:
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise CaseProblem(f"{where}: {exc}") from None
    extra = set(data) - {"id", "order", "title", "body", "public", "summary"}
    if extra:
        raise CaseProblem(f"{where}: unknown field {sorted(extra)[0]!r}")
    if data.get("id") != path.stem:
        raise CaseProblem(f"{where}: id must equal the file name {path.stem!r}")
    public = bool(data.get("public", False))
    everyone = default_catalogue().languages
    c = _Collector(where)
    title = _texts(c, data, "title", everyone if public else CASE_LANGUAGES)
    body = _texts(c, data, "body")
    summary = _texts(c, data, "summary", everyone) if public else MappingProxyType({})
    if c.problems:
        raise CaseProblem("\n".join(c.problems))
    return Lesson(id=path.stem, order=int(data.get("order", 0)), title=title, body=body, public=public, summary=summary)


@functools.cache
def load_lessons(path: str | None = None) -> tuple[Lesson, ...]:
    """Every lesson, in ``order``. Raises :class:`CaseProblem` for a bad file."""
    root = Path(path) if path else Path(__file__).with_name("lessons")
    return tuple(sorted((_load(p) for p in root.glob("*.toml")), key=lambda lesson: (lesson.order, lesson.id)))
