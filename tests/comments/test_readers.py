"""Readers: pasted text, .txt, .docx and .pdf -> SourceDocument; every bad input -> ImportRejected."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from comments.errors import ImportRejected
from comments.importing.document import Line, SourceDocument
from comments.importing.readers import read_file, read_pasted
from comments.importing.safety import ImportLimits
from tests.fixtures.builders import (
    abstract_num_xml,
    cjk_font_path,
    make_billion_laughs_docx,
    make_corrupt_pdf,
    make_docx,
    make_encrypted_pdf,
    make_fake_pdf_that_is_zip,
    make_lying_size_docx,
    make_many_paragraphs_docx,
    make_pdf,
    make_raw_docx,
    make_scanned_pdf,
    make_xxe_docx,
    make_zip_bomb_docx,
    num_xml,
    paragraph_xml,
)

MiB = 1024 * 1024


def texts(document: SourceDocument) -> list[str]:
    return [line.text for line in document.lines]


def rejected(call: Callable[[], object]) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        call()
    return info.value


@contextmanager
def bounded(megabytes: float = 50) -> Iterator[None]:
    """A safety bound, not a benchmark: refused without unpacking the payload (peak memory stays small).
    Memory, not seconds: a wall-clock bound fails on a busy machine; the speed is in bench/import.py."""
    tracemalloc.start()
    try:
        yield
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < megabytes * MiB, f"peak memory {peak / MiB:.0f} MB"


def rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    """The same package with some members' contents replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, replace.get(name, src.read(name)))
    return out.getvalue()


# --- pasted text ------------------------------------------------------------------------------------


def test_pasted_text_keeps_lines_and_blank_lines() -> None:
    document = read_pasted("Article 1 Scope\r\nThis applies.\n\nArticle 2 Terms")
    assert document.lines == (
        Line("Article 1 Scope"),
        Line("This applies."),
        Line(""),
        Line("Article 2 Terms"),
    )
    assert document.kind == "text"
    assert document.wrapped is None
    assert document.filename is None
    expected = hashlib.sha256(b"Article 1 Scope\r\nThis applies.\n\nArticle 2 Terms").hexdigest()
    assert document.sha256 == expected


def test_form_feeds_number_the_pages() -> None:
    document = read_pasted("Title\nArticle 1\fArticle 2\f\fArticle 3")
    assert [(line.text, line.page) for line in document.lines] == [
        ("Title", 1),
        ("Article 1", 1),
        ("Article 2", 2),
        ("", 3),
        ("Article 3", 4),
    ]


def test_sha256_is_of_the_utf8_text() -> None:
    assert read_pasted("第一条 总则").sha256 == hashlib.sha256("第一条 总则".encode()).hexdigest()


@pytest.mark.parametrize("text", ["", "   ", "\n\t\n", "\ufeff \n"])
def test_empty_paste(text: str) -> None:
    error = rejected(lambda: read_pasted(text))
    assert error.reason == "invalid"
    assert error.message.startswith("The draft is empty")


def test_control_character_in_paste_is_located() -> None:
    error = rejected(lambda: read_pasted("Article 1\nScope\nThe re\x00gulation"))
    assert error.reason == "invalid"
    assert "line 3, column 7" in error.message


def test_paste_too_long() -> None:
    error = rejected(lambda: read_pasted("x" * 101, limits=ImportLimits(max_text_chars=100)))
    assert error.reason == "too_large"
    assert "100" in error.message


# --- .txt files -------------------------------------------------------------------------------------

DRAFT = "Article 1 Scope\nThis regulation applies — “everywhere”.\n第一条 总则\n"


@pytest.mark.parametrize(
    "data",
    [
        DRAFT.encode("utf-8"),
        b"\xef\xbb\xbf" + DRAFT.encode("utf-8"),
        DRAFT.encode("utf-16"),  # with BOM, native order
        b"\xfe\xff" + DRAFT.encode("utf-16-be"),
        b"\xff\xfe" + DRAFT.encode("utf-16-le"),
    ],
)
def test_text_file_encodings(data: bytes) -> None:
    document = read_file(data, "draft.txt")
    assert texts(document) == DRAFT.split("\n")
    assert document.kind == "text"
    assert document.wrapped is None
    assert document.filename == "draft.txt"
    assert document.sha256 == hashlib.sha256(data).hexdigest()


