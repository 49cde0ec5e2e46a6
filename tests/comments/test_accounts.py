"""Accounts in the domain: passwords, sessions, rate limits, one-time links, members, the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from comments import accounts, services
from comments.accounts import SignInFailed, TooManyAttempts
from comments.errors import Forbidden, InvalidInput, NotFound
from comments.models import AuditEvent, Invitation, Membership, Role, SignInAttempt, Team, User, UserSession, utcnow
from tests.factories import TEST_PASSWORD, make_member, make_team


@pytest.fixture
def team(session: Session) -> Team:
    return make_team(session, "Association A")


def test_a_new_account_gets_an_argon2id_hash_at_least_at_the_owasp_minimum(session: Session) -> None:
    user = accounts.create_user(session, email="  Ana@Example.ORG ", display_name=" Ana  Li ", password=TEST_PASSWORD)
    assert user.email == "ana@example.org" and user.display_name == "Ana Li"
    assert user.password_hash and TEST_PASSWORD not in user.password_hash
    variant, _version, params, *_ = user.password_hash.lstrip("$").split("$")
    settings = dict(part.split("=") for part in params.split(","))
    assert variant == "argon2id"
    assert int(settings["m"]) >= 19 * 1024 and int(settings["t"]) >= 2 and int(settings["p"]) >= 1


@pytest.mark.parametrize(("email", "password", "sentence"), [
    ("ana@example.org", "short", "at least 10 characters"),
    ("ana@example.org", "x" * 1025, "at most 1024"),
    ("ana@example.org", "ANA@example.org", "must not be your e-mail"),
    ("not-an-address", TEST_PASSWORD, "e-mail address such as"),
])
def test_bad_account_details_are_sentences(session: Session, email: str, password: str, sentence: str) -> None:
    with pytest.raises(InvalidInput, match=sentence):
        accounts.create_user(session, email=email, display_name="Ana", password=password)


def test_one_account_per_address(session: Session) -> None:
    accounts.create_user(session, email="ana@example.org", display_name="Ana", password=TEST_PASSWORD)
    with pytest.raises(InvalidInput, match="exists already"):
        accounts.create_user(session, email="ANA@example.org", display_name="Ana 2", password=TEST_PASSWORD)


def test_sign_in_checks_the_password_and_keeps_one_sentence_for_every_failure(session: Session, team: Team) -> None:
    user = make_member(session, team, email="ben@example.org")
    assert accounts.sign_in(session, email="BEN@example.org ", password=TEST_PASSWORD, address="10.0.0.1").id == user.id
    with pytest.raises(SignInFailed) as wrong_password:
        accounts.sign_in(session, email="ben@example.org", password="wrong password", address="10.0.0.1")
    with pytest.raises(SignInFailed) as unknown:
        accounts.sign_in(session, email="nobody@example.org", password=TEST_PASSWORD, address="10.0.0.1")
    assert wrong_password.value.message == unknown.value.message  # accounts cannot be discovered
    attempts = session.exec(select(SignInAttempt.succeeded).order_by(SignInAttempt.id)).all()
    assert attempts == [True, False, False]


def test_five_failures_lock_the_account_for_the_window_even_with_the_right_password(
    session: Session, team: Team,
) -> None:
    make_member(session, team, email="ben@example.org")
    now = utcnow()
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        with pytest.raises(SignInFailed):
            accounts.sign_in(session, email="ben@example.org", password="guess guess", address="10.0.0.9", now=now)
    with pytest.raises(TooManyAttempts, match="Too many failed sign-ins") as locked:
        accounts.sign_in(session, email="ben@example.org", password=TEST_PASSWORD, address="10.0.0.2", now=now)
    assert locked.value.retry_after_seconds == 15 * 60
    later = now + accounts.RATE_WINDOW + timedelta(seconds=1)
    assert accounts.sign_in(session, email="ben@example.org", password=TEST_PASSWORD, address="10.0.0.2", now=later)


def test_a_success_clears_the_accounts_failures(session: Session, team: Team) -> None:
    make_member(session, team, email="ben@example.org")
    now = utcnow()
    for minute in range(4):
        with pytest.raises(SignInFailed):
            accounts.sign_in(session, email="ben@example.org", password="typo typo", address="a",
                             now=now + timedelta(minutes=minute))
    accounts.sign_in(session, email="ben@example.org", password=TEST_PASSWORD, address="a",
                     now=now + timedelta(minutes=5))
    for minute in range(6, 10):  # four more typos are allowed after the success
        with pytest.raises(SignInFailed):
            accounts.sign_in(session, email="ben@example.org", password="typo typo", address="a",
                             now=now + timedelta(minutes=minute))


def test_one_address_trying_many_accounts_is_stopped_and_other_addresses_are_not(session: Session) -> None:
    now = utcnow()
    for n in range(accounts.MAX_FAILURES_PER_ADDRESS):
        with pytest.raises(SignInFailed):
            accounts.sign_in(session, email=f"user{n}@example.org", password="spray spray", address="6.6.6.6", now=now)
    with pytest.raises(TooManyAttempts):
        accounts.sign_in(session, email="fresh@example.org", password="spray spray", address="6.6.6.6", now=now)
    with pytest.raises(SignInFailed):  # an ordinary failure elsewhere, not a lock-out
        accounts.sign_in(session, email="fresh@example.org", password="spray spray", address="7.7.7.7", now=now)


def test_sessions_store_only_a_hash_expire_and_end(session: Session, team: Team) -> None:
    user = make_member(session, team, email="ben@example.org", name="Ben")
    now = utcnow()
    token = accounts.start_session(session, user=user, now=now)
    stored = session.exec(select(UserSession.token_hash)).one()
    assert token not in stored and stored == accounts.token_hash(token)
    found = accounts.find_signed_in(session, token, now=now)
    assert found is not None and found.display_name == "Ben" and found.team is not None
    assert found.team.team_id == team.id and found.team.role == Role.editor
    assert accounts.find_signed_in(session, token, now=now + accounts.SESSION_LIFETIME + timedelta(seconds=1)) is None
    assert accounts.find_signed_in(session, "0" * 64, now=now) is None
    accounts.end_session(session, token=token)
    assert accounts.find_signed_in(session, token, now=now) is None


def test_a_member_of_two_teams_switches_but_not_into_a_stranger_team(session: Session, team: Team) -> None:
    other = make_team(session, "Association B")
    stranger = make_team(session, "Association C")
    user = make_member(session, team, email="ben@example.org")
    session.add(Membership(team_id=other.id, user_id=user.id, role=Role.lead))
    token = accounts.start_session(session, user=user, team_id=team.id)
    signed_in = accounts.find_signed_in(session, token)
    assert signed_in is not None and [t.name for t in signed_in.teams] == ["Association A", "Association B"]
    accounts.switch_team(session, signed_in=signed_in, team_id=other.id)
    switched = accounts.find_signed_in(session, token)
    assert switched is not None and switched.team is not None
    assert (switched.team.team_id, switched.team.role) == (other.id, Role.lead)
    with pytest.raises(NotFound):
        accounts.switch_team(session, signed_in=switched, team_id=stranger.id)


def test_removed_from_the_team_worked_in_falls_back_to_another_or_none(session: Session, team: Team) -> None:
    admin = make_member(session, team, role=Role.admin)
    user = make_member(session, team, email="ben@example.org")
    token = accounts.start_session(session, user=user)
    accounts.remove_member(session, team_id=team.id, user_id=user.id, by=admin.id)
    signed_in = accounts.find_signed_in(session, token)
    assert signed_in is not None and signed_in.team is None and signed_in.teams == ()


def test_a_join_link_works_once_and_only_until_it_expires(session: Session, team: Team) -> None:
    admin = make_member(session, team, role=Role.admin)
    invitation, token = accounts.create_join_link(session, team_id=team.id, role=Role.lead, note="Cleo", by=admin.id)
    assert token not in invitation.token_hash
    user, team_id = accounts.accept_join_link(
        session, token=token, new_account=("cleo@example.org", "Cleo", TEST_PASSWORD))
    membership = session.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (team_id, membership.team_id, membership.role) == (team.id, team.id, Role.lead)
    with pytest.raises(InvalidInput, match="used already"):
        accounts.accept_join_link(session, token=token, new_account=("dan@example.org", "Dan", TEST_PASSWORD))
    _late, late_token = accounts.create_join_link(
        session, team_id=team.id, role=Role.viewer, note="", by=admin.id, now=utcnow() - timedelta(days=8))
    with pytest.raises(InvalidInput, match="expired"):
        accounts.open_link(session, token=late_token, kind=accounts.InvitationKind.join)
    with pytest.raises(NotFound):
        accounts.open_link(session, token="made-up", kind=accounts.InvitationKind.join)
    with pytest.raises(NotFound):  # a join link is not a reset link
        accounts.open_link(session, token=late_token, kind=accounts.InvitationKind.reset)


def test_an_existing_user_joins_a_second_team_with_the_link(session: Session, team: Team) -> None:
    other = make_team(session, "Association B")
    admin_b = make_member(session, other, role=Role.admin)
    user = make_member(session, team, email="ben@example.org")
    _invitation, token = accounts.create_join_link(session, team_id=other.id, role=Role.viewer, note="", by=admin_b.id)
    accounts.accept_join_link(session, token=token, user=user)
    teams = session.exec(select(Membership.team_id).where(Membership.user_id == user.id)).all()
    assert sorted(teams) == sorted([team.id, other.id])


def test_a_reset_link_sets_the_password_and_signs_out_everywhere(session: Session, team: Team) -> None:
    admin = make_member(session, team, role=Role.admin)
    user = make_member(session, team, email="ben@example.org")
    old_session = accounts.start_session(session, user=user)
    _invitation, token = accounts.create_reset_link(session, team_id=team.id, user_id=user.id, by=admin.id)
    with pytest.raises(InvalidInput, match="at least 10"):
        accounts.accept_reset_link(session, token=token, password="short")
    accounts.accept_reset_link(session, token=token, password="a brand new passphrase")
    assert accounts.find_signed_in(session, old_session) is None
    assert accounts.sign_in(session, email="ben@example.org", password="a brand new passphrase", address="x")
    with pytest.raises(InvalidInput, match="used already"):
        accounts.accept_reset_link(session, token=token, password="yet another passphrase")


def test_an_admin_cannot_reset_someone_who_also_works_for_another_team(session: Session, team: Team) -> None:
    other = make_team(session, "Association B")
    admin = make_member(session, team, role=Role.admin)
    user = make_member(session, team, email="ben@example.org")
    session.add(Membership(team_id=other.id, user_id=user.id, role=Role.viewer))
    session.flush()
    with pytest.raises(Forbidden, match="another team"):
        accounts.create_reset_link(session, team_id=team.id, user_id=user.id, by=admin.id)
    outsider = make_member(session, other, email="zed@example.org")
    with pytest.raises(NotFound):  # not a member of this team at all
        accounts.create_reset_link(session, team_id=team.id, user_id=outsider.id, by=admin.id)


def test_a_team_keeps_at_least_one_admin_and_changes_are_audited(session: Session, team: Team) -> None:
    admin = make_member(session, team, role=Role.admin, name="Ana")
    ben = make_member(session, team, email="ben@example.org", name="Ben")
    with pytest.raises(InvalidInput, match="at least one admin"):
        accounts.change_role(session, team_id=team.id, user_id=admin.id, role=Role.editor, by=admin.id)
    with pytest.raises(InvalidInput, match="at least one admin"):
        accounts.remove_member(session, team_id=team.id, user_id=admin.id, by=admin.id)
    accounts.change_role(session, team_id=team.id, user_id=ben.id, role=Role.admin, by=admin.id)
    accounts.change_role(session, team_id=team.id, user_id=admin.id, role=Role.viewer, by=ben.id)
    log = accounts.audit_log(session, team_id=team.id)
    assert [entry.summary for entry in log] == ["Ana: admin → viewer", "Ben: editor → admin"]
    assert [entry.who for entry in log] == ["Ben", "Ana"]


def test_the_audit_log_records_imports_and_stays_in_its_team(session: Session, team: Team) -> None:
    from tests.factories import make_draft

    other = make_team(session, "Association B")
    make_draft(session, team_id=team.id, title="Data Export Measures")
    latest = accounts.audit_log(session, team_id=team.id)[0]
    assert latest.summary.startswith("Draft “Data Export Measures” imported") and latest.who is None
    assert accounts.audit_log(session, team_id=other.id) == []


def test_the_first_admin_takes_over_the_teams_made_before_accounts(session: Session) -> None:
    local = services.team_for_command_line(session, team=None)  # what the CLI made on an empty database
    placeholder = User(email="local@commentdesk.invalid", display_name="Local user")
    session.add(placeholder)
    session.flush()
    session.add(Membership(team_id=local.id, user_id=placeholder.id, role=Role.admin))
    session.flush()
    assert not accounts.has_accounts(session)
    user, team = accounts.create_first_admin(
        session, email="ana@example.org", display_name="Ana", password=TEST_PASSWORD, team_name="Our Association")
    assert team.id == local.id and team.name == "Our Association"
    members = accounts.team_members(session, team_id=local.id)
    assert [(m.email, m.role) for m in members] == [("ana@example.org", Role.admin)]
    assert accounts.has_accounts(session)
    assert session.exec(select(AuditEvent.action).where(AuditEvent.team_id == local.id)).all() == ["admin_created"]
    assert user.id is not None


def test_the_command_line_picks_its_team(session: Session) -> None:
    first = services.team_for_command_line(session, team=None)
    assert first.name == services.LOCAL_TEAM_NAME
    assert services.team_for_command_line(session, team=None).id == first.id  # not made twice
    second = make_team(session, "Association B")
    with pytest.raises(InvalidInput, match="choose one with --team"):
        services.team_for_command_line(session, team=None)
    assert services.team_for_command_line(session, team="Association B").id == second.id
    assert services.team_for_command_line(session, team=str(first.id)).id == first.id
    with pytest.raises(InvalidInput, match="There is no team"):
        services.team_for_command_line(session, team="Nobody")


def test_links_are_listed_until_used_and_can_be_withdrawn(session: Session, team: Team) -> None:
    admin = make_member(session, team, role=Role.admin)
    invitation, _token = accounts.create_join_link(session, team_id=team.id, role=Role.editor, note="x", by=admin.id)
    assert [link.id for link in accounts.open_links(session, team_id=team.id)] == [invitation.id]
    other = make_team(session, "Association B")
    with pytest.raises(NotFound):  # not from another team
        accounts.revoke_link(session, team_id=other.id, invitation_id=invitation.id, by=admin.id)
    accounts.revoke_link(session, team_id=team.id, invitation_id=invitation.id, by=admin.id)
    assert session.exec(select(Invitation)).all() == []
