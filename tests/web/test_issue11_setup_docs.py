"""Issue 11, set-up: a newcomer learns from the README what the skipped tests need.

Without axe-core or the Noto fonts the accessibility and glyph tests skip; the README must say that
`npm ci` installs axe-core and name the Debian font packages, the same ones CI installs and the
skip messages name, so the three cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def ci_font_packages() -> set[str]:
    return set(re.findall(r"packages\+=\((fonts-[a-z0-9-]+)\)", (ROOT / ".ci" / "run").read_text(encoding="utf-8")))


def test_ci_installs_the_noto_fonts_and_axe() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci_font_packages() == {"fonts-noto-core", "fonts-noto-cjk"}
    assert "npm ci" in ci


def test_the_readme_says_what_npm_ci_and_the_fonts_enable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`npm ci`" in readme and "axe" in readme
    for package in ci_font_packages():
        assert f"`{package}`" in readme, package
        assert "apt-get install fonts-noto-core fonts-noto-cjk" in readme


def test_the_skip_messages_name_the_same_packages() -> None:
    sources = [(ROOT / "tests" / "e2e" / name).read_text(encoding="utf-8") for name in ("test_public_pages.py",)]
    sources.append((ROOT / "tests" / "web" / "test_research_chart.py").read_text(encoding="utf-8"))
    for source in sources:
        for package in ci_font_packages():
            assert package in source, package
    axe = [(ROOT / "tests" / "e2e" / name).read_text(encoding="utf-8") for name in ("test_people_path.py", "test_directory.py")]
    assert all("npm ci" in source for source in axe)
