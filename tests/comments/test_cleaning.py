"""Lines -> paragraphs (comments.importing.cleaning.clean)."""

from __future__ import annotations

from pathlib import Path

import pytest

from comments.importing.cleaning import clean, is_page_number, normalise_spaces
from comments.importing.document import Line, SourceDocument
from comments.importing.readers import read_file
from tests.fixtures.builders import make_pdf


def read_draft(name: str) -> str:
    return (Path(__file__).parent.parent / "data" / "drafts" / name).read_text(encoding="utf-8")


def text_doc(text: str, *, wrapped: bool | None = None) -> SourceDocument:
    return SourceDocument(lines=tuple(Line(t) for t in text.split("\n")), kind="text", wrapped=wrapped)


def paged_doc(pages: list[list[str]], *, wrapped: bool | None = True) -> SourceDocument:
    lines = tuple(Line(text, page=number) for number, page in enumerate(pages, start=1) for text in page)
    return SourceDocument(lines=lines, kind="pdf", wrapped=wrapped)


def paragraphs(text: str, *, wrapped: bool | None = None) -> list[str]:
    return clean(text_doc(text, wrapped=wrapped))[0]


# --- page furniture ---


@pytest.mark.parametrize(
    "line", ["3", "- 3 -", "— 3 —", "Page 3", "page 3 of 40", "Page 3 of 40", "第3页", "第 3 页", "3/40", "３"]
)
def test_page_number_lines_are_dropped(line: str) -> None:
    assert is_page_number(line)
    assert paragraphs(f"Article 1 Operators shall comply.\n{line}\nArticle 2 Providers shall comply.") == [
        "Article 1 Operators shall comply.",
        "Article 2 Providers shall comply.",
    ]


@pytest.mark.parametrize("line", ["2019年7月22日", "(3)", "Article 3", "3.", "30 working days", "12345"])
def test_lines_that_only_look_numeric_are_kept(line: str) -> None:
    assert not is_page_number(line)


def test_running_header_repeated_on_pages_is_dropped_and_reported() -> None:
    body = ["Article {n} Operators shall keep logs for six months and report incidents promptly to the",
            "competent department in accordance with the law."]
    pages = [
        ["Measures on Logs (Draft for Comment)", *[line.format(n=1) for line in body]],
        *[
            ["Measures on Logs (Draft for Comment)", *[line.format(n=n) for line in body], f"Page {n} of 4"]
            for n in (2, 3, 4)
        ],
    ]
    result, warnings = clean(paged_doc(pages))
    assert "Measures on Logs (Draft for Comment)" not in result
    assert result[0].startswith("Article 1 Operators")
    assert len(result) == 4
    assert warnings == [
        'Removed the running header or footer "Measures on Logs (Draft for Comment)" (on 4 of 4 pages).'
    ]


def test_running_footer_differing_only_in_its_page_number_is_dropped() -> None:
    pages = [
        [f"Article {n} The operator shall act.", f"CAC draft — version of 2019, sheet {n}"] for n in range(1, 5)
    ]
    result, _ = clean(paged_doc(pages, wrapped=False))
    assert result == [f"Article {n} The operator shall act." for n in range(1, 5)]


def test_form_feeds_give_pages_for_running_headers() -> None:
    page = "Unofficial translation\nArticle {n} The operator shall act.\n- {n} -"
    text = "\f".join(page.format(n=n) for n in range(1, 4))
    assert paragraphs(text) == [f"Article {n} The operator shall act." for n in range(1, 4)]


def test_a_line_repeated_mid_page_is_not_a_header() -> None:
    pages = [["Title line", "Article 1 Text.", "Other circumstances.", "More text.", "End."],
             ["Next page", "Article 2 Text.", "Other circumstances.", "More text.", "Last."]]
    result, warnings = clean(paged_doc(pages, wrapped=False))
    assert result.count("Other circumstances.") == 2
    assert warnings == []


DISCLAIMER = "For reference only. Unofficial translation; the Chinese text prevails."


