"""The demo world as plain rows, drawn from fixed random streams: no database, no ids.

Everything depends only on the seed and the scale, so two runs plan the same world. Each
concern (suppliers, parts, people, stock) draws from its own stream derived from
`random.Random(SEED)`, so a change in one does not reshuffle the others. Faker (seeded per
locale) names people and companies; part names come from precomputed word lists, which is
what makes half a million of them cheap.
"""

from __future__ import annotations

import itertools
import random
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from faker import Faker

from services.seed.reference import (
    CATEGORIES,
    CN_BRAND_SYLLABLES,
    CN_REAL_BRANDS,
    CN_STREET_KINDS,
    CN_STREETS,
    CNY_PER_UNIT,
    CONSUMER_SLUG,
    CUSTOMER_EXTRAS,
    DEALERS,
    JP_AREAS,
    JP_TRADES,
    KR_COMPANY_WORDS,
    KR_GIVEN,
    KR_ROADS,
    KR_SURNAMES,
    OEM_SLUG,
    SEED,
    SUPPLIER_COUNTRIES,
    TRADES,
    TRADES_DE,
    WHOLE_UNIT_CURRENCIES,
    Category,
    City,
    Dealer,
    SupplierCountry,
)
from services.seed.reference_zh import (
    CITIES_ZH,
    CN_SYLLABLES_ZH,
    DEALER_NAMES_ZH,
    KR_COMPANY_WORDS_ZH,
    SUPPLIER_NAME_STYLES_ZH,
    TRADES_ZH,
    join_zh,
    part_word_zh,
)

CENTS = Decimal("0.01")
WHOLE = Decimal("1")


@dataclass(frozen=True)
class Scale:
    suppliers: int
    parts: int


SCALES: dict[str, Scale] = {
    "demo": Scale(suppliers=40, parts=2_000),
    "large": Scale(suppliers=3_000, parts=500_000),
}


class Streams:
    """Independent random streams, each derived in a fixed order from `random.Random(SEED)`."""

    def __init__(self, seed: int = SEED) -> None:
        master = random.Random(seed)
        self.suppliers = random.Random(master.getrandbits(64))
        self.parts = random.Random(master.getrandbits(64))
        self.people = random.Random(master.getrandbits(64))
        self.stock = random.Random(master.getrandbits(64))


class Fakers:
    """One Faker per locale, each seeded with SEED the first time it is asked for."""

    def __init__(self, seed: int = SEED) -> None:
        self._seed = seed
        self._by_locale: dict[str, Faker] = {}

    def __getitem__(self, locale: str) -> Faker:
        if locale not in self._by_locale:
            faker = Faker(locale)
            faker.seed_instance(self._seed)
            self._by_locale[locale] = faker
        return self._by_locale[locale]


_NOT_DECOMPOSABLE = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "Œ": "OE",
    }
)


def ascii_slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Autodíly Plzeň' -> 'autodily-plzen'."""
    plain = unicodedata.normalize("NFKD", text.translate(_NOT_DECOMPOSABLE))
    plain = plain.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _unique(candidate: str, taken: set[str], separator: str = "-") -> str:
    value, n = candidate, 2
    while value in taken:
        value = f"{candidate}{separator}{n}"
        n += 1
    taken.add(value)
    return value


# --- people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    family_first: bool

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.given}" if self.family_first else f"{self.given} {self.family}"


def person(fakers: Fakers, rng: random.Random, locale: str) -> Person:
    """A plausible name for `locale`, always in Latin script (the UI shows it in both languages)."""
    if locale == "ko_KR":
        return Person(rng.choice(KR_GIVEN), rng.choice(KR_SURNAMES), True)
    faker = fakers[locale]
    if locale in ("zh_CN", "ja_JP"):
        return Person(faker.first_romanized_name(), faker.last_romanized_name(), locale == "zh_CN")
    return Person(faker.first_name(), faker.last_name(), False)


def family_name(fakers: Fakers, rng: random.Random, locale: str) -> str:
    return person(fakers, rng, locale).family


def email_for(someone: Person, domain: str, taken: set[str]) -> str:
    """given.family@domain in ASCII, numbered when taken ('li.wei2@...'); records it as taken."""
    local = ".".join(p for p in (ascii_slug(someone.given), ascii_slug(someone.family)) if p) or "user"
    email, n = f"{local}@{domain}", 2
    while email in taken:
        email = f"{local}{n}@{domain}"
        n += 1
    taken.add(email)
    return email


