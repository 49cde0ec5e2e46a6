"""Every benchmark runs at a small size and prints its figures: a benchmark that no longer runs measures nothing.

The targets are not checked here (at these sizes fixed costs dominate, and timing belongs to the benchmarks,
run on their own); a benchmark exits 0 or 1 for met or missed, anything else is a crash.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DatabaseFactory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent

# (script, small-size arguments, lines its report must contain)
BENCHMARKS = [
    ("import.py", ["--articles", "20", "--repeat", "1"], ["txt  read+clean+split", "pdf  read+clean+split"]),
    ("export.py", ["--rows", "50"], ["50 rows: render", "process max RSS"]),
    ("table.py", ["--rows", "20"], ["ratio page / JSON"]),
    ("reuse.py", ["--positions", "200", "--provisions", "20", "--no-semantic"], ["recall@1", "build index"]),
    ("library_import.py", ["--files", "3"], ["baseline, reading the same tables only"]),
]


def run_benchmark(script: str, arguments: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *arguments], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    report = done.stdout + done.stderr
    assert done.returncode in (0, 1), report
    assert "Traceback" not in report, report
    return report


@pytest.mark.parametrize(("script", "arguments", "expected"), BENCHMARKS, ids=[b[0] for b in BENCHMARKS])
def test_benchmark_runs_and_reports(script: str, arguments: list[str], expected: list[str],
                                    databases: DatabaseFactory) -> None:
    if databases.is_postgres:
        pytest.skip("these benchmarks make their own SQLite databases (or none): run once, in the SQLite pass")
    report = run_benchmark(script, arguments)
    assert [line for line in expected if line in report] == expected, report


def test_coedit_benchmark_runs_and_reports(databases: DatabaseFactory) -> None:
    if not databases.is_postgres:
        pytest.skip("bench/coedit.py runs several workers on PostgreSQL: set DATABASE_URL to PostgreSQL")
    report = run_benchmark("coedit.py", [
        "--editors", "4", "--seconds", "2", "--warmup", "1", "--rows", "20",
        "--database-url", os.environ["DATABASE_URL"],
    ])
    for line in ("save (POST /rows/{id}/text)", "fan-out: save -> others' event", "/healthz under the same load",
                 "errors: 0 "):
        assert line in report, report