def test_a_sentence_repeated_at_the_edge_of_every_page_is_a_footer() -> None:
    pages = [
        ["Article 1 App providers shall establish a security management system and report to the",
         "competent department within ten working days of any", DISCLAIMER],
        [DISCLAIMER, "change in the information filed.", "Article 2 Providers shall keep logs."],
        [DISCLAIMER, "Article 3 These Measures take effect on [date]."],
    ]
    result, warnings = clean(paged_doc(pages))
    assert result == [
        "Article 1 App providers shall establish a security management system and report to the competent "
        "department within ten working days of any change in the information filed.",
        "Article 2 Providers shall keep logs.",
        "Article 3 These Measures take effect on [date].",
    ]
    assert warnings == [f'Removed the running header or footer "{DISCLAIMER}" (on 3 of 3 pages).']


def test_a_sentence_repeated_inside_pages_is_text() -> None:
    # The same sentence on two pages, but not at their outermost lines: a real repeated provision.
    pages = [
        ["Title of the Measures", "Article 1 The operator shall act.", "The same applies to providers of services.",
         "Article 2 The provider shall act.", "Article 3 The user shall act.", "End of page one."],
        ["Article 4 The agency shall act.", "Article 5 The State shall act.",
         "The same applies to providers of services.", "Article 6 The court shall act.", "Last line."],
    ]
    result, warnings = clean(paged_doc(pages, wrapped=False))
    assert result.count("The same applies to providers of services.") == 2
    assert warnings == []


def test_footnotes_under_a_rule_leave_the_text_and_the_sentence_joins_up() -> None:
    pages = [
        ["Article 5 When procuring network products and services, operators shall assess the national",
         "security risks that may arise after the products or services are put into use. Where such use",
         "affects or may affect national security, the operator shall apply to the Cybersecurity",
         "______________________________",
         "1 Translator's note: the term wangluo anquan shencha is rendered as \"cybersecurity review\"",
         "throughout.",
         "2 See Article 31 of the Cybersecurity Law."],
        ["Review Office for a cybersecurity review.", "Article 6 Operators shall submit an application form."],
    ]
    result, warnings = clean(paged_doc(pages))
    assert result == [
        "Article 5 When procuring network products and services, operators shall assess the national security "
        "risks that may arise after the products or services are put into use. Where such use affects or may "
        "affect national security, the operator shall apply to the Cybersecurity Review Office for a "
        "cybersecurity review.",
        "Article 6 Operators shall submit an application form.",
    ]
    assert warnings == [
        'Removed 2 footnotes from the text: "1 Translator\'s note: the term wangluo anquan shencha is rendered as '
        '"cybersecurity review" throughout." (page 1); "2 See Article 31 of the Cybersecurity Law." (page 1).'
    ]


def test_pdf_disclaimer_header_and_footnotes_leave_the_text() -> None:
    pages = [
        ["Article 1 These Measures apply to apps.", "______________________________",
         "1 Translator's note: apps are mobile applications."],
        ["Article 2 Providers shall keep logs."],
        ["Article 3 These Measures take effect on [date]."],
    ]
    result, warnings = clean(read_file(make_pdf(pages, header=DISCLAIMER), "d.pdf"))
    assert result == [
        "Article 1 These Measures apply to apps.",
        "Article 2 Providers shall keep logs.",
        "Article 3 These Measures take effect on [date].",
    ]
    assert warnings == [
        f'Removed the running header or footer "{DISCLAIMER}" (on 3 of 3 pages).',
        "Removed 1 footnote from the text: \"1 Translator's note: apps are mobile applications.\" (page 1).",
    ]


def test_numbered_lines_under_a_rule_that_are_not_notes_stay() -> None:
    pages = [["Article 1 The applicant shall fill in the form:", "Name: ____________", "______________",
              "(1) the name of the applicant;", "(2) the address."],
             ["Article 2 Providers shall comply."]]
    result, warnings = clean(paged_doc(pages, wrapped=False))
    assert result == [line for page in pages for line in page]
    assert warnings == []


def test_a_header_on_one_page_only_goes_when_it_cuts_a_sentence() -> None:
    pages = [
        ["Article 8 Where the incident involves personal information, the processor shall also notify the"],
        ["MIIT Data Security Measures", "individuals concerned without delay by telephone or e-mail.",
         "Article 9 Data processors shall not transfer core data abroad without a security assessment."],
    ]
    result, warnings = clean(paged_doc(pages))
    assert result == [
        "Article 8 Where the incident involves personal information, the processor shall also notify the "
        "individuals concerned without delay by telephone or e-mail.",
        "Article 9 Data processors shall not transfer core data abroad without a security assessment.",
    ]
    assert warnings == [
        'Removed the running header or footer "MIIT Data Security Measures" (on page 2, where it cut a sentence '
        "in two)."
    ]