# --- suppliers ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupplierPlan:
    slug: str
    name: str
    short_name: str
    country: SupplierCountry
    categories: tuple[Category, ...]
    city: City
    address: str
    latitude: float
    longitude: float
    name_zh: str = ""
    short_name_zh: str = ""  # the brand in Chinese, or the founder's surname as written


def _allocate(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder), so small scales stay varied."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _invented_cn_brand(rng: random.Random) -> str:
    while True:
        first, second = rng.sample(CN_BRAND_SYLLABLES, 2)
        if (brand := first + second.lower()) not in CN_REAL_BRANDS:
            return brand


def _brand_zh(country: SupplierCountry, short: str) -> str:
    """A supplier's brand in Chinese: the characters of a Chinese brand's syllables, a Korean
    company's Chinese name, else the founder's surname as written (a name with no translation)."""
    if country.code == "CN":
        syllables = re.findall(r"[A-Z][a-z]*", short[0] + short[1:].title())
        joined = "".join(CN_SYLLABLES_ZH.get(s) or "" for s in syllables)
        if len(syllables) == 2 and all(s in CN_SYLLABLES_ZH for s in syllables):
            return joined
        for i in range(1, len(short)):  # 'Huaxin' -> 'Hua' + 'Xin'
            first, second = short[:i], short[i:].title()
            if first in CN_SYLLABLES_ZH and second in CN_SYLLABLES_ZH:
                return CN_SYLLABLES_ZH[first] + CN_SYLLABLES_ZH[second]
    if country.code == "KR":
        return KR_COMPANY_WORDS_ZH.get(short, short)
    return short


def _company_name_zh(country: SupplierCountry, city: City, main: Category, short: str) -> str:
    trade = TRADES_ZH[TRADES[main.code]]
    style = SUPPLIER_NAME_STYLES_ZH[country.code]
    return style.format(city=CITIES_ZH.get(city.name, ""), brand=_brand_zh(country, short), trade=trade)


def _company_name(
    fakers: Fakers, rng: random.Random, country: SupplierCountry, city: City, main: Category
) -> tuple[str, str]:
    """(legal name, short trading name) in the style of `country`, naming the trade of `main`."""
    style = rng.choice(country.name_styles)
    if country.code == "CN":
        short = _invented_cn_brand(rng)
    elif country.code == "KR":
        short = rng.choice(KR_COMPANY_WORDS)
    else:
        short = family_name(fakers, rng, country.locale)
    partner = family_name(fakers, rng, country.locale) if "{last2}" in style else ""
    trade = TRADES[main.code]
    name = style.format(
        last=short,
        last2=partner,
        city=city.name,
        trade=trade,
        trade_de=TRADES_DE.get(trade, "Fahrzeugtechnik"),
        trade_jp=rng.choice(JP_TRADES),
    )
    return name, short


def _street_address(fakers: Fakers, rng: random.Random, country: SupplierCountry, city: City) -> str:
    if country.code == "CN":
        return (
            f"No. {rng.randint(1, 2999)} {rng.choice(CN_STREETS)} {rng.choice(CN_STREET_KINDS)}, "
            f"{city.name} Economic Development Zone"
        )
    if country.code == "JP":
        return (
            f"{rng.randint(1, 9)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} "
            f"{rng.choice(JP_AREAS)}-machi, {city.name}"
        )
    if country.code == "KR":
        return f"{rng.randint(1, 300)} {rng.choice(KR_ROADS)}, {city.name}"
    return f"{fakers[country.locale].street_address()}, {city.name}"


def plan_suppliers(streams: Streams, fakers: Fakers, count: int) -> list[SupplierPlan]:
    """`count` suppliers spread over the supplier countries by weight; the first is Chinese.

    Supplier i's first category is CATEGORIES[i % n], so every category has a maker.
    """
    rng = streams.suppliers
    counts = _allocate(count, [c.weight for c in SUPPLIER_COUNTRIES])
    countries = [c for c, n in zip(SUPPLIER_COUNTRIES, counts, strict=True) for _ in range(n)]
    rng.shuffle(countries)
    first_cn = next(i for i, c in enumerate(countries) if c.code == "CN")
    countries.insert(0, countries.pop(first_cn))

    slugs: set[str] = set()
    suppliers = []
    for i, country in enumerate(countries):
        city = rng.choice(country.cities)
        primary = CATEGORIES[i % len(CATEGORIES)]
        related = [c for c in CATEGORIES if c is not primary and TRADES[c.code] == TRADES[primary.code]]
        others = [c for c in CATEGORIES if c is not primary and c not in related]
        extra = rng.randint(1, 3)
        categories = (primary, *related[:extra], *rng.sample(others, max(0, extra - len(related))))
        name, short = _company_name(fakers, rng, country, city, primary)
        suppliers.append(
            SupplierPlan(
                slug=_unique(ascii_slug(f"{short} {city.name}")[:70], slugs),
                name=name,
                short_name=short,
                country=country,
                categories=categories,
                city=city,
                address=_street_address(fakers, rng, country, city),
                latitude=round(city.latitude + rng.uniform(-0.06, 0.06), 4),
                longitude=round(city.longitude + rng.uniform(-0.06, 0.06), 4),
                name_zh=_company_name_zh(country, city, primary, short),
                short_name_zh=_brand_zh(country, short),
            )
        )
    return suppliers


