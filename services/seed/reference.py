"""The fixed facts the demo world is built from: part categories, cities, the OEM's line-up.

Everything here is plain data (no randomness): real cities with their coordinates and IANA
zones, exchange rates used only to price parts in each supplier's currency, and the word lists
part names are composed from (cheap enough for half a million parts).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

SEED = 2026
DEMO_PASSWORD = "demo-pass-2026"
OEM_SLUG = "oem"
CONSUMER_SLUG = "retail-customers"
BRAND = "Qingyun"


@dataclass(frozen=True)
class Category:
    """A part category: its SKU prefix, unit, price band in CNY and the words its names use."""

    name: str
    code: str
    unit: str
    low_cny: int
    high_cny: int
    service: bool  # a wear or service part a dealer workshop keeps on the shelf
    forms: tuple[tuple[str, ...], ...]


CATEGORIES: tuple[Category, ...] = (
    Category(
        "Brake pads",
        "BRP",
        "set",
        80,
        900,
        True,
        (
            ("Front", "Rear"),
            ("ceramic", "low-metallic", "semi-metallic", "organic", "low-dust ceramic"),
            ("brake pad set",),
            ("", "with wear sensor", "with anti-squeal shims", "with fitting kit"),
        ),
    ),
    Category(
        "Brake discs",
        "BRD",
        "pc",
        150,
        1800,
        True,
        (
            ("Front", "Rear"),
            ("ventilated", "solid", "cross-drilled", "slotted", "two-piece floating"),
            ("brake disc",),
            ("280 mm", "300 mm", "320 mm", "345 mm", "360 mm", "380 mm"),
        ),
    ),
    Category(
        "Brake calipers",
        "BRC",
        "pc",
        400,
        3500,
        False,
        (
            ("Front left", "Front right", "Rear left", "Rear right"),
            ("single-piston", "twin-piston", "four-piston fixed", "electric parking"),
            ("brake caliper",),
        ),
    ),
    Category(
        "Wiring harnesses",
        "WHN",
        "pc",
        200,
        6000,
        False,
        (
            (
                "Engine bay",
                "Instrument panel",
                "Front door",
                "Rear door",
                "Body",
                "Tailgate",
                "Seat",
                "Roof",
                "High-voltage battery",
                "Charging port",
            ),
            ("wiring harness",),
            ("", "LHD", "RHD", "with connectors"),
        ),
    ),
    Category(
        "Headlamps",
        "HLP",
        "pc",
        600,
        9000,
        False,
        (
            ("Left", "Right"),
            ("full LED", "LED matrix", "adaptive LED", "bi-xenon", "halogen"),
            ("headlamp assembly",),
            ("", "with daytime running light", "with levelling motor"),
        ),
    ),
    Category(
        "Tail lamps",
        "TLP",
        "pc",
        300,
        3500,
        False,
        (("Left", "Right"), ("outer", "inner"), ("LED", "OLED", "halogen"), ("tail lamp",)),
    ),
    Category(
        "Seat frames",
        "STF",
        "pc",
        500,
        4000,
        False,
        (
            ("Driver", "Front passenger", "Second-row", "Third-row"),
            ("seat frame",),
            (
                "",
                "with power recliner",
                "with manual height adjuster",
                "with 8-way power adjustment",
                "60/40 folding",
            ),
        ),
    ),
    Category(
        "Battery modules",
        "BAT",
        "pc",
        6000,
        38000,
        False,
        (
            ("LFP", "LFP blade", "NMC 622", "NMC 811"),
            ("battery module",),
            ("8S", "12S", "16S", "24S"),
            ("2.6 kWh", "3.3 kWh", "4.8 kWh", "5.2 kWh"),
        ),
    ),
    Category(
        "Inverters",
        "INV",
        "pc",
        3500,
        22000,
        False,
        (
            ("SiC", "IGBT"),
            ("traction inverter",),
            ("120 kW", "150 kW", "200 kW", "250 kW", "320 kW"),
            ("400 V", "800 V"),
        ),
    ),
    Category(
        "On-board chargers",
        "OBC",
        "pc",
        2000,
        9000,
        False,
        (("On-board charger",), ("6.6 kW", "11 kW", "22 kW"), ("", "bidirectional", "with DC-DC converter")),
    ),
    Category(
        "Electric drive units",
        "EDU",
        "pc",
        18000,
        60000,
        False,
        (
            ("Front", "Rear"),
            ("electric drive unit",),
            ("permanent-magnet", "induction"),
            ("150 kW", "160 kW", "200 kW", "230 kW"),
        ),
    ),
    Category(
        "Air filters",
        "AFL",
        "pc",
        30,
        260,
        True,
        (("Engine air filter element",), ("", "high-flow", "heavy-duty"), ("panel type", "round type")),
    ),
    Category(
        "Cabin filters",
        "CFL",
        "pc",
        25,
        220,
        True,
        (("Cabin air filter",), ("particle", "activated carbon", "PM2.5", "HEPA", "anti-allergen")),
    ),
    Category(
        "Oil filters",
        "OFL",
        "pc",
        20,
        150,
        True,
        (("Oil filter",), ("spin-on", "cartridge"), ("", "with gasket", "long-life")),
    ),
    Category(
        "Spark plugs",
        "SPK",
        "pc",
        15,
        180,
        True,
        (
            ("Nickel", "Platinum", "Double platinum", "Iridium", "Laser iridium"),
            ("spark plug",),
            ("12 mm thread", "14 mm thread"),
        ),
    ),
    Category(
        "Shock absorbers",
        "SHA",
        "pc",
        250,
        2600,
        True,
        (
            ("Front left", "Front right", "Rear left", "Rear right"),
            ("twin-tube gas", "monotube", "adaptive damping", "air-suspension"),
            ("shock absorber",),
        ),
    ),
    Category(
        "Wheel bearings",
        "WBR",
        "pc",
        120,
        1200,
        True,
        (
            ("Front", "Rear"),
            ("wheel bearing hub unit", "wheel bearing kit", "tapered roller wheel bearing"),
            ("", "with ABS sensor ring"),
        ),
    ),
    Category(
        "Radiators",
        "RAD",
        "pc",
        400,
        3200,
        False,
        (
            ("Engine coolant radiator", "Battery chiller", "Low-temperature radiator", "Aluminium radiator"),
            ("", "with fan shroud", "brazed core", "for automatic transmission"),
        ),
    ),
    Category(
        "Wiper blades",
        "WIP",
        "pc",
        30,
        260,
        True,
        (
            ("Front", "Rear"),
            ("flat", "hybrid", "conventional"),
            ("wiper blade",),
            ("350 mm", "400 mm", "450 mm", "500 mm", "600 mm", "650 mm", "700 mm"),
        ),
    ),
    Category(
        "Infotainment units",
        "IFT",
        "pc",
        2500,
        16000,
        False,
        (
            ("Infotainment head unit",),
            ("10.25-inch", "12.3-inch", "14.6-inch", "15.6-inch"),
            ("", "with navigation", "with 5G modem", "with CarPlay and Android Auto"),
        ),
    ),
    Category(
        "Airbag modules",
        "ABG",
        "pc",
        800,
        6500,
        False,
        (
            (
                "Driver",
                "Front passenger",
                "Left side",
                "Right side",
                "Left curtain",
                "Right curtain",
                "Knee",
                "Far-side",
            ),
            ("airbag module",),
        ),
    ),
    Category(
        "Exhaust systems",
        "EXH",
        "pc",
        600,
        7000,
        False,
        (
            (
                "Front pipe",
                "Centre silencer",
                "Rear silencer",
                "Catalytic converter",
                "Gasoline particulate filter",
                "Complete exhaust system",
            ),
            ("", "stainless steel", "with heat shield", "China 6b", "Euro 6d"),
        ),
    ),
    Category(
        "Fuel injectors",
        "FIN",
        "pc",
        200,
        1800,
        False,
        (("Direct", "Port"), ("fuel injector",), ("", "solenoid", "piezo"), ("", "200 bar", "350 bar")),
    ),
    Category(
        "Alternators",
        "ALT",
        "pc",
        700,
        4500,
        False,
        (
            ("Alternator",),
            ("90 A", "120 A", "150 A", "180 A", "220 A"),
            ("", "with decoupler pulley", "remanufactured"),
        ),
    ),
    Category(
        "Steering racks",
        "STR",
        "pc",
        1500,
        9000,
        False,
        (
            ("Electric power steering rack",),
            ("column-assist", "pinion-assist", "dual-pinion", "belt-drive rack-assist"),
            ("", "LHD", "RHD"),
        ),
    ),
    Category(
        "Starter motors",
        "STM",
        "pc",
        500,
        3000,
        False,
        (("Starter motor",), ("1.4 kW", "1.7 kW", "2.0 kW", "2.2 kW"), ("", "start-stop", "reduction gear")),
    ),
    Category(
        "Timing kits",
        "TMK",
        "kit",
        200,
        1500,
        True,
        (("Timing belt kit", "Timing chain kit"), ("", "with water pump", "with tensioner and guides")),
    ),
    Category(
        "Clutch kits",
        "CLK",
        "kit",
        600,
        4000,
        False,
        (("Clutch kit",), ("2-piece", "3-piece", "with dual-mass flywheel"), ("228 mm", "240 mm", "250 mm")),
    ),
    Category(
        "12 V batteries",
        "LVB",
        "pc",
        400,
        1800,
        True,
        (
            ("12 V", "12 V AGM", "12 V EFB", "12 V lithium"),
            ("starter battery",),
            ("45 Ah", "60 Ah", "70 Ah", "80 Ah", "95 Ah"),
        ),
    ),
    Category(
        "Tyres",
        "TYR",
        "pc",
        400,
        2500,
        True,
        (
            ("Summer", "All-season", "Winter", "Low rolling resistance EV"),
            ("tyre",),
            ("205/55 R16", "225/45 R18", "235/55 R19", "255/45 R20", "245/70 R17"),
        ),
    ),
    Category(
        "Coolant pumps",
        "CPM",
        "pc",
        300,
        2200,
        False,
        (
            ("Electric coolant pump", "Mechanical water pump", "Battery thermal pump"),
            ("", "12 V", "with gasket"),
        ),
    ),
    Category(
        "ADAS sensors",
        "ADS",
        "pc",
        300,
        5500,
        False,
        (
            (
                "Front long-range radar",
                "Front corner radar",
                "Rear corner radar",
                "Front camera module",
                "Ultrasonic park sensor",
                "Surround-view camera",
            ),
            ("", "with bracket", "77 GHz"),
        ),
    ),
    Category(
        "Door mirrors",
        "MIR",
        "pc",
        300,
        2800,
        False,
        (
            ("Left", "Right"),
            ("power-folding", "heated", "manual"),
            ("door mirror",),
            ("", "with blind-spot indicator", "with camera"),
        ),
    ),
    Category(
        "Control arms",
        "CTA",
        "pc",
        180,
        1600,
        True,
        (
            ("Front lower", "Front upper", "Rear lower", "Rear trailing"),
            ("left", "right"),
            ("control arm",),
            ("", "with ball joint", "aluminium"),
        ),
    ),
)

# CNY per one unit of the currency, a fixed snapshot (only used to price parts plausibly).
CNY_PER_UNIT: dict[str, Decimal] = {
    "CNY": Decimal("1"),
    "EUR": Decimal("7.80"),
    "USD": Decimal("7.20"),
    "JPY": Decimal("0.048"),
    "KRW": Decimal("0.0053"),
    "MXN": Decimal("0.40"),
    "CZK": Decimal("0.31"),
    "PLN": Decimal("1.80"),
    "INR": Decimal("0.086"),
    "NOK": Decimal("0.66"),  # a market currency (services/seed/market_prices.py), no supplier's
}
# Currencies priced in whole units in practice (no minor unit in use).
WHOLE_UNIT_CURRENCIES = frozenset({"JPY", "KRW"})


@dataclass(frozen=True)
class City:
    name: str
    latitude: float
    longitude: float
    time_zone: str


@dataclass(frozen=True)
class SupplierCountry:
    """Where suppliers sit: the share of the supplier base, money, language and industrial cities."""

    code: str
    weight: int
    currency: str
    locale: str
    name_styles: tuple[str, ...]  # formats with {last}, {word}, {city}, {trade}
    cities: tuple[City, ...]


_CN = "Asia/Shanghai"
SUPPLIER_COUNTRIES: tuple[SupplierCountry, ...] = (
    SupplierCountry(
        "CN",
        35,
        "CNY",
        "zh_CN",
        (
            "{city} {last} Auto Parts Co., Ltd.",
            "{city} {last} {trade} Co., Ltd.",
            "{last} {trade} Technology Co., Ltd.",
        ),
        (
            City("Ningbo", 29.8683, 121.5440, _CN),
            City("Wuhu", 31.3526, 118.4331, _CN),
            City("Changchun", 43.8171, 125.3235, _CN),
            City("Liuzhou", 24.3264, 109.4281, _CN),
            City("Suzhou", 31.2989, 120.5853, _CN),
            City("Wuxi", 31.4912, 120.3119, _CN),
            City("Chongqing", 29.5630, 106.5516, _CN),
            City("Shiyan", 32.6292, 110.7980, _CN),
            City("Taizhou", 28.6564, 121.4208, _CN),
            City("Hefei", 31.8206, 117.2272, _CN),
            City("Foshan", 23.0215, 113.1214, _CN),
            City("Changzhou", 31.8107, 119.9741, _CN),
        ),
    ),
    SupplierCountry(
        "DE",
        14,
        "EUR",
        "de_DE",
        ("{last} {trade_de} GmbH", "{last} & {last2} GmbH & Co. KG", "{last} Automotive AG"),
        (
            City("Stuttgart", 48.7758, 9.1829, "Europe/Berlin"),
            City("Schweinfurt", 50.0492, 10.2331, "Europe/Berlin"),
            City("Ingolstadt", 48.7665, 11.4258, "Europe/Berlin"),
            City("Wolfsburg", 52.4227, 10.7865, "Europe/Berlin"),
            City("Regensburg", 49.0134, 12.1016, "Europe/Berlin"),
            City("Friedrichshafen", 47.6500, 9.4800, "Europe/Berlin"),
            City("Herzogenaurach", 49.5667, 10.8833, "Europe/Berlin"),
            City("Hanover", 52.3759, 9.7320, "Europe/Berlin"),
        ),
    ),
    SupplierCountry(
        "JP",
        12,
        "JPY",
        "ja_JP",
        ("{last} {trade_jp} Co., Ltd.", "{last} Industries Co., Ltd.", "{last} {trade} Co., Ltd."),
        (
            City("Toyota", 35.0824, 137.1563, "Asia/Tokyo"),
            City("Kariya", 34.9890, 136.9980, "Asia/Tokyo"),
            City("Hamamatsu", 34.7108, 137.7261, "Asia/Tokyo"),
            City("Hiroshima", 34.3853, 132.4553, "Asia/Tokyo"),
            City("Utsunomiya", 36.5551, 139.8828, "Asia/Tokyo"),
        ),
    ),
    SupplierCountry(
        "US",
        10,
        "USD",
        "en_US",
        ("{last} Automotive Systems Inc.", "{last} {trade} Corp.", "{last}-{last2} Components LLC"),
        (
            City("Detroit", 42.3314, -83.0458, "America/Detroit"),
            City("Auburn Hills", 42.6875, -83.2341, "America/Detroit"),
            City("Greenville", 34.8526, -82.3940, "America/New_York"),
            City("Columbus", 39.2014, -85.9214, "America/Indiana/Indianapolis"),
            City("Dayton", 39.7589, -84.1916, "America/New_York"),
            City("Smyrna", 35.9828, -86.5186, "America/Chicago"),
        ),
    ),
    SupplierCountry(
        "KR",
        8,
        "KRW",
        "ko_KR",
        ("{last} {trade} Co., Ltd.", "{last} Precision Co., Ltd."),
        (
            City("Ulsan", 35.5384, 129.3114, "Asia/Seoul"),
            City("Changwon", 35.2280, 128.6811, "Asia/Seoul"),
            City("Hwaseong", 37.1995, 126.8312, "Asia/Seoul"),
            City("Asan", 36.7898, 127.0019, "Asia/Seoul"),
        ),
    ),
    SupplierCountry(
        "MX",
        6,
        "MXN",
        "es_MX",
        ("Autopartes {last} S.A. de C.V.", "Grupo {last} Automotriz S.A. de C.V."),
        (
            City("Monterrey", 25.6866, -100.3161, "America/Monterrey"),
            City("Saltillo", 25.4232, -101.0053, "America/Monterrey"),
            City("Querétaro", 20.5888, -100.3899, "America/Mexico_City"),
            City("Puebla", 19.0414, -98.2063, "America/Mexico_City"),
            City("Aguascalientes", 21.8853, -102.2916, "America/Mexico_City"),
        ),
    ),
    SupplierCountry(
        "FR",
        4,
        "EUR",
        "fr_FR",
        ("{last} Équipements Automobiles SAS", "Groupe {last} Industrie SA"),
        (
            City("Lyon", 45.7640, 4.8357, "Europe/Paris"),
            City("Sochaux", 47.5081, 6.8286, "Europe/Paris"),
            City("Rennes", 48.1173, -1.6778, "Europe/Paris"),
            City("Valenciennes", 50.3570, 3.5235, "Europe/Paris"),
        ),
    ),
    SupplierCountry(
        "IT",
        4,
        "EUR",
        "it_IT",
        ("{last} Componenti Auto S.p.A.", "Officine {last} S.r.l."),
        (
            City("Turin", 45.0703, 7.6869, "Europe/Rome"),
            City("Modena", 44.6471, 10.9252, "Europe/Rome"),
            City("Brescia", 45.5416, 10.2118, "Europe/Rome"),
            City("Bologna", 44.4949, 11.3426, "Europe/Rome"),
        ),
    ),
    SupplierCountry(
        "CZ",
        3,
        "CZK",
        "cs_CZ",
        ("{last} Autodíly s.r.o.", "{last} Automotive a.s."),
        (
            City("Mladá Boleslav", 50.4113, 14.9063, "Europe/Prague"),
            City("Ostrava", 49.8209, 18.2625, "Europe/Prague"),
            City("Brno", 49.1951, 16.6068, "Europe/Prague"),
            City("Plzeň", 49.7384, 13.3736, "Europe/Prague"),
        ),
    ),
    SupplierCountry(
        "PL",
        2,
        "PLN",
        "pl_PL",
        ("{last} Automotive Sp. z o.o.",),
        (
            City("Poznań", 52.4064, 16.9252, "Europe/Warsaw"),
            City("Tychy", 50.1218, 18.9660, "Europe/Warsaw"),
            City("Wrocław", 51.1079, 17.0385, "Europe/Warsaw"),
        ),
    ),
    SupplierCountry(
        "IN",
        2,
        "INR",
        "en_IN",
        ("{last} Auto Components Pvt. Ltd.",),
        (
            City("Pune", 18.5204, 73.8567, "Asia/Kolkata"),
            City("Chennai", 13.0827, 80.2707, "Asia/Kolkata"),
            City("Gurugram", 28.4595, 77.0266, "Asia/Kolkata"),
        ),
    ),
)

# Words for names no Faker locale gives in Latin script.
# Two-syllable combinations that are real companies, never used as invented names.
CN_REAL_BRANDS = frozenset({"Huawei", "Changan", "Junsheng", "Xinyuan", "Hualong"})
CN_BRAND_SYLLABLES = (
    "Heng",
    "Xin",
    "Da",
    "Tai",
    "Hua",
    "Sheng",
    "Long",
    "Feng",
    "Rui",
    "Jia",
    "Tong",
    "Yuan",
    "Kai",
    "Bo",
    "Wei",
    "Xing",
    "Chang",
    "Fu",
    "An",
    "Ming",
    "Tuo",
    "Jun",
)
# What a supplier calls its trade, by the SKU code of its main category.
TRADES: dict[str, str] = {
    "BRP": "Brake Systems",
    "BRD": "Brake Systems",
    "BRC": "Brake Systems",
    "WHN": "Wiring Systems",
    "HLP": "Lighting",
    "TLP": "Lighting",
    "STF": "Seating Systems",
    "BAT": "Power Battery",
    "INV": "Power Electronics",
    "OBC": "Power Electronics",
    "EDU": "Electric Drive",
    "AFL": "Filtration",
    "CFL": "Filtration",
    "OFL": "Filtration",
    "SPK": "Ignition Systems",
    "SHA": "Suspension",
    "WBR": "Bearing",
    "RAD": "Thermal Systems",
    "WIP": "Wiper Systems",
    "IFT": "Automotive Electronics",
    "ABG": "Safety Systems",
    "EXH": "Exhaust Systems",
    "FIN": "Fuel Systems",
    "ALT": "Auto Electric",
    "STR": "Steering Systems",
    "STM": "Auto Electric",
    "TMK": "Powertrain",
    "CLK": "Powertrain",
    "LVB": "Battery",
    "TYR": "Tyre",
    "CPM": "Thermal Systems",
    "ADS": "Intelligent Driving",
    "MIR": "Body Systems",
    "CTA": "Chassis",
}
TRADES_DE: dict[str, str] = {
    "Brake Systems": "Bremsentechnik",
    "Lighting": "Lichttechnik",
    "Wiring Systems": "Fahrzeugelektrik",
    "Automotive Electronics": "Fahrzeugelektronik",
    "Auto Electric": "Fahrzeugelektrik",
    "Electric Drive": "Antriebstechnik",
    "Powertrain": "Antriebstechnik",
    "Thermal Systems": "Thermotechnik",
    "Suspension": "Fahrwerktechnik",
    "Chassis": "Fahrwerktechnik",
    "Steering Systems": "Lenksysteme",
    "Filtration": "Filtertechnik",
    "Seating Systems": "Sitzsysteme",
    "Bearing": "Wälzlager",
}
JP_TRADES = ("Seiki", "Kogyo", "Electric", "Denki", "Brake Industrial", "Precision")
KR_SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin")
KR_GIVEN = (
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Ha-eun",
    "Do-yun",
    "Ji-woo",
    "Hyun-woo",
    "Su-bin",
    "Jae-won",
    "Yu-na",
    "Sung-min",
    "Eun-ji",
)
KR_COMPANY_WORDS = (
    "Daesung",
    "Hanil",
    "Seoyon",
    "Dongwon",
    "Samhwa",
    "Hyosung",
    "Sejong",
    "Woojin",
    "Kumho",
    "Daewon",
    "Shinhan",
    "Mando",
)
CN_STREETS = (
    "Jinke",
    "Xinghuo",
    "Chuangye",
    "Kaifa",
    "Huanghe",
    "Changjiang",
    "Keji",
    "Gongye",
    "Binhai",
    "Qiming",
    "Jiangnan",
    "Yunhe",
)
CN_STREET_KINDS = ("Road", "Avenue", "Street")
JP_AREAS = ("Chuo", "Minami", "Kita", "Higashi", "Nishi", "Sakae", "Honmachi", "Shinmachi")
KR_ROADS = ("Sandan-ro", "Gongdan-ro", "Jungang-ro", "Haean-ro", "Techno-ro", "Saneop-ro")


@dataclass(frozen=True)
class Trim:
    code: str
    name: str
    powertrain: str  # bev, phev, hev, ice
    range_km: int | None
    consumption: str | None  # litres per 100 km, a decimal string
    power_kw: int
    price_cny: str


@dataclass(frozen=True)
class VehicleModel:
    code: str
    name: str
    body: str
    description: str
    trims: tuple[Trim, ...]


VEHICLE_MODELS: tuple[VehicleModel, ...] = (
    VehicleModel(
        "aurora",
        "Aurora",
        "sedan",
        "A quiet, long-range executive saloon with an 800 V platform and a panoramic glass roof.",
        (
            Trim("aurora-sr", "Aurora Standard Range RWD", "bev", 560, None, 190, "189800.00"),
            Trim("aurora-lr", "Aurora Long Range AWD", "bev", 680, None, 390, "239800.00"),
            Trim("aurora-dmi", "Aurora DM-i", "phev", 125, "3.9", 160, "159800.00"),
        ),
    ),
    VehicleModel(
        "kunlun",
        "Kunlun",
        "suv",
        "A seven-seat family SUV for city and mountain roads, with adaptive air suspension.",
        (
            Trim("kunlun-ev-max", "Kunlun EV Max AWD", "bev", 610, None, 320, "279800.00"),
            Trim("kunlun-phev", "Kunlun PHEV Explorer", "phev", 180, "5.6", 245, "229800.00"),
            Trim("kunlun-20t", "Kunlun 2.0T", "ice", None, "8.1", 185, "199800.00"),
        ),
    ),
    VehicleModel(
        "pebble",
        "Pebble",
        "hatchback",
        "A nimble five-door city car: easy to park, cheap to run, quick to charge.",
        (
            Trim("pebble-ev", "Pebble EV 42 kWh", "bev", 405, None, 70, "99800.00"),
            Trim("pebble-hev", "Pebble 1.5 Hybrid", "hev", None, "4.3", 100, "89800.00"),
        ),
    ),
    VehicleModel(
        "harmony",
        "Harmony",
        "mpv",
        "A roomy business MPV with powered sliding doors and second-row captain's chairs.",
        (
            Trim("harmony-phev", "Harmony PHEV Executive", "phev", 150, "6.3", 240, "329800.00"),
            Trim("harmony-hev", "Harmony 2.0 Hybrid", "hev", None, "5.9", 180, "289800.00"),
        ),
    ),
    VehicleModel(
        "taishan",
        "Taishan",
        "pickup",
        "A double-cab pickup with a one-tonne payload, 3.5 t towing and real 4x4 hardware.",
        (
            Trim("taishan-20td", "Taishan 2.0 TD 4x4", "ice", None, "9.2", 140, "159800.00"),
            Trim("taishan-phev", "Taishan PHEV 4x4", "phev", 100, "7.1", 260, "219800.00"),
        ),
    ),
)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def hours(
    weekday: tuple[str, str], saturday: tuple[str, str] | None, sunday: tuple[str, str] | None
) -> dict[str, list[str]]:
    """Opening hours as stored: {"mon": ["08:00", "18:00"], ...}; a closed day is an empty list."""
    table = {day: list(weekday) for day in WEEKDAYS[:5]}
    table["sat"] = list(saturday) if saturday else []
    table["sun"] = list(sunday) if sunday else []
    return table


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    address: str
    city: str
    country: str
    latitude: float
    longitude: float
    time_zone: str
    opening_hours: dict[str, list[str]]


WAREHOUSES: tuple[Site, ...] = (
    Site(
        "WH-SHA",
        "Shanghai Anting Distribution Centre",
        "No. 888 Moyu Road, Anting, Jiading District",
        "Shanghai",
        "CN",
        31.2946,
        121.1622,
        _CN,
        hours(("08:00", "18:00"), ("08:00", "12:00"), None),
    ),
    Site(
        "WH-WUH",
        "Wuhan Central Parts Warehouse",
        "No. 168 Shenlong Avenue, Wuhan Economic & Technological Development Zone",
        "Wuhan",
        "CN",
        30.4970,
        114.1570,
        _CN,
        hours(("08:00", "18:00"), ("08:00", "12:00"), None),
    ),
    Site(
        "WH-CKG",
        "Chongqing Western Logistics Hub",
        "No. 66 Konggang Avenue, Yubei District",
        "Chongqing",
        "CN",
        29.7193,
        106.6413,
        _CN,
        hours(("07:30", "17:30"), None, None),
    ),
)


@dataclass(frozen=True)
class Dealer:
    """A dealer organisation and its one store."""

    slug: str
    name: str  # may hold {last}: a surname from the dealer's Faker locale
    locale: str
    currency: str
    store: Site


_CN_STORE = hours(("09:00", "18:30"), ("09:00", "18:30"), ("09:30", "18:00"))
DEALERS: tuple[Dealer, ...] = (
    Dealer(
        "dealer-shanghai-pudong",
        "Shanghai Pudong Qingyun 4S Store Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-SHA",
            "Qingyun 4S Shanghai Pudong",
            "No. 1288 Zhangyang Road, Pudong New District",
            "Shanghai",
            "CN",
            31.2317,
            121.5279,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-beijing-chaoyang",
        "Beijing Chaoyang Qingyun Motors Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-PEK",
            "Qingyun 4S Beijing Chaoyang",
            "No. 66 Jiuxianqiao Road, Chaoyang District",
            "Beijing",
            "CN",
            39.9708,
            116.4936,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-shenzhen-nanshan",
        "Shenzhen Nanshan Qingyun Auto Sales Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-SZX",
            "Qingyun 4S Shenzhen Nanshan",
            "No. 9968 Shennan Boulevard, Nanshan District",
            "Shenzhen",
            "CN",
            22.5406,
            113.9348,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-hangzhou-binjiang",
        "Hangzhou Binjiang Qingyun 4S Store Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-HGH",
            "Qingyun 4S Hangzhou Binjiang",
            "No. 399 Jiangnan Avenue, Binjiang District",
            "Hangzhou",
            "CN",
            30.2084,
            120.2119,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-chengdu-gaoxin",
        "Chengdu Gaoxin Qingyun Motors Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-CTU",
            "Qingyun 4S Chengdu Tianfu",
            "No. 1700 Tianfu Avenue North, Gaoxin District",
            "Chengdu",
            "CN",
            30.5702,
            104.0665,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-guangzhou-tianhe",
        "Guangzhou Tianhe Qingyun Auto Sales Co., Ltd.",
        "zh_CN",
        "CNY",
        Site(
            "ST-CN-CAN",
            "Qingyun 4S Guangzhou Tianhe",
            "No. 208 Huangpu Avenue West, Tianhe District",
            "Guangzhou",
            "CN",
            23.1291,
            113.3312,
            _CN,
            _CN_STORE,
        ),
    ),
    Dealer(
        "dealer-munich",
        "Autohaus {last} GmbH",
        "de_DE",
        "EUR",
        Site(
            "ST-DE-MUC",
            "Qingyun Store München",
            "Landsberger Straße 290, 80687 München",
            "Munich",
            "DE",
            48.1420,
            11.5020,
            "Europe/Berlin",
            hours(("09:00", "19:00"), ("09:00", "16:00"), ("11:00", "16:00")),
        ),
    ),
    Dealer(
        "dealer-london",
        "{last} Motors Ltd",
        "en_GB",
        "GBP",
        Site(
            "ST-GB-LON",
            "Qingyun London Park Royal",
            "Western Avenue, Park Royal, London NW10 7NU",
            "London",
            "GB",
            51.5290,
            -0.2760,
            "Europe/London",
            hours(("08:30", "18:00"), ("09:00", "17:00"), ("10:30", "16:30")),
        ),
    ),
    Dealer(
        "dealer-dubai",
        "Al Noor Qingyun Motors LLC",
        "en_US",
        "AED",
        Site(
            "ST-AE-DXB",
            "Qingyun Showroom Dubai",
            "Sheikh Zayed Road, Al Quoz 1, Dubai",
            "Dubai",
            "AE",
            25.1420,
            55.2200,
            "Asia/Dubai",
            hours(("09:00", "21:00"), ("09:00", "21:00"), ("14:00", "21:00")),
        ),
    ),
    Dealer(
        "dealer-sydney",
        "{last} Motor Group Pty Ltd",
        "en_AU",
        "AUD",
        Site(
            "ST-AU-SYD",
            "Qingyun Sydney Alexandria",
            "120 O'Riordan Street, Alexandria NSW 2015",
            "Sydney",
            "AU",
            -33.9106,
            151.1930,
            "Australia/Sydney",
            hours(("08:30", "17:30"), ("09:00", "16:00"), ("10:00", "16:00")),
        ),
    ),
    Dealer(
        "dealer-bangkok",
        "{last} Auto Co., Ltd.",
        "en_TH",
        "THB",
        Site(
            "ST-TH-BKK",
            "Qingyun Bangkok Rama IX",
            "1 Rama IX Road, Huai Khwang, Bangkok 10310",
            "Bangkok",
            "TH",
            13.7563,
            100.5018,
            "Asia/Bangkok",
            hours(("08:30", "19:00"), ("08:30", "19:00"), ("09:00", "18:00")),
        ),
    ),
    Dealer(
        "dealer-sao-paulo",
        "{last} Veículos Ltda.",
        "pt_BR",
        "BRL",
        Site(
            "ST-BR-SAO",
            "Qingyun São Paulo Moema",
            "Avenida Ibirapuera 2907, Moema, São Paulo",
            "São Paulo",
            "BR",
            -23.6020,
            -46.6680,
            "America/Sao_Paulo",
            hours(("09:00", "19:00"), ("09:00", "17:00"), ("10:00", "14:00")),
        ),
    ),
    Dealer(
        "dealer-mexico-city",
        "Autos {last} S.A. de C.V.",
        "es_MX",
        "MXN",
        Site(
            "ST-MX-MEX",
            "Qingyun Ciudad de México Polanco",
            "Avenida Ejército Nacional 843, Polanco",
            "Mexico City",
            "MX",
            19.4400,
            -99.2000,
            "America/Mexico_City",
            hours(("09:00", "19:00"), ("10:00", "18:00"), ("11:00", "17:00")),
        ),
    ),
    Dealer(
        "dealer-oslo",
        "{last} Bil AS",
        "no_NO",
        "NOK",
        Site(
            "ST-NO-OSL",
            "Qingyun Oslo Økern",
            "Økernveien 145, 0580 Oslo",
            "Oslo",
            "NO",
            59.9289,
            10.8078,
            "Europe/Oslo",
            hours(("09:00", "18:00"), ("10:00", "16:00"), ("12:00", "16:00")),
        ),
    ),
    Dealer(
        "dealer-singapore",
        "{last} Motors Pte. Ltd.",
        "zh_CN",
        "SGD",
        Site(
            "ST-SG-SIN",
            "Qingyun Singapore Leng Kee",
            "230 Leng Kee Road, Singapore 159948",
            "Singapore",
            "SG",
            1.2897,
            103.8141,
            "Asia/Singapore",
            hours(("09:00", "19:00"), ("09:00", "19:00"), ("10:00", "18:00")),
        ),
    ),
)

CUSTOMER_EXTRAS: tuple[tuple[str, str, str], ...] = (  # (Faker locale, language, time zone)
    ("zh_CN", "zh", "Asia/Shanghai"),
    ("zh_CN", "zh", "Asia/Shanghai"),
    ("de_DE", "en", "Europe/Berlin"),
    ("en_AU", "en", "Australia/Sydney"),
)
