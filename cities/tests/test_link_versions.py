"""Links are changes: adding or removing a citation, a field of cooperation or a
participating place raises the record's version and update time once per save, writes one
history row that shows the change, and a stale save whose only change is links is refused
in the admin (with who changed what), in the API (``412``) and at the model. Setting the
links a record already has changes nothing."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from cities.models import CooperationField, Place, Relationship
from offices.tests.admin_forms import unchanged_post
from tests.builders import cite, new_exchange, new_relationship, office_user, token_client
from utilities.concurrency import StaleRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def relationship(jinzhong):
    made = new_relationship(jinzhong)
    return Relationship.objects.get(pk=made.pk)  # as a later request loads it


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def state(record):
    record = fresh(record)
    return record.version, record.last_updated, record.history.count()


def cited_ids(history_row):
    return sorted(link.citation_id for link in history_row.citations.all())


class TestModel:
    def test_adding_a_link_raises_the_version_once_with_one_history_row(
        self, relationship, jinzhong
    ):
        version, updated, rows = state(relationship)
        extra = cite(jinzhong)
        relationship.citations.add(extra)
        after = fresh(relationship)
        assert after.version == version + 1
        assert after.last_updated > updated
        assert after.history.count() == rows + 1
        latest = after.history.first()
        assert latest.version == version + 1
        assert extra.pk in cited_ids(latest)

    def test_setting_the_links_a_record_has_changes_nothing(self, relationship, jinzhong):
        before = state(relationship)
        linked = list(relationship.citations.all())
        relationship.citations.set(linked)
        relationship.citations.add(*linked)
        relationship.citations.remove(cite(jinzhong))  # not linked
        relationship.fields.clear()  # has none
        relationship.fields.set([])
        assert state(relationship) == before

    def test_removing_and_clearing_links_raise_the_version(self, relationship):
        field = CooperationField.objects.first()
        relationship.fields.add(field)
        version = fresh(relationship).version
        fresh(relationship).fields.remove(field)
        assert fresh(relationship).version == version + 1
        fresh(relationship).citations.clear()
        assert fresh(relationship).version == version + 2
        assert cited_ids(fresh(relationship).history.first()) == []

    def test_a_save_and_its_links_in_one_transaction_are_one_change(self, relationship, jinzhong):
        version, _updated, rows = state(relationship)
        extra = cite(jinzhong)
        with transaction.atomic():
            relationship.notes = "据2019年协议书补充"
            relationship.save()
            relationship.citations.add(extra)
            relationship.fields.set(CooperationField.objects.all()[:2])
        after = fresh(relationship)
        assert after.version == version + 1
        assert after.history.count() == rows + 1
        latest = after.history.first()
        assert latest.notes == "据2019年协议书补充"
        assert extra.pk in cited_ids(latest)
        assert latest.fields.count() == 2

    def test_links_changed_from_the_other_side_raise_the_version(self, relationship, jinzhong):
        version, _updated, rows = state(relationship)
        extra = cite(jinzhong)
        extra.relationships.add(relationship)
        assert fresh(relationship).version == version + 1
        assert fresh(relationship).history.count() == rows + 1
        assert extra.pk in cited_ids(fresh(relationship).history.first())

    def test_a_stale_link_change_is_refused(self, relationship, jinzhong):
        mine, theirs = fresh(relationship), fresh(relationship)
        theirs.notes = "他们的"
        theirs.save()
        extra = cite(jinzhong)
        with pytest.raises(StaleRecord), transaction.atomic():
            mine.citations.add(extra)
        assert not fresh(relationship).citations.filter(pk=extra.pk).exists()
        assert fresh(relationship).version == 2

    def test_a_participating_place_is_a_link_of_an_exchange(self, jinzhong):
        exchange = new_exchange(jinzhong)
        version = fresh(exchange).version
        fresh(exchange).places.add(Place.objects.get(slug="jinan"))
        assert fresh(exchange).version == version + 1


def change_url(record):
    return reverse("admin:cities_relationship_change", args=[record.pk])


def logged_in(username, city="jinzhong"):
    client = Client()
    client.force_login(office_user(username, city))
    return client


class TestAdmin:
    def test_a_link_only_change_raises_the_version_once_and_shows_in_the_history(
        self, relationship, jinzhong
    ):
        client = logged_in("test-links-li")
        version, _updated, rows = state(relationship)
        extra = cite(jinzhong)
        data = unchanged_post(client.get(change_url(relationship)))
        data["citations"] = [*data["citations"], str(extra.pk)]
        assert client.post(change_url(relationship), data).status_code == 302
        assert state(relationship)[0] == version + 1
        assert state(relationship)[2] == rows + 1
        page = client.get(
            reverse("admin:cities_relationship_history", args=[relationship.pk])
        ).content.decode()
        assert "test-links-li" in page
        assert "<strong>引文:</strong>" in page  # the change is listed with its field

    def test_fields_and_links_changed_together_raise_the_version_once(self, relationship, jinzhong):
        client = logged_in("test-links-zhou")
        version, _updated, rows = state(relationship)
        data = unchanged_post(client.get(change_url(relationship)))
        data["notes"] = "补充"
        data["citations"] = [str(cite(jinzhong).pk)]
        data["fields"] = [str(field.pk) for field in CooperationField.objects.all()[:2]]
        assert client.post(change_url(relationship), data).status_code == 302
        assert state(relationship)[0] == version + 1
        assert state(relationship)[2] == rows + 1

    def test_a_stale_save_after_a_link_only_change_is_refused(self, relationship, jinzhong):
        first, second = logged_in("test-links-wu"), logged_in("test-links-zheng")
        page_first = first.get(change_url(relationship))
        page_second = second.get(change_url(relationship))

        extra = cite(jinzhong)
        data = unchanged_post(page_first)
        data["citations"] = [*data["citations"], str(extra.pk)]
        assert first.post(change_url(relationship), data).status_code == 302

        # The second person only removes a link: refused, and told what changed.
        data = unchanged_post(page_second)
        data["citations"] = []
        data["fields"] = [str(CooperationField.objects.first().pk)]
        response = second.post(change_url(relationship), data)
        assert response.status_code == 200
        content = response.content.decode()
        assert "保存被拒绝" in content
        assert "test-links-wu" in content
        assert "修改了：引文" in content
        assert fresh(relationship).citations.filter(pk=extra.pk).exists()
        assert not fresh(relationship).fields.exists()


class TestAPI:
    def test_a_stale_if_match_after_a_link_only_change_is_refused(self, relationship, jinzhong):
        api = token_client(office_user("test-links-api", "jinzhong"))
        url = reverse("api:relationship-detail", args=[relationship.pk])
        tag = api.get(url)["ETag"]
        extra = cite(jinzhong)
        ids = [*relationship.citations.values_list("pk", flat=True), extra.pk]
        response = api.patch(url, {"citations": ids}, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 200, response.json()
        assert response["ETag"] != tag
        assert fresh(relationship).history.first().history_user.username == "test-links-api"

        response = api.patch(url, {"citations": ids[:1]}, format="json", HTTP_IF_MATCH=tag)
        assert response.status_code == 412
        assert fresh(relationship).citations.filter(pk=extra.pk).exists()

    def test_a_stale_delete_after_a_link_only_change_is_refused(self, relationship, jinzhong):
        api = token_client(office_user("test-links-api-del", "jinzhong"))
        url = reverse("api:relationship-detail", args=[relationship.pk])
        tag = api.get(url)["ETag"]
        fresh(relationship).citations.add(cite(jinzhong))
        assert api.delete(url, HTTP_IF_MATCH=tag).status_code == 412
        assert Relationship.objects.filter(pk=relationship.pk).exists()
        assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204


class TestRevert:
    def test_reverting_a_link_only_change_puts_the_links_back(self, relationship, jinzhong):
        client = logged_in("test-links-revert")
        before = sorted(relationship.citations.values_list("pk", flat=True))
        earlier = fresh(relationship).history.first()
        data = unchanged_post(client.get(change_url(relationship)))
        data["citations"] = [*data["citations"], str(cite(jinzhong).pk)]
        assert client.post(change_url(relationship), data).status_code == 302
        version, _updated, rows = state(relationship)

        url = reverse(
            "admin:cities_relationship_simple_history", args=[relationship.pk, earlier.history_id]
        )
        page = client.get(url)
        shown = page.context["adminform"].form.initial["citations"]
        assert sorted(citation.pk for citation in shown) == before
        assert client.post(url, unchanged_post(page)).status_code == 302
        assert sorted(fresh(relationship).citations.values_list("pk", flat=True)) == before
        assert state(relationship)[0] == version + 1
        assert state(relationship)[2] == rows + 1
        assert cited_ids(fresh(relationship).history.first()) == before
