"""The one test-data builder of the suite.

- office accounts made the way staff make them (the ``create_office_user`` command) and
  API accounts holding the model permissions (``staff_user``, ``token_client``);
- fresh, deletable records of every office model inside a given city (``FACTORIES``) and
  the field an edit changes (``EDITS``);
- ``add_rows(count)``: bulk rows of every listed kind for one test city, to compare a
  list page's queries for one row and for a hundred (``MARKER`` names them for ``?q=``);
- ``build_world()``: a small, self-contained registry (a province with two cities, a
  county, three partners, a report, a relationship…) for the API tests; the root
  ``conftest.py`` offers it as the ``world`` fixture with its clients.

Every record has a ``test-`` slug or a ``测试`` name so it never clashes with the loaded
registry."""

import datetime
import itertools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from awards.choices import AwardLevel, RecipientKind
from awards.models import Award, AwardType
from cities.choices import FigureMetric, HoldingLevel, PlaceLevel, RelationshipKind, Stage
from cities.models import (
    Claim,
    CooperationField,
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    ReportedStatement,
    RuleAcknowledgement,
)
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from notices.models import Notice
from offices.models import Office
from sources.models import Citation, SourceReport
from utilities import generation
from utilities.search import search_keys

PASSWORD = "Office-staff-2019!"
REPORT_TEXT = "测试报告：我市与测试伙伴市签署了友好城市协议书，双方在文化领域开展交流。"
_numbers = itertools.count(1)


def unique(prefix):
    return f"{prefix}-{next(_numbers)}"


def office_user(username, city):
    """An office account made with the command staff use."""
    call_command("create_office_user", username, city=city, password=PASSWORD, verbosity=0)
    return get_user_model().objects.get(username=username)


def superuser(username="test-admin"):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    return user or User.objects.create_superuser(username, f"{username}@example.com", PASSWORD)


def place(slug):
    return Place.objects.get(slug=slug)


def new_foreign_place():
    slug = unique("test-partner")
    return Place.objects.create(
        slug=slug,
        name_zh=f"测试伙伴市{slug[-3:]}",
        name_en=slug,
        level=PlaceLevel.CITY,
        country="JP",
    )


def new_report(city):
    slug = unique("test-report")
    return SourceReport.objects.create(
        slug=slug, title=f"测试报告 {slug}", chinese_place=city, text=REPORT_TEXT
    )


def cite(city):
    """A passage of a new report of the city: every relationship, stage, exchange, award
    and figure cites one (``utilities.models.validate_citations``)."""
    return Citation.objects.create(report=new_report(city), quote=REPORT_TEXT[:12])


def cited(record, city):
    record.citations.set([cite(city)])
    return record


def new_relationship(city):
    return cited(
        Relationship.objects.create(
            chinese_place=city, foreign_place=new_foreign_place(), kind=RelationshipKind.SISTER
        ),
        city,
    )


def new_exchange(city):
    return cited(
        Exchange.objects.create(
            title_zh=unique("测试交流"),
            kind=ExchangeKind.EVENT,
            chinese_place=city,
            start_year=2020,
        ),
        city,
    )


# A fresh, deletable record of each office model whose Chinese side is ``city``, and the
# field an edit changes.
FACTORIES = {
    Place: lambda city: Place.objects.create(
        slug=unique("test-county"),
        name_zh="测试县",
        level=PlaceLevel.COUNTY,
        country="CN",
        parent=city,
    ),
    PlaceAlias: lambda city: PlaceAlias.objects.create(place=city, name=unique("测试别名")),
    Relationship: new_relationship,
    RelationshipStage: lambda city: cited(
        RelationshipStage.objects.create(
            relationship=new_relationship(city), stage=Stage.INTENT, date_year=2020
        ),
        city,
    ),
    ReportedFigure: lambda city: cited(
        ReportedFigure.objects.create(
            chinese_place=city, metric=FigureMetric.OTHER, value=3, wording="测试数字"
        ),
        city,
    ),
    ReportedStatement: lambda city: cited(
        ReportedStatement.objects.create(
            chinese_place=city, kind="ranking", statement_zh="测试：总量位居全省前列"
        ),
        city,
    ),
    Claim: lambda city: cited(
        Claim.objects.create(
            relationship=new_relationship(city),
            subject="kind",
            value=RelationshipKind.FRIENDLY,
            claimant="national_roll",
        ),
        city,
    ),
    SourceReport: new_report,
    Citation: lambda city: Citation.objects.create(report=new_report(city), quote=REPORT_TEXT[:12]),
    Exchange: new_exchange,
    ExchangeCount: lambda city: ExchangeCount.objects.create(
        exchange=new_exchange(city), value=3, unit_zh="名嘉宾"
    ),
    Award: lambda city: cited(
        Award.objects.create(
            award_type=AwardType.objects.order_by("pk").first(),
            chinese_place=city,
            recipient_kind=RecipientKind.PLACE,
            place=new_foreign_place(),
            conferred_year=2020,
        ),
        city,
    ),
    Notice: lambda city: Notice.objects.create(
        chinese_place=city,
        title_zh=unique("测试寻找友城"),
        contact="测试外办",
        until=datetime.date(2099, 12, 31),
    ),
    RuleAcknowledgement: lambda city: RuleAcknowledgement.objects.create(
        relationship=new_relationship(city), rule="active_without_agreement", reason="测试理由"
    ),
}
EDITS = {
    Place: ("name_en", "Test County (edited)"),
    PlaceAlias: ("note", "已核对"),
    Relationship: ("wording", "友好合作关系城市（已核对）"),
    RelationshipStage: ("document", "《缔结友好城市意向书》"),
    ReportedFigure: ("wording", "已核对的数字"),
    ReportedStatement: ("statement_en", "Checked statement"),
    Claim: ("note", "已核对"),
    SourceReport: ("publisher", "外办（已核对）"),
    Citation: ("note", "已核对"),
    Exchange: ("title_en", "Checked exchange"),
    ExchangeCount: ("unit_en", "guests"),
    Award: ("notes", "已核对"),
    RuleAcknowledgement: ("reason", "测试理由（已核对）"),
    Notice: ("regions", "中东欧（已核对）"),
}


