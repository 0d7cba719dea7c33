"""Bad input in the admin gets a clear message next to the field and saves nothing: a
same-country pair, a duplicate relationship, a stage date before the previous stage's (in
the inline rows not yet saved, and against the stages already saved), a citation whose
quote is not in its report."""

import pytest

from cities.models import Place, Relationship, RelationshipStage
from sources.models import Citation, SourceReport
from utilities.testing.admin import admin_url, change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


def later_citation():
    """A passage of a report published after the dates these tests enter (every
    relationship and stage cites one; none states what happened after its report)."""
    return Citation.objects.filter(report__slug="shenyang-2022-10-19").order_by("pk").first()


def add_relationship(client, chinese, foreign, kind="sister", stages=(), language=None):
    citation = later_citation().pk
    data = {
        "chinese_place": chinese.pk,
        "foreign_place": foreign.pk,
        "kind": kind,
        "stage": "active",
        "citations": [citation],
        "stages-TOTAL_FORMS": str(len(stages)),
        "stages-INITIAL_FORMS": "0",
    }
    for index, (stage, year, month) in enumerate(stages):
        data.update(
            {
                f"stages-{index}-stage": stage,
                f"stages-{index}-date_year": str(year),
                f"stages-{index}-date_month": str(month or ""),
                f"stages-{index}-citations": [citation],
            }
        )
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.post(admin_url(Relationship, "add"), data, **headers)


def field_errors(response, field):
    return " ".join(response.context["adminform"].form.errors.get(field, []))


class TestRelationshipForm:
    def test_same_country_pair_is_refused_on_the_foreign_side(self, client, staff, jinzhong):
        before = Relationship.objects.count()
        response = add_relationship(client, jinzhong, Place.objects.get(slug="pingyao"))
        assert response.status_code == 200
        assert "外方地方须在中国以外" in field_errors(response, "foreign_place")
        assert Relationship.objects.count() == before

    def test_the_message_is_english_in_english(self, client, staff, jinzhong):
        response = add_relationship(
            client, jinzhong, Place.objects.get(slug="pingyao"), language="en"
        )
        assert "The foreign side must be a place outside China." in field_errors(
            response, "foreign_place"
        )

    def test_duplicate_relationship_is_refused(self, client, staff, jinzhong):
        before = Relationship.objects.count()
        response = add_relationship(client, jinzhong, Place.objects.get(slug="como-province"))
        assert response.status_code == 200
        assert "这两地之间已有同类关系" in " ".join(
            response.context["adminform"].form.non_field_errors()
        )
        assert Relationship.objects.count() == before

    def test_a_stage_before_the_previous_one_in_the_new_rows_is_refused(
        self, client, staff, jinzhong
    ):
        partner = Place.objects.create(
            slug="test-validation-partner", name_zh="测试校验市", level="city", country="IT"
        )
        response = add_relationship(
            client, jinzhong, partner, stages=[("intent", 2019, 10), ("agreement", 2019, 2)]
        )
        assert response.status_code == 200
        [stages] = [
            f.formset
            for f in response.context["inline_admin_formsets"]
            if f.formset.prefix == "stages"
        ]
        assert stages.forms[1].errors["date_year"] == [
            "日期早于前一阶段（意向/备忘录，2019年10月）。"
        ]
        assert "date_year" not in stages.forms[0].errors or stages.forms[0].errors["date_year"] == [
            "日期晚于后一阶段（签署协议，2019年2月）。"
        ]
        assert not Relationship.objects.filter(foreign_place=partner).exists()
        assert not RelationshipStage.objects.filter(relationship__foreign_place=partner).exists()

    def test_rows_in_order_are_saved(self, client, staff, jinzhong):
        partner = Place.objects.create(
            slug="test-validation-partner-2", name_zh="测试有序市", level="city", country="IT"
        )
        response = add_relationship(
            client, jinzhong, partner, stages=[("intent", 2019, 2), ("agreement", 2019, 10)]
        )
        assert response.status_code == 302
        relationship = Relationship.objects.get(foreign_place=partner)
        assert str(relationship.agreement_date) == "2019年10月"
        assert str(relationship.intent_date) == "2019年2月"

    def test_a_new_stage_before_a_saved_one_is_refused_once(self, client, staff):
        como = Relationship.objects.get(
            chinese_place__slug="jinzhong", foreign_place__slug="como-province"
        )
        data = form_data(client.get(change_url(como)))
        index = int(data["stages-TOTAL_FORMS"])
        data.update(
            {
                "stages-TOTAL_FORMS": str(index + 1),
                f"stages-{index}-stage": "intent",
                f"stages-{index}-date_year": "2020",
            }
        )
        response = client.post(change_url(como), data)
        assert response.status_code == 200
        [stages] = [
            f.formset
            for f in response.context["inline_admin_formsets"]
            if f.formset.prefix == "stages"
        ]
        assert stages.forms[index].errors["date_year"] == [
            "日期晚于后一阶段（签署协议，2019年10月28日）。"
        ]
        assert not como.stages.filter(date_year=2020).exists()