# --- parts ----------------------------------------------------------------------------------


@dataclass
class PartsPlan:
    """Parts as row tuples (sku, name, category, unit, list_price, currency, name_zh) plus who makes
    each."""

    rows: list[tuple[str, str, str, str, Decimal, str, str]] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)  # index into the suppliers list, per part
    service: list[int] = field(default_factory=list)  # indices of parts a dealer workshop stocks


def _names(category: Category) -> list[tuple[str, str]]:
    """Every (English, Chinese) name the category's word lists make."""
    names = []
    for words in itertools.product(*category.forms):
        text = " ".join(w for w in words if w)
        names.append((text[0].upper() + text[1:], join_zh([part_word_zh(w) for w in words if w])))
    return names


def plan_parts(streams: Streams, suppliers: Sequence[SupplierPlan], count: int) -> PartsPlan:
    """`count` parts, each made by one supplier in one of its categories, priced in its currency.

    Every supplier makes at least one part, and its first parts go through its categories in
    turn, so a supplier with as many parts as categories makes parts in all of them. Prices are
    drawn in CNY within the category's band (skewed towards the cheap end) and converted.
    """
    rng = streams.parts
    names = {c.code: _names(c) for c in CATEGORIES}
    weights = [rng.uniform(0.5, 1.5) for _ in suppliers]
    owners = list(range(min(count, len(suppliers))))
    owners += rng.choices(range(len(suppliers)), weights=weights, k=max(0, count - len(owners)))
    rng.shuffle(owners)

    plan = PartsPlan(owner=owners)
    made = [0] * len(suppliers)
    for index, owner in enumerate(owners):
        supplier = suppliers[owner]
        if made[owner] < len(supplier.categories):
            category = supplier.categories[made[owner]]
        else:
            category = rng.choice(supplier.categories)
        made[owner] += 1
        low, high = category.low_cny * 100, category.high_cny * 100
        cny = Decimal(rng.randint(low, rng.randint(low, high))) / 100
        currency = supplier.country.currency
        step = WHOLE if currency in WHOLE_UNIT_CURRENCIES else CENTS
        price = (cny / CNY_PER_UNIT[currency]).quantize(step).quantize(CENTS)
        name, name_zh = rng.choice(names[category.code])
        plan.rows.append(
            (f"{category.code}-{index + 1:06d}", name, category.name, category.unit, price, currency, name_zh)
        )
        if category.service:
            plan.service.append(index)
    return plan


# --- dealers and users -----------------------------------------------------------------------


@dataclass(frozen=True)
class DealerPlan:
    reference: Dealer
    name: str
    name_zh: str = ""

    @property
    def slug(self) -> str:
        return self.reference.slug


def plan_dealers(streams: Streams, fakers: Fakers) -> list[DealerPlan]:
    """The fixed dealer network; a '{last}' in a dealer's name becomes a local surname."""
    plans = []
    for dealer in DEALERS:
        last = family_name(fakers, streams.people, dealer.locale)
        plans.append(
            DealerPlan(dealer, dealer.name.format(last=last), DEALER_NAMES_ZH[dealer.slug].format(last=last))
        )
    return plans


@dataclass(frozen=True)
class UserPlan:
    email: str
    full_name: str
    role: str
    organisation_slug: str
    language: str
    time_zone: str | None = None


OEM_DOMAIN = "qingyun-auto.test"
DEMO_LOGINS = (
    "admin@demo.test",
    "manager@demo.test",
    "supplier@demo.test",
    "dealer@demo.test",
    "customer@demo.test",
)


