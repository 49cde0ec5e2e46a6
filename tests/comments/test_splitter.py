"""Paragraphs -> provisions (comments.importing.splitter) and their outline (comments.importing.tree)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from comments.importing.document import Line, SourceDocument, SplitProvision, SplitResult, SplitWarning
from comments.importing.splitter import check_numbering, split_document, split_paragraphs
from comments.importing.tree import parent_indexes


def read_draft(name: str) -> str:
    return (Path(__file__).parent.parent / "data" / "drafts" / name).read_text(encoding="utf-8")


def split_text(text: str, *, wrapped: bool | None = None) -> SplitResult:
    doc = SourceDocument(lines=tuple(Line(t) for t in text.split("\n")), kind="text", wrapped=wrapped)
    return split_document(doc)


def split_draft(name: str, *, wrapped: bool | None = None) -> SplitResult:
    return split_text(read_draft(name), wrapped=wrapped)


def outline(result: SplitResult) -> list[tuple[str, str | None, str | None, str | None]]:
    return [(p.kind, p.number, p.label, p.heading) for p in result.provisions]


def by_label(result: SplitResult, label: str) -> str:
    return next(p.text for p in result.provisions if p.label == label)


# --- 1. the English translation, PDF-like ---

EN_MAIN = "en_network_products_measures.txt"
EN_MAIN_OUTLINE = [
    ("preamble", None, None, None),
    ("chapter", "1", "Chapter 1", "General Provisions"),
    ("article", "1", "Article 1", "Purpose and Basis"),
    ("article", "2", "Article 2", "Scope of Application"),
    ("paragraph", "2", "Paragraph 2", None),
    ("article", "3", "Article 3", "Definitions"),
    ("item", "1", "(1)", None),
    ("item", "2", "(2)", None),
    ("item", "3", "(3)", None),
    ("item", "a", "(a)", None),
    ("item", "b", "(b)", None),
    ("article", "4", "Article 4", "Principles"),
    ("article", "5", "Article 5", "Responsibilities"),
    ("chapter", "2", "Chapter 2", "Security Obligations of Network Operators"),
    ("article", "6", "Article 6", "Procurement Requirements"),
    ("paragraph", "2", "Paragraph 2", None),
    ("article", "7", "Article 7", "Contractual Obligations"),
    ("item", "1", "(1)", None),
    ("item", "2", "(2)", None),
    ("item", "a", "(a)", None),
    ("item", "b", "(b)", None),
    ("item", "3", "(3)", None),
    ("article", "8", "Article 8", "Data Localization"),
    ("article", "9", "Article 9", "Security Incidents"),
    ("article", "10", "Article 10", "Records"),
    ("chapter", "3", "Chapter 3", "Security Obligations of Providers"),
    ("article", "11", "Article 11", "Security Design"),
    ("article", "12", "Article 12", "Remote Maintenance"),
    ("article", "13", "Article 13", "Source Code"),
    ("article", "14", "Article 14", "Vulnerability Disclosure"),
    ("article", "15", "Article 15", "Supply Continuity"),
    ("chapter", "4", "Chapter 4", "Security Review"),
    ("article", "16", "Article 16", "Review Body"),
    ("article", "17", "Article 17", "Factors"),
    ("item", "1", "(1)", None),
    ("item", "2", "(2)", None),
    ("item", "3", "(3)", None),
    ("item", "4", "(4)", None),
    ("article", "18", "Article 18", "Procedure"),
    ("article", "19", "Article 19", "Third-Party Assessment"),
    ("article", "20", "Article 20", "Results"),
    ("chapter", "5", "Chapter 5", "Legal Liability"),
    ("article", "21", "Article 21", "Liability of Operators"),
    ("article", "22", "Article 22", "Liability of Providers"),
    ("article", "23", "Article 23", "Liability of Staff"),
    ("chapter", "6", "Chapter 6", "Supplementary Provisions"),
    ("article", "24", "Article 24", "Interpretation"),
    ("article", "25", "Article 25", "Effective Date"),
    ("trailing", None, None, None),
]


@pytest.mark.parametrize("wrapped", [None, True])
def test_main_english_draft_splits_into_its_provisions(wrapped: bool | None) -> None:
    result = split_draft(EN_MAIN, wrapped=wrapped)
    assert outline(result) == EN_MAIN_OUTLINE
    assert result.title == (
        "Measures for the Security Administration of Network Products and Services (Draft for Comment)"
    )
    assert result.deadline == date(2019, 6, 18)
    assert result.language == "en"
    assert [w.message for w in result.warnings] == [
        'Removed the running header or footer "Draft for Comment – Unofficial Translation" (on 5 of 6 pages).'
    ]


def test_main_english_draft_keeps_cross_references_inside_their_articles() -> None:
    result = split_draft(EN_MAIN)
    assert by_label(result, "Article 7").startswith(
        "Network operators shall, pursuant to Article 6 herein, require providers"
    )
    item_4 = by_label(result, "(4)")
    assert item_4 == (
        "other risks that may endanger national security, as provided in Article 21 of the Cybersecurity Law "
        "and the relevant administrative regulations."
    )
    assert "in accordance with the rules provided in Articles 12 and 13 and" in by_label(result, "Article 14")
    assert by_label(result, "Article 21").endswith("in accordance with Article 65 of the Cybersecurity Law.")
    assert sum(p.kind == "article" for p in result.provisions) == 25


def test_main_english_draft_text_is_clean() -> None:
    result = split_draft(EN_MAIN)
    texts = "\n".join(p.text for p in result.provisions)
    assert "maintenance and protection of networks" in texts  # "pro-" / "tection"
    assert "cross-border cooperation" in texts
    assert by_label(result, "Article 6") == (
        "When procuring network products and services, network operators shall assess the security risks that "
        "the products and services may bring and shall give priority to products and services that are “secure "
        "and trusted”."
    )
    assert "within 30 working days" in by_label(result, "Article 18")  # NBSP folded
    assert "\u00a0" not in texts and "\f" not in texts and "  " not in texts
    assert "Unofficial Translation" not in texts.replace("Unofficial translation prepared", "")


def test_main_english_draft_preamble_and_trailing_matter() -> None:
    result = split_draft(EN_MAIN)
    preamble = result.provisions[0].text.split("\n")
    assert preamble[:3] == [
        "Unofficial translation prepared for member review",
        "Measures for the Security Administration of Network Products and Services (Draft for Comment)",
        "Cyberspace Administration of China",
    ]
    assert preamble[-1].endswith("The deadline for commenting is June 18, 2019.")
    assert result.provisions[-1].text.split("\n") == [
        "Contact: Network Security Coordination Bureau, Cyberspace Administration of China",
        "Tel: 010-5589 0000 Fax: 010-5589 0001",
        "Email: productsecurity@example.gov.cn",
        "Annex 1 Catalogue of Key Network Equipment and Specialized Cybersecurity Products",
        "1. Routers with a total switching capacity of 2.4 Tbps or more",
        "2. Switches with a total switching capacity of 30 Tbps or more",
        "3. Firewalls with a throughput of 80 Gbps or more",
    ]
    assert by_label(result, "Article 25").endswith("are repealed at the same time.")


def test_main_english_draft_outline() -> None:
    parents = parent_indexes(split_draft(EN_MAIN).provisions)
    assert parents == [
        None,  # preamble
        None, 1, 1, 3, 1, 5, 5, 5, 8, 8, 1, 1,  # Chapter 1; Article 2's paragraph; (a)(b) under (3)
        None, 13, 14, 13, 16, 16, 18, 18, 16, 13, 13, 13,  # Chapter 2
        None, 25, 25, 25, 25, 25,  # Chapter 3
        None, 31, 31, 33, 33, 33, 33, 31, 31, 31,  # Chapter 4
        None, 41, 41, 41,  # Chapter 5
        None, 45, 45,  # Chapter 6
        None,  # trailing
    ]


@pytest.mark.parametrize(
    ("labels", "parents"),
    [
        (["(1)", "(a)", "(b)", "(2)"], [0, 1, 1, 0]),
        (["(a)", "(i)", "(ii)", "(b)"], [0, 1, 1, 0]),  # "(i)" opening a list under "(a)" is roman
        (["(h)", "(i)", "(j)"], [0, 0, 0]),  # ... and a letter when it continues the run
        (["h.", "i.", "j."], [0, 0, 0]),
        (["(iv)", "(v)", "(vi)"], [0, 0, 0]),
        (["1.", "(1)", "(a)", "(2)", "2."], [0, 1, 2, 1, 0]),
        (["（一）", "1.", "2.", "（二）"], [0, 1, 1, 0]),
    ],
)
def test_item_nesting(labels: list[str], parents: list[int]) -> None:
    provisions = [SplitProvision("article", "Text:", "1", "Article 1")] + [
        SplitProvision("item", "text;", label.strip("().（）"), label) for label in labels
    ]
    assert parent_indexes(provisions) == [None, *parents]


def test_items_after_a_paragraph_belong_to_it() -> None:
    provisions = [
        SplitProvision("chapter", "", "1", "Chapter 1", "General"),
        SplitProvision("section", "", "1", "Section 1", "Scope"),
        SplitProvision("article", "Text.", "1", "Article 1"),
        SplitProvision("paragraph", "Operators shall:", "2", "Paragraph 2"),
        SplitProvision("item", "report;", "1", "(1)"),
        SplitProvision("paragraph", "More.", "3", "Paragraph 3"),
        SplitProvision("trailing", "Annex"),
    ]
    assert parent_indexes(provisions) == [None, 0, 1, 2, 3, 2, None]


# --- 2. the Chinese original ---

ZH = "zh_vulnerability_measures.txt"


def test_chinese_draft_splits_and_keeps_its_text_byte_identical() -> None:
    result = split_draft(ZH)
    kinds = [p.kind for p in result.provisions]
    assert kinds.count("article") == 14 and kinds.count("chapter") == 4 and kinds.count("item") == 8
    assert outline(result)[:3] == [
        ("preamble", None, None, None),
        ("chapter", "1", "第一章", "总则"),
        ("article", "1", "第一条", None),
    ]
    assert [p.label for p in result.provisions if p.kind == "item"][:4] == ["（一）", "（二）", "（三）", "（四）"]
    assert by_label(result, "第九条") == (
        "关键信息基础设施的运营者应当依照《中华人民共和国网络安全法》第二十一条的规定，"
        "建立健全网络产品安全漏洞信息接收和处置制度，并优先采购安全可信的网络产品。"
    )
    assert by_label(result, "第十条") == (
        "网络运营者应当在境内存储网络产品安全漏洞相关信息，不得向境外提供未公开的安全漏洞信息。"
    )
    assert by_label(result, "第三条").endswith("公安部负责网络产品安全漏洞监督管理。")
    numbers = [p.number for p in result.provisions if p.kind == "article"]
    assert numbers == [str(n) for n in range(1, 15)]
    assert result.warnings == []


def test_chinese_draft_metadata() -> None:
    result = split_draft(ZH)
    assert result.title == "网络产品安全漏洞管理办法（征求意见稿）"
    assert result.deadline == date(2019, 7, 22)
    assert result.language == "zh"
    assert "反馈意见截止时间为2019年7月22日。" in result.provisions[0].text.split("\n")


# --- 3. "Art. 1", "【Heading】", "Chapter I", "Section 1"; "Article 1:", "Chapter One" ---


def test_art_style_draft_with_bracket_headings_and_sections() -> None:
    result = split_draft("en_data_regulations_art_style.txt")
    assert outline(result)[:10] == [
        ("preamble", None, None, None),
        ("chapter", "1", "Chapter I", "General Provisions"),
        ("section", "1", "Section 1", "Purpose and Scope"),
        ("article", "1", "Art. 1", "Purpose"),
        ("article", "2", "Art. 2", "Scope"),
        ("paragraph", "2", "Paragraph 2", None),
        ("section", "2", "Section 2", "Principles"),
        ("article", "3", "Art. 3", "Categorized and graded protection"),
        ("article", "4", "Art. 4", "Accountability"),
        ("chapter", "2", "Chapter II", "General Rules for Data Processing"),
    ]
    assert by_label(result, "Art. 3").startswith("The State establishes")
    assert result.deadline == date(2021, 12, 13)
    assert result.title == "Regulations on Network Data Security Management (Draft for Comment)"
    assert result.warnings == []


def test_art_style_draft_outline_tells_letters_from_roman_numerals() -> None:
    result = split_draft("en_data_regulations_art_style.txt")
    provisions = result.provisions
    parents = parent_indexes(provisions)
    art_7 = next(i for i, p in enumerate(provisions) if p.label == "Art. 7")
    letters = list(range(art_7 + 1, art_7 + 11))
    assert [provisions[i].label for i in letters] == [f"({c})" for c in "abcdefghij"]
    assert {parents[i] for i in letters} == {art_7}  # "(i)" after "(h)" is a letter, not a sub-item
    art_8 = next(i for i, p in enumerate(provisions) if p.label == "Art. 8")
    labels = [provisions[i].label for i in range(art_8, art_8 + 6)]
    assert labels == ["Art. 8", "(i)", "(ii)", "a)", "b)", "(iii)"]
    assert parents[art_8 + 1 : art_8 + 6] == [art_8, art_8, art_8 + 2, art_8 + 2, art_8]
    section_1 = 2
    assert parents[section_1] == 1 and parents[section_1 + 1] == section_1


def test_article_colon_draft_with_headings_on_their_own_lines() -> None:
    result = split_draft("en_encryption_measures_article_colon.txt")
    assert outline(result) == [
        ("preamble", None, None, None),
        ("chapter", "1", "CHAPTER ONE", "GENERAL PROVISIONS"),
        ("article", "1", "Article 1", None),
        ("article", "2", "Article 2", None),
        ("article", "3", "ARTICLE 3", "Controlled Items"),
        ("item", "1", "1.", None),
        ("item", "2", "2.", None),
        ("item", "3", "3.", None),
        ("chapter", "2", "CHAPTER TWO", "LICENSING"),
        ("article", "4", "Article 4", None),
        ("article", "5", "Article 5", None),
        ("chapter", "3", "Chapter Three", "Supervision"),
        ("article", "6", "Article 6", None),
        ("article", "7", "Article 7", None),
    ]
    assert by_label(result, "ARTICLE 3") == "The following commercial encryption items are subject to export control:"
    assert by_label(result, "Article 4").startswith("Exporters shall apply")
    assert result.deadline == date(2020, 8, 15)


# --- 4. numbering problems ---


def test_numbering_problems_are_reported_and_the_provisions_kept() -> None:
    result = split_draft("en_numbering_problems.txt")
    assert [p.number for p in result.provisions if p.kind == "article"] == [
        "1", "2", "3", "4", "5", "6", "7", "9", "10", "10", "11", "12", "11",
    ]
    assert result.warnings == [
        SplitWarning("Article 9 follows Article 7: Article 8 is missing.", 10),
        SplitWarning("Article 10 follows Article 10: the number is repeated.", 12),
        SplitWarning("Chapter 4 follows Chapter 2: Chapter 3 is missing.", 14),
        SplitWarning("Article 11 follows Article 12: the numbering steps back.", 16),
    ]


def test_check_numbering_names_every_missing_number() -> None:
    result = split_paragraphs(["Article 2 Text.", "Article 3 Text.", "Article 7 Text.", "Article 8 Text."])
    assert [w.message for w in check_numbering(result.provisions)] == [
        "The first article is Article 2: Article 1 is missing.",
        "Article 7 follows Article 3: Articles 4 to 6 are missing.",
    ]


def test_sections_start_again_in_each_chapter() -> None:
    result = split_paragraphs([
        "Chapter 1 General", "Section 1 A", "Article 1 Text.", "Section 2 B", "Article 2 Text.",
        "Chapter 2 Other", "Section 1 C", "Article 3 Text.",
    ])
    assert result.warnings == []


# --- 5. pasted from a web page ---


def test_web_paste_keeps_one_paragraph_per_line() -> None:
    result = split_draft("en_web_paste_ai_measures.txt")
    assert [p.kind for p in result.provisions] == (
        ["preamble"] + ["article"] * 4 + ["item"] * 3 + ["article"] * 5
    )
    assert by_label(result, "Article 1").endswith("standardized application of generative artificial intelligence")
    assert by_label(result, "Article 2").startswith("These Measures apply to the research")
    heading = [p.heading for p in result.provisions if p.label == "Article 6"]
    assert heading == ["Security assessment of new technologies and applications"]
    assert result.deadline == date(2023, 5, 10)
    assert result.warnings == []


# --- context rules, trailing matter, article-like numbering ---


def test_unexpected_number_after_a_cut_sentence_stays_in_the_text_with_a_note() -> None:
    result = split_paragraphs([
        "Article 1 Operators shall comply with the requirements of",
        "Article 35. The review shall be completed in time.",
        "Article 2 Providers shall comply.",
    ])
    assert outline(result) == [("article", "1", "Article 1", None), ("article", "2", "Article 2", None)]
    assert result.provisions[0].text == (
        "Operators shall comply with the requirements of Article 35. The review shall be completed in time."
    )
    assert result.warnings == [SplitWarning(
        '"Article 35. The review shall be completed in time." was kept in the text before it, not read as '
        "Article 35: the number is not the next one and the text before stops mid-sentence."
    )]


def test_a_paragraph_continuing_a_cut_sentence_is_joined() -> None:
    result = split_paragraphs([
        "Article 1 Operators shall, in accordance with",
        "Article 21 of the Cybersecurity Law, keep logs.",
        "Article 2 Providers shall comply.",
    ])
    assert result.provisions[0].text == (
        "Operators shall, in accordance with Article 21 of the Cybersecurity Law, keep logs."
    )
    assert len(result.provisions) == 2


def test_an_expected_number_opens_an_article_even_after_a_cut_sentence() -> None:
    result = split_paragraphs(["Article 1 Scope of these Measures", "Article 2 Providers shall comply."])
    assert [p.label for p in result.provisions] == ["Article 1", "Article 2"]


def test_marker_alone_takes_the_next_paragraph_as_heading_or_text() -> None:
    result = split_paragraphs([
        "Article 1", "Purpose", "These Measures are formulated.", "Article 2", "[Deleted]",
        "Article 3", "【适用范围】", "本办法适用于境内。", "【定义】", "Article 4 Text.",
    ])
    assert [(p.label, p.heading, p.text) for p in result.provisions] == [
        ("Article 1", "Purpose", "These Measures are formulated."),
        ("Article 2", None, "[Deleted]"),
        ("Article 3", "适用范围", "本办法适用于境内。"),
        ("Article 4", "定义", "Text."),
    ]


def test_chapter_heading_on_the_next_line() -> None:
    result = split_paragraphs(["第一章", "总则", "第一条　为了规范。", "第二条　本办法适用于境内。"])
    assert outline(result)[0] == ("chapter", "1", "第一章", "总则")
    assert result.language == "zh"


def test_chinese_paragraph_labels() -> None:
    result = split_paragraphs(["第一条　为了规范网络产品安全漏洞管理。", "网络运营者应当遵守本办法。"])
    assert outline(result) == [("article", "1", "第一条", None), ("paragraph", "2", "第二款", None)]


@pytest.mark.parametrize(
    "trailing",
    [
        ["Cyberspace Administration of China", "May 28, 2019"],
        ["Ministry of Industry and Information Technology", "2019-05-28"],
        ["国家互联网信息办公室", "2019年5月28日"],
        ["附件：网络安全审查申报书"],
        ["关于《网络安全审查办法（征求意见稿）》的起草说明", "一、起草背景"],
        ["Explanation of the Draft", "The draft was prepared to implement the law."],
        ["联系电话：010-12345678"],
        ["Comments may be sent to comments@example.org"],
        ["Translator's note: this translation is unofficial."],
    ],
)
def test_matter_after_the_last_article_becomes_trailing(trailing: list[str]) -> None:
    paragraphs = ["Article 1 Text.", "Article 2 These Measures take effect on June 1, 2019.", *trailing]
    result = split_paragraphs(paragraphs)
    assert [p.kind for p in result.provisions] == ["article", "article", "trailing"]
    assert result.provisions[-1].text == "\n".join(trailing)
    assert result.provisions[1].text == "These Measures take effect on June 1, 2019."


@pytest.mark.parametrize(
    "last",
    [
        ["The Interim Measures issued on 1 May 2017 are repealed at the same time."],
        ["Operators shall inform the competent department at:", "(1) the address of the department;"],
        ["本办法由国家互联网信息办公室负责解释。"],
    ],
)
def test_ordinary_last_article_paragraphs_are_not_trailing(last: list[str]) -> None:
    result = split_paragraphs(["Article 1 Text.", "Article 2 These Measures take effect on June 1, 2019.", *last])
    assert "trailing" not in [p.kind for p in result.provisions]
    assert len(result.provisions) == 2 + len(last)


def test_an_annex_with_its_own_articles_is_trailing() -> None:
    result = split_paragraphs([
        "Article 1 Text.", "Article 2 Text.", "Annex 1 Model Contract", "Article 1 The parties agree.",
        "Article 2 The parties sign.",
    ])
    assert [p.kind for p in result.provisions] == ["article", "article", "trailing"]
    assert result.warnings == []


def test_without_article_markers_top_level_numbering_is_the_articles() -> None:
    result = split_paragraphs([
        "关于加强数据安全管理的指导意见（征求意见稿）", "为加强数据安全管理，现提出如下意见。",
        "一、总体要求", "（一）指导思想。坚持总体国家安全观。", "（二）基本原则。", "1.坚持依法管理。",
        "2.坚持分类分级。", "二、主要任务", "（一）建立数据分类分级制度。", "三、保障措施", "加强组织领导。",
    ])
    assert outline(result) == [
        ("preamble", None, None, None),
        ("article", "1", "一、", "总体要求"),
        ("item", "1", "（一）", None),
        ("item", "2", "（二）", None),
        ("item", "1", "1.", None),
        ("item", "2", "2.", None),
        ("article", "2", "二、", "主要任务"),
        ("item", "1", "（一）", None),
        ("article", "3", "三、", "保障措施"),
    ]
    assert result.provisions[-1].text == "加强组织领导。"
    parents = parent_indexes(result.provisions)
    assert parents[2:6] == [1, 1, 3, 3]
    assert result.title == "关于加强数据安全管理的指导意见（征求意见稿）"


def test_a_table_of_contents_stays_in_the_preamble() -> None:
    result = split_paragraphs([
        "Data Security Law", "Contents", "Chapter I General Provisions", "Chapter II Data Security",
        "Chapter I General Provisions", "Article 1 Text.", "Chapter II Data Security", "Article 2 Text.",
    ])
    assert result.provisions[0].text.split("\n") == [
        "Data Security Law", "Contents", "Chapter I General Provisions", "Chapter II Data Security",
    ]
    assert [p.kind for p in result.provisions[1:]] == ["chapter", "article", "chapter", "article"]
    assert result.warnings == []


def test_with_article_markers_numbered_lines_are_items() -> None:
    result = split_paragraphs(["Article 1 The following apply:", "1. first;", "2. second."])
    assert [p.kind for p in result.provisions] == ["article", "item", "item"]


def test_no_structure_gives_one_provision_per_paragraph() -> None:
    result = split_paragraphs(["A statement on data.", "Another paragraph."])
    assert outline(result) == [("paragraph", "1", "Paragraph 1", None), ("paragraph", "2", "Paragraph 2", None)]
    assert result.warnings == [SplitWarning(
        "No chapters, articles or numbered sections were found: each paragraph is a provision."
    )]


def test_reader_and_cleaner_warnings_are_carried() -> None:
    doc = SourceDocument(
        lines=(Line("Article 1 Text."),), kind="pdf", wrapped=True, warnings=("Page 3 had no text layer.",)
    )
    assert split_document(doc).warnings == [SplitWarning("Page 3 had no text layer.")]


def test_empty_input() -> None:
    assert split_paragraphs(["", "  "]).provisions == []


# --- debris after the last article, notes between articles ---


@pytest.mark.parametrize(
    "debris",
    [
        ["[Translator's note: \"minor mode\" is sometimes translated as \"youth mode\".]"],
        ["* This is an unofficial translation prepared by an association. Please refer to the Chinese original."],
        ["Share this: Twitter · LinkedIn · Email", "Related posts"],
        ["【打印本页】【关闭窗口】", "扫一扫在手机打开当前页", "相关链接：", "中国政府网 | 国家网信办"],
        ["Print this page", "Back to top"],
    ],
)
def test_notes_and_web_debris_after_the_last_article_are_trailing(debris: list[str]) -> None:
    result = split_paragraphs(["Rules (Draft)", "Article 1 Text.", "Article 2 These Rules take effect.", *debris])
    assert [p.kind for p in result.provisions] == ["preamble", "article", "article", "trailing"]
    assert result.provisions[-1].text == "\n".join(debris)


def test_a_footnote_after_the_last_article_is_trailing_when_its_mark_is_in_the_text() -> None:
    footnote = "[1] The classification follows the National Emergency Plan."
    result = split_paragraphs(
        ["Article 1 Incidents are classified as major and ordinary.[1]", "Article 2 Text.", footnote]
    )
    assert result.provisions[-1].kind == "trailing"
    unmarked = split_paragraphs(["Article 1 Incidents are classified.", "Article 2 Text.", footnote])
    assert unmarked.provisions[-1].kind == "paragraph"


def test_a_note_between_articles_stays_with_the_provision_before_it() -> None:
    note = "[Translator's note: \"territory\" excludes Hong Kong and Macao.]"
    result = split_paragraphs([
        "Article 1 These Measures apply within the territory.", note,
        "Article 2 Facial recognition may be used only where necessary.", "Article 3 Text.",
    ])
    assert outline(result) == [
        ("article", "1", "Article 1", None), ("article", "2", "Article 2", None), ("article", "3", "Article 3", None),
    ]
    assert result.provisions[0].text == f"These Measures apply within the territory.\n{note}"


def test_a_deleted_placeholder_is_not_the_next_articles_heading() -> None:
    result = split_paragraphs(["Article 1 Text.", "[Deleted]", "Article 2 These Measures take effect."])
    assert outline(result) == [("article", "1", "Article 1", None), ("article", "2", "Article 2", None)]
    assert result.provisions[0].text == "Text.\n[Deleted]"


# --- tables of contents, inserted articles, unusual markers ---


def test_a_table_of_contents_listing_articles_stays_in_the_preamble() -> None:
    result = split_paragraphs([
        "Data Security Measures (Draft)", "Table of Contents", "Article 1 Purpose", "Article 2 Scope",
        "Article 3 Entry into force", "Article 1 Purpose", "These Measures protect data.", "Article 2 Scope",
        "These Measures apply within the territory.", "Article 3 Entry into force", "These Measures take effect.",
    ])
    assert result.provisions[0].text.split("\n")[-1] == "Article 3 Entry into force"
    assert outline(result)[1:] == [
        ("article", "1", "Article 1", "Purpose"), ("article", "2", "Article 2", "Scope"),
        ("article", "3", "Article 3", "Entry into force"),
    ]
    assert result.warnings == []


def test_articles_with_headings_on_their_own_line_are_not_a_table_of_contents() -> None:
    result = split_paragraphs(["Article 1 Purpose", "Text one.", "Article 2 Scope", "Text two."])
    assert [p.kind for p in result.provisions] == ["article", "article"]


def test_inserted_articles_are_articles_and_no_gap() -> None:
    result = split_paragraphs([
        "第一条　为了测试，制定本办法。", "第四条　认证机构应当依照条件开展认证活动。",
        "第四条之一 认证机构应当公开认证规则。",
        "第五条　本办法自发布之日起施行。",
    ])
    assert outline(result)[2] == ("article", "4-1", "第四条之一", None)
    assert [w.message for w in result.warnings] == ["Article 4 follows Article 1: Articles 2 and 3 are missing."]
    english = split_paragraphs([
        "Article 6 Operators shall keep logs.", "Article 6 bis Operators shall report annually.",
        "Article 6-1 Operators shall cooperate.", "Article 7 These Measures take effect.",
    ])
    assert [p.label for p in english.provisions] == ["Article 6", "Article 6 bis", "Article 6-1", "Article 7"]
    assert [w.message for w in english.warnings] == ["The first article is Article 6: Articles 1 to 5 are missing."]


def test_numbering_check_reports_an_inserted_article_away_from_its_base() -> None:
    provisions = [
        SplitProvision("article", "a", "1", "Article 1"), SplitProvision("article", "b", "3bis", "Article 3 bis"),
        SplitProvision("article", "c", "4", "Article 4"), SplitProvision("article", "d", "2-1", "Article 2-1"),
    ]
    assert [w.message for w in check_numbering(provisions)] == [
        "Article 3 bis follows Article 1: Articles 2 and 3 are missing.",
        "Article 2-1 follows Article 4: the numbering steps back.",
    ]


def test_an_article_opening_with_its_first_item() -> None:
    result = split_paragraphs([
        "Article 5 Operators shall set up a security body.",
        "Article 6 (1) Operators shall conduct a security assessment.", "(2) The results shall be reported.",
        "Article 7 Text.",
    ])
    assert outline(result) == [
        ("article", "5", "Article 5", None), ("article", "6", "Article 6", None), ("item", "1", "(1)", None),
        ("item", "2", "(2)", None), ("article", "7", "Article 7", None),
    ]
    assert result.provisions[2].text == "Operators shall conduct a security assessment."
    assert [w.message for w in result.warnings] == ["The first article is Article 5: Articles 1 to 4 are missing."]
    # Not the next number: a reference to Article 3(1) standing at the start of a line.
    kept = split_paragraphs(["Article 5 Text.", "Article 3 (1) The operator shall.", "Article 6 Text."])
    assert [p.label for p in kept.provisions] == ["Article 5", "Paragraph 2", "Article 6"]


def test_letter_spaced_chinese_markers() -> None:
    result = split_paragraphs([
        "第 一 章　总　　则", "第十条　为了测试，制定本办法。", "第 十 一 条　本办法适用于境内。",
        "第 十 二 条　运营者应当配合检查。",
    ])
    assert [(p.kind, p.number, p.label) for p in result.provisions] == [
        ("chapter", "1", "第 一 章"), ("article", "10", "第十条"), ("article", "11", "第 十 一 条"),
        ("article", "12", "第 十 二 条"),
    ]
    assert [w.message for w in result.warnings] == ["The first article is Article 10: Articles 1 to 9 are missing."]


# --- references cut by a line break ---


def test_a_chinese_reference_with_the_next_number_after_a_cut_line_stays_in_the_text() -> None:
    result = split_paragraphs([
        "第一条　为了规范数据标注活动，制定本规范。", "第二条　数据标注服务提供者应当建立标注规则，并按照本规范",
        "第三条规定开展安全评估；评估不合格的，不得开展标注活动。", "第三条　数据标注服务提供者开展安全评估。",
    ])
    assert [p.label for p in result.provisions] == ["第一条", "第二条", "第三条"]
    assert result.provisions[1].text.endswith("并按照本规范第三条规定开展安全评估；评估不合格的，不得开展标注活动。")
    assert result.provisions[1].heading is None
    assert not any("repeated" in w.message for w in result.warnings)


def test_a_run_on_chinese_article_after_a_list_item_without_full_stop_is_an_article() -> None:
    result = split_paragraphs([
        "第一条　有下列情形之一的，适用本办法：", "（一）甲", "（二）国家网信部门规定的其他情形",
        "第二条本办法自发布之日起施行。",
    ])
    assert [p.label for p in result.provisions] == ["第一条", "（一）", "（二）", "第二条"]


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (
            ["Article 1 Operators that fail to report in the circumstances listed in item",
             "(3) shall be given a warning.", "Article 2 Text."],
            "Operators that fail to report in the circumstances listed in item (3) shall be given a warning.",
        ),
        (
            ["Article 1 Where the delay set out in Article 2, subparagraph",
             "(b) applies, the operator shall bear liability.", "Article 2 Text."],
            "Where the delay set out in Article 2, subparagraph (b) applies, the operator shall bear liability.",
        ),
        (
            ["第一条　有本条例第四十五条第一款第", "（一）项规定情形的，由网信部门责令改正。",
             "第二条　本条例自发布之日起施行。"],
            "有本条例第四十五条第一款第（一）项规定情形的，由网信部门责令改正。",
        ),
        (
            ["第一条　数据处理者违反本条例第十二条第一款", "第（二）项规定的，由有关主管部门责令改正。",
             "第二条　施行。"],
            "数据处理者违反本条例第十二条第一款第（二）项规定的，由有关主管部门责令改正。",
        ),
    ],
)
def test_an_item_reference_cut_by_a_line_break_is_not_an_item(lines: list[str], joined: str) -> None:
    result = split_paragraphs(lines)
    assert [p.kind for p in result.provisions] == ["article", "article"]
    assert result.provisions[0].text == joined
    assert result.provisions[0].heading is None


# --- notices carrying the draft, numbering without "Article" ---


def test_a_notice_with_the_draft_attached_is_the_preamble() -> None:
    result = split_paragraphs([
        "工业和信息化部关于公开征求《人形机器人标准体系建设指南（征求意见稿）》意见的通知",
        "现向社会公开征求意见。公众可通过以下途径和方式提出反馈意见：", "1.电子邮件：robots@example.gov.cn",
        "2.通信地址：北京市西城区西长安街13号", "意见反馈截止日期为2024年6月15日。",
        "附件：人形机器人标准体系建设指南（征求意见稿）",
        "工业和信息化部", "2024年5月20日", "人形机器人标准体系建设指南", "（征求意见稿）", "一、总体要求",
        "到2026年，制修订30项以上重点标准。", "二、建设内容", "（一）基础共性标准。", "三、组织实施",
        "各有关单位要加强协同。",
    ])
    assert [(p.kind, p.label) for p in result.provisions] == [
        ("preamble", None), ("article", "一、"), ("article", "二、"), ("item", "（一）"), ("article", "三、"),
    ]
    assert result.provisions[0].text.endswith("人形机器人标准体系建设指南\n（征求意见稿）")
    assert result.title == "人形机器人标准体系建设指南（征求意见稿）"
    assert result.deadline == date(2024, 6, 15)
    assert result.warnings == []


def test_contact_channels_are_never_articles() -> None:
    result = split_paragraphs([
        "Notice of the Ministry on Soliciting Public Comments on the Guidelines for Robots (Draft for Comment)",
        "Comments may be submitted through the following channels before 15 June 2024:",
        "1. By e-mail to robots@example.gov.cn;", "2. By post to the Science Department, Beijing.",
        "Guidelines for Robots", "1. General Requirements", "By 2026, 30 standards shall be formulated.",
        "2. Construction Content", "The system consists of basic standards.",
    ])
    assert [(p.kind, p.label, p.heading) for p in result.provisions] == [
        ("preamble", None, None), ("article", "1.", "General Requirements"),
        ("article", "2.", "Construction Content"),
    ]
    assert result.title == "Guidelines for Robots (Draft for Comment)"
    assert result.warnings == []


def test_an_annex_at_the_end_of_a_guideline_is_not_its_body() -> None:
    result = split_paragraphs([
        "某某指南（征求意见稿）", "一、总体要求", "到2026年，完成。", "二、重点任务", "推进工作。",
        "附件：数据目录", "数据目录", "1.名称", "2.类别",
    ])
    assert [(p.kind, p.label) for p in result.provisions] == [
        ("preamble", None), ("article", "一、"), ("article", "二、"), ("trailing", None),
    ]


def test_roman_divisions_are_the_articles_and_capital_letters_items() -> None:
    result = split_paragraphs([
        "Guiding Opinions (Draft for Comment)", "The following opinions are put forward.",
        "I. Overall Requirements", "(1) Guiding ideology. Adhere to development.", "A. first;",
        "B. second.", "II. Key Tasks", "(2) Build trading venues.", "III. Safeguards", "IV. Other", "Text.",
        "V. Final", "Text.",
    ])
    assert outline(result) == [
        ("preamble", None, None, None),
        ("article", "1", "I.", "Overall Requirements"), ("item", "1", "(1)", None), ("item", "A", "A.", None),
        ("item", "B", "B.", None), ("article", "2", "II.", "Key Tasks"), ("item", "2", "(2)", None),
        ("article", "3", "III.", "Safeguards"), ("article", "4", "IV.", "Other"), ("article", "5", "V.", "Final"),
    ]


def test_the_ninth_letter_item_is_not_a_roman_division() -> None:
    letters = [f"{c}. item {c};" for c in "ABCDEFGHI"]
    result = split_paragraphs(["Opinions (Draft)", "I. Requirements", *letters, "II. Tasks", "Text."])
    assert [p.label for p in result.provisions if p.kind == "article"] == ["I.", "II."]


# --- standards: numbered clauses (GB/T, TC260 drafts and their translations) ---

ZH_STANDARD = """ICS 35.030
CCS L 80
中华人民共和国国家标准
GB/T XXXXX—XXXX
网络安全技术　数据出境安全评估指南
Cybersecurity technology—Guidelines for security assessment of outbound data transfer
（征求意见稿）
XXXX-XX-XX发布　XXXX-XX-XX实施
目次
前言	II
1　范围	1
2　规范性引用文件	1
3　术语和定义	1
4　评估原则	2
附录A（资料性）　评估报告模板	8
参考文献	10
前言
本文件按照GB/T 1.1—2020《标准化工作导则　第1部分：标准化文件的结构和起草规则》的规定起草。
本文件由全国网络安全标准化技术委员会（SAC/TC260）提出并归口。
网络安全技术　数据出境安全评估指南
1　范围
本文件给出了数据出境安全评估的原则、要求和流程。
2　规范性引用文件
下列文件中的内容通过文中的规范性引用而构成本文件必不可少的条款。
GB/T 35273—2020　信息安全技术　个人信息安全规范
3　术语和定义
下列术语和定义适用于本文件。
3.1
数据出境　outbound data transfer
数据处理者将在境内运营中收集和产生的数据传输、存储至境外的活动。
注：仅影响组织自身的数据一般不作为重要数据。
4　评估要求
4.1　总体要求
4.1.1　数据处理者应建立数据出境安全管理制度。
4.1.2　数据处理者应对拟出境数据进行分类分级，至少包括：
a)　数据的类型和数量；
b)　数据的敏感程度。
4.2　自评估事项
数据处理者应评估下列事项：
1)　数据出境的目的是否合法；
2)　境外接收方的数据保护能力。
附录A
（资料性）
评估报告模板
A.1　基本情况
评估报告应说明数据处理者的基本情况。
A.2　出境数据情况
参考文献
[1]　《中华人民共和国网络安全法》"""


def test_a_chinese_standard_reads_its_clauses_annexes_and_lists() -> None:
    result = split_text(ZH_STANDARD)
    assert outline(result) == [
        ("preamble", None, None, None),
        ("article", "1", "1", "范围"),
        ("article", "2", "2", "规范性引用文件"),
        ("article", "3", "3", "术语和定义"),
        ("paragraph", "3.1", "3.1", "数据出境　outbound data transfer"),
        ("article", "4", "4", "评估要求"),
        ("paragraph", "4.1", "4.1", "总体要求"),
        ("paragraph", "4.1.1", "4.1.1", None),
        ("paragraph", "4.1.2", "4.1.2", None),
        ("item", "a", "a)", None),
        ("item", "b", "b)", None),
        ("paragraph", "4.2", "4.2", "自评估事项"),
        ("item", "1", "1)", None),
        ("item", "2", "2)", None),
        ("article", "A", "附录A", "评估报告模板"),
        ("paragraph", "A.1", "A.1", "基本情况"),
        ("paragraph", "A.2", "A.2", "出境数据情况"),
        ("trailing", None, None, None),
    ]
    assert result.title == "网络安全技术　数据出境安全评估指南"
    assert "目次" in result.provisions[0].text  # the contents stay in the preamble
    assert by_label(result, "3.1").endswith("活动。\n注：仅影响组织自身的数据一般不作为重要数据。")
    assert by_label(result, "附录A") == "（资料性）"
    assert result.provisions[-1].text.startswith("参考文献")
    assert not result.warnings
    parents = parent_indexes(result.provisions)
    assert parents[7] == 5 and parents[9] == 8  # 4.1.1 in clause 4; a) under 4.1.2


EN_STANDARD = """National Standard of the People's Republic of China
Cybersecurity technology—Basic security requirements for generative artificial intelligence service
(Draft for comments)
Contents
1 Scope ........ 1
2 Normative references ........ 1
3 Terms and definitions ........ 1
Annex A (normative) Main security risks ........ 9
Foreword
This document is drafted in accordance with the rules given in GB/T 1.1—2020.
Comments should be submitted no later than June 30, 2024.
1 Scope
This document specifies the basic security requirements for generative artificial intelligence services.
2 Normative references
GB/T 25069 Information security techniques—Terminology
3 Terms and definitions
3.1
generative artificial intelligence service
service that uses generative AI technology to provide content to the public
3.2
training data
all data used as input for model training
4 General
This document supports measures that took effect on August 15, 2023, and applies to more than
3.5 million registered users of such services.
5 Training data security requirements
5.1 Data source security
5.1.1 Service providers shall meet the following requirements for training data sources:
a) a source blacklist shall be established;
b) each source shall be assessed before collection.
5.1.3 When using open-source training data, service providers shall hold the licence.
Annex A
(normative)
Main security risks of corpora
A.1 Content violating core values
A.2 Discriminatory content
Bibliography
[1] Cybersecurity Law of the People's Republic of China"""


