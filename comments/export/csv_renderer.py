"""Render an ExportDocument's comment rows as a CSV spreadsheet (one line per comment).

UTF-8 with a byte-order mark so Excel reads Chinese and curly quotes right, CRLF record ends, newlines inside a
field kept (the field is quoted). Characters XML 1.0 cannot hold are dropped and counted, as in the Word file,
so both exports carry the same text. Cells that a spreadsheet would run as a formula get a leading apostrophe
(OWASP "CSV injection"): comments are pasted from drafts and e-mails and the file is opened by other people.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from comments.export.presenter import ExportDocument, ExportRow, sanitize_xml_text, underline_segments

CSV_HEADERS = (
    "Provision",
    "Heading",
    "Provision text",
    "Underlined text",
    "Comment",
    "Recommendation",
    "Kind",
    "Tags",
)
UNDERLINE_JOINER = " … "
TAG_JOINER = "; "
# A spreadsheet treats a cell starting with one of these as a formula (or, for tab, CR and LF, may strip them
# and then see one).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


@dataclass(frozen=True, slots=True)
class RenderedCsv:
    data: bytes
    dropped_characters: int


def neutralise_formula(cell: str) -> str:
    """Prefix a cell a spreadsheet would evaluate with an apostrophe, which makes it plain text."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


def csv_cells(row: ExportRow) -> tuple[list[str], int]:
    """The CSV cells of one row (sanitised, not yet neutralised) and the characters dropped from them.

    "Underlined text" is the spans' texts in document order joined with " … " (spans that touch or overlap read
    as one, as they do in the Word file). It repeats part of the provision text, so its dropped characters are
    counted once.
    """
    pieces, dropped = underline_segments(row.provision_text, row.spans)
    label, k1 = sanitize_xml_text(row.provision_label or "")
    heading, k2 = sanitize_xml_text(row.provision_heading or "")
    comment, k3 = sanitize_xml_text(row.comment)
    recommendation, k4 = sanitize_xml_text(row.recommendation)
    kind, k5 = sanitize_xml_text(row.kind)
    tags, k6 = sanitize_xml_text(TAG_JOINER.join(row.tags))
    cells = [
        label,
        heading,
        "".join(text for text, _ in pieces),
        UNDERLINE_JOINER.join(text for text, underlined in pieces if underlined),
        comment,
        recommendation,
        kind,
        tags,
    ]
    return cells, dropped + k1 + k2 + k3 + k4 + k5 + k6


def render_csv(document: ExportDocument) -> RenderedCsv:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_HEADERS)
    dropped = 0
    for row in document.rows:
        cells, k = csv_cells(row)
        dropped += k
        writer.writerow([neutralise_formula(cell) for cell in cells])
    return RenderedCsv(data=buffer.getvalue().encode("utf-8-sig"), dropped_characters=dropped)
