"""Synthetic registry data at national scale, and its removal.

Everything created here is clearly synthetic and carries a marker, so ``--remove`` deletes
exactly these rows and nothing the five reports brought:

- places: a slug starting ``synthetic-``, a name starting 合成 / "Synthetic" and
  ``notes`` equal to :data:`MARKER`;
- relationships: ``notes`` equal to :data:`MARKER` (their stages go with them);
- exchanges: ``editors_note`` equal to :data:`MARKER`;
- fields of cooperation: only when the database has none, with a ``synthetic-`` slug.

The rows are written with ``bulk_create`` in batches inside one transaction, without
``full_clean()`` per row, so the generator itself keeps every model constraint and every
rule of the models' ``clean()`` (the Chinese side in China, the foreign side abroad, a
parent in the same country, stage dates in order, an exchange's Chinese place that of its
relationship, end not before start, partial dates that exist). ``bulk_create`` sends no
signals, so no history rows are written for synthetic data (it is not the registry's
history) and ``Place.search_text`` is filled here as ``Place.save`` fills it.
"""

import random
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django_countries import countries

from cities.choices import STAGE_ORDER, HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import (
    CHINA,
    CooperationField,
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
)
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from utilities import generation

MARKER = "[synthetic: seed_scale]"
SLUG_PREFIX = "synthetic-"
BATCH = 5000

# Characters the synthetic Chinese names are spelled with (two or three per name).
NAME_CHARACTERS = (
    "安宝昌成德东丰福广海和华惠吉嘉建江金京康兰乐临龙隆梅明南宁平普青庆泉仁荣瑞山上寿顺"
    "泰天通万文武西祥新兴阳永余玉元云长正中州珠"
)
# Countries with many partners weigh more, as in the real roll.
BUSY_COUNTRIES = {
    "JP", "KR", "US", "RU", "DE", "FR", "GB", "IT", "AU", "BR", "CA", "ES", "PL", "HU",
    "UA", "KZ", "TR", "NZ", "MX", "AR", "CL", "TH", "VN", "MY", "ID", "PH", "EG", "ZA",
}  # fmt: skip
HOLDING_LEVEL = {
    PlaceLevel.PROVINCE: HoldingLevel.PROVINCIAL,
    PlaceLevel.PREFECTURE_CITY: HoldingLevel.MUNICIPAL,
    PlaceLevel.COUNTY: HoldingLevel.COUNTY,
    PlaceLevel.COUNTY_CITY: HoldingLevel.COUNTY,
    PlaceLevel.DISTRICT: HoldingLevel.DISTRICT,
    PlaceLevel.DEVELOPMENT_ZONE: HoldingLevel.ZONE,
}
# How likely each Chinese level is to hold a relationship (the hub city aside).
CHINESE_WEIGHT = {
    PlaceLevel.PROVINCE: 4.0,
    PlaceLevel.PREFECTURE_CITY: 6.0,
    PlaceLevel.COUNTY: 1.0,
    PlaceLevel.COUNTY_CITY: 1.0,
    PlaceLevel.DISTRICT: 1.0,
    PlaceLevel.DEVELOPMENT_ZONE: 0.5,
}
HUB_SHARE = 0.05  # the first synthetic city holds ~5% of all relationships (2,500 of 50,000)
RELATIONSHIP_EXCHANGE_SHARE = 0.8  # the rest are multilateral: a Chinese place and partners
FIELD_NAMES = [
    ("trade", "经贸", "Trade"),
    ("culture", "文化", "Culture"),
    ("education", "教育", "Education"),
    ("science", "科技", "Science"),
    ("health", "卫生", "Health"),
    ("sports", "体育", "Sports"),
]


class SeedError(Exception):
    """The database is not one to seed (staff accounts, or synthetic data already there)."""


