"""The place, relationship, stage and reported-figure FilterSets on the loaded registry:
one test per filter (``FilterSetTests`` checks none is missing), and malformed values as
validation errors (the API answers 400, the site shows a message)."""

import pytest
from django.http import QueryDict
from django.utils import translation

from cities.filtersets import (
    ClaimFilterSet,
    CooperationFieldFilterSet,
    PlaceFilterSet,
    RelationshipFilterSet,
    RelationshipStageFilterSet,
    ReportedFigureFilterSet,
    ReportedStatementFilterSet,
    RuleAcknowledgementFilterSet,
)
from cities.models import (
    Claim,
    CooperationField,
    Place,
    Relationship,
    ReportedStatement,
    RuleAcknowledgement,
)
from tests.builders import FACTORIES
from utilities.testing.filtersets import FilterSetTests, covers, refused, run

pytestmark = pytest.mark.django_db


def pairs(**params):
    return {
        (r.chinese_place.slug, r.foreign_place.slug)
        for r in run(RelationshipFilterSet, **params).select_related(
            "chinese_place", "foreign_place"
        )
    }


def place_slugs(**params):
    return set(run(PlaceFilterSet, **params).values_list("slug", flat=True))


def pk(slug):
    return Place.objects.get(slug=slug).pk


class TestRelationshipFilterSet(FilterSetTests):
    """Relationships: one test per filter, malformed values, no repeated rows."""

    filterset = RelationshipFilterSet

    @pytest.mark.parametrize("query", ["科莫", "Como", "como province", "科莫省"])
    def test_q_finds_the_foreign_side(self, query):
        assert ("jinzhong", "como-province") in pairs(q=query)

    @pytest.mark.parametrize("query", ["晋中", "jinzhong", "Jin Zhong", "jìnzhōng"])
    def test_q_finds_the_chinese_side_in_pinyin_with_or_without_tones(self, query):
        found = pairs(q=query)
        assert ("jinzhong", "como-province") in found
        # Pingyao County's relationships may match too: their notes name Jinzhong.
        assert {chinese for chinese, _foreign in found} <= {"jinzhong", "pingyao"}

    def test_q_with_two_names_finds_the_pair(self):
        assert pairs(q="晋中 科莫") == {("jinzhong", "como-province")}

    def test_kind(self):
        friendly = pairs(kind="friendly")
        assert ("jinzhong", "bikenfeierde") in friendly
        assert ("jinzhong", "como-province") not in friendly
        assert all(r.kind == "friendly" for r in run(RelationshipFilterSet, kind="friendly"))

    def test_stage(self):
        intents = pairs(stage="intent")
        assert {("pingyao", "kyakhta"), ("jinzhong", "bikenfeierde")} <= intents
        assert ("jinzhong", "como-province") not in intents

    def test_level(self):
        assert {("pingyao", "provins"), ("pingyao", "kyakhta")} == pairs(level="county") & {
            ("pingyao", "provins"),
            ("pingyao", "kyakhta"),
        }
        assert all(chinese == "pingyao" for chinese, _ in pairs(level="county"))

    @pytest.mark.parametrize("code", ["JP", "jp"])
    def test_country_accepts_either_case(self, code):
        japanese = pairs(country=code)
        assert {("zhenjiang", "tsu"), ("zhenjiang", "kurashiki")} <= japanese
        assert all(
            r.foreign_place.country == "JP"
            for r in run(RelationshipFilterSet, country=code).select_related("foreign_place")
        )

    def test_several_countries(self):
        both = pairs(country=["JP", "IT"])
        assert ("zhenjiang", "tsu") in both and ("jinzhong", "como-province") in both

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        jinzhong = pairs(chinese_place="jinzhong")
        assert ("jinzhong", "como-province") in jinzhong
        assert ("pingyao", "provins") in jinzhong  # Pingyao County is in Jinzhong
        assert pairs(chinese_place_id=pk("jinzhong")) == jinzhong
        assert pairs(chinese_place="shanxi") == jinzhong  # the province holds the same
        assert ("zhenjiang", "tsu") not in jinzhong

    @covers("foreign_place_id")
    def test_foreign_place(self):
        assert pairs(foreign_place="como-province") == {("jinzhong", "como-province")}
        assert pairs(foreign_place_id=pk("como-province")) == {("jinzhong", "como-province")}

    @covers("field_id")
    def test_field(self):
        tourism = CooperationField.objects.get(slug="tourism")
        assert ("jinzhong", "como-province") in pairs(field="tourism")
        assert pairs(field_id=tourism.pk) == pairs(field="tourism")
        assert ("zhenjiang", "tsu") not in pairs(field="tourism")

    @covers("year_min", "year_max")
    def test_year_range_uses_the_first_dated_step(self):
        nineties = pairs(year_min=1990, year_max=1999)
        assert ("zhenjiang", "kurashiki") in nineties  # 1997年10月
        assert ("zhenjiang", "tsu") not in nineties  # 1984
        recent = pairs(year_min=2019)
        assert {("jinzhong", "como-province"), ("pingyao", "kyakhta")} <= recent
        assert ("zhenjiang", "tsu") in pairs(year_max=1984)

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"kind": "twin"}, "kind"),
            ({"stage": "x"}, "stage"),
            ({"level": "galactic"}, "level"),
            ({"country": "XX"}, "country"),
            ({"chinese_place": "atlantis"}, "chinese_place"),
            ({"chinese_place": "como-province"}, "chinese_place"),  # not a Chinese place
            ({"chinese_place_id": "abc"}, "chinese_place_id"),
            ({"chinese_place_id": "99999999999999999999999"}, "chinese_place_id"),
            ({"foreign_place_id": "-1"}, "foreign_place_id"),
            ({"field": "astrology"}, "field"),
            ({"year_min": "abc"}, "year_min"),
            ({"year_max": "1e5"}, "year_max"),
            ({"year_min": "99999"}, "year_min"),
            ({"q": "x" * 500}, "q"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(RelationshipFilterSet, **params)

    def test_filters_keep_one_row_per_relationship(self):
        """Filters through many-to-many fields do not repeat rows."""
        rows = list(run(RelationshipFilterSet, field=["trade", "tourism", "culture"]))
        assert len(rows) == len(set(rows))
        assert Relationship.objects.filter(pk__in=[r.pk for r in rows]).count() == len(rows)


class TestPlaceFilterSet(FilterSetTests):
    """Places: one test per filter and malformed values."""

    filterset = PlaceFilterSet

    @pytest.mark.parametrize("query", ["濟南", "济南", "jinan", "Ji Nan", "jǐnán", "JINAN"])
    def test_q_finds_jinan_in_any_script(self, query):
        assert "jinan" in place_slugs(q=query)

    def test_q_finds_an_alias(self):
        assert "mannheim" in place_slugs(q="曼姆")  # the report's variant of 曼海姆

    def test_q_finds_two_character_names(self):
        assert "jinzhong" in place_slugs(q="晋中")

    def test_side(self):
        chinese = place_slugs(side="chinese")
        foreign = place_slugs(side="foreign")
        assert "jinzhong" in chinese and "jinzhong" not in foreign
        assert "como-province" in foreign and "como-province" not in chinese

    @covers("level")
    def test_country_and_level(self):
        assert place_slugs(country="it") >= {"como-province", "lombardy"}
        assert "pingyao" in place_slugs(level="county")
        assert "jinzhong" not in place_slugs(level="county")

    @covers("parent_id")
    def test_parent(self):
        assert place_slugs(parent="jinzhong") == {"pingyao"}
        assert place_slugs(parent_id=pk("jinzhong")) == {"pingyao"}

    def test_kind(self):
        friendly = place_slugs(kind="friendly")
        assert {"jinzhong", "bikenfeierde"} <= friendly
        assert "tsu" not in friendly

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"side": "both"}, "side"),
            ({"country": "ZZ"}, "country"),
            ({"level": "planet"}, "level"),
            ({"parent": "nowhere"}, "parent"),
            ({"parent_id": "1.5"}, "parent_id"),
            ({"kind": "bad"}, "kind"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(PlaceFilterSet, **params)


def stages(**params):
    return {
        (row.relationship.chinese_place.slug, row.relationship.foreign_place.slug, row.stage)
        for row in run(RelationshipStageFilterSet, **params).select_related(
            "relationship__chinese_place", "relationship__foreign_place"
        )
    }


class TestRelationshipStageFilterSet(FilterSetTests):
    """Dated stages (API only): by relationship, stage, Chinese place and year."""

    filterset = RelationshipStageFilterSet

    def test_relationship_id(self):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        found = run(RelationshipStageFilterSet, relationship_id=como.pk)
        assert found.count() == como.stages.count() > 0
        assert set(found.values_list("relationship", flat=True)) == {como.pk}

    def test_stage(self):
        agreements = stages(stage="agreement")
        assert ("zhenjiang", "tsu", "agreement") in agreements
        assert {stage for _chinese, _foreign, stage in agreements} == {"agreement"}
        assert ("zhenjiang", "tsu", "agreement") not in stages(stage="intent")

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        jinzhong = stages(chinese_place="jinzhong")
        assert {chinese for chinese, _foreign, _stage in jinzhong} == {"jinzhong", "pingyao"}
        assert stages(chinese_place_id=pk("jinzhong")) == jinzhong
        assert stages(chinese_place="shanxi") == jinzhong

    @covers("year_min", "year_max")
    def test_year_range_on_the_stage_date(self):
        in_1997 = stages(year_min=1997, year_max=1997)
        assert ("zhenjiang", "kurashiki", "agreement") in in_1997  # 1997年10月
        assert ("zhenjiang", "tsu", "agreement") not in in_1997  # 1984
        assert ("zhenjiang", "tsu", "agreement") in stages(year_max=1984)
        assert ("zhenjiang", "tsu", "agreement") not in stages(year_min=1985)

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"relationship_id": "x"}, "relationship_id"),
            ({"stage": "x"}, "stage"),
            ({"chinese_place": "como-province"}, "chinese_place"),
            ({"year_min": "abc"}, "year_min"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(RelationshipStageFilterSet, **params)


def figures(**params):
    return set(run(ReportedFigureFilterSet, **params).values_list("wording", flat=True))


class TestReportedFigureFilterSet(FilterSetTests):
    """Reported figures (API only): by Chinese place, metric and qualifier."""

    filterset = ReportedFigureFilterSet

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        jinzhong = figures(chinese_place="jinzhong")
        assert "已与6个国际城市建立了友好城市关系" in jinzhong
        assert figures(chinese_place_id=pk("jinzhong")) == jinzhong
        assert figures(chinese_place="shanxi") == jinzhong
        assert not jinzhong & figures(chinese_place="zhenjiang")

    def test_metric(self):
        intents = run(ReportedFigureFilterSet, metric="intents")
        assert "与美国、德国、俄罗斯等6个国外城市签订了建立友好城市意向书或备忘录" in {
            row.wording for row in intents
        }
        assert {row.metric for row in intents} == {"intents"}

    def test_qualifier(self):
        at_least = run(ReportedFigureFilterSet, qualifier="at_least")
        assert "每年接待党宾国宾（批）" in {row.wording for row in at_least}
        assert {row.qualifier for row in at_least} == {"at_least"}

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"metric": "weight"}, "metric"),
            ({"qualifier": "maybe"}, "qualifier"),
            ({"chinese_place_id": "abc"}, "chinese_place_id"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(ReportedFigureFilterSet, **params)


class TestCooperationFieldFilterSet(FilterSetTests):
    """Fields of cooperation: only the time filters every FilterSet has
    (``FilterSetTests.test_timestamps``)."""

    filterset = CooperationFieldFilterSet


def claims_found(**params):
    return set(run(ClaimFilterSet, **params).values_list("note", flat=True))


class TestClaimFilterSet(FilterSetTests):
    """Sources' claims (API only): by relationship, step, subject, who claims and Chinese
    place."""

    filterset = ClaimFilterSet

    @pytest.fixture(autouse=True)
    def claims(self):
        como = Relationship.objects.get(foreign_place__slug="como-province")
        signing = como.stages.get()
        tsu = Relationship.objects.get(foreign_place__slug="tsu")
        Claim.objects.create(
            relationship=como, step=signing, date_year=2019, date_month=11, note="como-date"
        )
        Claim.objects.create(
            relationship=tsu,
            subject="kind",
            value="friendly",
            claimant="national_roll",
            note="tsu-kind",
        )
        return como, signing, tsu

    def test_relationship_id(self, claims):
        como, _signing, tsu = claims
        assert claims_found(relationship_id=como.pk) == {"como-date"}
        assert claims_found(relationship_id=tsu.pk) == {"tsu-kind"}

    def test_step_id(self, claims):
        assert claims_found(step_id=claims[1].pk) == {"como-date"}

    def test_subject(self):
        assert claims_found(subject="date") == {"como-date"}
        assert claims_found(subject=["kind", "level"]) == {"tsu-kind"}

    def test_claimant(self):
        assert claims_found(claimant="national_roll") == {"tsu-kind"}
        assert claims_found(claimant="partner") == {"como-date"}

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        assert claims_found(chinese_place="shanxi") == {"como-date"}
        assert claims_found(chinese_place_id=pk("zhenjiang")) == {"tsu-kind"}

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"relationship_id": "x"}, "relationship_id"),
            ({"step_id": "x"}, "step_id"),
            ({"subject": "x"}, "subject"),
            ({"claimant": "x"}, "claimant"),
        ],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(ClaimFilterSet, **params)


