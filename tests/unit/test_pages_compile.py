"""Every page of the portal builds its component tree, with every message it names present in
both languages; the navigation offers each role only pages that role may enter."""

from __future__ import annotations

import pytest
import reflex as rx

from models import Role
from portal.components.frame import PAGES, SECTIONS
from portal.components.ui import t
from services.access import AREA_ROLES, HOME_BY_ROLE, may_enter
from services.auth import Principal


def test_every_registered_page_builds_its_component() -> None:
    import portal.portal  # noqa: F401  (declares every page)

    routes = [spec.route for spec in PAGES]
    assert len(routes) == len(set(routes)), "a route is declared twice"
    assert set(HOME_BY_ROLE.values()) <= set(routes), "a role's home has no page"
    for spec in PAGES:
        assert isinstance(spec.render(), rx.Component), spec.route


def test_a_page_naming_an_unknown_message_fails_to_build() -> None:
    with pytest.raises(LookupError, match="no.such.message"):
        t("no.such.message")


def _principal(role: str) -> Principal:
    return Principal(user_id=1, email="x@example.test", full_name="X", role=role, organisation_id=1,
                     organisation_name="Org", organisation_kind="oem", language="en", time_zone="UTC")


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_roles_sidebar_links_only_to_pages_it_may_enter(role: str) -> None:
    sections = SECTIONS[role]
    assert sections, role
    for label_key, route, _icon in sections:
        assert may_enter(_principal(role), route), (role, route)
        assert route.strip("/").split("/")[0] in AREA_ROLES
        t(label_key)  # the label exists