@dataclass(frozen=True)
class Plan:
    """How many of each record to create; places scale with the relationships."""

    relationships: int
    exchanges: int
    provinces: int
    cities_per_province: int
    districts_per_city: int
    foreign_places: int

    @classmethod
    def for_size(cls, relationships, exchanges):
        scale = relationships / 50_000
        return cls(
            relationships=relationships,
            exchanges=exchanges,
            provinces=max(2, min(31, round(31 * scale**0.5))),
            cities_per_province=10 if scale >= 0.1 else 3,
            districts_per_city=4 if scale >= 0.1 else 2,
            foreign_places=max(30, relationships * 2 // 5),
        )


class Progress:
    """A one-line progress bar on stderr (a new line every 10% when not a terminal)."""

    def __init__(self, label, total, stream=None):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.stream = stream or sys.stderr
        self.tty = getattr(self.stream, "isatty", lambda: False)()
        self.started = time.perf_counter()
        self.shown_at, self.shown_tenth = 0.0, -1

    def advance(self, count):
        self.done += count
        now = time.perf_counter()
        tenth = self.done * 10 // self.total
        if self.tty and (now - self.shown_at > 0.2 or self.done >= self.total):
            self.shown_at = now
            self.stream.write("\r" + self.line(now))
            if self.done >= self.total:
                self.stream.write("\n")
            self.stream.flush()
        elif not self.tty and tenth > self.shown_tenth:
            self.shown_tenth = tenth
            self.stream.write(self.line(now) + "\n")

    def line(self, now):
        share = self.done / self.total
        bar = "#" * int(share * 30)
        return (
            f"  {self.label:<22}[{bar:<30}] {self.done:>9,}/{self.total:,} "
            f"{share:4.0%} {now - self.started:6.1f} s"
        )


def check_database(allow_staff_database=False):
    if not allow_staff_database and get_user_model().objects.filter(is_staff=True).exists():
        raise SeedError(
            "This database holds staff accounts: it looks like a real registry. Seed a "
            "separate database, or pass --allow-staff-database if you mean it."
        )
    if synthetic_places().exists():
        raise SeedError("Synthetic data is already here; remove it first (--remove).")


def synthetic_places():
    return Place.objects.filter(slug__startswith=SLUG_PREFIX, notes=MARKER)


def chinese_name(number, length=2):
    pool = NAME_CHARACTERS
    letters = []
    for _ in range(length):
        number, digit = divmod(number, len(pool))
        letters.append(pool[digit])
    return "合成" + "".join(reversed(letters))


def partial_date(rng, year):
    """A date at a mixed precision: the year only, year and month, or a full date."""
    draw = rng.random()
    if draw < 0.3:
        return year, None, None
    month = rng.randint(1, 12)
    if draw < 0.6:
        return year, month, None
    return year, month, rng.randint(1, 28)


def coordinate(rng, low, high):
    return Decimal(f"{rng.uniform(low, high):.5f}")


class Seeder:
    def __init__(self, plan, seed=1, stream=None, say=None):
        self.plan = plan
        self.rng = random.Random(seed)
        self.stream = stream
        self.say = say or (lambda text: None)
        self.counts = {}

    def run(self):
        with transaction.atomic(), search_indexes_set_aside(self.stream):
            self.fields = self.cooperation_fields()
            self.chinese = self.create_chinese_places()
            self.foreign = self.create_foreign_places()
            self.relationships = self.create_relationships()
            self.create_exchanges()
            # bulk_create sends no signal: the read cache learns of the rows from this.
            generation.bump()
        return self.counts

    def cooperation_fields(self):
        fields = list(CooperationField.objects.values_list("pk", flat=True))
        if not fields:
            created = CooperationField.objects.bulk_create(
                CooperationField(
                    slug=f"{SLUG_PREFIX}{slug}", name_zh=f"合成{name_zh}", name_en=name_en
                )
                for slug, name_zh, name_en in FIELD_NAMES
            )
            fields = [field.pk for field in created]
            self.counts["fields of cooperation"] = len(fields)
        return fields

    def place(self, slug, name_zh, name_en, level, country, parent=None, located=True):
        rng = self.rng
        if country == CHINA:
            latitude, longitude = coordinate(rng, 20, 48), coordinate(rng, 80, 128)
        else:
            latitude, longitude = coordinate(rng, -55, 70), coordinate(rng, -179.9, 179.9)
        place = Place(
            slug=f"{SLUG_PREFIX}{slug}",
            name_zh=name_zh,
            name_en=name_en,
            level=level,
            country=country,
            parent=parent,
            latitude=latitude if located else None,
            longitude=longitude if located else None,
            notes=MARKER,
        )
        place.refresh_search_text(save=False)  # as Place.save does
        return place

    def create_layer(self, label, places):
        progress = Progress(label, len(places), self.stream)
        created = []
        for start in range(0, len(places), BATCH):
            batch = Place.objects.bulk_create(places[start : start + BATCH])
            created += batch
            progress.advance(len(batch))
        self.counts["places"] = self.counts.get("places", 0) + len(created)
        return created

    def create_chinese_places(self):
        """Provinces, their prefecture cities, counties and districts, and development zones
        under cities (three levels deep) and under districts (four levels deep)."""
        plan, rng = self.plan, self.rng
        provinces = self.create_layer(
            "Chinese provinces",
            [
                self.place(
                    f"cn-p{n}",
                    chinese_name(n) + "省",
                    f"Synthetic Province {n:02d}",
                    PlaceLevel.PROVINCE,
                    CHINA,
                )
                for n in range(plan.provinces)
            ],
        )
        cities = self.create_layer(
            "Chinese cities",
            [
                self.place(
                    f"cn-c{n}",
                    chinese_name(200 + n) + "市",
                    f"Synthetic City {n:04d}",
                    PlaceLevel.PREFECTURE_CITY,
                    CHINA,
                    parent=province,
                )
                for n, province in enumerate(
                    province for province in provinces for _ in range(plan.cities_per_province)
                )
            ],
        )
        county_levels = [PlaceLevel.COUNTY, PlaceLevel.DISTRICT, PlaceLevel.COUNTY_CITY]
        counties = []
        for n, city in enumerate(city for city in cities for _ in range(plan.districts_per_city)):
            level = county_levels[n % len(county_levels)]
            suffix = {PlaceLevel.DISTRICT: "区", PlaceLevel.COUNTY: "县"}.get(level, "市")
            counties.append(
                self.place(
                    f"cn-d{n}",
                    chinese_name(1000 + n) + suffix,
                    f"Synthetic County {n:05d}",
                    level,
                    CHINA,
                    parent=city,
                )
            )
        counties = self.create_layer("Chinese counties", counties)
        zone_parents = (
            cities + [county for county in counties if county.level == PlaceLevel.DISTRICT][::2]
        )
        zones = self.create_layer(
            "development zones",
            [
                self.place(
                    f"cn-z{n}",
                    chinese_name(4000 + n) + "开发区",
                    f"Synthetic Zone {n:05d}",
                    PlaceLevel.DEVELOPMENT_ZONE,
                    CHINA,
                    parent=parent,
                    located=rng.random() > 0.1,
                )
                for n, parent in enumerate(zone_parents)
            ],
        )
        return provinces + cities + counties + zones

    def create_foreign_places(self):
        """Towns in many countries, the busiest with regions above some of their towns."""
        plan, rng = self.plan, self.rng
        codes = [code for code, _ in countries if code != CHINA]
        weights = [20 if code in BUSY_COUNTRIES else 1 for code in codes]
        town_countries = rng.choices(codes, weights=weights, k=plan.foreign_places)
        busy = sorted({code for code in town_countries if code in BUSY_COUNTRIES})
        regions = self.create_layer(
            "foreign regions",
            [
                self.place(
                    f"{code.lower()}-r{n}",
                    chinese_name(n, 3) + "州",
                    f"Synthetic Region {code} {n}",
                    PlaceLevel.PROVINCE,
                    code,
                )
                for code in busy
                for n in range(3)
            ],
        )
        regions_of = {}
        for region in regions:
            regions_of.setdefault(region.country, []).append(region)
        towns = []
        for n, code in enumerate(town_countries):
            parent = None
            if code in regions_of and rng.random() < 0.5:
                parent = rng.choice(regions_of[code])
            towns.append(
                self.place(
                    f"{code.lower()}-t{n}",
                    chinese_name(10_000 + n, 3) + "市",
                    f"Synthetic Town {n:05d}",
                    rng.choice([PlaceLevel.CITY, PlaceLevel.CITY, PlaceLevel.DEPARTMENT]),
                    code,
                    parent=parent,
                    located=rng.random() > 0.02,
                )
            )
        return regions + self.create_layer("foreign towns", towns)

    def create_relationships(self):
        plan, rng = self.plan, self.rng
        chinese, foreign = self.chinese, self.foreign
        hub = next(place for place in chinese if place.level == PlaceLevel.PREFECTURE_CITY)
        weights = [CHINESE_WEIGHT[PlaceLevel(place.level)] for place in chinese]
        weights[chinese.index(hub)] = sum(weights) * HUB_SHARE / (1 - HUB_SHARE)
        pairs = set()
        relationships = []
        while len(relationships) < plan.relationships:
            wanted = plan.relationships - len(relationships)
            sides = zip(
                rng.choices(chinese, weights=weights, k=wanted),
                rng.choices(foreign, k=wanted),
                strict=True,
            )
            for chinese_place, foreign_place in sides:
                kind = RelationshipKind.SISTER if rng.random() < 0.6 else RelationshipKind.FRIENDLY
                key = (chinese_place.pk, foreign_place.pk, kind)
                if key in pairs:
                    continue
                pairs.add(key)
                draw = rng.random()
                stage = (
                    Stage.INTENT
                    if draw < 0.1
                    else Stage.AGREEMENT
                    if draw < 0.2
                    else Stage.ENDED
                    if draw < 0.3
                    else Stage.ACTIVE
                )
                relationships.append(
                    Relationship(
                        chinese_place=chinese_place,
                        foreign_place=foreign_place,
                        kind=kind,
                        stage=stage,
                        level=HOLDING_LEVEL[PlaceLevel(chinese_place.level)],
                        notes=MARKER,
                    )
                )
        progress = Progress("relationships", len(relationships), self.stream)
        created = []
        for start in range(0, len(relationships), BATCH):
            batch = Relationship.objects.bulk_create(relationships[start : start + BATCH])
            created += batch
            progress.advance(len(batch))
        self.counts["relationships"] = len(created)

        stages, field_links = [], []
        FieldLink = Relationship.fields.through
        for relationship in created:
            stages += self.stages_of(relationship)
            for field in rng.sample(self.fields, k=rng.randint(0, min(3, len(self.fields)))):
                field_links.append(
                    FieldLink(relationship_id=relationship.pk, cooperationfield_id=field)
                )
        stage_progress = Progress("stages and fields", len(stages) + len(field_links), self.stream)
        for start in range(0, len(stages), BATCH):
            batch = RelationshipStage.objects.bulk_create(stages[start : start + BATCH])
            stage_progress.advance(len(batch))
        for start in range(0, len(field_links), BATCH):
            batch = FieldLink.objects.bulk_create(field_links[start : start + BATCH])
            stage_progress.advance(len(batch))
        self.counts["relationship stages"] = len(stages)
        self.counts["relationship fields"] = len(field_links)
        return created

    def stages_of(self, relationship):
        """Dated stages in order: an intent, an agreement one to three years later, an end
        years after that. A few agreements are undated, as in the reports."""
        rng = self.rng
        stage = Stage(relationship.stage)
        first = rng.randint(1973, 2005 if stage == Stage.ENDED else 2018)
        steps = []
        if stage == Stage.INTENT or rng.random() < 0.5:
            steps.append((Stage.INTENT, first))
        if stage != Stage.INTENT:
            steps.append((Stage.AGREEMENT, first + rng.randint(1, 3)))
        if stage == Stage.ENDED:
            steps.append((Stage.ENDED, steps[-1][1] + rng.randint(3, 15)))
        rows = []
        for step, year in steps:
            undated = step == Stage.AGREEMENT and rng.random() < 0.05
            year, month, day = (None, None, None) if undated else partial_date(rng, year)
            rows.append(
                RelationshipStage(
                    relationship_id=relationship.pk,
                    stage=step,
                    date_year=year,
                    date_month=month,
                    date_day=day,
                    document="《缔结友好城市协议书》" if step == Stage.AGREEMENT else "",
                )
            )
        assert [STAGE_ORDER[Stage(row.stage)] for row in rows] == sorted(
            STAGE_ORDER[Stage(row.stage)] for row in rows
        )
        return rows

    def create_exchanges(self):
        """Exchanges of a relationship (its Chinese place theirs) and multilateral ones of a
        Chinese place with partner places and countries; dated, some with an end."""
        plan, rng = self.plan, self.rng
        kinds = list(ExchangeKind.values)
        codes = [code for code, _ in countries if code != CHINA]
        PlaceLink, FieldLink = Exchange.places.through, Exchange.fields.through
        progress = Progress("exchanges", plan.exchanges, self.stream)
        links = fields = 0
        for start in range(0, plan.exchanges, BATCH):
            exchanges = []
            partners = []
            for n in range(start, min(start + BATCH, plan.exchanges)):
                if rng.random() < RELATIONSHIP_EXCHANGE_SHARE:
                    relationship = rng.choice(self.relationships)
                    chinese_place_id = relationship.chinese_place_id
                    partners.append(())
                    country_list = []
                else:
                    relationship = None
                    chinese_place_id = rng.choice(self.chinese).pk
                    partners.append(
                        tuple(
                            {place.pk for place in rng.choices(self.foreign, k=rng.randint(1, 3))}
                        )
                    )
                    country_list = sorted(set(rng.choices(codes, k=rng.randint(0, 2))))
                start_year, start_month, start_day = partial_date(rng, rng.randint(1980, 2024))
                end = (None, None, None)
                if rng.random() < 0.3:
                    end = partial_date(rng, start_year + rng.randint(1, 2))
                exchanges.append(
                    Exchange(
                        title_zh=f"合成交流项目{n}",
                        title_en=f"Synthetic exchange {n}",
                        kind=rng.choice(kinds),
                        chinese_place_id=chinese_place_id,
                        relationship=relationship,
                        countries=country_list,
                        start_year=start_year,
                        start_month=start_month,
                        start_day=start_day,
                        end_year=end[0],
                        end_month=end[1],
                        end_day=end[2],
                        editors_note=MARKER,
                    )
                )
            created = Exchange.objects.bulk_create(exchanges)
            place_links, field_links = [], []
            for exchange, places in zip(created, partners, strict=True):
                place_links += [PlaceLink(exchange_id=exchange.pk, place_id=pk) for pk in places]
                for field in rng.sample(self.fields, k=rng.randint(1, min(2, len(self.fields)))):
                    field_links.append(
                        FieldLink(exchange_id=exchange.pk, cooperationfield_id=field)
                    )
            PlaceLink.objects.bulk_create(place_links)
            FieldLink.objects.bulk_create(field_links)
            links += len(place_links)
            fields += len(field_links)
            progress.advance(len(created))
        self.counts["exchanges"] = plan.exchanges
        self.counts["exchange partner places"] = links
        self.counts["exchange fields"] = fields


# The tables whose search indexes (GIN: trigrams and n-grams, the search app's migrations)
# are set aside during the bulk load.
SEEDED_TABLES = (Place, Relationship, Exchange)


@contextmanager
def search_indexes_set_aside(stream=None):
    """On PostgreSQL, drop the seeded tables' GIN indexes for the bulk load and build them
    again at its end: one build over 500,000 rows is several times faster than keeping
    six GIN indexes up to date batch by batch (their pending lists are small on purpose,
    so searches see new rows at once). Call it inside the load's transaction: DDL is
    transactional there, so a failed or interrupted load rolls the drop back with the rows
    and the indexes are never left missing. The drop locks the tables until the commit,
    which only a benchmark database can afford."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in SEEDED_TABLES]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND tablename = ANY(%s) "
            "AND indexdef LIKE '%%USING gin%%' ORDER BY indexname",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    progress = Progress("search indexes", len(indexes), stream)
    with connection.cursor() as cursor:
        # PostgreSQL builds no index on a table with foreign-key checks still pending (Django
        # defers them to the commit): run them now, then defer again as Django expects.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # More memory for the builds, for this transaction only.
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
            progress.advance(1)


def seed(relationships, exchanges, seed=1, stream=None):
    """Create the synthetic data; returns the counts of what was created."""
    return Seeder(Plan.for_size(relationships, exchanges), seed=seed, stream=stream).run()


def remove():
    """Delete every synthetic row, and only those, in one transaction.

    Plain SQL deletes (``QuerySet._raw_delete``): the ORM's ``delete()`` would load the half
    million exchanges to send the history library's signals and write a history row for
    each, for data that never was the registry's. Foreign keys still hold: a real record
    that points at a synthetic one makes the transaction fail and nothing is removed.
    """
    counts = {}
    with transaction.atomic():
        using = transaction.get_connection().alias

        def delete(label, queryset):
            deleted = queryset._raw_delete(using)
            if label:
                counts[label] = counts.get(label, 0) + deleted

        for through in (
            Exchange.places.through,
            Exchange.fields.through,
            Exchange.citations.through,
        ):
            delete(None, through.objects.filter(exchange__editors_note=MARKER))
        delete(None, ExchangeCount.objects.filter(exchange__editors_note=MARKER))
        delete("exchanges", Exchange.objects.filter(editors_note=MARKER))
        marked = Relationship.objects.filter(notes=MARKER, chinese_place__in=synthetic_places())
        delete(
            None,
            RelationshipStage.citations.through.objects.filter(
                relationshipstage__relationship__in=marked
            ),
        )
        delete("relationship stages", RelationshipStage.objects.filter(relationship__in=marked))
        for through in (Relationship.fields.through, Relationship.citations.through):
            delete(None, through.objects.filter(relationship__in=marked))
        delete("relationships", marked)
        delete(None, PlaceAlias.objects.filter(place__in=synthetic_places()))
        # One statement: the database checks the parent links at its end.
        delete("places", synthetic_places())
        delete(
            "fields of cooperation",
            CooperationField.objects.filter(
                slug__startswith=SLUG_PREFIX, relationships__isnull=True, exchanges__isnull=True
            ),
        )
        generation.bump(using)  # raw deletes send no signal
    return counts