def statements(**params):
    return set(run(ReportedStatementFilterSet, **params).values_list("statement_zh", flat=True))


class TestReportedStatementFilterSet(FilterSetTests):
    """Statements of reports (API only): by Chinese place and kind."""

    filterset = ReportedStatementFilterSet
    RANKING = "国际友城和国际友好合作城市总量位居全国前列"

    @pytest.fixture(autouse=True)
    def second(self):
        """A second statement (the registry loads one), made as an office would."""
        return FACTORIES[ReportedStatement](Place.objects.get(slug="shenyang"))

    def test_kind(self):
        assert self.RANKING in statements(kind="ranking")
        assert self.RANKING not in statements(kind="plan")

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self):
        assert self.RANKING in statements(chinese_place="shandong")
        assert self.RANKING in statements(chinese_place_id=pk("jinan"))
        assert self.RANKING not in statements(chinese_place="wuhan")

    @pytest.mark.parametrize(
        "params, field",
        [({"kind": "x"}, "kind"), ({"chinese_place": "como-province"}, "chinese_place")],
    )
    def test_malformed_values_are_validation_errors(self, params, field):
        assert field in refused(ReportedStatementFilterSet, **params)


class TestRuleAcknowledgementFilterSet(FilterSetTests):
    """Acknowledgements (API only): by relationship, rule and Chinese place."""

    filterset = RuleAcknowledgementFilterSet

    @pytest.fixture(autouse=True)
    def acknowledgements(self, db):
        made = []
        for slug, rule in (("hoi-an", "active_without_agreement"), ("oita", "level_mismatch")):
            relationship = Relationship.objects.filter(foreign_place__slug=slug).first()
            made.append(
                RuleAcknowledgement.objects.create(
                    relationship=relationship, rule=rule, reason="测试"
                )
            )
        return made

    def test_relationship_id(self, acknowledgements):
        first = acknowledgements[0]
        found = run(RuleAcknowledgementFilterSet, relationship_id=first.relationship_id)
        assert list(found) == [first]

    def test_rule(self, acknowledgements):
        assert list(run(RuleAcknowledgementFilterSet, rule="level_mismatch")) == [
            acknowledgements[1]
        ]
        assert refused(RuleAcknowledgementFilterSet, rule="twin")

    @covers("chinese_place_id")
    def test_chinese_place_includes_places_inside_it(self, acknowledgements):
        assert list(run(RuleAcknowledgementFilterSet, chinese_place="shanxi")) == [
            acknowledgements[0]
        ]
        assert list(run(RuleAcknowledgementFilterSet, chinese_place_id=pk("wuhan"))) == [
            acknowledgements[1]
        ]


def test_the_filter_form_made_once_speaks_each_requests_language_and_keeps_no_values(world):
    """The filters' form class is made once per FilterSet class: its countries still
    follow the language of each request, and one request's values or errors never reach
    another's form."""
    for language, japan in (("zh-hans", "日本"), ("en", "Japan"), ("zh-hans", "日本")):
        with translation.override(language):
            choices = dict(RelationshipFilterSet().form.fields["country"].choices)
            assert choices["JP"] == japan
    invalid = RelationshipFilterSet(QueryDict("year_min=abc&field=no-such-field"))
    assert set(invalid.errors) == {"year_min", "field"}
    valid = RelationshipFilterSet(QueryDict("kind=sister"), queryset=Relationship.objects.all())
    assert not valid.errors
    assert set(valid.qs.values_list("kind", flat=True)) == {"sister"}
    assert invalid.form.fields["field"].queryset is not valid.form.fields["field"].queryset