REGISTRY_APPS = ["offices", "cities", "sources", "exchanges", "awards", "notices"]

HOME_REPORT_TEXT = (
    "测试市与日本测试甲市于2016年10月28日缔结友好城市关系。"
    "目前测试市有友好城市20多个。测试县与法国测试丙市签订了意向书。"
)


@dataclass
class World:
    """A small, self-contained piece of registry: a province with two cities (the home
    office's and another), a county in the home city, three foreign partners, a report
    with a citation, a sister-city relationship with its agreement, an award type and a
    field of cooperation."""

    province: Place
    home: Place
    county: Place
    away: Place
    partner_a: Place
    partner_b: Place
    partner_c: Place
    report: SourceReport
    citation: Citation
    relationship: Relationship
    agreement: RelationshipStage
    award_type: AwardType
    field: CooperationField


def new_place(slug, name_zh, level, country, parent=None, **extra):
    return Place.objects.create(
        slug=slug, name_zh=name_zh, level=level, country=country, parent=parent, **extra
    )


def same_named_places(chinese, foreign, country):
    """``chinese`` Chinese cities called 测试同名市 (Twin City) and ``foreign`` towns of
    ``country`` called 测试同名岛 (Twin Isle), each list in the order made: rows that tie
    on every name, for the tests of a total order."""
    return (
        [
            new_place(f"test-twin-cn-{n}", "测试同名市", PlaceLevel.CITY, "CN", name_en="Twin City")
            for n in range(chinese)
        ],
        [
            new_place(
                f"test-twin-tv-{n}", "测试同名岛", PlaceLevel.CITY, country, name_en="Twin Isle"
            )
            for n in range(foreign)
        ],
    )


def build_world():
    province = new_place("test-province", "测试省", "province", "CN", name_en="Test Province")
    home = new_place(
        "test-home",
        "测试市",
        "prefecture_city",
        "CN",
        province,
        name_en="Testville",
        latitude="30.59276",
        longitude="114.30525",
    )
    county = new_place("test-home-county", "测试县", "county", "CN", home, name_en="Test County")
    away = new_place("test-away", "别市", "prefecture_city", "CN", province, name_en="Elsewhere")
    partner_a = new_place(
        "test-partner-a",
        "测试甲市",
        "city",
        "JP",
        name_en="Testa",
        latitude="33.2",
        longitude="131.6",
    )
    partner_b = new_place(
        "test-partner-b",
        "测试乙市",
        "city",
        "US",
        name_en="Testb",
        latitude="37.77493",
        longitude="-122.41942",
    )
    partner_c = new_place("test-partner-c", "测试丙市", "city", "FR", name_en="Testc")
    report = SourceReport.objects.create(
        slug="test-home-report",
        title="测试市外事工作报告",
        chinese_place=home,
        published_year=2019,
        published_month=10,
        text=HOME_REPORT_TEXT,
    )
    citation = Citation.objects.create(
        report=report, quote="测试市与日本测试甲市于2016年10月28日缔结友好城市关系"
    )
    relationship = Relationship.objects.create(
        chinese_place=home, foreign_place=partner_a, kind="sister", level="municipal"
    )
    relationship.citations.set([citation])
    agreement = RelationshipStage.objects.create(
        relationship=relationship, stage="agreement", date_year=2016, date_month=10, date_day=28
    )
    award_type = AwardType.objects.create(
        name_zh="测试友谊奖", name_en="Test Friendship Award", level="municipal"
    )
    field = CooperationField.objects.create(
        slug="test-field", name_zh="测试领域", name_en="Test field"
    )
    return World(
        province, home, county, away, partner_a, partner_b, partner_c, report, citation,
        relationship, agreement, award_type, field,
    )  # fmt: skip