def test_a_short_line_at_a_page_top_that_starts_a_paragraph_stays() -> None:
    pages = [
        ["Article 8 Where the incident involves personal information, the processor shall also notify the",
         "individuals concerned."],
        ["Scope of application", "These Measures apply to data processors within the territory of China."],
    ]
    result, warnings = clean(paged_doc(pages))
    assert result[1:] == ["Scope of application", "These Measures apply to data processors within the territory "
                                                   "of China."]
    assert warnings == []


# --- joining wrapped lines ---


WRAPPED = """Article 1 These Measures are formulated in accordance with the Cybersecurity Law of
the People's Republic of China so as to improve the security and controllability of
network products and services and to prevent supply chain risks in critical sectors.
Article 2 Operators shall, when purchasing network products, act in accordance with
Article 21 of the Cybersecurity Law and the relevant national standards and rules.
(1) the first item, which is long enough to wrap onto the next line of the page at
the right margin;
(2) the second item."""


def test_wrapped_lines_are_joined_but_markers_start_paragraphs() -> None:
    assert paragraphs(WRAPPED, wrapped=True) == [
        "Article 1 These Measures are formulated in accordance with the Cybersecurity Law of the People's "
        "Republic of China so as to improve the security and controllability of network products and services "
        "and to prevent supply chain risks in critical sectors.",
        "Article 2 Operators shall, when purchasing network products, act in accordance with Article 21 of the "
        "Cybersecurity Law and the relevant national standards and rules.",
        "(1) the first item, which is long enough to wrap onto the next line of the page at the right margin;",
        "(2) the second item.",
    ]


def test_wrapping_is_detected_when_unknown() -> None:
    assert paragraphs(WRAPPED, wrapped=None) == paragraphs(WRAPPED, wrapped=True)


DOCX_PARAGRAPHS = [
    "Measures for the Security Review of Network Products and Services (Draft for Comment)",
    "Chapter I General Provisions",
    "Article 1 These Measures are formulated in accordance with the Cybersecurity Law of the People's "
    "Republic of China so as to improve the security and controllability of network products.",
    "Article 2 Operators shall, when purchasing network products, act in accordance with the following",
    "(1) the relevant national standards; and",
    "(2) the rules of the Cyberspace Administration of China",
    "Article 3 These Measures take effect on [date].",
]


def test_docx_paragraphs_are_not_joined() -> None:
    result, warnings = clean(SourceDocument(lines=tuple(Line(t) for t in DOCX_PARAGRAPHS), kind="docx",
                                            wrapped=False))
    assert result == DOCX_PARAGRAPHS
    assert warnings == []


def test_docx_with_one_paragraph_per_printed_line_is_joined() -> None:
    # A PDF converted to Word: many paragraphs stop mid-sentence at the old page's measure.
    result, warnings = clean(text_doc(WRAPPED, wrapped=False))
    assert result == paragraphs(WRAPPED, wrapped=True)
    assert warnings == [
        "The document holds one paragraph per printed line (converted from a PDF?); "
        "the lines were joined back into paragraphs."
    ]


def test_web_text_with_long_lines_is_not_glued() -> None:
    text = read_draft("en_web_paste_ai_measures.txt")
    result = paragraphs(text)
    expected = [line.strip() for line in text.split("\n") if line.strip()]
    assert result == expected


def test_unexpected_article_number_after_a_cut_sentence_is_joined_as_a_reference() -> None:
    text = (
        "Article 4 Operators of critical information infrastructure shall comply with the requirements of\n"
        "Article 35. The review shall be completed within thirty working days of the application and\n"
        "the result shall be notified in writing.\n"
        "Article 5 Providers shall comply."
    )
    assert paragraphs(text, wrapped=True) == [
        "Article 4 Operators of critical information infrastructure shall comply with the requirements of "
        "Article 35. The review shall be completed within thirty working days of the application and the result "
        "shall be notified in writing.",
        "Article 5 Providers shall comply.",
    ]


