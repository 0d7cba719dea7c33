"""The rules of a relationship's stages, met the same way on every write path (the admin
form, the admin inline, the API): a relationship and each stage cite a report; no step
before 1973; nothing after today or the cited report unless planned; the stage order;
the current stage never behind a recorded step. Each refusal names its field, in Chinese
and (through the locale) in English."""

import pytest

from cities.models import Relationship, RelationshipStage
from tests.builders import staff_user
from utilities.testing.admin import admin_url, change_url, form_data

pytestmark = pytest.mark.django_db

STAGES = "/api/relationship-stages/"
RELATIONSHIPS = "/api/relationships/"


@pytest.fixture
def admin_client(client, world):
    client.force_login(staff_user("test-stage-staff", world.home))
    return client


def intent_relationship(world):
    relationship = Relationship.objects.create(
        chinese_place=world.home, foreign_place=world.partner_c, kind="friendly", stage="intent"
    )
    relationship.citations.set([world.citation])
    return relationship


def post_stage(client, world, relationship=None, language=None, **values):
    data = {
        "relationship": (relationship or world.relationship).pk,
        "stage": "intent",
        "citations": [world.citation.pk],
        **values,
    }
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client.post(STAGES, data, format="json", **headers)


def inline(response, prefix="stages"):
    [formset] = [
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == prefix
    ]
    return formset


def add_stage_row(data, **values):
    index = int(data["stages-TOTAL_FORMS"])
    data["stages-TOTAL_FORMS"] = str(index + 1)
    for name, value in values.items():
        data[f"stages-{index}-{name}"] = value
    return index


# --- Citations ------------------------------------------------------------------------------


