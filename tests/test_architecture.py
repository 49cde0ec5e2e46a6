"""The domain does not import the web layer (the same check `make test` runs as a script)."""

from __future__ import annotations

import runpy
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "check_architecture.py"


def test_comments_imports_nothing_from_the_web() -> None:
    violations = runpy.run_path(str(SCRIPT))["violations"]
    assert violations() == []


def test_the_check_would_catch_a_violation(tmp_path: Path, monkeypatch) -> None:
    namespace = runpy.run_path(str(SCRIPT))
    bad = tmp_path / "comments"
    bad.mkdir()
    (bad / "leak.py").write_text("from fastapi import Request\n")
    check = namespace["violations"]
    check.__globals__["ROOT"] = tmp_path
    assert check() == ["comments/leak.py:1 imports fastapi"]