def test_nothing_joins_onto_a_heading_line() -> None:
    text = (
        "Chapter 2 Security Obligations of Network Operators and Providers of Products\n"
        "Network operators shall take technical measures to ensure the security of their networks and\n"
        "Article 6\n"
        "Scope of application\n"
        "These Measures apply."
    )
    result = paragraphs(text, wrapped=True)
    assert result[0] == "Chapter 2 Security Obligations of Network Operators and Providers of Products"
    assert "Article 6" in result
    assert result[-2:] == ["Scope of application", "These Measures apply."]


def test_short_lines_without_punctuation_stay_apart() -> None:
    text = (
        "Contact: Network Security Bureau\n"
        "Tel: 010-5589 0000\n"
        "Article 1 These Measures are formulated in accordance with the Cybersecurity Law of\n"
        "the People's Republic of China so as to improve the security of network products."
    )
    result = paragraphs(text, wrapped=True)
    assert result[:2] == ["Contact: Network Security Bureau", "Tel: 010-5589 0000"]


def test_title_broken_after_a_function_word_is_joined() -> None:
    assert paragraphs("Measures for Security Review of\nNetwork Products\nArticle 1 Text.", wrapped=True) == [
        "Measures for Security Review of Network Products",
        "Article 1 Text.",
    ]


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("and to ensure pro-", "tection of data.", "and to ensure protection of data."),
        ("promote cross-", "border data flows.", "promote cross-border data flows."),
        ("conduct a self-", "assessment each year.", "conduct a self-assessment each year."),
        ("under the Anti-", "Monopoly Law.", "under the Anti-Monopoly Law."),
        ("in the years 2019-", "2020.", "in the years 2019-2020."),
        ("products and ser\u00ad", "vices.", "products and services."),
        # Neither spelling elsewhere: two words make a compound, a piece that is no word or an ending a cut.
        ("complete provincial-", "level filing.", "complete provincial-level filing."),
        ("using a risk-", "based approach.", "using a risk-based approach."),
        ("in accor-", "dance with the law.", "in accordance with the law."),
        ("their per-", "sonal data.", "their personal data."),
        ("the manage-", "ment of data.", "the management of data."),
        ("for small-", "and medium-sized firms.", "for small- and medium-sized firms."),
        ("keep them up-", "to-date.", "keep them up-to-date."),
        ("the State — a", "body.", "the State — a body."),
    ],
)
def test_hyphens_at_line_ends(first: str, second: str, joined: str) -> None:
    filler = "Article 1 Network operators shall take technical measures and other necessary measures"
    result = paragraphs(f"{filler}\n{first}\n{second}", wrapped=True)
    assert result == [f"{filler} {joined}"]


def test_a_hyphenated_compound_the_document_uses_elsewhere_keeps_its_hyphen() -> None:
    text = (
        "Article 1 Operators shall classify data by sensitivity and keep personally identifiable\n"
        "records in a well-\n"
        "known format; a well-known format is one that is published.\n"
    )
    assert paragraphs(text, wrapped=True) == [
        "Article 1 Operators shall classify data by sensitivity and keep personally identifiable records in a "
        "well-known format; a well-known format is one that is published."
    ]


def test_the_document_decides_a_hyphen_before_any_guess() -> None:
    # "data" and "base" are words, "co" is short: the guesses would keep one hyphen and drop the other.
    text = (
        "Article 1 Operators shall keep a database of incidents and seek co-operation in managing the\n"
        "data-\n"
        "base, and such co-\n"
        "operation shall be recorded.\n"
    )
    assert paragraphs(text, wrapped=True) == [
        "Article 1 Operators shall keep a database of incidents and seek co-operation in managing the database, "
        "and such co-operation shall be recorded."
    ]


