"""An offline gazetteer of the demo countries: cities and postcodes with coordinates, for the dealer
locator (no geocoding service is called, so it works in a locked-down deployment).

Where the coordinates come from: city-centre (or postcode-district centre) coordinates as public
gazetteers give them (Wikipedia's infoboxes, which cite GeoNames), rounded to four decimals;
good to about a kilometre, which is all a "nearest dealer" list needs. Chinese postcodes are the
city's main six-digit code. A deployment with real address data replaces this table.
"""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    city: str
    country: str  # ISO 3166-1 alpha-2
    latitude: float
    longitude: float
    postcodes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other spellings: local names, Chinese names


PLACES: tuple[Place, ...] = (
    # China
    Place("Shanghai", "CN", 31.2304, 121.4737, ("200000", "200120"), ("上海",)),
    Place("Beijing", "CN", 39.9042, 116.4074, ("100000", "100020"), ("北京", "Peking")),
    Place("Shenzhen", "CN", 22.5431, 114.0579, ("518000",), ("深圳",)),
    Place("Guangzhou", "CN", 23.1291, 113.2644, ("510000",), ("广州", "Canton")),
    Place("Hangzhou", "CN", 30.2741, 120.1551, ("310000",), ("杭州",)),
    Place("Chengdu", "CN", 30.5728, 104.0668, ("610000",), ("成都",)),
    Place("Wuhan", "CN", 30.5928, 114.3055, ("430000",), ("武汉",)),
    Place("Chongqing", "CN", 29.5630, 106.5516, ("400000",), ("重庆",)),
    Place("Nanjing", "CN", 32.0603, 118.7969, ("210000",), ("南京",)),
    Place("Suzhou", "CN", 31.2990, 120.5853, ("215000",), ("苏州",)),
    Place("Tianjin", "CN", 39.3434, 117.3616, ("300000",), ("天津",)),
    # Germany
    Place("Munich", "DE", 48.1374, 11.5755, ("80331", "80687"), ("München", "Muenchen")),
    Place("Berlin", "DE", 52.5200, 13.4050, ("10115", "10117")),
    Place("Hamburg", "DE", 53.5503, 10.0006, ("20095",)),
    Place("Frankfurt am Main", "DE", 50.1109, 8.6821, ("60311",), ("Frankfurt",)),
    Place("Stuttgart", "DE", 48.7758, 9.1829, ("70173",)),
    Place("Augsburg", "DE", 48.3705, 10.8978, ("86150",)),
    # United Kingdom
    Place("London", "GB", 51.5074, -0.1278, ("SW1A 1AA", "EC1A 1BB", "NW10 7NU")),
    Place("Manchester", "GB", 53.4808, -2.2426, ("M1 1AE",)),
    Place("Birmingham", "GB", 52.4862, -1.8904, ("B1 1AA",)),
    Place("Reading", "GB", 51.4543, -0.9781, ("RG1 1AA",)),
    # United Arab Emirates (no postcodes)
    Place("Dubai", "AE", 25.2048, 55.2708, (), ("دبي",)),
    Place("Abu Dhabi", "AE", 24.4539, 54.3773, (), ("أبو ظبي",)),
    Place("Sharjah", "AE", 25.3463, 55.4209, (), ("الشارقة",)),
    # Australia
    Place("Sydney", "AU", -33.8688, 151.2093, ("2000", "2015")),
    Place("Melbourne", "AU", -37.8136, 144.9631, ("3000",)),
    Place("Newcastle", "AU", -32.9283, 151.7817, ("2300",)),
    # Thailand
    Place("Bangkok", "TH", 13.7563, 100.5018, ("10200", "10310"), ("กรุงเทพมหานคร",)),
    Place("Chiang Mai", "TH", 18.7883, 98.9853, ("50000",)),
    Place("Pattaya", "TH", 12.9236, 100.8825, ("20150",)),
    # Brazil
    Place("São Paulo", "BR", -23.5505, -46.6333, ("01000-000", "04077-003"), ("Sao Paulo",)),
    Place("Rio de Janeiro", "BR", -22.9068, -43.1729, ("20000-000",)),
    Place("Campinas", "BR", -22.9099, -47.0626, ("13010-000",)),
    # Mexico
    Place("Mexico City", "MX", 19.4326, -99.1332, ("06000", "11560"), ("Ciudad de México", "CDMX")),
    Place("Guadalajara", "MX", 20.6597, -103.3496, ("44100",)),
    Place("Puebla", "MX", 19.0414, -98.2063, ("72000",)),
    # Norway
    Place("Oslo", "NO", 59.9139, 10.7522, ("0150", "0580")),
    Place("Bergen", "NO", 60.3913, 5.3221, ("5003",)),
    Place("Drammen", "NO", 59.7439, 10.2045, ("3015",)),
    # Singapore
    Place("Singapore", "SG", 1.3521, 103.8198, ("018956", "159948", "238859"), ("新加坡",)),
)


def _fold(text: str) -> str:
    """Case, accents and spacing ignored: "MÜNCHEN " and "munchen" fold alike."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).split())


def _postcode(text: str) -> str:
    return "".join(text.split()).upper().replace("-", "")


_BY_NAME: dict[str, Place] = {}
_BY_POSTCODE: dict[str, Place] = {}
for _place in PLACES:
    for _name in (_place.city, *_place.aliases):
        _BY_NAME.setdefault(_fold(_name), _place)
    for _code in _place.postcodes:
        _BY_POSTCODE.setdefault(_postcode(_code), _place)


def find_city(name: str) -> Place | None:
    """The place called `name` (any listed spelling), or None."""
    return _BY_NAME.get(_fold(name))


def find_postcode(code: str) -> Place | None:
    """The place of postcode `code` (spaces and dashes ignored), or None."""
    return _BY_POSTCODE.get(_postcode(code))


def suggestions(text: str, limit: int = 5) -> list[str]:
    """Listed city names and postcodes close to `text` (for "did you mean"), best first; the
    biggest demo cities when nothing is close."""
    folded = _fold(text)
    names = {_fold(place.city): place.city for place in PLACES}
    close = difflib.get_close_matches(folded, list(names), n=limit, cutoff=0.6)
    found = [names[name] for name in close]
    compact = _postcode(text)
    if compact and len(found) < limit:
        codes = [code for code in _BY_POSTCODE if compact[:3] and code.startswith(compact[:3])]
        found += [code for code in sorted(codes)][: limit - len(found)]
    alias_hits = [
        place.city for place in PLACES for alias in place.aliases if folded and folded in _fold(alias)
    ]
    for city in alias_hits:
        if city not in found and len(found) < limit:
            found.append(city)
    return found or [place.city for place in PLACES[:limit]]
