"""Inline rows and deletions meet the version check too: a stage row that someone else
changed after the page was opened is not saved over, nor deleted, and the refusal names the
row; a record changed after its deletion page was shown is not deleted. (The API refuses a
stale delete with ``412``: ``cities/tests/test_concurrency.py``.)"""

import pytest
from django.test import Client

from cities.models import Relationship, RelationshipStage
from offices.tests.admin_forms import unchanged_post
from tests.builders import FACTORIES, office_user, place
from utilities.testing.admin import change_url, delete_url

pytestmark = pytest.mark.django_db

PREFIX = "stages"


@pytest.fixture
def stage():
    return FACTORIES[RelationshipStage](place("jinzhong"))


@pytest.fixture
def relationship(stage):
    return Relationship.objects.get(pk=stage.relationship_id)


def logged_in(username):
    client = Client()
    client.force_login(office_user(username, "jinzhong"))
    return client


def row_of(data, stage):
    """The form index of ``stage`` in the stage inline's POST data."""
    for key, value in data.items():
        if key.startswith(f"{PREFIX}-") and key.endswith("-id") and value == str(stage.pk):
            return key.removesuffix("-id")
    raise AssertionError("the stage row is not on the page")


class TestInlineRows:
    def test_an_edited_row_changed_meanwhile_is_refused_and_named(self, relationship, stage):
        first, second = logged_in("test-rows-li"), logged_in("test-rows-wang")
        data_first = unchanged_post(first.get(change_url(relationship)))
        data_second = unchanged_post(second.get(change_url(relationship)))

        data_first[f"{row_of(data_first, stage)}-document"] = "《意向书》（李）"
        assert first.post(change_url(relationship), data_first).status_code == 302

        data_second[f"{row_of(data_second, stage)}-document"] = "《意向书》（王）"
        response = second.post(change_url(relationship), data_second)
        assert response.status_code == 200
        content = response.content.decode()
        assert f"“{stage}”保存被拒绝" in content
        assert "test-rows-li" in content
        assert RelationshipStage.objects.get(pk=stage.pk).document == "《意向书》（李）"

        # After reading, saving again is a deliberate overwrite.
        again = unchanged_post(response)
        assert second.post(change_url(relationship), again).status_code == 302
        assert RelationshipStage.objects.get(pk=stage.pk).document == "《意向书》（王）"

    def test_saving_the_record_does_not_put_back_a_row_changed_meanwhile(self, relationship, stage):
        first, second = logged_in("test-rows-zhao"), logged_in("test-rows-qian")
        data_first = unchanged_post(first.get(change_url(relationship)))
        data_second = unchanged_post(second.get(change_url(relationship)))
        data_first[f"{row_of(data_first, stage)}-document"] = "《意向书》"
        assert first.post(change_url(relationship), data_first).status_code == 302

        # The second page still shows the row as it was; only the notes are edited.
        data_second["notes"] = "钱的说明"
        response = second.post(change_url(relationship), data_second)
        assert response.status_code == 200
        assert f"“{stage}”保存被拒绝" in response.content.decode()
        assert RelationshipStage.objects.get(pk=stage.pk).document == "《意向书》"
        assert Relationship.objects.get(pk=relationship.pk).notes == ""

    def test_an_untouched_row_does_not_block_a_save(self, relationship, stage):
        client = logged_in("test-rows-sun")
        data = unchanged_post(client.get(change_url(relationship)))
        data["notes"] = "孙的说明"
        assert client.post(change_url(relationship), data).status_code == 302
        assert Relationship.objects.get(pk=relationship.pk).notes == "孙的说明"
        assert RelationshipStage.objects.get(pk=stage.pk).version == stage.version

    def test_deleting_a_row_changed_meanwhile_is_refused(self, relationship, stage):
        first, second = logged_in("test-rows-zhou"), logged_in("test-rows-wu")
        data_first = unchanged_post(first.get(change_url(relationship)))
        data_second = unchanged_post(second.get(change_url(relationship)))
        data_first[f"{row_of(data_first, stage)}-document"] = "《意向书》"
        assert first.post(change_url(relationship), data_first).status_code == 302

        data_second[f"{row_of(data_second, stage)}-DELETE"] = "on"
        response = second.post(change_url(relationship), data_second)
        assert response.status_code == 200
        assert f"删除“{stage}”被拒绝" in response.content.decode()
        assert RelationshipStage.objects.filter(pk=stage.pk).exists()

    def test_deleting_a_current_row_works(self, relationship, stage):
        client = logged_in("test-rows-zheng")
        data = unchanged_post(client.get(change_url(relationship)))
        data[f"{row_of(data, stage)}-DELETE"] = "on"
        assert client.post(change_url(relationship), data).status_code == 302
        assert not RelationshipStage.objects.filter(pk=stage.pk).exists()


class TestDeleteView:
    def test_a_record_changed_after_its_deletion_page_was_shown_is_not_deleted(self, relationship):
        first, second = logged_in("test-del-li"), logged_in("test-del-wang")
        page = second.get(delete_url(relationship))
        assert f'name="registry_version" value="{relationship.version}"' in page.content.decode()

        data = unchanged_post(first.get(change_url(relationship)))
        data["notes"] = "李刚补充的说明"
        assert first.post(change_url(relationship), data).status_code == 302

        response = second.post(
            delete_url(relationship),
            {"post": "yes", "registry_version": str(relationship.version)},
            follow=True,
        )
        content = response.content.decode()
        assert "删除被拒绝" in content
        assert "test-del-li" in content
        assert Relationship.objects.filter(pk=relationship.pk).exists()

        # The page shown again carries the current version: confirming now deletes.
        current = Relationship.objects.get(pk=relationship.pk).version
        assert f'name="registry_version" value="{current}"' in content
        second.post(delete_url(relationship), {"post": "yes", "registry_version": str(current)})
        assert not Relationship.objects.filter(pk=relationship.pk).exists()
