"""Export benchmark: render a generated 500-row and a 2,000-row Word submission.

For each size prints the render time (median of 5), the Python heap peak (tracemalloc; lxml/libxml2's C
allocations are not in it, so the process max RSS is printed too) and the ratio to a lower bound measured in
the same run, its calls interleaved with the render's: the same rows' WordprocessingML (rows_xml, row-height
estimate included) concatenated into one string and zipped with a minimal [Content_Types].xml, _rels/.rels and
word/document.xml (a valid minimal docx).
Targets: 500 rows < 0.25 s; Python heap peak < 200 MB; ratio <= 2x. Exits 1 if a target is missed.
Run: .venv/bin/python bench/export.py [--rows 500 2000]
"""

from __future__ import annotations

import argparse
import gc
import io
import random
import resource
import statistics
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from comments.export.docx_renderer import W_NS, render_docx, rows_xml, table_layout  # noqa: E402
from comments.export.presenter import ExportDocument, ExportRow, Span  # noqa: E402

TARGET_SECONDS_500 = 0.25
TARGET_PEAK_MB = 200
TARGET_RATIO = 2.0
REPEAT = 5

_VOCABULARY = (
    "operator shall maintain records technical requirements vehicle conformity authority approval "
    "manufacturer within days notification procedure assessment component market surveillance "
    "measure applicable provisions pursuant paragraph annex regulation equipment inspection"
)
WORDS = tuple(_VOCABULARY.split())

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def make_document(n_rows: int, seed: int = 7) -> ExportDocument:
    rng = random.Random(seed)
    rows = []
    for i in range(n_rows):
        text = words(rng, 60) + ".\n" + words(rng, 60) + "."
        a = rng.randrange(0, 200)
        b = rng.randrange(400, 600)
        spans = (Span(a, a + 60), Span(b, b + 90))
        rows.append(
            ExportRow(
                provision_label=f"Article {i + 1}",
                provision_heading="Technical maintenance requirements",
                provision_text=text,
                spans=spans,
                comment=words(rng, 30) + ".\n" + words(rng, 30) + ".",
                recommendation=words(rng, 60) + ".",
            )
        )
    return ExportDocument(
        title="Comments on the Draft Regulation on Vehicle Maintenance",
        organisation="Example Trade Association",
        date_text="23 November 2026",
        addressee="WTO TBT Enquiry Point",
        opening_paragraphs=("We welcome the opportunity to comment on the draft.",),
        rows=tuple(rows),
    )


def lower_bound(document: ExportDocument) -> bytes:
    """The same body XML as one string, zipped as a minimal valid docx: what render_docx cannot beat."""
    layout = table_layout(document)
    body, _ = rows_xml(document.rows, layout)
    widths = layout.widths
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>'
        "<w:sectPr/></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        zf.writestr("word/document.xml", xml)
    return out.getvalue()


def median_seconds(fns, arg) -> list[float]:
    """Median wall time of each of `fns` on `arg`, the calls interleaved (a, b, a, b, ...) so that a busy
    machine slows them alike and the ratio stays meaningful; garbage collected before each call."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(REPEAT):
        for fn, bucket in zip(fns, times, strict=True):
            gc.collect()
            start = time.perf_counter()
            fn(arg)
            bucket.append(time.perf_counter() - start)
    return [statistics.median(bucket) for bucket in times]


def heap_peak_mb(fn, arg) -> float:
    tracemalloc.start()
    try:
        fn(arg)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 2000], help="table sizes to measure")
    args = parser.parse_args()
    ok = True
    render_docx(make_document(5))  # warm imports and the default template
    for n_rows in args.rows:
        document = make_document(n_rows)
        render_s, bound_s = median_seconds((render_docx, lower_bound), document)
        peak = heap_peak_mb(render_docx, document)
        ratio = render_s / bound_s
        size_kb = len(render_docx(document).data) / 1024
        print(
            f"{n_rows:>5} rows: render {render_s:.3f} s (median of {REPEAT}), lower bound {bound_s:.3f} s, "
            f"ratio {ratio:.2f}x, Python heap peak {peak:.1f} MB, docx {size_kb:.0f} KiB"
        )
        checks = [("ratio", ratio <= TARGET_RATIO, f"<= {TARGET_RATIO}x"), ("heap", peak < TARGET_PEAK_MB, "< 200 MB")]
        if n_rows == 500:
            checks.append(("time", render_s < TARGET_SECONDS_500, f"< {TARGET_SECONDS_500} s"))
        for name, passed, target in checks:
            print(f"       {name:<5} target {target}: {'ok' if passed else 'MISSED'}")
            ok &= passed
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS (whole run, includes libxml2): {rss_mb:.0f} MB")
    print("all targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
