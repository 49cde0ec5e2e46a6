"""Structural markers and numerals (comments.importing.markers)."""

from __future__ import annotations

import pytest

from comments.importing.markers import (
    chinese_to_int,
    display_width,
    ends_sentence,
    int_to_chinese,
    is_annex_status,
    is_heading_like,
    is_note,
    item_reference_continues,
    looks_like_reference,
    parse_annex_heading,
    parse_clause,
    parse_item_label,
    parse_marker,
    parse_number,
    roman_to_int,
    words_to_int,
)


@pytest.mark.parametrize(
    ("text", "kind", "number", "label", "heading", "rest"),
    [
        ("Article 1", "article", "1", "Article 1", None, ""),
        ("Article 1 (Scope)", "article", "1", "Article 1", "Scope", ""),
        ("Article 1 [Scope of Application] These apply.", "article", "1", "Article 1", "Scope of Application",
         "These apply."),
        ("Article 1: These Measures apply.", "article", "1", "Article 1", None, "These Measures apply."),
        ("Article 1. These Measures apply.", "article", "1", "Article 1", None, "These Measures apply."),
        ("Art. 29 Operators shall comply.", "article", "29", "Art. 29", None, "Operators shall comply."),
        ("ARTICLE 3", "article", "3", "ARTICLE 3", None, ""),
        ("Article 1 【Heading】 Body.", "article", "1", "Article 1", "Heading", "Body."),
        ("Article 7 – Scope", "article", "7", "Article 7", None, "Scope"),
        ("Article XII The State", "article", "12", "Article XII", None, "The State"),
        ("第一条　为了规范", "article", "1", "第一条", None, "为了规范"),
        ("第1条 为了规范", "article", "1", "第1条", None, "为了规范"),
        ("第１条　为了规范", "article", "1", "第１条", None, "为了规范"),
        ("第二十九条　本办法", "article", "29", "第二十九条", None, "本办法"),
        ("第一百零五条　本办法", "article", "105", "第一百零五条", None, "本办法"),
        ("第十二条【适用范围】本办法适用于", "article", "12", "第十二条", "适用范围", "本办法适用于"),
        ("第十二条（适用范围）本办法适用于", "article", "12", "第十二条", "适用范围", "本办法适用于"),
        ("Chapter 3 Network Security Protection", "chapter", "3", "Chapter 3", None, "Network Security Protection"),
        ("Chapter I General Provisions", "chapter", "1", "Chapter I", None, "General Provisions"),
        ("Chapter One", "chapter", "1", "Chapter One", None, ""),
        ("CHAPTER TWENTY-ONE FINAL PROVISIONS", "chapter", "21", "CHAPTER TWENTY-ONE", None, "FINAL PROVISIONS"),
        ("CHAPTER 3", "chapter", "3", "CHAPTER 3", None, ""),
        ("第一章　总则", "chapter", "1", "第一章", None, "总则"),
        ("Section 2 Principles", "section", "2", "Section 2", None, "Principles"),
        ("第二节 数据出境", "section", "2", "第二节", None, "数据出境"),
        ("(i) a data security officer;", "item", "i", "(i)", None, "a data security officer;"),
        ("(1) the name of the operator;", "item", "1", "(1)", None, "the name of the operator;"),
        ("1. Routers", "item", "1", "1.", None, "Routers"),
        ("(a) providing patches;", "item", "a", "(a)", None, "providing patches;"),
        ("a) the volume of data", "item", "a", "a)", None, "the volume of data"),
        ("（一）建立制度；", "item", "1", "（一）", None, "建立制度；"),
        ("一、总体要求", "item", "1", "一、", None, "总体要求"),
        ("1、总体要求", "item", "1", "1、", None, "总体要求"),
        ("（1）网络运营者", "item", "1", "（1）", None, "网络运营者"),
        ("（１２）网络运营者", "item", "12", "（１２）", None, "网络运营者"),
        ("③ 其他情形", "item", "3", "③", None, "其他情形"),
        ("【适用范围】", "heading", None, "【适用范围】", "适用范围", ""),
        ("【Scope】", "heading", None, "【Scope】", "Scope", ""),
    ],
)
def test_parse_marker_reads_kind_number_label_heading_and_rest(
    text: str, kind: str, number: str | None, label: str, heading: str | None, rest: str
) -> None:
    marker = parse_marker(text)
    assert marker is not None
    assert (marker.kind, marker.number, marker.label, marker.heading, marker.rest) == (
        kind, number, label, heading, rest,
    )