class TestCitationForm:
    def test_a_quote_not_in_its_report_is_refused(self, client, staff):
        report = SourceReport.objects.get(slug="jinzhong-2019-10-30")
        before = Citation.objects.count()
        response = client.post(
            admin_url(Citation, "add"),
            {"report": report.pk, "quote": "晋中市与月球签署了友好城市协议书"},
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors["quote"]
        assert errors[0] == f"引文在报告《{report.title}》中找不到。"
        assert Citation.objects.count() == before

    def test_a_quote_from_the_report_is_saved_and_shown_in_context(self, client, staff):
        report = SourceReport.objects.get(slug="jinzhong-2019-10-30")
        response = client.post(
            admin_url(Citation, "add"), {"report": report.pk, "quote": "共出访7批17人次"}
        )
        assert response.status_code == 302
        citation = Citation.objects.get(report=report, quote="共出访7批17人次")
        page = client.get(change_url(citation)).content.decode()
        assert "<mark>共出访7批17人次</mark>" in page


class TestCorrectingSeveralStagesAtOnce:
    """Dates corrected together are compared as submitted, not with the stored ones."""

    @pytest.fixture
    def signed(self, jinzhong):
        partner = Place.objects.create(
            slug="test-two-stages", name_zh="测试两阶段市", level="city", country="IT"
        )
        relationship = Relationship.objects.create(
            chinese_place=jinzhong, foreign_place=partner, kind="sister"
        )
        relationship.citations.set([later_citation()])
        relationship.stages.create(stage="intent", date_year=2019, date_month=2)
        relationship.stages.create(stage="agreement", date_year=2019, date_month=10)
        for stage in relationship.stages.all():
            stage.citations.set([later_citation()])
        return relationship

    def stage_data(self, client, relationship, **dates):
        data = form_data(client.get(change_url(relationship)))
        for index in range(int(data["stages-TOTAL_FORMS"])):
            stage = data[f"stages-{index}-stage"]
            if stage in dates:
                year, month = dates[stage]
                data[f"stages-{index}-date_year"] = str(year)
                data[f"stages-{index}-date_month"] = str(month)
        return data

    def test_both_dates_moved_a_year_later(self, client, staff, signed):
        data = self.stage_data(client, signed, intent=(2020, 2), agreement=(2020, 10))
        response = client.post(change_url(signed), data)
        assert response.status_code == 302, response.context["inline_admin_formsets"][
            0
        ].formset.errors
        assert (str(signed.intent_date), str(signed.agreement_date)) == ("2020年2月", "2020年10月")

    def test_both_dates_moved_out_of_order_is_still_refused(self, client, staff, signed):
        data = self.stage_data(client, signed, intent=(2021, 2), agreement=(2020, 10))
        response = client.post(change_url(signed), data)
        assert response.status_code == 200
        signed.refresh_from_db()
        assert str(signed.stage_date("intent")) == "2019年2月"
