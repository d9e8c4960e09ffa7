"""Logging in and out on both databases: throttling, sessions, expiry and the audit trail."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import AuditLog, UserSession
from models.db import get_engine
from models.types import utcnow
from services.i18n import translate
from services.identity import auth, device_tokens, login_throttle, users
from services.identity.auth import login, logout, principal_for, resolve_token
from services.platform import rate_limits
from services.platform.errors import AuthenticationFailed, LoginThrottled
from tests.conftest import configure
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture
def dealer(session):
    org = make_org(session, "dealer")
    user = make_user(session, "dealer", org, email="Anna.Li@Example.test")
    session.commit()
    return user


def _fail(session, email, now=None, password="wrong-password"):
    with pytest.raises(AuthenticationFailed) as caught:
        login(session, email=email, password=password, now=now)
    return caught.value


def _actions(session, user_id=None):
    statement = select(AuditLog).order_by(AuditLog.id)
    if user_id is not None:
        statement = statement.where(AuditLog.entity_id == str(user_id))
    return [row.action for row in session.exec(statement)]


def test_login_ignores_the_case_and_spaces_of_the_email(session, dealer):
    token, principal = login(session, email="  anna.li@EXAMPLE.TEST ", password=PASSWORD)
    assert principal.user_id == dealer.id
    assert principal.email == "Anna.Li@Example.test"
    assert principal.role == "dealer"
    assert resolve_token(session, token) == principal


def test_wrong_password_and_unknown_email_give_the_same_error(session, dealer):
    wrong_password = _fail(session, "anna.li@example.test")
    unknown_email = _fail(session, "nobody@example.test")
    assert type(wrong_password) is type(unknown_email) is AuthenticationFailed
    assert (wrong_password.code, wrong_password.field) == (unknown_email.code, unknown_email.field)
    assert translate(wrong_password.code) == translate(unknown_email.code)
    assert "e-mail or password" in translate(wrong_password.code)


ATTACKER = "203.0.113.9"
OWNER = "198.51.100.7"


def _outcome(session, email, password="wrong-password", address=ATTACKER):
    """What the person sees: (error class, code, field, params), or "in"."""
    try:
        login(session, email=email, password=password, client_address=address)
    except AuthenticationFailed as error:
        return type(error).__name__, error.code, error.field, error.params
    except LoginThrottled as error:
        return type(error).__name__, error.code, error.field, error.params
    return "in"


def test_known_and_unknown_emails_get_the_same_answer_at_every_step(session, dealer):
    known = [_outcome(session, dealer.email) for _ in range(7)]
    unknown = [_outcome(session, "nobody@example.test") for _ in range(7)]

    assert known == unknown
    failed = ("AuthenticationFailed", "auth.invalid_credentials", "password", {})
    throttled = ("LoginThrottled", "auth.throttled", "email", {"retry_after": 900, "minutes": 15})
    assert known == [failed] * 5 + [throttled] * 2
    assert "15 min" in translate("auth.throttled", minutes=15)


def test_an_unknown_or_deactivated_email_verifies_a_dummy_hash_like_a_known_one(session, dealer, monkeypatch):
    verified: list[str] = []

    def spy(password, password_hash):
        verified.append(password_hash)
        return False

    monkeypatch.setattr(auth, "verify_password", spy)
    _outcome(session, dealer.email)
    _outcome(session, "nobody@example.test")
    dealer.is_active = False
    session.add(dealer)
    session.commit()
    _outcome(session, dealer.email, password=PASSWORD)

    assert verified == [dealer.password_hash, auth._DUMMY_HASH, auth._DUMMY_HASH]


def test_guesses_from_one_address_never_stop_the_owner_signing_in_from_another(session, dealer):
    for _ in range(8):
        _outcome(session, dealer.email, address=ATTACKER)
    assert _outcome(session, dealer.email, password=PASSWORD, address=ATTACKER)[0] == "LoginThrottled"

    assert auth.login_delay(email=dealer.email, client_address=OWNER) == 0
    token, principal = login(session, email=dealer.email, password=PASSWORD, client_address=OWNER)
    assert principal.user_id == dealer.id and resolve_token(session, token) == principal


def test_one_address_guessing_across_accounts_is_refused_for_every_email(session, dealer, monkeypatch):
    configure(monkeypatch, login_failures_per_address="6")
    outcomes = [_outcome(session, f"guess{n}@example.test")[0] for n in range(6)]
    assert outcomes == ["AuthenticationFailed"] * 6

    assert _outcome(session, dealer.email, password=PASSWORD)[:2] == ("LoginThrottled", "auth.throttled")
    assert _outcome(session, dealer.email, password=PASSWORD, address=OWNER) == "in"


def test_the_answer_waits_longer_with_each_failure_up_to_the_cap(session, dealer):
    delays = []
    for _ in range(5):
        delays.append(auth.login_delay(email=dealer.email, client_address=ATTACKER))
        _outcome(session, dealer.email)
    delays.append(auth.login_delay(email=f" {dealer.email.upper()} ", client_address=ATTACKER))

    assert delays == [0, 0.5, 1.0, 1.5, 2.0, 2.5]
    assert auth.login_delay(email="nobody@example.test", client_address=ATTACKER) == pytest.approx(
        2.5 / 6
    )  # the address's failures across e-mails: 5 of 30, scaled to the 5 per account
    assert auth.login_delay(email=dealer.email, client_address=OWNER) == 0


def test_the_delay_is_capped(session, dealer, monkeypatch):
    configure(monkeypatch, login_failures_per_account_address="20", login_delay_cap_seconds="1.2")
    for _ in range(10):
        _outcome(session, dealer.email)
    assert auth.login_delay(email=dealer.email, client_address=ATTACKER) == 1.2


def test_the_throttle_lets_go_once_the_window_has_passed(session, dealer, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(rate_limits, "time", clock)
    monkeypatch.setattr(login_throttle, "time", clock)
    for _ in range(5):
        _outcome(session, dealer.email)
    clock.now += 14 * 60
    assert _outcome(session, dealer.email, password=PASSWORD)[3] == {"retry_after": 60, "minutes": 1}

    clock.now += 61
    assert _outcome(session, dealer.email, password=PASSWORD) == "in"


def test_a_successful_login_starts_the_count_for_that_address_again(session, dealer):
    for _ in range(4):
        _outcome(session, dealer.email)
    login(session, email=dealer.email, password=PASSWORD, client_address=ATTACKER)
    outcomes = [_outcome(session, dealer.email)[0] for _ in range(6)]
    assert outcomes == ["AuthenticationFailed"] * 5 + ["LoginThrottled"]


# --- known devices: the owner behind the attacker's address (an office NAT) ---------------------


def _device_token(session, user, address=OWNER) -> str:
    """The device token a client keeps from a successful login."""
    _token, principal = login(session, email=user.email, password=PASSWORD, client_address=address)
    return auth.device_token_for(principal)


def _attack_from(session, address, emails):
    """Wrong passwords from `address` until its windows refuse everyone."""
    for email in emails:
        _outcome(session, email, address=address)


def _outcome_with(session, email, device_token, password="wrong-password", address=ATTACKER):
    try:
        login(session, email=email, password=password, client_address=address, device_token=device_token)
    except (AuthenticationFailed, LoginThrottled) as error:
        return type(error).__name__, error.code, error.field, error.params
    return "in"


def test_the_owner_behind_the_attackers_address_signs_in_from_a_known_device(session, dealer, monkeypatch):
    configure(monkeypatch, login_failures_per_address="6")
    device_token = _device_token(session, dealer, address=ATTACKER)  # signed in here last week
    _attack_from(session, ATTACKER, [dealer.email] * 3 + [f"guess{n}@example.test" for n in range(3)])

    without = _outcome(session, dealer.email, password=PASSWORD)
    assert without[:2] == ("LoginThrottled", "auth.throttled")
    assert auth.login_delay(email=dealer.email, client_address=ATTACKER, device_token=device_token) == 0
    assert _outcome_with(session, f" {dealer.email.upper()}", device_token, password=PASSWORD) == "in"


def test_a_tampered_expired_or_other_accounts_device_token_counts_as_none(session, dealer, monkeypatch):
    configure(monkeypatch, login_failures_per_address="6")
    other_org = make_org(session, "supplier")
    other = make_user(session, "supplier", other_org, email="someone.else@example.test")
    session.commit()
    genuine = _device_token(session, dealer)
    others = _device_token(session, other)
    body, _, signature = genuine.rpartition(".")
    account_part = body.split(".")[1]
    clock = FakeClock()
    clock.now += 91 * 86400
    _attack_from(session, ATTACKER, [f"guess{n}@example.test" for n in range(6)])
    refused = _outcome(session, dealer.email, password=PASSWORD)
    assert refused[0] == "LoginThrottled"

    tampered = [
        body.replace(account_part, "0" * 32) + "." + signature,  # another account id, old signature
        body[:-1] + ("1" if body[-1] != "1" else "2") + "." + signature,  # a later expiry
        body + "." + "0" * 64,  # forged signature
        others,  # a genuine token of another account
        "not-a-token",
        "....",
        "\x00" * 500,
        "d1.é.é.é.é",
    ]
    for token in tampered:
        assert _outcome_with(session, dealer.email, token, password=PASSWORD) == refused, token
        assert device_tokens.device_id(token, auth.normalize_email(dealer.email)) is None
    monkeypatch.setattr(device_tokens, "time", clock)
    assert _outcome_with(session, dealer.email, genuine, password=PASSWORD) == refused  # expired


def test_a_device_token_names_its_account_only_by_a_keyed_hash(session, dealer, monkeypatch):
    token = _device_token(session, dealer)
    assert "anna" not in token.lower() and "example" not in token.lower()
    assert device_tokens.device_id(token, "anna.li@example.test") is not None
    configure(monkeypatch, secret_key="another-secret-key")  # a token of another deployment
    assert device_tokens.device_id(token, "anna.li@example.test") is None


def test_a_known_device_gets_five_guesses_of_its_own_then_is_refused(session, dealer, monkeypatch):
    configure(monkeypatch, login_failures_per_address="6")
    device_token = _device_token(session, dealer, address=ATTACKER)
    outcomes = [_outcome_with(session, dealer.email, device_token) for _ in range(6)]
    delay = auth.login_delay(email=dealer.email, client_address=ATTACKER, device_token=device_token)
    right = _outcome_with(session, dealer.email, device_token, password=PASSWORD)

    failed = ("AuthenticationFailed", "auth.invalid_credentials", "password", {})
    throttled = ("LoginThrottled", "auth.throttled", "email", {"retry_after": 900, "minutes": 15})
    assert outcomes == [failed] * 5 + [throttled]
    assert right == throttled and delay == 2.5
    # Its guesses were not counted against the address: the stranger's way in is still open.
    assert auth.login_delay(email=dealer.email, client_address=ATTACKER) == 0
    assert _outcome(session, dealer.email, password=PASSWORD) == "in"


def test_known_and_unknown_emails_get_the_same_answers_with_a_device_token_not_theirs(session, dealer):
    device_token = _device_token(session, dealer)
    known = [_outcome_with(session, "anna.li@example.test", device_token + "x") for _ in range(6)]
    unknown = [_outcome_with(session, "nobody@example.test", device_token) for _ in range(6)]
    assert known == unknown
    assert [outcome[0] for outcome in known] == ["AuthenticationFailed"] * 5 + ["LoginThrottled"]


class FakeClock:
    """Stands in for the `time` module of the limiter: Unix seconds that a test moves on."""

    def __init__(self) -> None:
        import time

        self.now = time.time()

    def time(self) -> float:
        return self.now


def test_a_deactivated_user_cannot_log_in_and_their_session_stops_resolving(session, dealer):
    admin_org = make_org(session, "oem")
    admin = make_user(session, "admin", admin_org)
    session.commit()
    token, _ = login(session, email=dealer.email, password=PASSWORD)
    assert resolve_token(session, token) is not None

    users.set_active(session, principal_for(admin, admin_org), user_id=dealer.id, active=False)
    assert resolve_token(session, token) is None
    refused = _fail(session, dealer.email, password=PASSWORD)
    unknown = _fail(session, "nobody@example.test", password=PASSWORD)
    assert type(refused) is AuthenticationFailed
    assert (refused.code, refused.field) == (unknown.code, unknown.field)


def test_a_deactivated_user_with_the_right_password_is_throttled_like_an_unknown_email(session, dealer):
    dealer.is_active = False
    session.add(dealer)
    session.commit()
    deactivated = [_outcome(session, dealer.email, password=PASSWORD) for _ in range(6)]
    unknown = [_outcome(session, "nobody@example.test", password=PASSWORD) for _ in range(6)]
    assert deactivated == unknown
    assert [outcome[0] for outcome in deactivated] == ["AuthenticationFailed"] * 5 + ["LoginThrottled"]


def test_a_session_expires_after_its_lifetime(session, dealer):
    now = utcnow()
    token, principal = login(session, email=dealer.email, password=PASSWORD, now=now)
    stored = session.exec(select(UserSession)).one()
    assert stored.expires_at == now + timedelta(hours=12)
    assert resolve_token(session, token, now=now + timedelta(hours=11, minutes=59)) == principal
    assert resolve_token(session, token, now=stored.expires_at) is None
    assert resolve_token(session, token, now=now + timedelta(days=1)) is None


def test_unknown_and_empty_tokens_resolve_to_nobody(session, dealer):
    assert resolve_token(session, None) is None
    assert resolve_token(session, "") is None
    assert resolve_token(session, "made-up-token") is None


def test_logout_revokes_the_session(session, dealer):
    token, _ = login(session, email=dealer.email, password=PASSWORD)
    other_token, _ = login(session, email=dealer.email, password=PASSWORD)
    logout(session, token)
    assert resolve_token(session, token) is None
    assert resolve_token(session, other_token) is not None
    logout(session, "not-a-token")  # ignored
    logout(session, token)  # twice is harmless
    assert _actions(session, dealer.id).count("logout") == 1


def test_logins_failures_throttling_and_role_changes_are_audited(session, dealer):
    admin_org = make_org(session, "oem")
    manager = make_user(session, "admin", admin_org)
    admin = make_user(session, "admin", admin_org)
    session.commit()
    login(session, email=dealer.email, password=PASSWORD, client_address=OWNER)
    for _ in range(6):
        _outcome(session, dealer.email)
    _outcome(session, "ghost@example.test", address=OWNER)
    users.change_role(session, principal_for(admin, admin_org), user_id=manager.id, role="manager")

    rows = session.exec(select(AuditLog).order_by(AuditLog.id)).all()
    by_action: dict[str, list[AuditLog]] = {}
    for row in rows:
        by_action.setdefault(row.action, []).append(row)
    succeeded = by_action["login.succeeded"][0]
    assert (succeeded.actor_user_id, succeeded.organisation_id) == (dealer.id, dealer.organisation_id)
    assert succeeded.after == {"client_address": OWNER}
    failed = by_action["login.failed"]
    assert len(failed) == 6
    assert all(
        r.organisation_id == dealer.organisation_id
        and r.entity_id == str(dealer.id)
        and r.after == {"email": dealer.email, "client_address": ATTACKER}
        for r in failed[:5]
    )
    assert failed[5].after == {"email": "ghost@example.test", "client_address": OWNER}
    throttled = by_action["login.throttled"]
    assert len(throttled) == 1
    assert throttled[0].actor_user_id == dealer.id and throttled[0].organisation_id == dealer.organisation_id
    assert throttled[0].after == {"email": dealer.email, "client_address": ATTACKER, "retry_after": 900}
    changed = by_action["user.role_changed"][0]
    assert changed.actor_user_id == admin.id and changed.organisation_id == admin_org.id
    assert changed.entity_id == str(manager.id)
    assert (changed.before["role"], changed.after["role"]) == ("admin", "manager")
    assert all(row.at.tzinfo is not None for row in rows)


def test_a_failed_login_for_an_unknown_email_is_audited_without_a_user(session, dealer):
    with pytest.raises(AuthenticationFailed):
        login(session, email="ghost@example.test", password="whatever-it-is")
    row = session.exec(select(AuditLog).where(AuditLog.action == "login.failed")).one()
    assert row.actor_user_id is None
    assert row.after == {"email": "ghost@example.test", "client_address": ""}


def test_parallel_guesses_from_one_address_never_get_more_than_five_tries(session, dealer):
    def guess(_):
        with Session(get_engine()) as own:
            return _outcome(own, dealer.email, password="parallel-guess")[0]

    # As many threads as the engine has connections (pool 3 + overflow 2): on a loaded machine a
    # sixth would wait for a connection past the pool's 2 s timeout while the others hash.
    with ThreadPoolExecutor(max_workers=5) as pool:
        outcomes = list(pool.map(guess, range(12)))
    assert outcomes.count("AuthenticationFailed") == 5
    assert outcomes.count("LoginThrottled") == 7
    actions = _actions(session, dealer.id)
    assert actions.count("login.failed") == 5
    assert actions.count("login.throttled") == 7
