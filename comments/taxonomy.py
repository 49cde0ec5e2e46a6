"""The concern tags every new team starts with (teams edit their own copy)."""

from __future__ import annotations

from sqlmodel import Session

from comments.models import ConcernTag

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


def seed_default_tags(session: Session, *, team_id: int) -> None:
    session.add_all(
        ConcernTag(team_id=team_id, name=name, description=description, sort_order=i)
        for i, (name, description) in enumerate(DEFAULT_TAGS)
    )
    session.flush()