@pytest.mark.parametrize(
    "text",
    [
        "Article 21 of the Cybersecurity Law, operators shall",
        "Article 6 herein, operators",
        "Article 5, paragraph 2 applies",
        "Article 5(1) of the Law",
        "Article 12 and Article 13 apply",
        "Article 9 above",
        "Articles 12 and 13",
        "Article 5.1 applies",
        "article 5 applies",
        "Chapter 3 of these Measures",
        "Section 2 below",
        "第二十一条的规定，",
        "第五条第二款",
        "第十条、第十一条",
        "(2) of this Article",
        "(1) and (2) apply",
        "(1) to (3) apply",
        "1.5 million users",
        "Measures for the Administration",
        "[1]",
        "Article 6 bis of the Law",
        "第四条之一的规定",
        "第三条要求开展安全评估；",
        "第十条明确的条件开展认证活动。",
        "第三十八条所列情形",
        "（一）项规定情形的，由网信部门责令改正。",
        "[Translator's note: \"territory\" excludes Hong Kong and Macao.]",
        "[Deleted]",
        "【编者按：本条有争议】",
    ],
)
def test_cross_references_and_ordinary_text_are_not_markers(text: str) -> None:
    assert parse_marker(text) is None


def test_a_colon_or_bracketed_heading_makes_a_marker_explicit() -> None:
    assert parse_marker("Article 5: These Measures").explicit
    assert parse_marker("Article 5 (Scope) These Measures").explicit
    assert parse_marker("第五条　本办法").explicit
    assert not parse_marker("Article 5. These Measures").explicit  # "...under Article 5. These" reads the same
    assert not parse_marker("Article 5 These Measures").explicit


def test_ambiguous_roman_or_letter_items_carry_both_readings() -> None:
    assert parse_marker("(i) text").styles == ("paren_roman", "paren_lower")
    assert parse_marker("(v) text").styles == ("paren_lower", "paren_roman")
    assert parse_marker("(ii) text").styles == ("paren_roman",)
    assert parse_marker("(b) text").styles == ("paren_lower",)
    assert parse_item_label("(iv)").value == 4
    assert parse_item_label("b)").number == "b"
    assert parse_item_label("(2) text") is None  # a label alone, nothing after it


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("29", 29), ("２９", 29), ("IV", 4), ("xii", 12), ("MMM", 3000), ("MCMXCIX", 1999),
        ("One", 1), ("Twelve", 12), ("Twenty-One", 21), ("ninety nine", 99), ("Hundred", 100),
        ("One Hundred and Five", 105), ("十", 10), ("十二", 12), ("二十九", 29), ("一百零五", 105),
        ("两百", 200), ("一千零一", 1001), ("二〇一九", 2019), ("⑫", 12),
    ],
)
def test_parse_number_reads_every_numeral_system(token: str, value: int) -> None:
    assert parse_number(token) == value


@pytest.mark.parametrize("token", ["IIII", "VV", "abc", "二三十", "十十", ""])
def test_parse_number_rejects_malformed_numerals(token: str) -> None:
    assert parse_number(token) is None


def test_numeral_helpers_agree_with_each_other() -> None:
    assert roman_to_int("mmxix") == 2019
    assert words_to_int("Fifty-Five") == 55
    assert chinese_to_int("三") == 3
    for value in (1, 10, 11, 20, 29, 100, 105, 110, 999, 1001, 2019):
        assert chinese_to_int(int_to_chinese(value)) == value
    assert int_to_chinese(29) == "二十九"
    assert int_to_chinese(105) == "一百零五"


