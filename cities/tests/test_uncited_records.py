"""An older record saved before every fact had to cite its report: opened and saved in the
admin, it is refused with a message that says what to add and where (the citations field),
in Chinese and in English; an inline row without a citation is named."""

import pytest
from django.test import Client

from cities.models import Place, Relationship
from exchanges.models import Exchange
from offices.tests.admin_forms import unchanged_post
from tests.builders import new_exchange, new_relationship, office_user
from utilities.testing.admin import change_url

pytestmark = pytest.mark.django_db


def uncite(record):
    """As an older record was stored: without any citation (no write path allows it now)."""
    type(record).citations.through.objects.filter(
        **{type(record)._meta.model_name: record}
    ).delete()
    return type(record).objects.get(pk=record.pk)


@pytest.fixture
def jinzhong():
    return Place.objects.get(slug="jinzhong")


@pytest.fixture
def client():
    client = Client()
    client.force_login(office_user("test-uncited", "jinzhong"))
    return client


def test_saving_an_uncited_record_says_to_fill_in_the_citations(client, jinzhong):
    relationship = uncite(new_relationship(jinzhong))
    response = client.post(
        change_url(relationship), unchanged_post(client.get(change_url(relationship)))
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["citations"] == [
        f"“{relationship}”还没有引文：请在“引文”一栏至少选择一段报告原文"
        "（登记册中的每一项事实都须注明出处），然后再保存。"
    ]
    assert not Relationship.objects.get(pk=relationship.pk).citations.exists()


def test_the_same_in_english(client, jinzhong):
    relationship = uncite(new_relationship(jinzhong))
    page = client.get(change_url(relationship), HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        change_url(relationship), unchanged_post(page), HTTP_ACCEPT_LANGUAGE="en"
    )
    [message] = response.context["adminform"].form.errors["citations"]
    assert message.endswith(
        "has no citation yet: choose at least one passage of a report in the “Citations” "
        "field (every fact in the registry names its source), then save again."
    )


def test_an_uncited_inline_row_is_named(client, jinzhong):
    relationship = new_relationship(jinzhong)
    exchange = new_exchange(jinzhong)
    Exchange.objects.filter(pk=exchange.pk).update(relationship=relationship)
    exchange = uncite(exchange)
    data = unchanged_post(client.get(change_url(relationship)))
    data["notes"] = "补充说明"
    response = client.post(change_url(relationship), data)
    assert response.status_code == 200
    [formset] = [
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "exchanges"
    ]
    [row] = [form for form in formset.forms if form.instance.pk == exchange.pk]
    assert row.errors["citations"] == [
        f"“{exchange}”还没有引文：请在“引文”一栏至少选择一段报告原文"
        "（登记册中的每一项事实都须注明出处），然后再保存。"
    ]
    assert Relationship.objects.get(pk=relationship.pk).notes == ""