def test_gb18030_chinese() -> None:
    text = "网络产品安全审查办法（征求意见稿）\n第一条 为了提高网络产品安全可控水平，制定本办法。"
    assert texts(read_file(text.encode("gb18030"), "草案.txt")) == text.split("\n")


@pytest.mark.parametrize(
    "data",
    [
        "Règlement über die Sicherheit - café".encode("latin-1"),
        "Ärger mit Müller, Größe".encode("cp1252"),
    ],
)
def test_unknown_encoding(data: bytes) -> None:
    error = rejected(lambda: read_file(data, "draft.txt"))
    assert error.reason == "unsupported"
    assert "not a text file in a known encoding" in error.message


def test_binary_garbage() -> None:
    error = rejected(lambda: read_file(bytes(range(256)) * 20, "draft.txt"))
    assert error.reason == "unsupported"


def test_stray_control_character_in_a_text_file_is_located() -> None:
    error = rejected(lambda: read_file(b"Article 1\nAn\x00d more", "draft.txt"))
    assert error.reason == "invalid"
    assert "line 2, column 3" in error.message


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\ufeff  ".encode("utf-16")])
def test_empty_file(data: bytes) -> None:
    error = rejected(lambda: read_file(data, "draft.txt"))
    assert error.message.startswith("The draft is empty")


def test_file_too_large() -> None:
    error = rejected(lambda: read_file(b"a" * (10 * MiB + 1), "draft.txt"))
    assert error.reason == "too_large"
    assert "the limit is 10 MB" in error.message


@pytest.mark.parametrize("filename", [None, "draft", "Draft v2.0", "notes.md", "Regulation 2024.1"])
def test_text_with_names_that_claim_nothing(filename: str | None) -> None:
    assert texts(read_file(b"Article 1 Scope", filename)) == ["Article 1 Scope"]


# --- the name must agree with the content -----------------------------------------------------------

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 100


def zip_with(name: str, data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("build", "filename", "expected"),
    [
        (make_fake_pdf_that_is_zip, "report.pdf", "“report.pdf” is named like a PDF but is a ZIP archive"),
        (lambda: b"Article 1 Scope", "x.docx", "named like a Word .docx document but is plain text"),
        (lambda: make_pdf([["Article 1"]]), "draft.txt", "named like a text file but is a PDF"),
        (lambda: make_docx(["Article 1"]), "a.doc", "named like a .doc file but is a Word .docx document"),
        (lambda: OLE2, "old.doc", "is an older Office file (.doc, .xls, .ppt)"),
        (lambda: OLE2, "sheet.xls", "is an older Office file"),
        (lambda: OLE2, "draft.docx", "named like a Word .docx document but is an older Office file"),
        (lambda: zip_with("mimetype", b"application/vnd.oasis.opendocument.text"), "d.odt", "OpenDocument"),
        (lambda: zip_with("xl/workbook.xml", b"<workbook/>"), "d.xlsx", "an Excel workbook"),
        (lambda: zip_with("notes.txt", b"hello"), "d.zip", "a ZIP archive"),
        (lambda: PNG, "scan.png", "a PNG image"),
        (lambda: PNG, "scan.pdf", "named like a PDF but is a PNG image"),
        (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 50, None, "The file is a JPEG image"),
        (lambda: b"GIF89a" + b"\x00" * 50, "x.gif", "a GIF image"),
        (lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 100, "setup.exe", "a Windows program"),
        (lambda: b"{\\rtf1\\ansi Article 1}", "draft.rtf", "an RTF document"),
    ],
)
def test_unsupported_or_misnamed(build: Callable[[], bytes], filename: str | None, expected: str) -> None:
    error = rejected(lambda: read_file(build(), filename))
    assert error.reason == "unsupported"
    assert expected in error.message
    assert "Commentdesk accepts .txt, .docx and .pdf files." in error.message


