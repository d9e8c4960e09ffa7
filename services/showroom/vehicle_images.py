"""The showroom's pictures of each model in each paint colour, made from the model's own drawing
(assets/vehicles/<model>.svg): its body's paint gradient and outline take the colour, everything
else (glass, wheels, lights, shadow) stays. The results are static assets beside the drawing
(assets/vehicles/<model>/<colour>.svg), so a page loads them from the app like any other image.

Run after changing a drawing or a paint colour of the seed (tests/unit/showroom checks that the
committed files are what this makes):

    python -m services.showroom.vehicle_images
"""

from __future__ import annotations

import colorsys
import re
import sys
from pathlib import Path

from models.settings import PROJECT_ROOT

VEHICLES = PROJECT_ROOT / "assets" / "vehicles"


SHADOW = "#0b1320"  # the ground shadow every drawing shares: never paint


def _hls(hex_colour: str) -> tuple[float, float, float]:
    value = hex_colour.lstrip("#")
    return colorsys.rgb_to_hls(*(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)))


def _hex(hue: float, lightness: float, saturation: float) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in colorsys.hls_to_rgb(hue, lightness, saturation))


def _body_colours(drawing: str, model: str) -> tuple[str, set[str]]:
    """The drawing's own paint (the gradient's middle stop) and every colour of its body: the
    gradient's stops, the outline and the shades of the same hue (door lines, mirror, sill), not
    the lights, the glass or the shadow."""
    gradient = re.search(rf'<linearGradient id="{re.escape(model)}-paint".*?</linearGradient>', drawing, re.S)
    if gradient is None:
        raise ValueError(f"{model}: no <linearGradient id='{model}-paint'> in the drawing")
    stops = re.findall(r'stop-color="(#[0-9a-fA-F]{6})"', gradient.group(0))
    base = stops[len(stops) // 2]
    outline = re.findall(rf'fill="url\(#{re.escape(model)}-paint\)" stroke="(#[0-9a-fA-F]{{6}})"', drawing)
    hue = _hls(base)[0]
    shades = set()
    for colour in set(re.findall(r"#[0-9a-fA-F]{6}", drawing)):
        h, lightness, saturation = _hls(colour)
        if min(abs(h - hue), 1 - abs(h - hue)) * 360 <= 4 and saturation > 0.35 and lightness < 0.9:
            shades.add(colour)
    return base, (set(stops) | set(outline) | shades) - {SHADOW}


def paint(drawing: str, model: str, hex_colour: str) -> str:
    """The drawing of `model` with its body in `hex_colour`: each body colour keeps its lightness
    relative to the paint (highlights stay lighter, shades darker) in the new hue. Raises
    ValueError when the drawing has no paint gradient of that model."""
    base, body = _body_colours(drawing, model)
    base_lightness = _hls(base)[1]
    hue, lightness, saturation = _hls(hex_colour)

    def repaint(match: re.Match) -> str:
        colour = match.group(0)
        if colour not in body:
            return colour
        shifted = min(0.96, max(0.04, lightness + (_hls(colour)[1] - base_lightness)))
        return _hex(hue, shifted, saturation)

    painted = re.sub(r"#[0-9a-fA-F]{6}", repaint, drawing)
    # Ids stay unique per picture, so two pictures on one page never share a gradient or a wheel.
    tag = f"{model}-{hex_colour.lstrip('#').lower()}-"
    for prefix in ('id="', "url(#", 'href="#', 'aria-labelledby="'):
        painted = painted.replace(f"{prefix}{model}-", f"{prefix}{tag}")
    return painted


def image_path(model: str, colour_key: str) -> str:
    """The picture's address under the app's assets: `/vehicles/<model>/<colour>.svg`."""
    return f"/vehicles/{model}/{colour_key}.svg"


def variants(directory: Path = VEHICLES) -> dict[Path, str]:
    """Every picture this makes: its path -> its SVG text, for each model drawing and seed colour."""
    from services.seed.configurator import COLOURS  # the seed's paints; only the generator needs them

    made: dict[Path, str] = {}
    for drawing_path in sorted(directory.glob("*.svg")):
        model = drawing_path.stem
        drawing = drawing_path.read_text()
        for key, _label, hex_colour, _share in COLOURS:
            made[directory / model / f"{key}.svg"] = paint(drawing, model, hex_colour)
    return made


def write(directory: Path = VEHICLES) -> list[Path]:
    written = []
    for path, text in variants(directory).items():
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


if __name__ == "__main__":
    paths = write()
    print(f"wrote {len(paths)} pictures under {VEHICLES}", file=sys.stderr)
