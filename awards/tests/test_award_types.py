"""Award types offices can propose: an office adds one (saved "proposed", shown as such in
the admin, the pickers, the public pages and the API); a superuser confirms, renames (the
old name stays as an alias) or merges it (awards move, names become aliases, history kept);
aliases (one award, several spellings) are found by every search, on every write path."""

import pytest
import tablib
from django.contrib.auth import get_user_model
from django.urls import reverse

from awards.choices import AwardTypeStatus
from awards.models import Award, AwardType, AwardTypeAlias
from awards.resources import AwardTypeResource
from cities.models import Place
from loader.keys import fixture_object
from tests.builders import office_user, superuser, token_client

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "name_zh": "测试友城贡献奖",
    "name_en": "Test Partner City Contribution Award",
    "level": "national",
    "conferred_by_zh": "测试协会",
    "conferred_by_en": "",
    "description_zh": "授予对友城工作贡献突出的中国城市。",
    "description_en": "",
    "notes": "",
    "change_reason": "",
}


@pytest.fixture
def clerk(client):
    user = office_user("test-jinzhong-clerk", "jinzhong")
    client.force_login(user)
    return user


@pytest.fixture
def admin_client(client):
    client.force_login(superuser())
    return client


@pytest.fixture
def strategy():
    """CPAFFC's 国际友城发展战略奖, which Wuhan's report spells 国际友城战略发展奖."""
    return fixture_object("awards.awardtype:5002")


def proposed(name="测试友城贡献奖", **extra):
    return AwardType.objects.create(
        name_zh=name, level="national", status=AwardTypeStatus.PROPOSED, **extra
    )


# --- An office proposes -----------------------------------------------------------------