def test_content_decides_when_the_name_claims_nothing() -> None:
    assert read_file(make_docx(["Article 1 Scope."]), "draft").kind == "docx"
    assert read_file(make_pdf([["Article 1 Scope."]]), None).kind == "pdf"
    assert read_file(make_pdf([["Article 1 Scope."]]), "DRAFT.PDF").kind == "pdf"


# --- .docx ------------------------------------------------------------------------------------------


def test_docx_paragraphs_and_line_breaks() -> None:
    data = make_docx(["Draft Measures", "", "Article 1 Scope\n(1) goods;\n(2) services."])
    document = read_file(data, "d.docx")
    assert texts(document) == ["Draft Measures", "Article 1 Scope", "(1) goods;", "(2) services."]
    assert document.kind == "docx"
    assert document.wrapped is False
    assert all(line.page is None for line in document.lines)
    assert document.warnings == ()


def test_docx_auto_numbered_articles() -> None:
    data = make_docx(
        ["Measures on Network Products"],
        numbered=[("article", "Scope"), ("article", "Definitions"), ("article", "")],
    )
    assert texts(read_file(data, "d.docx")) == [
        "Measures on Network Products",
        "Article 1 Scope",
        "Article 2 Definitions",
        "Article 3",  # an empty numbered paragraph still shows (and uses) its number
    ]


def test_docx_chinese_counting_articles() -> None:
    data = make_docx(
        ["网络产品安全审查办法"],
        numbered=[("chinese", "为了提高网络产品安全可控水平。"), ("chinese", "本办法适用于…")],
    )
    assert texts(read_file(data, "草案.docx")) == [
        "网络产品安全审查办法",
        "第一条 为了提高网络产品安全可控水平。",
        "第二条 本办法适用于…",
    ]


def test_docx_tables_in_document_order() -> None:
    data = make_docx(
        ["Annex 1 Definitions"],
        table_rows=[["Term", "Meaning"], ["Operator", "A person who\nruns a network"], ["", ""]],
        trailing=["Article 9 Entry into force"],
    )
    assert texts(read_file(data, "d.docx")) == [
        "Annex 1 Definitions",
        "Term | Meaning",
        "Operator | A person who runs a network",  # a cell's paragraphs joined with spaces
        "Article 9 Entry into force",  # the empty row is dropped
    ]


def test_docx_table_with_markers_in_its_first_column_reads_as_marker_and_text() -> None:
    data = make_docx(
        ["Provisions on the Online Ecosystem (Draft for Comment)"],
        table_rows=[
            ["Article", "Text"],
            ["Chapter 1", "General Provisions"],
            ["Article 1", "These Provisions are formulated to create a good online ecosystem."],
            ["Article 2", "Producers shall not publish illegal information, including:\n(1) rumours;\n(2) fraud."],
            ["Article 3 Scope", "These Provisions apply within the territory."],
        ],
    )
    assert texts(read_file(data, "d.docx")) == [
        "Provisions on the Online Ecosystem (Draft for Comment)",
        "Chapter 1 General Provisions",
        "Article 1 These Provisions are formulated to create a good online ecosystem.",
        "Article 2 Producers shall not publish illegal information, including:",
        "(1) rumours;",  # a cell's paragraphs stay paragraphs
        "(2) fraud.",
        "Article 3 Scope",  # a marker with its heading stays above the text, as outside a table
        "These Provisions apply within the territory.",
    ]


def test_docx_table_with_chinese_markers_in_its_first_column() -> None:
    rows = [["第一条", "为了保障网络安全，制定本条例。"], ["第二条", "本条例适用于境内网络。"]]
    data = make_docx([], table_rows=rows)
    assert texts(read_file(data, "d.docx")) == [
        "第一条 为了保障网络安全，制定本条例。",
        "第二条 本条例适用于境内网络。",
    ]


