"""Positions-library import benchmark: 100 past Word submissions into the library, through the real command.

Writes 100 past submissions as Word files (20 rows each: ~80-word provision text with an underline, ~40-word
comment and recommendation; rendered by the project's own exporter, so they are real .docx comment tables),
then runs `commentdesk positions import` on all of them against a fresh SQLite database, as a user would,
and reads its progress lines as they come. Prints the total time, the time per file, the slowest file, and the
ratio to a baseline measured in the same run: reading the same 100 tables with the comment-table reader alone,
in one process, storing nothing (what any import must at least do).
Target (2-core machine): 100 files in under 60 s, with a progress line per file. Exits 1 when missed.
Run: .venv/bin/python bench/library_import.py [--files N]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export import words  # noqa: E402
from comments.export.docx_renderer import render_docx  # noqa: E402
from comments.export.presenter import ExportDocument, ExportRow, Span  # noqa: E402
from comments.importing.comment_table import read_comment_table  # noqa: E402
from comments.importing.safety import ImportLimits  # noqa: E402

TARGET_SECONDS = 60.0
ROWS_PER_FILE = 20


def past_submission(number: int) -> bytes:
    rng = random.Random(number)
    rows = []
    for i in range(ROWS_PER_FILE):
        text = words(rng, 40) + ".\n" + words(rng, 40) + "."
        start = rng.randrange(0, 100)
        rows.append(ExportRow(
            provision_label=f"Article {i + 1}", provision_heading=None, provision_text=text,
            spans=(Span(start, start + 30),), comment=words(rng, 40) + ".", recommendation=words(rng, 40) + ".",
        ))
    document = ExportDocument(title=f"Comments on Draft Measures No. {number}", organisation="Bench Association",
                              addressee=None, date_text=None, opening_paragraphs=(), rows=tuple(rows))
    return render_docx(document).data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = []
        for number in range(args.files):
            path = folder / f"past-{number:03}.docx"
            path.write_bytes(past_submission(number))
            paths.append(path)

        started = time.perf_counter()
        for path in paths:
            read_comment_table(path.read_bytes(), ImportLimits())
        baseline = time.perf_counter() - started

        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/library.db", "PYTHONPATH": str(ROOT)}
        cli = [sys.executable, "-m", "app.cli"]
        subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True, cwd=folder)
        started = time.perf_counter()
        process = subprocess.Popen([*cli, "positions", "import", *map(str, paths)], env=env, cwd=folder,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert process.stdout is not None
        progress, gaps, last = 0, [], started
        for line in process.stdout:
            if line.startswith("["):
                now = time.perf_counter()
                gaps.append(now - last)
                last = now
                progress += 1
        process.wait()
        total = time.perf_counter() - started
        errors = process.stderr.read() if process.stderr else ""
    ok = process.returncode == 0 and progress == args.files and total < TARGET_SECONDS
    print(f"{args.files} past submissions x {ROWS_PER_FILE} rows through `commentdesk positions import`:")
    print(f"  total {total:6.2f} s   per file {total / args.files * 1000:6.0f} ms   slowest {max(gaps) * 1000:6.0f} ms "
          f"(the first includes start-up)   progress lines {progress}")
    print(f"  baseline, reading the same tables only: {baseline:6.2f} s   ratio {total / baseline:4.2f}x")
    print(f"  target: < {TARGET_SECONDS:.0f} s with a line per file   {'OK' if ok else 'MISSED'}")
    if errors.strip():
        print(errors.strip(), file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