def test_an_office_opens_the_add_page_in_its_language(client, clerk):
    response = client.get(reverse("admin:awards_awardtype_add"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "待确认" in page  # the form says what happens to the proposal
    assert 'name="status"' not in page and 'name="merge_into"' not in page
    english = client.get(reverse("admin:awards_awardtype_add"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    assert "proposed" in english.content.decode()


def test_an_office_proposal_is_saved_as_proposed(client, clerk):
    response = client.post(
        reverse("admin:awards_awardtype_add"), {**PROPOSAL, "status": "confirmed"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    award_type = AwardType.objects.get(name_zh="测试友城贡献奖")
    assert award_type.status == AwardTypeStatus.PROPOSED
    assert award_type.proposed_by == clerk
    assert award_type.history.first().history_user == clerk
    listing = client.get(reverse("admin:awards_awardtype_changelist"), {"status": "proposed"})
    assert "测试友城贡献奖" in listing.content.decode()
    assert "待确认" in listing.content.decode()


def test_an_office_cannot_change_or_confirm_a_proposal(client, clerk):
    award_type = proposed()
    url = reverse("admin:awards_awardtype_change", args=[award_type.pk])
    client.post(url, {**PROPOSAL, "status": "confirmed"})
    award_type.refresh_from_db()
    assert award_type.status == AwardTypeStatus.PROPOSED
    client.post(
        reverse("admin:awards_awardtype_changelist"),
        {"action": "confirm_selected", "_selected_action": [award_type.pk]},
    )
    award_type.refresh_from_db()
    assert award_type.status == AwardTypeStatus.PROPOSED


def test_the_award_picker_shows_status_spellings_body_and_description(client, clerk, strategy):
    proposed(description_zh="授予对友城工作贡献突出的中国城市。")
    page = client.get(reverse("admin:awards_award_add")).content.decode()
    assert "测试友城贡献奖（待确认） — 授予对友城工作贡献突出的中国城市。" in page
    assert "国际友城发展战略奖（又作国际友城战略发展奖） — 中国人民对外友好协会（全国友协）" in page


def test_the_public_pages_mark_a_proposed_type(client):
    award_type = proposed()
    award = Award.objects.create(
        award_type=award_type,
        chinese_place=Place.objects.get(slug="jinzhong"),
        recipient_kind="place",
        place=Place.objects.get(slug="jinzhong"),
    )
    detail = client.get(award.get_absolute_url()).content.decode()
    assert "stage-proposed" in detail and "待确认" in detail
    listing = client.get(reverse("awards:award_list"), {"q": "测试友城贡献奖"}).content.decode()
    assert "stage-proposed" in listing


# --- A superuser confirms, renames, merges ------------------------------------------------


def test_a_superuser_confirms_with_the_list_action(admin_client):
    award_type = proposed()
    response = admin_client.post(
        reverse("admin:awards_awardtype_changelist"),
        {"action": "confirm_selected", "_selected_action": [award_type.pk]},
    )
    assert response.status_code == 302
    award_type.refresh_from_db()
    assert award_type.status == AwardTypeStatus.CONFIRMED
    assert str(award_type) == "测试友城贡献奖"


def test_a_superuser_rename_keeps_the_old_name_as_an_alias(admin_client):
    award_type = proposed()
    url = reverse("admin:awards_awardtype_change", args=[award_type.pk])
    data = {**PROPOSAL, "name_zh": "测试友城杰出贡献奖", "status": "confirmed"}
    data.update(
        {
            "aliases-TOTAL_FORMS": "0",
            "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0",
            "aliases-MAX_NUM_FORMS": "1000",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    award_type.refresh_from_db()
    assert award_type.name_zh == "测试友城杰出贡献奖"
    assert award_type.alias_names == ["测试友城贡献奖"]
    assert AwardType.objects.filter(aliases__name="测试友城贡献奖").get() == award_type


def test_a_superuser_merges_a_duplicate(admin_client, strategy):
    duplicate = proposed("国际友城发展战略大奖")
    jinzhong = Place.objects.get(slug="jinzhong")
    award = Award.objects.create(
        award_type=duplicate, chinese_place=jinzhong, recipient_kind="place", place=jinzhong
    )
    before = strategy.awards.count()
    url = reverse("admin:awards_awardtype_change", args=[duplicate.pk])
    data = {
        **PROPOSAL,
        "name_zh": duplicate.name_zh,
        "status": "proposed",
        "merge_into": strategy.pk,
        "aliases-TOTAL_FORMS": "0",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == reverse("admin:awards_awardtype_change", args=[strategy.pk])
    assert not AwardType.objects.filter(pk=duplicate.pk).exists()
    award.refresh_from_db()
    assert award.award_type == strategy
    assert strategy.awards.count() == before + 1
    assert set(strategy.alias_names) == {"国际友城战略发展奖", "国际友城发展战略大奖"}
    # History kept: the deleted type, and the award's move with who and why.
    assert AwardType.history.filter(id=duplicate.pk, history_type="-").exists()
    moved = award.history.first()
    assert moved.history_change_reason.startswith("合并")
    assert moved.history_user.is_superuser


def test_an_alias_cannot_be_another_types_name(strategy):
    alias = AwardTypeAlias(award_type=proposed(), name="国际友城发展战略奖")
    with pytest.raises(Exception) as error:
        alias.full_clean()
    assert "已是奖项类型" in str(error.value)
    clash = AwardType(name_zh="国际友城战略发展奖", level="national")
    with pytest.raises(Exception) as error:
        clash.full_clean()
    assert "国际友城发展战略奖" in str(error.value)


# --- Aliases are searched -----------------------------------------------------------------


def test_admin_search_finds_a_type_and_its_awards_by_alias(admin_client, strategy):
    types = admin_client.get(reverse("admin:awards_awardtype_changelist"), {"q": "战略发展奖"})
    assert "国际友城发展战略奖" in types.content.decode()
    awards = admin_client.get(reverse("admin:awards_award_changelist"), {"q": "战略发展奖"})
    assert "武汉" in awards.content.decode()


def test_public_and_api_search_find_awards_by_alias(client, strategy):
    page = client.get(reverse("awards:award_list"), {"q": "国际友城战略发展奖"}).content.decode()
    assert "国际友城发展战略奖" in page
    found = client.get("/api/awards/", {"q": "国际友城战略发展奖"}).json()["results"]
    assert {a["award_type"]["id"] for a in found} == {strategy.pk}
    assert len(found) == strategy.awards.count() == 2  # Wuhan and Shenyang, once each
    types = client.get("/api/award-types/", {"q": "国际友城战略发展奖"}).json()["results"]
    assert [t["id"] for t in types] == [strategy.pk]
    assert types[0]["aliases"] == ["国际友城战略发展奖"]


# --- API ----------------------------------------------------------------------------------


@pytest.fixture
def office_token():
    return token_client(office_user("test-jinzhong-api", "jinzhong"))


@pytest.fixture
def admin_token():
    return token_client(superuser("test-api-admin"))


def test_an_office_proposes_through_the_api(office_token):
    body = {
        "name_zh": "测试API奖",
        "level": "municipal",
        "status": "confirmed",
        "aliases": ["测试API大奖"],
    }
    response = office_token.post("/api/award-types/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "proposed"
    assert data["display"] == "测试API奖（待确认）"
    assert data["aliases"] == ["测试API大奖"]
    award_type = AwardType.objects.get(pk=data["id"])
    assert award_type.proposed_by == office_token.user
    # It cannot confirm, rename or merge it.
    url = f"/api/award-types/{data['id']}/"
    assert office_token.patch(url, {"status": "confirmed"}, format="json").status_code == 403
    merge = office_token.post(f"{url}merge/", {"into": AwardType.objects.first().pk}, format="json")
    assert merge.status_code == 403
    award_type.refresh_from_db()
    assert award_type.status == AwardTypeStatus.PROPOSED


def test_a_superuser_confirms_renames_and_merges_through_the_api(admin_token, strategy):
    award_type = proposed()
    url = f"/api/award-types/{award_type.pk}/"
    response = admin_token.patch(
        url, {"status": "confirmed", "name_zh": "测试新名奖"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["aliases"] == ["测试友城贡献奖"]
    response = admin_token.post(f"{url}merge/", {"into": strategy.pk}, format="json")
    assert response.status_code == 200, response.content
    assert set(response.json()["aliases"]) == {"国际友城战略发展奖", "测试新名奖", "测试友城贡献奖"}
    assert not AwardType.objects.filter(pk=award_type.pk).exists()
    itself = admin_token.post(
        f"/api/award-types/{strategy.pk}/merge/", {"into": strategy.pk}, format="json"
    )
    assert itself.status_code == 400


def test_the_api_refuses_an_alias_that_is_another_types_name(admin_token, strategy):
    body = {"name_zh": "测试奖", "level": "national", "aliases": ["国际友城发展战略奖"]}
    response = admin_token.post("/api/award-types/", body, format="json")
    assert response.status_code == 400
    assert "已是奖项类型" in str(response.json()["errors"]["aliases"])


# --- Import -------------------------------------------------------------------------------


def test_import_writes_aliases_and_refuses_a_taken_one(strategy):
    user = superuser()
    headers = ["中文名称", "英文名称", "别名", "状态", "颁发机构", "简介", "级别"]
    good = tablib.Dataset(
        ["测试导入奖", "", "测试导入大奖、测试导入奖项", "", "测试协会", "", "国家级"],
        headers=headers,
    )
    result = AwardTypeResource().import_data(good, dry_run=False, user=user)
    assert not result.has_validation_errors() and not result.has_errors()
    imported = AwardType.objects.get(name_zh="测试导入奖")
    assert sorted(imported.alias_names) == ["测试导入大奖", "测试导入奖项"]
    assert imported.status == AwardTypeStatus.CONFIRMED
    bad = tablib.Dataset(
        ["测试导入二奖", "", "国际友城战略发展奖", "", "", "", "国家级"], headers=headers
    )
    result = AwardTypeResource().import_data(bad, dry_run=False, user=user)
    assert result.has_validation_errors()
    assert not AwardType.objects.filter(name_zh="测试导入二奖").exists()
    assert get_user_model().objects.filter(is_superuser=True).exists()