def test_docx_whole_draft_in_one_cell_reads_like_the_same_text_outside_a_table() -> None:
    draft = ["未成年人模式建设指南（征求意见稿）", "第一章　总则", "第一条　为了保护未成年人网络安全，制定本指南。",
             "第二条　未成年人模式应当具备以下功能：", "（一）时间管理；", "（二）内容推荐。"]
    in_cell = read_file(make_docx(["附件"], table_rows=[["\n".join(draft)]]), "d.docx")
    outside = read_file(make_docx(["附件", *draft]), "d.docx")
    assert texts(in_cell) == texts(outside) == ["附件", *draft]


@pytest.mark.parametrize(
    ("heading", "expected_warning"),
    [
        (["现行条文", "修订草案条文", "修改说明"],
         "A comparison table was read from its “修订草案条文” column only; "
         "the other columns (“现行条文”, “修改说明”) were left out."),
        (["Current text", "Revised draft", "Explanation"],
         "A comparison table was read from its “Revised draft” column only; "
         "the other columns (“Current text”, “Explanation”) were left out."),
    ],
)
def test_docx_comparison_table_gives_the_draft_column(heading: list[str], expected_warning: str) -> None:
    data = make_docx(
        ["《网络安全等级保护条例》修订对照表"],
        table_rows=[
            heading,
            ["第一条 为了保障网络安全，制定本条例。", "第一条 为了保障网络安全，维护国家安全，制定本条例。",
             "增加“维护国家安全”"],
            ["", "第三条 国家实行网络安全等级保护制度：\n（一）定级；\n（二）备案。", "新增"],
            ["第九条 本条例自公布之日起施行。", "", "删除"],
        ],
    )
    document = read_file(data, "d.docx")
    assert texts(document) == [
        "《网络安全等级保护条例》修订对照表",
        "第一条 为了保障网络安全，维护国家安全，制定本条例。",
        "第三条 国家实行网络安全等级保护制度：",
        "（一）定级；",
        "（二）备案。",
    ]
    assert document.warnings == (expected_warning,)


def test_docx_run_content() -> None:
    body = (
        '<w:p><w:r><w:t>Inter</w:t><w:softHyphen/><w:t>na\u00adtional</w:t><w:tab/><w:t>trade</w:t></w:r>'
        "<w:del><w:r><w:delText> deleted</w:delText></w:r></w:del>"
        '<w:ins><w:r><w:t xml:space="preserve"> and added</w:t></w:r></w:ins>'
        "<w:r><w:noBreakHyphen/><w:t>x</w:t><w:br/><w:t>Second line</w:t><w:cr/><w:t>Third</w:t></w:r></w:p>"
        '<w:sdt><w:sdtPr><w:alias w:val="Box"/></w:sdtPr><w:sdtContent>'
        "<w:p><w:r><w:t>Inside a content control</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        "<w:p><w:r><w:t>Before a text box</w:t><w:pict><w:txbxContent><w:p><w:r><w:t>BOX</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></w:r></w:p>"
    )
    assert texts(read_file(make_raw_docx(body), "d.docx")) == [
        "International trade and added-x",
        "Second line",
        "Third",
        "Inside a content control",
        "Before a text box",
    ]


def numbered_docx(numbering: str, paragraphs: list[tuple[str, int, int]], styles: str = "") -> bytes:
    """paragraphs: (text, numId, ilvl); numId 0 = not numbered."""
    body = "".join(paragraph_xml(text, num=(num, ilvl) if num else None) for text, num, ilvl in paragraphs)
    return make_raw_docx(body, numbering_xml=numbering, styles_xml=styles)


def test_docx_multilevel_numbering_resets_deeper_levels() -> None:
    levels = [("upperRoman", "Chapter %1", 1), ("decimal", "%1.%2", 1)]
    numbering = abstract_num_xml(1, levels) + num_xml(1, 1)
    data = numbered_docx(
        numbering,
        [("General", 1, 0), ("Scope", 1, 1), ("Terms", 1, 1), ("Security", 1, 0), ("Logs", 1, 1)],
    )
    assert texts(read_file(data, "d.docx")) == [
        "Chapter I General",
        "I.1 Scope",  # %1 keeps level 1's format, as in Word (see isLgl below)
        "I.2 Terms",
        "Chapter II Security",
        "II.1 Logs",
    ]


