"""Import benchmark: a generated 300-article (~60k words, ~120 pages) draft as .txt, .docx and .pdf.

Prints, for each format, the time to read + clean + split and the peak memory of a process that does
only that, and for the PDF the ratio to pypdfium2's own bare text extraction of the same file.
Targets (2-core machine): txt and docx < 1 s; pdf <= 1.5x bare extraction; peak memory < 300 MB.
Run: .venv/bin/python bench/import.py [--articles N] [--repeat K]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 1.0
TARGET_PDF_RATIO = 1.5
TARGET_PEAK_MB = 300


def bare_pdf_extraction(data: bytes) -> int:
    """The lower bound: pdfium's own text of every page, nothing else."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    characters = 0
    try:
        for page in document:
            textpage = page.get_textpage()
            characters += len(textpage.get_text_range())
            textpage.close()
            page.close()
    finally:
        document.close()
    return characters


def full_import(data: bytes, name: str) -> int:
    from comments.importing.readers import read_file
    from comments.importing.splitter import split_document

    return len(split_document(read_file(data, name)).provisions)


def measure_in_child(task: str, path: Path, repeat: int) -> dict[str, float]:
    """Run one task in a fresh process so its peak memory is its own."""
    output = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path), "--repeat", str(repeat)],
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(output)


def child(task: str, path: Path, repeat: int) -> None:
    data = path.read_bytes()
    work = (lambda: bare_pdf_extraction(data)) if task == "bare-pdf" else (lambda: full_import(data, path.name))
    before = peak_rss_mb()
    work()  # warm-up: imports and first-call costs are not what we measure
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    print(json.dumps({"seconds": statistics.median(times), "peak_mb": peak_rss_mb(),
                      "baseline_mb": before, "result": result}))


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM; ru_maxrss would carry the parent's over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", nargs=2, metavar=("TASK", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.repeat)
        return 0

    from bench import draftgen

    paragraphs = draftgen.draft_paragraphs(args.articles)
    words = sum(len(p.split()) for p in paragraphs)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        files = {
            "txt": Path(tmp, "draft.txt"), "docx": Path(tmp, "draft.docx"), "pdf": Path(tmp, "draft.pdf"),
        }
        files["txt"].write_bytes(draftgen.as_text(paragraphs))
        files["docx"].write_bytes(draftgen.as_docx(paragraphs))
        files["pdf"].write_bytes(draftgen.as_pdf(paragraphs))
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(files["pdf"].read_bytes()))
        print(f"draft: {args.articles} articles, {words:,} words, {pages} PDF pages; median of {args.repeat} runs")
        bare = measure_in_child("bare-pdf", files["pdf"], args.repeat)
        print(f"  pdf bare extraction (pypdfium2)  {bare['seconds'] * 1000:8.1f} ms  peak {bare['peak_mb']:6.1f} MB")
        for kind, path in files.items():
            figures = measure_in_child("import", path, args.repeat)
            line = (f"  {kind:<4} read+clean+split           {figures['seconds'] * 1000:8.1f} ms  "
                    f"peak {figures['peak_mb']:6.1f} MB  provisions {figures['result']}")
            if kind == "pdf":
                ratio = figures["seconds"] / bare["seconds"]
                line += f"  ratio to bare extraction {ratio:.2f}x (target <= {TARGET_PDF_RATIO}x)"
                if ratio > TARGET_PDF_RATIO:
                    failures.append(f"pdf ratio {ratio:.2f}x")
            else:
                line += f"  ratio to 1 s target {figures['seconds'] / TARGET_SECONDS:.2f}"
                if figures["seconds"] > TARGET_SECONDS:
                    failures.append(f"{kind} {figures['seconds']:.2f} s")
            if figures["peak_mb"] > TARGET_PEAK_MB:
                failures.append(f"{kind} peak {figures['peak_mb']:.0f} MB")
            print(line)
    print("targets met" if not failures else "TARGETS MISSED: " + ", ".join(failures))
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