def test_chinese_lines_join_without_spaces_and_stay_byte_identical() -> None:
    text = (
        "　　第九条　关键信息基础设施的运营者应当依照《中华人民共和国网络安全法》\n"
        "第二十一条的规定，建立健全网络产品安全漏洞信息接收和处置制度，并优先采购安\n"
        "全可信的网络产品。\n"
        "　　第十条　网络运营者应当在境内存储网络产品安全漏洞相关信息。"
    )
    assert paragraphs(text, wrapped=True) == [
        "第九条　关键信息基础设施的运营者应当依照《中华人民共和国网络安全法》第二十一条的规定，"
        "建立健全网络产品安全漏洞信息接收和处置制度，并优先采购安全可信的网络产品。",
        "第十条　网络运营者应当在境内存储网络产品安全漏洞相关信息。",
    ]


def test_blank_lines_between_every_line_are_ignored() -> None:
    text = (
        "Article 2 (Scope) The Regulations apply to the cybersecurity classified protection work and\n\n"
        "relevant supervision and management work over the networks constructed, operated,\n\n"
        "maintained and used within the territory, but not to networks of individuals.\n\n"
        "Article 3 (Principles) The State implements the classified protection scheme."
    )
    assert paragraphs(text) == [
        "Article 2 (Scope) The Regulations apply to the cybersecurity classified protection work and relevant "
        "supervision and management work over the networks constructed, operated, maintained and used within "
        "the territory, but not to networks of individuals.",
        "Article 3 (Principles) The State implements the classified protection scheme.",
    ]


def test_blank_lines_after_paragraph_ends_separate_paragraphs() -> None:
    text = (
        "Operators shall keep logs of network operations for a period that is no shorter than six\n"
        "months.\n\n"
        "Providers shall notify users of defects as soon as the defect is confirmed by the provider\n"
        "or a third party.\n\n"
        "Short line\n\n"
        "Another paragraph that is long enough to be wrapped across two lines of the page by the\n"
        "printer."
    )
    assert paragraphs(text) == [
        "Operators shall keep logs of network operations for a period that is no shorter than six months.",
        "Providers shall notify users of defects as soon as the defect is confirmed by the provider or a third "
        "party.",
        "Short line",
        "Another paragraph that is long enough to be wrapped across two lines of the page by the printer.",
    ]


# --- spaces and characters ---


def test_spaces_are_normalised_and_quotes_kept() -> None:
    assert normalise_spaces("  Article\u00a06\u2009 (Scope)\t“secure\u202fand  trusted”\u200b ") == (
        "Article 6 (Scope) “secure and trusted”"
    )
    assert normalise_spaces("\u3000\u3000第一条\u3000\u3000为了规范「数据」") == "第一条\u3000为了规范「数据」"
    assert normalise_spaces("soft\u00adhyphen") == "softhyphen"


def test_empty_lines_and_stray_leading_spaces_go() -> None:
    assert paragraphs("\n\n   Article 6 Text.\n\n\n Article 7 Text.\n", wrapped=False) == [
        "Article 6 Text.",
        "Article 7 Text.",
    ]


def test_main_sample_loses_its_page_furniture() -> None:
    result, warnings = clean(text_doc(read_draft("en_network_products_measures.txt")))
    joined = "\n".join(result)
    for furniture in ("- 1 -", "Page 3 of 6", "Draft for Comment – Unofficial Translation", "\f"):
        assert furniture not in joined
    assert all(not p.isdigit() for p in result)
    assert "protection of networks" in joined and "pro-" not in joined
    assert "cross-border cooperation" in joined
    assert warnings == [
        'Removed the running header or footer "Draft for Comment – Unofficial Translation" (on 5 of 6 pages).'
    ]


@pytest.mark.parametrize("title", [
    "Measures for the Security Management of Critical Information Infrastructure Equipment (Draft for Comment)",
    "关于网络产品和服务安全审查及关键信息基础设施保护的管理办法（征求意见稿）",
])
def test_a_title_ending_in_its_draft_mark_is_never_joined_to_the_next_line(title: str) -> None:
    following = ("The public is invited to submit comments by 30 June 2025 to the Cyberspace Administration."
                 if title.isascii() else "现向社会公开征求意见。")
    body = [
        "Article 1 These Measures are formulated in accordance with the Cybersecurity Law and the Data",
        "Security Law in order to safeguard national security and the secure and controllable operation",
        "of critical information infrastructure within the territory of the People's Republic of China.",
    ]
    assert paragraphs("\n".join([title, following, *body]), wrapped=True)[:2] == [title, following]
