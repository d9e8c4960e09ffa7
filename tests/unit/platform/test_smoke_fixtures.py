from sqlmodel import Session

from models.db import get_engine
from services.identity.auth import login
from tests.factories import PASSWORD, make_org, make_user


def test_a_seeded_user_can_log_in_on_each_database(any_db_url):
    with Session(get_engine()) as session:
        org = make_org(session, "dealer")
        make_user(session, "dealer", org, email="Dealer@Example.test")
        org_id = org.id
        session.commit()
        token, principal = login(session, email="dealer@example.TEST", password=PASSWORD)
    assert principal.role == "dealer" and principal.organisation_id == org_id
    assert len(token) > 30