def test_text_tests() -> None:
    assert ends_sentence("as follows:")
    assert ends_sentence("“secure and trusted”.")
    assert ends_sentence("制定本办法。")
    assert not ends_sentence("in accordance with")
    assert not ends_sentence("see Art.")  # an abbreviation
    assert is_heading_like("General Provisions")
    assert is_heading_like("适用范围")
    assert not is_heading_like("These Measures apply.")
    assert not is_heading_like("Measures for the Security Review of")
    assert display_width("ab第一") == 6
    assert looks_like_reference("Article 21 of the Law")
    assert looks_like_reference("第二十一条的规定")
    assert not looks_like_reference("Articles of association")


@pytest.mark.parametrize(
    ("text", "label", "number", "value", "rest"),
    [
        ("第四条之一 认证机构应当公开认证规则。", "第四条之一", "4-1", 4, "认证机构应当公开认证规则。"),
        ("第二十条之二　本办法", "第二十条之二", "20-2", 20, "本办法"),
        ("Article 6 bis Operators shall report annually.", "Article 6 bis", "6bis", 6,
         "Operators shall report annually."),
        ("Article 7-1 Operators shall cooperate.", "Article 7-1", "7-1", 7, "Operators shall cooperate."),
    ],
)
def test_inserted_articles_keep_their_label_and_count_from_their_base(
    text: str, label: str, number: str, value: int, rest: str
) -> None:
    marker = parse_marker(text)
    assert marker is not None and marker.kind == "article" and marker.inserted
    assert (marker.label, marker.number, marker.value, marker.rest) == (label, number, value, rest)
    assert not parse_marker("Article 7 – Scope").inserted  # a dash with a space is a separator


@pytest.mark.parametrize(
    ("text", "kind", "number", "rest"),
    [
        ("第 十 三 条　运营者应当配合检查。", "article", "13", "运营者应当配合检查。"),
        ("第 二 十 一 条 运营者", "article", "21", "运营者"),
        ("第 一 章　总　　则", "chapter", "1", "总　　则"),
        ("第 二 节　评估", "section", "2", "评估"),
    ],
)
def test_letter_spaced_chinese_numerals_are_read(text: str, kind: str, number: str, rest: str) -> None:
    marker = parse_marker(text)
    assert marker is not None
    assert (marker.kind, marker.number, marker.rest) == (kind, number, rest)


def test_an_article_number_followed_by_a_first_item_and_a_sentence_may_open_with_that_item() -> None:
    marker = parse_marker("Article 6 (1) Operators shall conduct a security assessment.")
    assert marker is not None and marker.kind == "article" and marker.opens_with_item
    assert (marker.number, marker.heading) == ("6", None)
    assert marker.rest == "(1) Operators shall conduct a security assessment."
    assert not marker.explicit
    assert parse_marker("Article 5(1) of the Law") is None
    assert parse_marker("Article 5 (2) Operators shall") is None  # not a first item: "Article 5(2)"
    assert parse_marker("Article 5 (Scope) These Measures").heading == "Scope"


def test_a_chinese_marker_with_nothing_before_its_text_is_marked_run_on() -> None:
    assert parse_marker("第三条数据处理者应当").run_on
    assert not parse_marker("第三条　数据处理者应当").run_on
    assert not parse_marker("第三条 数据处理者应当").run_on


@pytest.mark.parametrize(
    ("text", "number", "styles"),
    [
        ("I. Overall Requirements", "I", ("dot_upper_roman", "dot_upper")),
        ("IV. Safeguards", "IV", ("dot_upper_roman",)),
        ("A. legality and compliance;", "A", ("dot_upper",)),
        ("C. dynamic management.", "C", ("dot_upper", "dot_upper_roman")),
    ],
)
def test_capital_roman_and_letter_items_with_a_dot(text: str, number: str, styles: tuple[str, ...]) -> None:
    marker = parse_marker(text)
    assert marker is not None and marker.kind == "item"
    assert (marker.number, marker.styles) == (number, styles)


@pytest.mark.parametrize("text", ["U.S. companies shall", "Mr. Zhang", "I.e. the operator"])
def test_capitals_with_dots_that_are_not_items(text: str) -> None:
    assert parse_marker(text) is None