def test_an_english_standard_reads_clauses_terms_and_annex_clauses() -> None:
    result = split_text(EN_STANDARD, wrapped=False)  # a paragraph a line, as from .docx
    assert [(p.kind, p.label, p.heading) for p in result.provisions] == [
        ("preamble", None, None),
        ("article", "1", "Scope"),
        ("article", "2", "Normative references"),
        ("article", "3", "Terms and definitions"),
        ("paragraph", "3.1", "generative artificial intelligence service"),
        ("paragraph", "3.2", "training data"),
        ("article", "4", "General"),
        ("article", "5", "Training data security requirements"),
        ("paragraph", "5.1", "Data source security"),
        ("paragraph", "5.1.1", None),
        ("item", "a)", None),
        ("item", "b)", None),
        ("paragraph", "5.1.3", None),
        ("article", "Annex A", "Main security risks of corpora"),
        ("paragraph", "A.1", "Content violating core values"),
        ("paragraph", "A.2", "Discriminatory content"),
        ("trailing", None, None),
    ]
    assert "3.5 million" in by_label(result, "4")  # a decimal in the text is no clause
    assert result.deadline == date(2024, 6, 30)
    assert result.title is not None and result.title.startswith("Cybersecurity technology")
    assert [w.message for w in result.warnings] == ["Clause 5.1.3 follows clause 5.1.1: clause 5.1.2 is missing."]


