"""tipnet.core stays plain Python: the import-linter contract in pyproject.toml must hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support import REPO_ROOT


def test_core_never_imports_django() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run([str(lint_imports)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_imports_without_django_installed_in_sys_modules() -> None:
    code = (
        "import sys, importlib, pkgutil, tipnet.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'tipnet.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert not any(n == 'django' or n.startswith('django.') for n in sys.modules), 'django was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