def test_item_words_that_are_not_references_stay_items() -> None:
    assert parse_marker("（一）项目名称；").kind == "item"
    assert parse_marker("（一）目标任务").kind == "item"


@pytest.mark.parametrize(
    "text",
    [
        "[Translator's note: \"territory\" excludes Hong Kong and Macao.]",
        "Translator's note: the term is rendered as \"review\".",
        "Note: this Article was added.",
        "[Deleted]",
        "(The draft says \"may\", not \"shall\".)",
        "【编者按：本条有争议】",
        "注：本条为新增条款。",
    ],
)
def test_notes_are_recognised(text: str) -> None:
    assert is_note(text)


@pytest.mark.parametrize(
    "text", ["[Scope]", "【适用范围】", "Translation services shall be provided in Chinese.", "Notes and coins"]
)
def test_headings_and_sentences_are_not_notes(text: str) -> None:
    assert not is_note(text)


@pytest.mark.parametrize(
    ("previous", "line", "expected"),
    [
        ("in accordance with the circumstances listed in item", "(3) shall be given a warning", True),
        ("in the circumstances set out in Article 2, subparagraph", "(b) applies and the operator", True),
        ("有本条例第四十五条第一款第", "（一）项规定情形的，由网信部门责令改正。", True),
        ("数据处理者违反本条例第十二条第一款", "第（二）项规定的，由有关主管部门责令改正", True),
        ("Operators shall comply with the following:", "(1) shall keep logs;", False),
        ("Operators shall", "(1) keep logs;", False),
        ("as set out in paragraph", "(2) The operator shall", False),
        ("应当遵守下列规定：", "第（二）项规定的", False),
    ],
)
def test_item_reference_continues(previous: str, line: str, expected: bool) -> None:
    assert item_reference_continues(previous, line) is expected


@pytest.mark.parametrize(
    ("text", "path", "rest"),
    [
        ("4.1.2 General requirements", (4, 1, 2), "General requirements"),
        ("1\u3000范围", (1,), "范围"),
        ("5.1总体要求", (5, 1), "总体要求"),
        ("3.1", (3, 1), ""),
        ("A.2.1 Ethnic discrimination.", ("A", 2, 1), "Ethnic discrimination."),
    ],
)
def test_parse_clause_reads_the_number_of_a_standards_clause(text: str, path: tuple, rest: str) -> None:
    clause = parse_clause(text)
    assert clause is not None and (clause.path, clause.rest) == (path, rest)


@pytest.mark.parametrize(
    "text",
    ["3.5 million users joined.", "2.0 版本发布", "2024年5月", "3.5%的企业", "A", "1.5 Times the limit",
     "4.1x faster", "12 Months later"],
)
def test_parse_clause_turns_down_quantities_versions_and_years(text: str) -> None:
    assert parse_clause(text) is None


def test_parse_clause_takes_a_lowercase_term_only_when_asked() -> None:
    assert parse_clause("3.1 personal information") is None
    clause = parse_clause("3.1 personal information", lowercase=True)
    assert clause is not None and clause.rest == "personal information"
    assert parse_clause("3.5 million users", lowercase=True) is None


@pytest.mark.parametrize(
    ("text", "label", "status", "title"),
    [
        ("附录A（规范性）数据分类示例", "附录A", "（规范性）", "数据分类示例"),
        ("附 录 B", "附录B", None, ""),
        ("Annex A (normative) Main security risks", "Annex A", "(normative)", "Main security risks"),
        ("ANNEX C (Informative)", "Annex C", "(informative)", ""),
    ],
)
def test_parse_annex_heading(text: str, label: str, status: str | None, title: str) -> None:
    annex = parse_annex_heading(text)
    assert annex is not None and (annex.label, annex.status, annex.title) == (label, status, title)


@pytest.mark.parametrize("text", ["Annex A lists the main risks.", "Annex A (normative) Main risks ........ 9"])
def test_parse_annex_heading_turns_down_sentences_and_contents_lines(text: str) -> None:
    assert parse_annex_heading(text) is None
    assert not is_annex_status(text)