def test_docx_lvl_restart_zero_never_resets() -> None:
    levels = [("decimal", "Chapter %1", 1), ("decimal", "Article %2", 1)]
    numbering = abstract_num_xml(1, levels, extra='<w:lvlRestart w:val="0"/>') + num_xml(1, 1)
    data = numbered_docx(numbering, [("A", 1, 0), ("a", 1, 1), ("B", 1, 0), ("b", 1, 1)])
    assert texts(read_file(data, "d.docx")) == ["Chapter 1 A", "Article 1 a", "Chapter 2 B", "Article 2 b"]


def test_docx_shared_abstract_continues_and_start_override_restarts() -> None:
    numbering = (
        abstract_num_xml(7, [("decimal", "Article %1", 1)])
        + num_xml(1, 7)
        + num_xml(2, 7)  # same list, no override: Word continues the count
        + num_xml(3, 7, start_overrides={0: 1})  # "restart numbering"
    )
    data = numbered_docx(numbering, [("a", 1, 0), ("b", 2, 0), ("c", 1, 0), ("d", 3, 0), ("e", 3, 0)])
    assert texts(read_file(data, "d.docx")) == [
        "Article 1 a",
        "Article 2 b",
        "Article 3 c",
        "Article 1 d",
        "Article 2 e",
    ]


def test_docx_numbering_through_styles() -> None:
    styles = (
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="ArticleBase"><w:basedOn w:val="Normal"/>'
        '<w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>'
        '<w:style w:type="paragraph" w:styleId="Article"><w:basedOn w:val="ArticleBase"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Item"><w:basedOn w:val="ArticleBase"/>'
        '<w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    numbering = abstract_num_xml(2, [("decimal", "Article %1", 1), ("decimal", "(%2)", 1)]) + num_xml(4, 2)
    body = (
        paragraph_xml("Scope", style="Article")
        + paragraph_xml("goods", style="Item")
        + paragraph_xml("Not numbered: numId 0 overrides the style", style="Article", num=(0, 0))
        + paragraph_xml("Terms", style="Article")
        + paragraph_xml("Plain")
    )
    data = make_raw_docx(body, numbering_xml=numbering, styles_xml=styles)
    assert texts(read_file(data, "d.docx")) == [
        "Article 1 Scope",
        "(1) goods",
        "Not numbered: numId 0 overrides the style",
        "Article 2 Terms",
        "Plain",
    ]


@pytest.mark.parametrize(
    ("fmt", "start", "expected"),
    [
        ("lowerRoman", 4, "iv."),
        ("upperRoman", 9, "IX."),
        ("upperLetter", 27, "AA."),
        ("lowerLetter", 2, "b."),
        ("decimalZero", 7, "07."),
        ("decimalFullWidth", 12, "１２."),
        ("decimalEnclosedCircle", 3, "③."),
        ("ideographTraditional", 2, "乙."),
        ("chineseCounting", 10, "十."),
        ("chineseCounting", 11, "十一."),
        ("chineseCounting", 20, "二十."),
        ("chineseCountingThousand", 101, "一百零一."),
        ("chineseCountingThousand", 110, "一百一十."),
        ("chineseCountingThousand", 1001, "一千零一."),
        ("taiwaneseCountingThousand", 12, "十二."),
        ("chineseLegalSimplified", 10, "壹拾."),
        ("chineseLegalSimplified", 203, "贰佰零叁."),
        ("ideographDigital", 10, "一〇."),
    ],
)
def test_docx_number_formats(fmt: str, start: int, expected: str) -> None:
    data = numbered_docx(abstract_num_xml(1, [(fmt, "%1.", start)]) + num_xml(1, 1), [("text", 1, 0)])
    assert texts(read_file(data, "d.docx")) == [f"{expected} text"]


def test_docx_hostile_start_values_stay_small() -> None:
    numbering = abstract_num_xml(1, [("upperLetter", "%1.", 10**15)]) + num_xml(1, 1)
    data = numbered_docx(numbering, [("text", 1, 0)])
    assert texts(read_file(data, "d.docx")) == [f"{10**15}. text"]


def test_docx_legal_numbering_shows_decimals() -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>'
        '<w:lvlText w:val="Part %1"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:isLgl/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%1.%2"/></w:lvl></w:abstractNum>' + num_xml(1, 1)
    )
    data = numbered_docx(numbering, [("One", 1, 0), ("Scope", 1, 1)])
    assert texts(read_file(data, "d.docx")) == ["Part I One", "1.1 Scope"]