def test_a_standard_from_a_pdf_with_clauses_glued_to_the_line_before_is_cut_again() -> None:
    lines = [
        "Information security technology—Data security requirements (Draft)",
        "1 Scope",
        "This document specifies data security requirements for network operators and applies to",
        "operators of all sizes.",
        "2 Normative references",
        "GB/T 25069 Information security techniques—Terminology",
        "3 Terms and definitions",
        "3.1 important data",
        "4 Requirements",
        "4.1 General",
        "4.1.1 Operators shall establish a data security management system covering the whole",
        "life cycle of data. 4.1.2 Operators shall designate a person responsible for data security",
        "and report to the board.",
        "Annex A",
        "(informative) Main risks of data processing activities in the financial sector A.1 Leakage",
        "A.2 Tampering",
    ]
    result = split_text("\n".join(lines), wrapped=True)
    assert [p.label for p in result.provisions] == [
        None, "1", "2", "3", "3.1", "4", "4.1", "4.1.1", "4.1.2", "Annex A", "A.1", "A.2",
    ]
    assert by_label(result, "4.1.1").endswith("life cycle of data.")
    assert by_label(result, "3.1") == "important data"


@pytest.mark.parametrize(
    "paragraphs",
    [
        # A report with numbered figures, no titles: "3.5 million", "2.0", "12 Months" are no clauses.
        ["Annual Report", "1 The market grew.", "2 Prices fell.", "3.5 million users joined.",
         "Version 2.0 ships.", "3 Outlook is stable."],
        # Numbered headings without sub-clauses or a Scope: an ordinary list, no standard.
        ["Notice", "1 Background", "Text.", "2 Proposal", "Text."],
        # A table of contents only, the body unnumbered.
        ["Contents", "1 Scope 1", "2 Terms 2", "3 Requirements 4", "Scope", "This applies."],
    ],
)
def test_text_without_the_shape_of_a_standard_is_not_read_as_clauses(paragraphs: list[str]) -> None:
    result = split_paragraphs(paragraphs)
    assert not any(p.kind == "article" and p.label and p.label[0].isdigit() for p in result.provisions)