def plan_users(
    streams: Streams, fakers: Fakers, suppliers: Sequence[SupplierPlan], dealers: Sequence[DealerPlan]
) -> list[UserPlan]:
    """The five demo logins (English), then more staff: two managers, four customers, one user
    for every other supplier and every other dealer (Chinese-speaking when the company is)."""
    rng = streams.people
    taken: set[str] = set(DEMO_LOGINS)

    def someone(locale: str) -> Person:
        return person(fakers, rng, locale)

    first_supplier, first_dealer = suppliers[0], dealers[0]
    users = [
        UserPlan("admin@demo.test", someone("zh_CN").full_name, "admin", OEM_SLUG, "en"),
        UserPlan("manager@demo.test", someone("zh_CN").full_name, "manager", OEM_SLUG, "en"),
        UserPlan(
            "supplier@demo.test",
            someone(first_supplier.country.locale).full_name,
            "supplier",
            first_supplier.slug,
            "en",
        ),
        UserPlan(
            "dealer@demo.test",
            someone(first_dealer.reference.locale).full_name,
            "dealer",
            first_dealer.slug,
            "en",
        ),
        UserPlan("customer@demo.test", someone("zh_CN").full_name, "customer", CONSUMER_SLUG, "en"),
    ]
    for language in ("zh", "en"):
        manager = someone("zh_CN")
        users.append(
            UserPlan(email_for(manager, OEM_DOMAIN, taken), manager.full_name, "manager", OEM_SLUG, language)
        )
    for locale, language, time_zone in CUSTOMER_EXTRAS:
        customer = someone(locale)
        users.append(
            UserPlan(
                email_for(customer, "mail.test", taken),
                customer.full_name,
                "customer",
                CONSUMER_SLUG,
                language,
                time_zone,
            )
        )
    for supplier in suppliers[1:]:
        contact = someone(supplier.country.locale)
        users.append(
            UserPlan(
                email_for(contact, f"{supplier.slug}.test", taken),
                contact.full_name,
                "supplier",
                supplier.slug,
                "zh" if supplier.country.code == "CN" else "en",
            )
        )
    for dealer in dealers[1:]:
        contact = someone(dealer.reference.locale)
        language = "zh" if dealer.reference.store.country == "CN" else "en"
        users.append(
            UserPlan(
                email_for(contact, f"{dealer.slug}.test", taken),
                contact.full_name,
                "dealer",
                dealer.slug,
                language,
            )
        )
    return users


# --- stock ----------------------------------------------------------------------------------


def _level(rng: random.Random, low_share: float, high: int, max_reserved: int) -> tuple[int, int]:
    """(on_hand, reserved) with 0 <= reserved <= on_hand; a `low_share` of levels sit at 0..10."""
    on_hand = rng.randint(0, 10) if rng.random() < low_share else rng.randint(11, high)
    reserved = rng.randint(0, min(on_hand, max_reserved)) if rng.random() < 0.35 else 0
    return on_hand, reserved


def stock_rows(
    streams: Streams,
    parts: PartsPlan,
    part_ids: Sequence[int],
    warehouse_ids: Sequence[int],
    store_ids: Sequence[int],
    trim_ids: Sequence[int],
    plant_ids: Sequence[int],
    store_parts: int = 150,
) -> Iterator[tuple[int, int | None, int | None, int, int]]:
    """Stock rows (location_id, part_id, trim_id, on_hand, reserved), lazily, in a fixed order.

    Warehouses hold every part (0-500 units, about 3% at or below 10) and every trim (20-120
    vehicles, which dealers order from the carmaker); each dealer store holds
    every trim (0-12 vehicles) and `store_parts` service parts; each supplier plant holds the
    parts its supplier makes. The draws depend only on the order, never on the ids.
    """
    rng = streams.stock
    for location in warehouse_ids:
        for part in part_ids:
            on_hand, reserved = _level(rng, 0.03, 500, 20)
            yield location, part, None, on_hand, reserved
    for location in store_ids:
        for trim in trim_ids:
            on_hand = rng.randint(0, 12)
            yield location, None, trim, on_hand, rng.randint(0, min(on_hand, 3))
        chosen = sorted(rng.sample(parts.service, min(store_parts, len(parts.service))))
        for index in chosen:
            on_hand, reserved = _level(rng, 0.08, 40, 4)
            yield location, part_ids[index], None, on_hand, reserved
    for index, part in enumerate(part_ids):
        on_hand, reserved = _level(rng, 0.02, 2000, 200)
        yield plant_ids[parts.owner[index]], part, None, on_hand, reserved
    # Drawn last so that every row above stays as it was before warehouses held vehicles.
    for location in warehouse_ids:
        for trim in trim_ids:
            on_hand = rng.randint(20, 120)
            yield location, None, trim, on_hand, rng.randint(0, 5)