def test_docx_bullets_cannot_be_reconstructed() -> None:
    data = make_docx(
        ["Preamble"],
        numbered=[("bullet", "first"), ("bullet", "second"), ("bullet", "third"), ("article", "Scope")],
    )
    document = read_file(data, "d.docx")
    assert texts(document) == ["Preamble", "first", "second", "third", "Article 1 Scope"]
    assert document.warnings == (
        "Paragraphs 2–4 use Word numbering of a kind that cannot be reconstructed (bullet); "
        "check the article numbers.",
    )


def test_docx_without_text_is_empty() -> None:
    error = rejected(lambda: read_file(make_docx(["", "  "]), "d.docx"))
    assert error.message.startswith("The draft is empty")


def test_damaged_docx() -> None:
    data = rezip(make_docx(["Article 1"]), {"word/document.xml": b"<w:document><w:body><w:p>"})
    error = rejected(lambda: read_file(data, "d.docx"))
    assert error.reason == "invalid"
    assert error.message.startswith("The .docx file is damaged")


def test_truncated_docx() -> None:
    data = make_docx(["Article 1"])
    assert "damaged" in rejected(lambda: read_file(data[: len(data) // 2], "d.docx")).message


def test_macro_enabled_docx() -> None:
    original = make_docx(["Article 1"])
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        content_types = zf.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
    error = rejected(lambda: read_file(rezip(original, {"[Content_Types].xml": content_types}), "d.docx"))
    assert error.reason == "unsupported"
    assert "macro-enabled" in error.message


def test_docx_too_many_paragraphs_for_custom_limits() -> None:
    data = make_docx([f"Paragraph {i}" for i in range(50)])
    error = rejected(lambda: read_file(data, "d.docx", limits=ImportLimits(docx_max_paragraphs=20)))
    assert error.reason == "too_large"


# --- hostile .docx ----------------------------------------------------------------------------------


def test_zip_bomb_is_refused_without_unpacking() -> None:
    bomb = make_zip_bomb_docx()
    with bounded():
        error = rejected(lambda: read_file(bomb, "bomb.docx"))
    assert error.reason == "too_large"
    assert "unpacks to 200 MB" in error.message


def test_lying_zip_directory_is_refused_without_unpacking() -> None:
    data = make_lying_size_docx()
    with bounded():
        error = rejected(lambda: read_file(data, "lie.docx"))
    assert error.reason == "invalid"


def test_two_million_paragraphs_are_refused_without_parsing() -> None:
    data = make_many_paragraphs_docx()
    with bounded():
        error = rejected(lambda: read_file(data, "many.docx"))
    assert error.reason == "too_large"
    assert "200,000 paragraphs" in error.message


def test_xxe_never_reads_local_files() -> None:
    data = make_xxe_docx()
    with bounded():
        error = rejected(lambda: read_file(data, "xxe.docx"))
    assert error.reason == "invalid"
    assert "root:" not in error.message
    assert "DOCTYPE" in error.message


def test_python_docx_parser_does_not_resolve_entities_either() -> None:
    # Defence in depth: even if the DOCTYPE check were bypassed, the parser leaves &xxe; unexpanded.
    from docx.oxml.parser import parse_xml
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(make_xxe_docx())) as zf:
        parsed = etree.tostring(parse_xml(zf.read("word/document.xml")), encoding="unicode")
    assert "root:" not in parsed


def test_billion_laughs_is_refused() -> None:
    data = make_billion_laughs_docx()
    with bounded():
        error = rejected(lambda: read_file(data, "lol.docx"))
    assert error.reason == "invalid"


# --- .pdf -------------------------------------------------------------------------------------------


def test_pdf_lines_carry_page_numbers() -> None:
    data = make_pdf(
        [["Article 1 Scope", "This regulation applies."], ["Article 2 Terms"]],
        header="DRAFT FOR COMMENT",
        page_number_format="Page {n} of {total}",
    )
    document = read_file(data, "draft.pdf")
    assert [(line.text, line.page) for line in document.lines] == [
        ("DRAFT FOR COMMENT", 1),
        ("Article 1 Scope", 1),
        ("This regulation applies.", 1),
        ("Page 1 of 2", 1),
        ("DRAFT FOR COMMENT", 2),
        ("Article 2 Terms", 2),
        ("Page 2 of 2", 2),
    ]
    assert document.kind == "pdf"
    assert document.wrapped is True
    assert document.filename == "draft.pdf"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.warnings == ()


def test_pdf_long_paragraphs_come_out_as_visual_lines() -> None:
    paragraph = "Article 1 " + "Network operators shall keep logs of security events. " * 4
    lines = texts(read_file(make_pdf([[paragraph]], page_numbers=False), "d.pdf"))
    assert len(lines) > 1
    assert " ".join(lines).split() == paragraph.split()


def test_pdf_hyphen_at_a_line_end_is_kept() -> None:
    # pdfium joins "regu-" + "lation" and marks the hyphen with "\x02"; the visual lines come back.
    data = make_pdf([["Article 1 The regu-", "lation applies to imports."]], page_numbers=False)
    lines = texts(read_file(data, "d.pdf"))
    assert lines == ["Article 1 The regu-", "lation applies to imports."]
    assert not any("\x02" in line or "\ufffe" in line for line in lines)


def test_pdf_tabs_and_control_characters_are_cleaned() -> None:
    data = make_pdf([["Article 1\tScope"]], page_numbers=False)
    assert texts(read_file(data, "d.pdf")) == ["Article 1 Scope"]


def test_pdf_pages_without_text_are_reported() -> None:
    data = make_pdf([["Article 1 Scope"], [], ["Article 2 Terms"]], page_numbers=False)
    document = read_file(data, "d.pdf")
    assert [line.page for line in document.lines] == [1, 3]
    assert document.warnings == (
        "Page 2 of the PDF has no text layer (scanned or blank); any text on it is missing from the import.",
    )


@pytest.mark.skipif(cjk_font_path() is None, reason="no CJK font on this machine (fc-list :lang=zh is empty)")
def test_chinese_pdf() -> None:
    lines = ["网络产品安全审查办法", "第一条 为了提高网络产品安全可控水平。"]
    assert texts(read_file(make_pdf([lines], page_numbers=False), "草案.pdf")) == lines


def test_encrypted_pdf() -> None:
    error = rejected(lambda: read_file(make_encrypted_pdf(), "secret.pdf"))
    assert error.reason == "unsupported"
    assert error.message.startswith("The PDF is password-protected")


def test_corrupt_pdf() -> None:
    error = rejected(lambda: read_file(make_corrupt_pdf(), "broken.pdf"))
    assert error.reason == "invalid"
    assert error.message.startswith("The PDF file is damaged")


def test_scanned_pdf() -> None:
    error = rejected(lambda: read_file(make_scanned_pdf(), "scan.pdf"))
    assert error.reason == "unsupported"
    assert "has no text layer (a scan?)" in error.message
    assert "OCR is not supported" in error.message


def test_pdf_page_limit() -> None:
    data = make_pdf([["Article 1"], ["Article 2"], ["Article 3"]])
    error = rejected(lambda: read_file(data, "d.pdf", limits=ImportLimits(pdf_max_pages=2)))
    assert error.reason == "too_large"
    assert "3 pages; the limit is 2" in error.message


def test_pdf_text_limit() -> None:
    data = make_pdf([["Article 1 " + "x" * 200]] * 3)
    error = rejected(lambda: read_file(data, "d.pdf", limits=ImportLimits(max_text_chars=300)))
    assert error.reason == "too_large"
