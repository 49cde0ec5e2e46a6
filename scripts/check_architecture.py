"""The domain package `comments` must not import the web layer (fastapi, starlette, jinja2, app)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

FORBIDDEN = ("fastapi", "starlette", "jinja2", "app", "uvicorn", "multipart")
ROOT = Path(__file__).resolve().parent.parent


def violations() -> list[str]:
    found = []
    for path in sorted((ROOT / "comments").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    return found


if __name__ == "__main__":
    problems = violations()
    for problem in problems:
        print(problem, file=sys.stderr)
    sys.exit(1 if problems else 0)
