"""Password hashing and session tokens: what is stored is never what the user holds."""

from __future__ import annotations

import hashlib
import re

from sqlmodel import Session, select

from models import UserSession
from models.db import get_engine
from services.identity.auth import login
from services.identity.passwords import hash_password, new_token, token_digest, verify_password
from tests.factories import PASSWORD, make_org, make_user


def test_a_password_is_hashed_with_argon2():
    digest = hash_password("s3cret-password")
    assert digest.startswith("$argon2")
    assert "s3cret-password" not in digest


def test_the_right_password_verifies_and_a_wrong_one_does_not():
    digest = hash_password("s3cret-password")
    assert verify_password("s3cret-password", digest) is True
    assert verify_password("s3cret-passwore", digest) is False
    assert verify_password("", digest) is False


def test_the_same_password_twice_gives_two_different_hashes():
    first, second = hash_password("same-password"), hash_password("same-password")
    assert first != second
    assert verify_password("same-password", first) and verify_password("same-password", second)


def test_a_malformed_hash_is_no_match_rather_than_an_error():
    for broken in ("", "not-a-hash", "$argon2id$v=19$m=65536,t=3,p=4$garbage", "$2b$12$short"):
        assert verify_password("anything", broken) is False


def test_tokens_are_long_random_and_unique():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 40 for token in tokens)


def test_the_token_digest_is_the_sha256_hex_of_the_token():
    token = new_token()
    digest = token_digest(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert digest == hashlib.sha256(token.encode()).hexdigest()


def test_the_session_table_holds_the_digest_never_the_raw_token(sqlite_url):
    with Session(get_engine()) as session:
        org = make_org(session, "dealer")
        user = make_user(session, "dealer", org)
        email = user.email
        session.commit()
        token, _ = login(session, email=email, password=PASSWORD)
        stored = session.exec(select(UserSession)).all()
    assert [row.token_hash for row in stored] == [token_digest(token)]
    assert all(token not in (row.token_hash, row.user_agent) for row in stored)
