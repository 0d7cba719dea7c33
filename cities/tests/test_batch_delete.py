"""The list's "delete selected" action meets the same rules as one record's deletion page:
the confirmation page carries each selected record's version as shown, and a batch in which
any record was changed or deleted since is refused whole (nothing deleted), the page saying
which and who, with the confirmation shown again at the current versions. The office rule
holds too: another office's record, or a partner another office uses, is never deleted."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import Place, Relationship
from offices.tests.admin_forms import unchanged_post
from tests.builders import new_exchange, new_foreign_place, new_relationship, office_user

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:cities_relationship_changelist"


class ConfirmationForm(HTMLParser):
    """The inputs of the page's confirmation form (the one with ``post``), as a browser
    sends them."""

    def __init__(self, html):
        super().__init__()
        self.forms, self.current = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = []
            self.forms.append(self.current)
        elif tag == "input" and self.current is not None and attrs.get("name"):
            self.current.append((attrs["name"], attrs.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None

    def data(self):
        for form in self.forms:
            if ("post", "yes") in form:
                data = {}
                for name, value in form:
                    data.setdefault(name, []).append(value)
                return data
        return None


def confirmation(response):
    assert response.status_code == 200
    return ConfirmationForm(response.content.decode()).data()


def logged_in(username, city="jinzhong"):
    client = Client()
    client.force_login(office_user(username, city))
    return client


def ask_to_delete(client, records, url=None):
    """The confirmation page of "delete selected" for ``records`` (the list's action)."""
    return client.post(
        url or reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [str(r.pk) for r in records]},
    )


def edit_notes(client, record, notes):
    url = reverse("admin:cities_relationship_change", args=[record.pk])
    data = {**unchanged_post(client.get(url)), "notes": notes}
    assert client.post(url, data).status_code == 302


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def batch(jinzhong):
    return [new_relationship(jinzhong), new_relationship(jinzhong)]


def still_there(records):
    return Relationship.objects.filter(pk__in=[r.pk for r in records]).count()


class TestVersions:
    def test_the_confirmation_carries_each_version_and_a_fresh_batch_is_deleted(self, batch):
        clerk = logged_in("test-batch-zhao")
        edit_notes(clerk, batch[0], "先改一次")  # version 2, so the versions differ
        data = confirmation(ask_to_delete(clerk, batch))
        assert data[f"registry_version_{batch[0].pk}"] == ["2"]
        assert data[f"registry_version_{batch[1].pk}"] == ["1"]
        response = clerk.post(reverse(CHANGELIST), data)
        assert response.status_code == 302
        assert still_there(batch) == 0

    def test_a_batch_with_a_record_changed_since_is_refused_whole(self, batch):
        li, wang = logged_in("test-batch-li"), logged_in("test-batch-wang")
        data = confirmation(ask_to_delete(wang, batch))
        edit_notes(li, batch[1], "李：据2019年协议书补充")

        response = wang.post(reverse(CHANGELIST), data)
        assert still_there(batch) == 2  # the unchanged one is not deleted either
        content = response.content.decode()
        assert "删除被拒绝，没有删除任何记录" in content
        assert f"“{batch[1]}”已被修改" in content
        assert "test-batch-li" in content
        assert "说明" in content  # the field Li changed

        # Shown again with the current versions: confirming after reading deletes.
        again = confirmation(response)
        assert again[f"registry_version_{batch[1].pk}"] == ["2"]
        assert wang.post(reverse(CHANGELIST), again).status_code == 302
        assert still_there(batch) == 0

    def test_a_batch_with_a_record_deleted_since_is_refused_and_says_who(self, batch):
        li, wang = logged_in("test-batch-sun"), logged_in("test-batch-zhou")
        data = confirmation(ask_to_delete(wang, batch))
        gone = str(batch[0])
        url = reverse("admin:cities_relationship_delete", args=[batch[0].pk])
        assert li.post(url, confirmation(li.get(url))).status_code == 302

        response = wang.post(reverse(CHANGELIST), data)
        assert still_there(batch[1:]) == 1
        content = response.content.decode()
        assert "删除被拒绝" in content
        assert f"“{gone}”已于" in content and "test-batch-sun 删除" in content
        again = confirmation(response)
        assert again["_selected_action"] == [str(batch[1].pk)]
        wang.post(reverse(CHANGELIST), again)
        assert still_there(batch) == 0

    def test_the_refusal_is_in_english_too(self, batch):
        clerk, other = logged_in("test-batch-en"), logged_in("test-batch-other")
        data = confirmation(ask_to_delete(clerk, batch))
        edit_notes(other, batch[0], "改")
        response = clerk.post(reverse(CHANGELIST), data, HTTP_ACCEPT_LANGUAGE="en")
        content = response.content.decode()
        assert "Deletion refused; nothing was deleted" in content
        assert still_there(batch) == 2


class TestOfficeRule:
    def test_another_offices_record_in_the_batch_is_refused(self, jinzhong):
        mine = new_relationship(jinzhong)
        theirs = new_relationship(Place.objects.get(slug="zhenjiang"))
        clerk = logged_in("test-batch-office")
        page = ask_to_delete(clerk, [mine, theirs])
        assert confirmation(page) is None  # no confirmation: the page says why
        data = {
            "action": "delete_selected",
            "_selected_action": [str(mine.pk), str(theirs.pk)],
            "post": "yes",
            f"registry_version_{mine.pk}": "1",
            f"registry_version_{theirs.pk}": "1",
        }
        assert clerk.post(reverse(CHANGELIST), data).status_code == 403
        assert still_there([mine, theirs]) == 2

    def test_a_partner_another_office_uses_is_never_deleted(self, jinzhong):
        partner = new_foreign_place()
        new_exchange(jinzhong).places.add(partner)  # Jinzhong's, not protected
        spare = new_foreign_place()
        clerk = logged_in("test-batch-wuhan", "wuhan")
        url = reverse("admin:cities_place_changelist")
        assert confirmation(ask_to_delete(clerk, [partner, spare], url)) is None
        data = {
            "action": "delete_selected",
            "_selected_action": [str(partner.pk), str(spare.pk)],
            "post": "yes",
            f"registry_version_{partner.pk}": str(Place.objects.get(pk=partner.pk).version),
            f"registry_version_{spare.pk}": "1",
        }
        assert clerk.post(url, data).status_code == 403
        assert Place.objects.filter(pk__in=[partner.pk, spare.pk]).count() == 2
