"""The configurator's demo data: every trim has colours and 4-5 packs whose rules work; once."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models import Trim
from models.db import engine_for
from models.migrate import upgrade
from services.platform.errors import ValidationFailed
from services.seed import seed
from services.seed.configurator import seed_configurator
from services.showroom.configurator import load_options, quote


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('configurator') / 'portal.db'}"
    upgrade(url)
    seed(engine_for(url), "demo", supply_history=False, logistics_history=False, showroom=False)
    return url


def test_every_trim_is_configurable_with_a_rule_per_model_once(seeded: str):
    with Session(engine_for(seeded)) as session:
        counts = seed_configurator(session)
        trims = session.execute(select(Trim).order_by(Trim.id)).scalars().all()
        assert counts["colours"] == 5 * len(trims)
        restricted_models = set()
        for trim in trims:
            options = load_options(session, trim.id)
            assert len(options.colours) == 5 and 4 <= len(options.packs) <= 5
            tow = next(p for p in options.packs if p.code == "tow_bar")
            if trim.code in tow.requires_trims:
                quote(options, "jade_green", ["tow_bar", "winter"])
            else:
                restricted_models.add(trim.model_id)
                with pytest.raises(ValidationFailed) as failed:
                    quote(options, "jade_green", ["tow_bar"])
                assert failed.value.code == "configurator.rule.requires_trim"
            with pytest.raises(ValidationFailed):
                quote(options, "pearl_white", ["sport", "comfort"])
            assert quote(options, "ruby_red", ["sport"]).total > options.base_price
        models_with_many_trims = {
            t.model_id for t in trims if sum(o.model_id == t.model_id for o in trims) > 1
        }
        assert models_with_many_trims <= restricted_models
        assert seed_configurator(session) == {"colours": 0, "packs": 0}