def test_a_clause_number_out_of_sequence_stays_text() -> None:
    result = split_paragraphs([
        "1 Scope", "This document applies.", "2 Terms", "3 Requirements", "3.1 General",
        "Operators shall comply.", "7.4 Operators shall also report.", "3.2 Reporting",
        "4 Reporting duties", "Text.",
    ])
    assert [p.label for p in result.provisions] == ["1", "2", "3", "3.1", "3.2", "4"]
    assert "7.4 Operators shall also report." in by_label(result, "3.1")


# --- bilingual drafts ---

BILINGUAL = """生成式人工智能服务管理暂行办法（征求意见稿）
Interim Measures for the Administration of Generative AI Services (Draft for Comment)
第一章　总则
Chapter I General Provisions
第一条　为了促进生成式人工智能健康发展，制定本办法。
Article 1 These Measures are formulated in order to promote the healthy development of generative AI.
第二条　提供服务，适用本办法。
Article 2 These Measures apply to the provision of services.
本办法所称生成式人工智能技术，是指具有内容生成能力的模型。
Generative AI technology refers to models capable of generating content.
第三条　提供者应当遵守下列规定：
Article 3 Providers shall comply with the following provisions:
（一）坚持社会主义核心价值观；
(1) adhere to the core socialist values;
（二）防止产生歧视。
(2) prevent discrimination.
第二章　服务规范
Chapter II Service Specifications
第四条　本办法自2023年8月15日起施行。
Article 4 These Measures shall take effect on August 15, 2023."""


