"""The concern tags every new team starts with (teams edit their own copy)."""

from __future__ import annotations

from sqlmodel import Session

from comments.models import ConcernTag, WatchPhrase

DEFAULT_TAGS: tuple[tuple[str, str], ...] = (
    ("Scope too broad", "The provision reaches further than its purpose needs."),
    ("“Secure and trusted” wording", "“Secure and trusted” / “secure and controllable” formulations."),
    ("In-country maintenance", "Maintenance, repair or support only within the territory."),
    ("Data localisation", "Data that must stay in the country; “important data”."),
    ("Cryptography approval", "State approval or testing of encryption."),
    ("Inspections and IP disclosure", "Source code, testing or inspections that could disclose IP."),
    ("Compliant products and testing", "Lists of compliant products, certification and testing."),
    ("National security review", "Security reviews of products, services or investment."),
    ("Unclear definitions", "Terms that are undefined or vague."),
)

# Phrases that flag a provision for a tag when a draft is imported (matched ignoring case and spacing, so
# "cryptograph" also finds "cryptography" and "cryptographic"). Teams edit their own copy.
DEFAULT_WATCH_PHRASES: dict[str, tuple[str, ...]] = {
    "Scope too broad": ("social entities", "other network products", "any organisation or individual",
                        "任何组织和个人"),
    "“Secure and trusted” wording": ("secure and trusted", "secure and controllable", "safe and controllable",
                                     "secure and reliable", "安全可信", "安全可控"),
    "In-country maintenance": ("technical maintenance", "within the territory", "overseas", "remote maintenance",
                               "境内", "境外", "技术维护"),
    "Data localisation": ("important data", "stored within", "cross-border", "personal information outside",
                          "重要数据", "出境"),
    "Cryptography approval": ("cryptograph", "encryption", "密码"),
    "Inspections and IP disclosure": ("source code", "intellectual property", "inspection", "源代码", "知识产权"),
    "Compliant products and testing": ("certification", "catalogue", "testing", "认证", "检测"),
    "National security review": ("national security review", "security review", "national security",
                                 "国家安全审查", "安全审查"),
    "Unclear definitions": ("other relevant", "as appropriate", "其他有关"),
}


def seed_default_tags(session: Session, *, team_id: int) -> None:
    tags = [
        ConcernTag(team_id=team_id, name=name, description=description, sort_order=i)
        for i, (name, description) in enumerate(DEFAULT_TAGS)
    ]
    session.add_all(tags)
    session.flush()
    session.add_all(
        WatchPhrase(team_id=team_id, tag_id=tag.id, phrase=phrase)
        for tag in tags if tag.id is not None for phrase in DEFAULT_WATCH_PHRASES.get(tag.name, ())
    )
    session.flush()
