"""Title, comment deadline and language (comments.importing.metadata)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from comments.importing.metadata import detect_deadline, detect_language, detect_title


def read_draft(name: str) -> str:
    return (Path(__file__).parent.parent / "data" / "drafts" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("The deadline for commenting is June 18, 2019.", date(2019, 6, 18)),
        ("Comments are due by 22 July 2019.", date(2019, 7, 22)),
        ("Please submit comments before 2019-07-22 by e-mail.", date(2019, 7, 22)),
        ("Feedback should reach us no later than Sept. 3, 2020. Thank you.", date(2020, 9, 3)),
        ("截止日期为2019年7月22日。", date(2019, 7, 22)),
        ("反馈意见截止时间为2019年7月22日。", date(2019, 7, 22)),
        ("意见反馈截止时间为二〇一九年七月二十二日。", date(2019, 7, 22)),
        ("公众可在2019年6月24日前，通过以下途径和方式提出反馈意见：", date(2019, 6, 24)),
        (
            "On May 24, 2019, the CAC released the draft. Comments are due on June 24, 2019.",
            date(2019, 6, 24),
        ),
        (
            "The draft, released on 13 May 2019, has a comment deadline of 12 June 2019 at noon.",
            date(2019, 6, 12),
        ),
    ],
)
def test_detect_deadline_takes_the_date_tied_to_the_deadline(text: str, deadline: date) -> None:
    assert detect_deadline(text) == deadline


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("征求意见时间为2024年5月1日至2024年5月31日。", date(2024, 5, 31)),
        ("公开征求意见时间为2024年5月1日至5月31日。", date(2024, 5, 31)),  # the year is the first date's
        ("The public comment period runs from 1 May 2024 to 31 May 2024.", date(2024, 5, 31)),
        ("Comments may be made from May 1, 2024 through May 31, 2024.", date(2024, 5, 31)),
        ("The comment period ends on 30 June 2024.", date(2024, 6, 30)),
        ("The consultation is open for 30 days, until 30 June 2024.", date(2024, 6, 30)),
        ("Comments are welcome until 31.05.2024.", date(2024, 5, 31)),
        ("Comments are welcome until 31/05/2024.", date(2024, 5, 31)),
        ("Comments are welcome until 05/31/2024.", date(2024, 5, 31)),  # only month/day reads as a date
        ("Comments are welcome until 06/05/2024.", None),  # 6 May or June 5: not guessed
        ("Comments are welcome until 05/05/2024.", date(2024, 5, 5)),  # the same either way
    ],
)
def test_detect_deadline_reads_comment_periods_and_numeric_dates(text: str, deadline: date | None) -> None:
    assert detect_deadline(text) == deadline


@pytest.mark.parametrize(
    "text",
    [
        "本办法自2024年5月1日至2025年5月1日试行。",  # a range, but not of the comment period
        "The trial runs from 1 May 2024 to 31 May 2024.",
        "Comments from 31 May 2024 to 1 May 2024 are late.",  # a range that runs backwards
        "Version 1.05.2024 of the comment form.",
    ],
)
def test_detect_deadline_ignores_ranges_and_numbers_that_are_not_the_comment_period(text: str) -> None:
    assert detect_deadline(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "These Measures take effect on June 1, 2019.",
        "Operators shall report before 31 January of each year.",
        "Operators shall submit reports before 2019-07-22.",  # a deadline, but not for comments
        "The draft was released on 2019年5月24日。",
        "The deadline is to be announced.",
        "Due to the importance of data, the State acts.",
        "",
    ],
)
def test_detect_deadline_ignores_other_dates(text: str) -> None:
    assert detect_deadline(text) is None


def test_detect_deadline_prefers_a_deadline_word_over_a_weak_one() -> None:
    text = "Comments may be sent before 1 June 2019. The deadline for comments is 15 June 2019."
    assert detect_deadline(text) == date(2019, 6, 15)


def test_detect_deadline_rejects_impossible_dates() -> None:
    assert detect_deadline("The deadline is February 30, 2019.") is None


@pytest.mark.parametrize(
    ("paragraphs", "title"),
    [
        (
            ["Unofficial translation", "Measures for Security Review of Network Products (Draft for Comment)",
             "The deadline for commenting is June 18, 2019."],
            "Measures for Security Review of Network Products (Draft for Comment)",
        ),
        (
            ["网络安全审查办法（征求意见稿）", "为了确保关键信息基础设施供应链安全，制定本办法。"],
            "网络安全审查办法（征求意见稿）",
        ),
        (
            ["关于《网络安全审查办法（征求意见稿）》公开征求意见的通知", "为了……，现向社会公开征求意见。",
             "附件：网络安全审查办法（征求意见稿）", "国家互联网信息办公室", "2019年5月24日",
             "网络安全审查办法", "（征求意见稿）"],
            "网络安全审查办法（征求意见稿）",
        ),
        (["Measures for Security Review of", "Network Products", "(Draft for Comment)"],
         "Measures for Security Review of Network Products (Draft for Comment)"),
        (["Source: CAC website", "Provisions on Data Labelling"], "Provisions on Data Labelling"),
        (
            ["首页 > 通知公告", "国家互联网信息办公室关于《网络暴力信息治理规定（征求意见稿）》公开征求意见的通知",
             "来源：中国网信网", "为了治理网络暴力信息，现向社会公开征求意见。"],
            "网络暴力信息治理规定（征求意见稿）",
        ),
        (
            ["Notice of the Ministry of Industry and Information Technology on Soliciting Public Comments on the "
             "Guidelines for Humanoid Robots (Draft for Comment)", "Comments may be submitted by e-mail."],
            "Guidelines for Humanoid Robots (Draft for Comment)",
        ),
        (
            ["Notice on Soliciting Public Comments on the Rules for Apps (Draft)", "Rules for Apps (Draft)"],
            "Rules for Apps (Draft)",
        ),
        (["May 28, 2019"], None),
        ([], None),
    ],
)
def test_detect_title(paragraphs: list[str], title: str | None) -> None:
    assert detect_title(paragraphs) == title


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("网络运营者应当履行下列网络产品安全漏洞管理义务：建立网络产品安全漏洞信息接收渠道。", "zh"),
        ("第五条　网络运营者应当按照IP地址和APP名称留存日志。", "zh"),
        ("Network operators shall keep network logs for no less than six months, as the Cybersecurity Law "
         "(网络安全法) requires.", "en"),
        ("Network operators shall keep logs.", "en"),
        ("ok", None),
        ("12345 — 67890", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_detect_language_on_the_samples() -> None:
    assert detect_language(read_draft("zh_vulnerability_measures.txt")) == "zh"
    assert detect_language(read_draft("en_network_products_measures.txt")) == "en"


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("Public comments are invited from May 1 to May 31, 2024.", date(2024, 5, 31)),
        ("Comments will be accepted from 1 May to 31 May 2024.", date(2024, 5, 31)),
        ("Comments may be submitted from May 1 through May 31, 2024.", date(2024, 5, 31)),
        ("Please submit comments between May 1 and May 31, 2024.", date(2024, 5, 31)),
        ("征求意见时间为5月1日至2024年5月31日。", date(2024, 5, 31)),
        ("即日起至2024年5月31日，公众可通过以下方式反馈意见。", date(2024, 5, 31)),
        ("意见反馈截至2024年5月31日。", date(2024, 5, 31)),
        ("反馈意见截至2024年5月31日24时。", date(2024, 5, 31)),
    ],
)
def test_detect_deadline_reads_a_range_whose_first_date_has_no_year(text: str, deadline: date) -> None:
    assert detect_deadline(text) == deadline


def test_a_range_that_runs_backwards_is_no_comment_period() -> None:
    assert detect_deadline("Comments from June 1 to May 31, 2024.") is None


def test_detect_title_prefers_the_title_in_the_drafts_own_language() -> None:
    cover = [
        "中华人民共和国国家标准", "GB/T XXXXX—XXXX", "网络安全技术　数据出境安全评估指南",
        "Cybersecurity technology—Guidelines for security assessment of outbound", "data transfer", "（征求意见稿）",
        "本文件规定了数据出境安全评估的原则。", "本文件由全国网络安全标准化技术委员会提出并归口。",
    ]
    assert detect_title(cover) == "网络安全技术　数据出境安全评估指南"