@pytest.mark.parametrize("layout", ["alternating", "blocks"])
def test_a_bilingual_draft_keeps_the_english_provisions_with_the_chinese_text(layout: str) -> None:
    lines = BILINGUAL.split("\n")
    if layout == "blocks":  # the whole Chinese text, then the whole English one
        lines = lines[0::2] + lines[1::2]
    result = split_text("\n".join(lines))
    assert outline(result) == [
        ("preamble", None, None, None),
        ("chapter", "1", "Chapter I", "General Provisions"),
        ("article", "1", "Article 1", None),
        ("article", "2", "Article 2", None),
        ("paragraph", "2", "Paragraph 2", None),
        ("article", "3", "Article 3", None),
        ("item", "1", "(1)", None),
        ("item", "2", "(2)", None),
        ("chapter", "2", "Chapter II", "Service Specifications"),
        ("article", "4", "Article 4", None),
    ]
    assert by_label(result, "Article 2") == "These Measures apply to the provision of services.\n提供服务，适用本办法。"
    assert by_label(result, "(2)") == "prevent discrimination.\n防止产生歧视。"
    assert result.title == "Interim Measures for the Administration of Generative AI Services (Draft for Comment)"
    assert result.language == "en"
    messages = [w.message for w in result.warnings]
    assert len(messages) == 1 and "Chinese and in English" in messages[0]


