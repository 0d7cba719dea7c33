"""Two people saving the same record: the second, stale save is refused and nothing is
lost, in the admin (with who changed what meanwhile), in the API (``ETag`` / ``If-Match``
/ ``412``) and at the model. A save that changes nothing writes no history row and keeps
the version and update time."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cities.models import Place, Relationship
from offices.tests.admin_forms import unchanged_post
from tests.builders import new_relationship, office_user, token_client
from utilities.concurrency import StaleRecord

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse("admin:cities_relationship_change", args=[obj.pk])


def detail_url(obj):
    return reverse("api:relationship-detail", args=[obj.pk])


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def relationship(jinzhong):
    return new_relationship(jinzhong)


def logged_in(username, city="jinzhong"):
    client = Client()
    client.force_login(office_user(username, city))
    return client


class TestAdmin:
    def test_the_second_of_two_saves_is_refused_and_says_what_changed(self, relationship):
        first, second = logged_in("test-staff-li"), logged_in("test-staff-wang")
        page_first = first.get(change_url(relationship))
        page_second = second.get(change_url(relationship))

        data = {
            **unchanged_post(page_first),
            "notes": "李：据2019年协议书补充",
            "change_reason": "补充",
        }
        assert first.post(change_url(relationship), data).status_code == 302

        data = {**unchanged_post(page_second), "wording": "王的用语"}
        response = second.post(change_url(relationship), data)
        assert response.status_code == 200
        content = response.content.decode()
        assert "保存被拒绝" in content
        assert "test-staff-li" in content
        assert "说明" in content  # the field that changed meanwhile
        assert 'value="王的用语"' in content  # the refused input is still on the page
        relationship.refresh_from_db()
        assert relationship.notes == "李：据2019年协议书补充"
        assert relationship.wording == ""
        assert relationship.version == 2

        # Saving again after reading is a deliberate overwrite: the page carries the
        # current version now.
        again = unchanged_post(response)
        assert again["registry_version"] == "2"
        assert second.post(change_url(relationship), again).status_code == 302
        relationship.refresh_from_db()
        assert relationship.wording == "王的用语"

    def test_an_unchanged_save_writes_no_history(self, relationship):
        client = logged_in("test-staff-zhao")
        relationship.refresh_from_db()
        before = (relationship.history.count(), relationship.version, relationship.last_updated)
        page = client.get(change_url(relationship))
        assert client.post(change_url(relationship), unchanged_post(page)).status_code == 302
        relationship.refresh_from_db()
        assert (
            relationship.history.count(),
            relationship.version,
            relationship.last_updated,
        ) == before

    def test_a_revert_over_a_change_made_after_its_page_was_opened_is_refused(self, relationship):
        first, second = logged_in("test-revert-li"), logged_in("test-revert-wang")
        earlier = relationship.history.first()
        data = {**unchanged_post(first.get(change_url(relationship))), "notes": "第一次补充"}
        assert first.post(change_url(relationship), data).status_code == 302

        revert_url = reverse(
            "admin:cities_relationship_simple_history",
            args=[relationship.pk, earlier.history_id],
        )
        page = second.get(revert_url)
        # The page a browser submits carries the version it was opened at.
        assert 'name="registry_version" value="2"' in page.content.decode()

        data = {**unchanged_post(first.get(change_url(relationship))), "notes": "李又改了"}
        assert first.post(change_url(relationship), data).status_code == 302

        response = second.post(revert_url, unchanged_post(page))
        assert response.status_code == 200
        content = response.content.decode()
        assert "保存被拒绝" in content
        assert "test-revert-li" in content
        relationship.refresh_from_db()
        assert (relationship.notes, relationship.version) == ("李又改了", 3)

        # Reverting again after reading is deliberate: the page carries the current version.
        again = unchanged_post(response)
        assert again["registry_version"] == "3"
        assert second.post(revert_url, again).status_code == 302
        relationship.refresh_from_db()
        assert (relationship.notes, relationship.version) == ("", 4)


class TestAPI:
    @pytest.fixture
    def api(self):
        return token_client(office_user("test-api-jinzhong", "jinzhong"))

    def test_detail_sends_an_etag(self, api, relationship):
        response = api.get(detail_url(relationship))
        assert response.status_code == 200
        assert response["ETag"] == '"1"'

    def test_a_stale_if_match_is_refused_with_412(self, api, relationship):
        tag = api.get(detail_url(relationship))["ETag"]
        assert (
            api.patch(detail_url(relationship), {"notes": "先到"}, format="json").status_code == 200
        )
        response = api.patch(
            detail_url(relationship), {"notes": "后到"}, format="json", HTTP_IF_MATCH=tag
        )
        assert response.status_code == 412
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["current_etag"] == '"2"'
        assert response["ETag"] == '"2"'
        relationship.refresh_from_db()
        assert relationship.notes == "先到"

    def test_a_current_if_match_writes_and_returns_the_new_etag(self, api, relationship):
        response = api.patch(
            detail_url(relationship), {"notes": "更正"}, format="json", HTTP_IF_MATCH='"1"'
        )
        assert response.status_code == 200
        assert response["ETag"] == '"2"'

    def test_a_stale_delete_is_refused(self, api, relationship):
        api.patch(detail_url(relationship), {"notes": "先到"}, format="json")
        response = api.delete(detail_url(relationship), HTTP_IF_MATCH='"1"')
        assert response.status_code == 412
        assert Relationship.objects.filter(pk=relationship.pk).exists()

    def test_a_write_without_if_match_still_works(self, api, relationship):
        response = api.patch(detail_url(relationship), {"notes": "无条件"}, format="json")
        assert response.status_code == 200

    def test_a_put_that_changes_nothing_writes_no_history(self, api, relationship):
        body = api.get(detail_url(relationship)).json()
        relationship.refresh_from_db()
        before = (relationship.history.count(), relationship.version, relationship.last_updated)
        writable = {
            key: body[key] for key in ("kind", "wording", "stage", "level", "signatories", "notes")
        }
        response = api.patch(detail_url(relationship), writable, format="json")
        assert response.status_code == 200, response.json()
        relationship.refresh_from_db()
        assert (
            relationship.history.count(),
            relationship.version,
            relationship.last_updated,
        ) == before


class TestModel:
    def test_a_record_loaded_before_another_save_cannot_overwrite_it(self, relationship):
        mine = Relationship.objects.get(pk=relationship.pk)
        theirs = Relationship.objects.get(pk=relationship.pk)
        theirs.notes = "他们的"
        theirs.save()
        mine.wording = "我的"
        with pytest.raises(StaleRecord), transaction.atomic():
            mine.save()
        relationship.refresh_from_db()
        assert (relationship.notes, relationship.wording, relationship.version) == ("他们的", "", 2)

    def test_a_save_without_change_writes_nothing(self, relationship):
        loaded = Relationship.objects.get(pk=relationship.pk)
        count = loaded.history.count()
        loaded.save()
        assert loaded.history.count() == count
        assert Relationship.objects.get(pk=relationship.pk).version == 1

    def test_a_country_is_compared_as_loaded(self, jinzhong):
        place = Place.objects.get(pk=jinzhong.pk)
        assert place.changed_fields() == []
        place.save()
        assert Place.objects.get(pk=jinzhong.pk).version == place.version
        place.country = "JP"
        assert place.changed_fields() == ["country"]
        place.country = "CN"
        assert place.changed_fields() == []


def test_an_edit_before_a_deferred_field_is_read_is_still_saved(relationship):
    """Reading a deferred field loads that field alone: an edit made before
    stays a change (it was taken for the loaded value and the save skipped), and the
    version a form expects stays the one it expects."""
    loaded = Relationship.objects.defer("wording").get(pk=relationship.pk)
    loaded.notes = "改过的说明"
    loaded.expect_version(relationship.version)
    assert loaded.wording is not None  # deferred: read now
    assert loaded.changed_fields() == ["notes"]
    assert loaded._expected_version == relationship.version
    loaded.save()
    assert Relationship.objects.get(pk=relationship.pk).notes == "改过的说明"
