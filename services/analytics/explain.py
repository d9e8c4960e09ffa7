"""Each tile's "how this is computed": the formula, which rows count and which are left out, the same
text for everyone, in the viewer's language (services/i18n keys `kpi.explain.<tile>`)."""

from __future__ import annotations

from services.analytics.tiles import TILE_BY_KEY, TILES
from services.i18n import translate
from services.platform.errors import NotFound


def explain(tile: str, language: str = "en") -> dict:
    """{"tile", "title", "text", "drilldown"} for `tile`; NotFound `kpi.tile_unknown` (field `tile`)."""
    spec = TILE_BY_KEY.get(tile)
    if spec is None:
        raise NotFound("kpi.tile_unknown", field="tile", tile=str(tile)[:40])
    return {
        "tile": tile,
        "title": translate(f"kpi.tile.{tile}", language),
        "text": translate(f"kpi.explain.{tile}", language),
        "drilldown": list(spec.drilldown),
    }


def explain_all(language: str = "en") -> list[dict]:
    return [explain(spec.key, language) for spec in TILES]
