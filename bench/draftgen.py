"""A generated draft regulation of any size, as text, .docx and .pdf (seeded: the same bytes every run)."""

from __future__ import annotations

import io
import random

WORDS = (  # noqa: SIM905  (a sentence of words reads better than a list literal)
    "network operators shall establish security management systems and take technical measures to protect "
    "personal information important data critical information infrastructure products services within the "
    "territory competent departments relevant provisions supervision inspection assessment certification "
    "cryptography maintenance overseas providers users obligations rights procedures requirements standards "
    "emergency response incidents monitoring records logs storage transfer cross-border organisations"
).split()
HEADINGS = (
    "Scope", "Definitions", "Security obligations", "Technical maintenance requirements", "Data storage",
    "Supervision and inspection", "Legal liability", "Cryptography", "Procurement", "Emergency response",
)


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def draft_paragraphs(articles: int = 300, seed: int = 7) -> list[str]:
    """About 200 words an article: 300 articles make ~60k words, ~120 pages."""
    rng = random.Random(seed)
    paragraphs = [
        "Measures for the Security Administration of Network Data (Draft for Comment)",
        "The Cyberspace Administration of China has drafted these Measures and solicits public comment.",
        "The deadline for commenting is June 18, 2019.",
    ]
    chapter = 0
    for number in range(1, articles + 1):
        if (number - 1) % 25 == 0:
            chapter += 1
            paragraphs.append(f"Chapter {chapter} {rng.choice(HEADINGS)}")
        body = " ".join(_sentence(rng, rng.randint(14, 24)) for _ in range(10))
        if number > 3 and number % 4 == 0:
            body += f" This applies in accordance with Article {rng.randint(1, number - 1)} of these Measures."
        paragraphs.append(f"Article {number} ({rng.choice(HEADINGS)}) {body}")
        if number % 5 == 0:
            paragraphs.append("Network operators shall:")
            paragraphs.extend(f"({i}) {_sentence(rng, rng.randint(10, 18))[:-1]};" for i in range(1, 4))
        if number % 7 == 0:
            paragraphs.append(_sentence(rng, 30))
    paragraphs.append("Contact: Network Data Office, Tel: 010-5555-0100, Email: comments@example.cn")
    return paragraphs


def as_text(paragraphs: list[str]) -> bytes:
    return "\n\n".join(paragraphs).encode("utf-8")


def as_docx(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_pdf(paragraphs: list[str]) -> bytes:
    """A4 pages with a running header and page numbers, like a published draft."""
    from fpdf import FPDF

    class Draft(FPDF):
        def header(self) -> None:
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, "Draft for Comment - Network Data Measures", align="C")
            self.ln(10)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("Helvetica", size=8)
            self.cell(0, 10, str(self.page_no()), align="C")

    pdf = Draft(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Times", size=11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 5.2, paragraph)
        pdf.ln(2)
    return bytes(pdf.output())
