"""History in the admin: every change is recorded with who, when, what changed and why,
shown on the record's history page, and can be reverted from there, by the office that may
change the record and by no one else."""

import pytest
from django.urls import reverse

from cities.models import CooperationField, Place, Relationship, RelationshipStage
from offices.models import Office
from tests.builders import office_user, superuser
from utilities.testing.admin import change_url, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def como():
    return Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )


def history_url(obj):
    return reverse("admin:cities_relationship_history", args=[obj.pk])


def edit(client, obj, **changes):
    data = {**form_data(client.get(change_url(obj))), **changes}
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    obj.refresh_from_db()
    return response


class TestEveryChangeIsRecorded:
    def test_who_when_what_and_why(self, client, staff, como):
        before = como.history.count()
        edit(client, como, wording="国际友好城市（核对）", change_reason="据协议书核对用语")
        assert como.history.count() == before + 1
        record = como.history.first()
        assert record.history_user == staff
        assert record.history_change_reason == "据协议书核对用语"
        assert record.history_type == "~"
        delta = record.diff_against(record.prev_record)
        assert [change.field for change in delta.changes] == ["wording"]

    def test_the_history_page_shows_it(self, client, staff, como):
        old = como.wording
        edit(client, como, wording="国际友好城市（核对）", change_reason="据协议书核对用语")
        page = client.get(history_url(como)).content.decode()
        assert staff.username in page
        assert "据协议书核对用语" in page
        assert "国际友好城市（核对）" in page and old in page
        assert "修改历史" in page or "历史" in page

    def test_a_change_made_in_an_inline_is_recorded_with_its_user(self, client, staff, como):
        stage = como.stages.get(stage="agreement")
        data = form_data(client.get(change_url(como)))
        index = next(
            key.split("-")[1]
            for key, value in data.items()
            if key.startswith("stages-") and key.endswith("-id") and value == str(stage.pk)
        )
        data[f"stages-{index}-document"] = "《建立国际友好城市协议书》（核对）"
        assert client.post(change_url(como), data).status_code == 302
        record = RelationshipStage.history.filter(id=stage.pk).first()
        assert record.document == "《建立国际友好城市协议书》（核对）"
        assert record.history_user == staff


class TestRevert:
    def test_an_edit_is_reverted_from_the_history(self, client, staff, como):
        original = como.wording
        edit(client, como, wording="错误的用语")
        version = como.history.filter(wording=original).first()
        url = reverse(
            "admin:cities_relationship_simple_history", args=[como.pk, version.history_id]
        )
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["adminform"].form.initial["wording"] == original
        response = client.post(url, form_data(page))
        assert response.status_code == 302
        assert response["Location"] == history_url(como)
        como.refresh_from_db()
        assert como.wording == original
        latest = como.history.first()
        assert latest.history_user == staff
        assert latest.history_change_reason.startswith("还原为")

    def test_another_office_cannot_revert(self, client, como):
        original = como.wording
        edit_client = client
        edit_client.force_login(office_user("test-history-jz", "jinzhong"))
        edit(edit_client, como, wording="晋中改过的用语")
        version = como.history.filter(wording=original).first()
        url = reverse(
            "admin:cities_relationship_simple_history", args=[como.pk, version.history_id]
        )
        client.force_login(office_user("test-history-zj", "zhenjiang"))
        page = client.get(url)
        assert page.status_code == 200  # every office may read the history
        assert 'name="_save"' not in page.content.decode()
        assert client.post(url, form_data(page)).status_code == 403
        como.refresh_from_db()
        assert como.wording == "晋中改过的用语"


class TestReferenceDataAndOfficesKeepHistory:
    """Fields of cooperation and office assignments are changed by superusers; those
    changes are recorded too."""

    def test_a_field_of_cooperation_renamed(self, client):
        admin_user = superuser("test-history-admin")
        client.force_login(admin_user)
        field = CooperationField.objects.get(slug="tourism")
        edit(client, field, name_en="Tourism and travel")
        record = field.history.first()
        assert (record.history_user, record.name_en) == (admin_user, "Tourism and travel")
        page = client.get(reverse("admin:cities_cooperationfield_history", args=[field.pk]))
        assert "Tourism and travel" in page.content.decode()

    def test_an_account_moved_to_another_office(self, client, staff):
        admin_user = superuser("test-history-admin")
        client.force_login(admin_user)
        office = Office.objects.get(user=staff)
        edit(client, office, place=Place.objects.get(slug="wuhan").pk)
        assert office.place.slug == "wuhan"
        moved, before = office.history.all()[:2]
        assert moved.history_user == admin_user
        assert (before.place.slug, moved.place.slug) == ("jinzhong", "wuhan")