def staff_user(username, office_place=None, superuser=False, staff=True):
    """A staff account holding every registry model permission (as an office's group in
    the admin would), attached to the office of ``office_place``."""
    user = get_user_model().objects.create_user(username, is_staff=staff, is_superuser=superuser)
    if staff and not superuser:
        user.user_permissions.set(
            Permission.objects.filter(content_type__app_label__in=REGISTRY_APPS)
        )
    if office_place is not None:
        Office.objects.create(user=user, place=office_place)
    return user


def token_client(user):
    """A client that authenticates as other systems do: ``Authorization: Token <key>``."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    client.user = user
    return client


# Bulk rows for the public site's query-count tests: one row or a hundred of each kind.

COUNTRIES = ["JP", "FR", "DE", "KR", "US"]
MARKER = "Zyxtest"  # a name no real place has, so ?q= picks only these rows


def chinese_test_place():
    place, _created = Place.objects.get_or_create(
        slug="test-site-city",
        defaults={
            "name_zh": "测试市",
            "name_en": f"{MARKER} City",
            "level": PlaceLevel.PREFECTURE_CITY,
            "country": "CN",
        },
    )
    return place


def add_rows(count, start=0):
    """``count`` foreign places, each with a relationship (a dated stage, two fields, a
    citation), an exchange (fields, a place, a count, a citation) and an award. Written with
    bulk_create so a hundred rows take a moment (search keys are filled in as save() would)."""
    city = chinese_test_place()
    report, _created = SourceReport.objects.get_or_create(
        slug="test-site-report",
        defaults={"title": f"{MARKER} report", "chinese_place": city, "text": "测试报告全文。"},
    )
    citation, _created = Citation.objects.get_or_create(report=report, quote="测试报告全文")
    fields = list(CooperationField.objects.all()[:2])
    award_type, _created = AwardType.objects.get_or_create(
        name_zh="测试奖", defaults={"name_en": f"{MARKER} Award", "level": AwardLevel.MUNICIPAL}
    )
    numbers = range(start, start + count)
    partners = Place.objects.bulk_create(
        Place(
            slug=f"test-site-partner-{number}",
            name_zh=f"测试伙伴{number}",
            name_en=f"{MARKER} Partner {number}",
            level=PlaceLevel.CITY,
            country=COUNTRIES[number % len(COUNTRIES)],
            latitude=10 + number % 50,
            longitude=20 + number % 100,
            search_text=search_keys(f"测试伙伴{number}", f"{MARKER} Partner {number}"),
        )
        for number in numbers
    )
    relationships = Relationship.objects.bulk_create(
        Relationship(
            chinese_place=city,
            foreign_place=partner,
            kind=RelationshipKind.SISTER if number % 2 else RelationshipKind.FRIENDLY,
            stage=Stage.ACTIVE,
            level=HoldingLevel.MUNICIPAL,
        )
        for number, partner in zip(numbers, partners, strict=True)
    )
    stages = RelationshipStage.objects.bulk_create(
        RelationshipStage(relationship=relationship, stage=Stage.AGREEMENT, date_year=1980 + n % 40)
        for n, relationship in zip(numbers, relationships, strict=True)
    )
    exchanges = Exchange.objects.bulk_create(
        Exchange(
            title_zh=f"测试交流{number}",
            title_en=f"{MARKER} exchange {number}",
            kind=ExchangeKind.EVENT,
            chinese_place=city,
            relationship=relationship,
            countries=["JP", "FR"],
            start_year=2000 + number % 20,
        )
        for number, relationship in zip(numbers, relationships, strict=True)
    )
    ExchangeCount.objects.bulk_create(
        ExchangeCount(exchange=exchange, value=number + 1, unit_zh="人")
        for number, exchange in zip(numbers, exchanges, strict=True)
    )
    awards = Award.objects.bulk_create(
        Award(
            award_type=award_type,
            chinese_place=city,
            recipient_kind=RecipientKind.PLACE,
            place=partner,
            conferred_year=2000 + number % 20,
        )
        for number, partner in zip(numbers, partners, strict=True)
    )
    link(Relationship.fields.through, "relationship", relationships, "cooperationfield", fields)
    link(Relationship.citations.through, "relationship", relationships, "citation", [citation])
    link(RelationshipStage.citations.through, "relationshipstage", stages, "citation", [citation])
    link(Exchange.fields.through, "exchange", exchanges, "cooperationfield", fields)
    link(Exchange.citations.through, "exchange", exchanges, "citation", [citation])
    Exchange.places.through.objects.bulk_create(
        Exchange.places.through(exchange=exchange, place=partner)
        for exchange, partner in zip(exchanges, partners, strict=True)
    )
    link(Award.citations.through, "award", awards, "citation", [citation])
    # bulk_create sends no signal: raise the generation as every bulk write must, so that
    # the read cache does not answer with the page it kept before these rows.
    generation.bump()


def link(through, left, rows, right, targets):
    through.objects.bulk_create(
        through(**{left: row, right: target}) for row in rows for target in targets
    )