class TestCitationsRequired:
    def test_api_refuses_a_relationship_without_citation(self, insider, world):
        response = insider.post(
            RELATIONSHIPS,
            {
                "chinese_place": world.home.pk,
                "foreign_place": world.partner_b.pk,
                "kind": "sister",
                "citations": [],
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "citations": ["请至少引用一段报告原文：登记册中的每一项事实都须注明出处。"]
        }
        assert not Relationship.objects.filter(foreign_place=world.partner_b).exists()

    def test_api_refuses_a_stage_without_citation_in_english(self, insider, world):
        response = post_stage(insider, world, date="2015", citations=[], language="en")
        assert response.status_code == 400
        assert response.json()["citations"] == [
            "Cite at least one passage of a report: every fact in the registry names its source."
        ]

    def test_api_refuses_removing_the_last_citation(self, insider, world):
        url = f"{RELATIONSHIPS}{world.relationship.pk}/"
        response = insider.patch(url, {"citations": []}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["citations"]
        assert list(world.relationship.citations.all()) == [world.citation]

    def test_admin_form_refuses_a_relationship_without_citation(self, admin_client, world):
        response = admin_client.post(
            admin_url(Relationship, "add"),
            {
                "chinese_place": world.home.pk,
                "foreign_place": world.partner_b.pk,
                "kind": "sister",
                "stage": "active",
                "stages-TOTAL_FORMS": "0",
                "stages-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["citations"] == [
            "请至少引用一段报告原文：登记册中的每一项事实都须注明出处。"
        ]
        assert not Relationship.objects.filter(foreign_place=world.partner_b).exists()

    def test_admin_inline_refuses_a_stage_row_without_citation(self, admin_client, world):
        data = form_data(admin_client.get(change_url(world.relationship)))
        index = add_stage_row(data, stage="intent", date_year="2015")
        response = admin_client.post(change_url(world.relationship), data)
        assert response.status_code == 200
        assert inline(response).forms[index].errors["citations"] == [
            "请至少引用一段报告原文：登记册中的每一项事实都须注明出处。"
        ]
        assert world.relationship.stages.count() == 1


# --- Plausible dates ------------------------------------------------------------------------


class TestPlausibleDates:
    @pytest.mark.parametrize("date", ["0001", "1972-12-31"])
    def test_api_refuses_a_step_before_1973(self, insider, world, date):
        response = post_stage(insider, world, date=date)
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "date": [
                "友好关系的阶段不会早于1973年：中华人民共和国第一对友好城市（天津—神户）缔结于1973年。"
            ]
        }

    def test_1973_is_accepted(self, insider, world):
        assert post_stage(insider, world, date="1973").status_code == 201

    @pytest.mark.parametrize("date", ["9999", "2099-01"])
    def test_api_refuses_a_future_step_unless_planned(self, insider, world, date):
        response = post_stage(insider, world, date=date, language="en")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "date": ["The date is later than today: tick “planned” for what has not happened yet."]
        }
        assert not RelationshipStage.objects.filter(date_year=int(date[:4])).exists()

    def test_api_refuses_a_step_after_the_cited_report(self, insider, world):
        # The report was published in October 2019.
        response = post_stage(insider, world, date="2019-11", stage="active")
        assert response.status_code == 400
        assert response.json()["date"] == [
            "日期晚于所引报告的发布日期（2019年10月）：报告所说的计划请勾选“计划中”，"
            "已发生的事请引用较新的报告。"
        ]

    def test_a_planned_step_may_follow_its_report(self, insider, world):
        relationship = intent_relationship(world)
        response = post_stage(
            insider, world, relationship, stage="intent", date="2030-05", planned=True
        )
        assert response.status_code == 201, response.content
        assert response.json()["planned"] is True
        # A planned step does not date the beginning: it has not happened.
        assert Relationship.objects.get(pk=relationship.pk).began is None

    def test_intent_date_never_reads_0001(self, insider, world):
        relationship = intent_relationship(world)
        for date in ("0001", "9999", "2099"):
            assert post_stage(insider, world, relationship, date=date).status_code == 400
        assert not relationship.stages.exists()
        assert relationship.intent_date is None

    def test_admin_inline_refuses_a_step_before_1973(self, admin_client, world):
        data = form_data(admin_client.get(change_url(world.relationship)))
        index = add_stage_row(
            data, stage="intent", date_year="1960", citations=[str(world.citation.pk)]
        )
        response = admin_client.post(
            change_url(world.relationship), data, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 200
        assert inline(response).forms[index].errors["date_year"] == [
            "No relationship stage is older than 1973: the People's Republic's first "
            "sister-city agreement (Tianjin–Kobe) was signed in 1973."
        ]

    def test_admin_stage_form_refuses_a_step_after_its_report(self, admin_client, world):
        response = admin_client.post(
            admin_url(RelationshipStage, "add"),
            {
                "relationship": world.relationship.pk,
                "stage": "active",
                "date_year": "2021",
                "citations": [world.citation.pk],
            },
        )
        assert response.status_code == 200
        assert "日期晚于所引报告的发布日期（2019年10月）" in " ".join(
            response.context["adminform"].form.errors["date_year"]
        )


# --- The current stage and the dated steps --------------------------------------------------


class TestCurrentStage:
    def test_api_refuses_an_ended_step_under_an_intent_relationship(self, insider, world):
        relationship = intent_relationship(world)
        response = post_stage(insider, world, relationship, stage="ended", date="2019")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "stage": [
                "友好关系的当前阶段是“意向/备忘录”，不能有“终止”这一步：请先更改友好关系的当前阶段。"
            ]
        }

    def test_api_refuses_moving_the_current_stage_behind_a_step(self, insider, world):
        url = f"{RELATIONSHIPS}{world.relationship.pk}/"
        response = insider.patch(url, {"stage": "intent"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "stage": [
                "The current stage “Intent / memorandum” is earlier than the recorded "
                "“Agreement signed” step: change or delete that stage date first."
            ]
        }
        world.relationship.refresh_from_db()
        assert world.relationship.stage == "active"

    def test_api_a_step_may_be_behind_the_current_stage(self, insider, world):
        # An "active" relationship whose agreement is known only as a year: fine.
        assert post_stage(insider, world, stage="intent", date="2015").status_code == 201

    def test_api_a_step_rewritten_to_end_is_refused(self, insider, world):
        relationship = intent_relationship(world)
        step = relationship.stages.create(stage="intent", date_year=2018)
        step.citations.set([world.citation])
        response = insider.patch(f"{STAGES}{step.pk}/", {"stage": "ended"}, format="json")
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["stage"]

    def test_admin_inline_refuses_an_ended_row_under_intent(self, admin_client, world):
        relationship = intent_relationship(world)
        data = form_data(admin_client.get(change_url(relationship)))
        index = add_stage_row(
            data, stage="ended", date_year="2019", citations=[str(world.citation.pk)]
        )
        response = admin_client.post(change_url(relationship), data)
        assert response.status_code == 200
        assert inline(response).forms[index].errors["stage"] == [
            "友好关系的当前阶段是“意向/备忘录”，不能有“终止”这一步：请先更改友好关系的当前阶段。"
        ]
        assert not relationship.stages.exists()

    def test_admin_stage_and_rows_changed_together_are_judged_as_submitted(
        self, admin_client, world
    ):
        relationship = intent_relationship(world)
        data = form_data(admin_client.get(change_url(relationship)))
        data["stage"] = "ended"
        add_stage_row(data, stage="ended", date_year="2019", citations=[str(world.citation.pk)])
        assert admin_client.post(change_url(relationship), data).status_code == 302
        relationship.refresh_from_db()
        assert relationship.stage == "ended"
        # Back to intent, deleting the ended row in the same save: the stored row it
        # contradicted is being deleted, so the save goes through.
        data = form_data(admin_client.get(change_url(relationship)))
        data["stage"] = "intent"
        data["stages-0-DELETE"] = "on"
        response = admin_client.post(change_url(relationship), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        relationship.refresh_from_db()
        assert relationship.stage == "intent" and not relationship.stages.exists()

    def test_admin_stage_moved_back_with_the_row_kept_is_refused_on_the_row(
        self, admin_client, world
    ):
        data = form_data(admin_client.get(change_url(world.relationship)))
        data["stage"] = "intent"
        response = admin_client.post(change_url(world.relationship), data)
        assert response.status_code == 200
        assert inline(response).forms[0].errors["stage"] == [
            "友好关系的当前阶段是“意向/备忘录”，不能有“签署协议”这一步：请先更改友好关系的当前阶段。"
        ]
        world.relationship.refresh_from_db()
        assert world.relationship.stage == "active"


class TestStageOrder:
    def test_api_refuses_an_agreement_before_the_intent(self, insider, world):
        relationship = intent_relationship(world)
        relationship.stage = "active"
        relationship.save()
        step = relationship.stages.create(stage="intent", date_year=2018, date_month=5)
        step.citations.set([world.citation])
        response = post_stage(insider, world, relationship, stage="agreement", date="2017")
        assert response.status_code == 400
        assert response.json()["errors"] == {
            "date": ["日期早于前一阶段（意向/备忘录，2018年5月）。"]
        }