def test_a_partial_translation_is_no_bilingual_draft() -> None:
    zh = [f"第{n}条　内容{n}。" for n in "一二三四五六七八九十"]
    result = split_paragraphs(["某办法", *zh, "Article 1 Text one.", "Article 2 Text two."])
    assert not any("Chinese and in English" in w.message for w in result.warnings)


def test_a_paragraph_that_states_its_number_loses_it_from_its_text() -> None:
    english = split_text(
        "Article 1: Purpose\nParagraph 1 These Measures are formulated to protect data.\n"
        "Paragraph 2 Operators shall comply.\n\nArticle 2 Where an operator fails to comply:\n"
        "Paragraph 1 of Article 5 of the Law applies.\n"
    )
    assert [(p.kind, p.label, p.text) for p in english.provisions] == [
        ("article", "Article 1", "These Measures are formulated to protect data."),
        ("paragraph", "Paragraph 2", "Operators shall comply."),
        ("article", "Article 2", "Where an operator fails to comply:"),
        ("paragraph", "Paragraph 2", "Paragraph 1 of Article 5 of the Law applies."),  # a reference stays
    ]
    chinese = split_text("第一条　【目的】\n第一款　为了保护数据，制定本办法。\n第二款　运营者应当遵守本办法。\n")
    assert [(p.label, p.text) for p in chinese.provisions] == [
        ("第一条", "为了保护数据，制定本办法。"), ("第二款", "运营者应当遵守本办法。")]


@pytest.mark.parametrize("third", [
    "3. Users may report violations to the authorities; Tel: 12377.",
    "三、任何个人和组织发现违法行为的，可以向有关部门举报，举报电话：12377。",
])
def test_an_article_that_mentions_a_telephone_number_stays_an_article(third: str) -> None:
    chinese = not third.isascii()
    first, second = (("一、总体要求", "二、工作目标") if chinese else ("1. General requirements", "2. Objectives"))
    result = split_text("\n\n".join([first, "Text." if not chinese else "正文。", second,
                                     "Text." if not chinese else "正文。", third]))
    assert [p.number for p in result.provisions if p.kind == "article"] == ["1", "2", "3"]
    assert not any("missing" in w.message for w in result.warnings)
