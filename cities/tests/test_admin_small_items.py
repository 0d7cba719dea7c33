"""The admin's smaller items, each pinned: the editors' added fields as ticks (not a JSON
box), slug hints, every importable model on the index, the import's Chinese headings, the
format read from the file's extension, the "shown publicly" hint, the language switch
naming each language in itself, and counts in brackets as each language writes them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from cities.models import Place, Relationship
from cities.resources import RelationshipResource
from tests.builders import office_user, superuser
from utilities.testing.admin import as_csv

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def clerk(client):
    client.force_login(office_user("test-jinzhong-clerk", "jinzhong"))
    return client


@pytest.fixture
def admin_client(client):
    client.force_login(superuser())
    return client


def test_editor_added_fields_are_ticks_that_save_a_list(admin_client):
    page = admin_client.get(reverse("admin:cities_place_add")).content.decode()
    assert 'type="checkbox" name="editor_added_fields" value="name_en"' in page
    assert '<textarea name="editor_added_fields"' not in page
    response = admin_client.post(
        reverse("admin:cities_place_add"),
        {
            "slug": "test-tick", "name_zh": "测试市", "name_en": "Testick", "level": "city",
            "country": "FR", "editor_added_fields": ["name_en", "country"],
            "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0",
            "aliases-MIN_NUM_FORMS": "0", "aliases-MAX_NUM_FORMS": "1000",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Place.objects.get(slug="test-tick").editor_added_fields == ["name_en", "country"]


def test_slugs_have_a_hint_and_fill_from_the_english_name(admin_client):
    for url in (reverse("admin:cities_place_add"), reverse("admin:cities_cooperationfield_add")):
        page = admin_client.get(url).content.decode()
        assert "只用小写字母、数字和连字符" in page
        assert "prepopulated_field" in page or "data-prepopulated-fields" in page


def test_the_index_offers_every_importable_model(clerk):
    page = clerk.get(reverse("admin:index")).content.decode()
    assert reverse("admin:cities_relationship_import") in page
    assert reverse("admin:exchanges_exchange_import") in page
    assert reverse("admin:awards_awardtype_import") not in page  # superusers' only
    boss = Client()
    boss.force_login(superuser())
    page = boss.get(reverse("admin:index")).content.decode()
    for name in ("awards_awardtype", "cities_relationship", "exchanges_exchange"):
        assert reverse(f"admin:{name}_import") in page


def test_the_import_headings_are_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Some rows failed to validate") == "部分行的数据验证失败"
        assert translation.gettext("Select all") == "全选"


def test_the_import_format_comes_from_the_extension(clerk):
    table = [["中方地方", "外方地方", "类别", "阶段", "引文报告", "引文"]]
    url = reverse("admin:cities_relationship_import")
    page = clerk.get(url).content.decode()
    assert "按文件扩展名识别" in page
    response = clerk.post(
        url,
        {"format": "", "resource": "0",
         "import_file": SimpleUploadedFile("partners.csv", as_csv(table))},
    )  # fmt: skip
    assert response.status_code == 200
    assert "请选择 CSV 或 XLSX" not in response.content.decode()
    assert (
        "导入出错" not in response.content.decode() or "表格的列" not in response.content.decode()
    )
    response = clerk.post(
        url,
        {"format": "", "resource": "0",
         "import_file": SimpleUploadedFile("partners.txt", as_csv(table))},
    )  # fmt: skip
    assert "无法从文件名“partners.txt”判断格式" in response.content.decode()


def test_a_note_the_public_sees_says_so_beside_the_field(clerk, client):
    relationship = Relationship.objects.filter(chinese_place__slug="jinzhong").first()
    page = clerk.get(reverse("admin:cities_relationship_change", args=[relationship.pk]))
    text = page.content.decode()
    assert text.count("公开显示：此项会出现在公开网页上") >= 2  # notes and the editors' note
    Relationship.objects.filter(pk=relationship.pk).update(notes="测试公开说明")
    public = client.get(relationship.get_absolute_url()).content.decode()
    assert "测试公开说明" in public  # what the hint promises


@pytest.mark.parametrize("accept", ["zh-CN", "en"])
def test_the_language_switch_names_each_language_in_itself(clerk, accept):
    page = clerk.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert '<option value="en" lang="en"' in page and ">English</option>" in page
    assert ">中文</option>" in page
    assert "英语" not in page and "Simplified Chinese" not in page


def test_dashboard_counts_use_each_languages_brackets(clerk):
    english = clerk.get(reverse("office-dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = clerk.get(reverse("office-dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    captions = [line for line in english.splitlines() if "<caption>" in line]
    assert captions and all("（" not in line for line in captions)
    assert any(" (" in line for line in captions)
    assert any("（" in line for line in chinese.splitlines() if "<caption>" in line)


def test_spreadsheet_columns_follow_the_language_and_read_back():
    resource = RelationshipResource()
    rows = Relationship.objects.filter(chinese_place__slug="jinzhong")
    chinese = resource.export(rows).headers
    with translation.override("en"):
        english = RelationshipResource().export(rows).headers
    assert "中方地方" in chinese and "Chinese place" not in chinese
    assert "Chinese place" in english and "中方地方" not in english
    assert not any(CJK.search(header) for header in english)
    # An English file is read as the Chinese one is, whatever the page's language.
    assert RelationshipResource().column_names(english) == chinese


def test_the_export_form_and_import_preview_name_columns_in_english(clerk):
    page = clerk.get(
        reverse("admin:cities_relationship_export"), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Foreign place" in page
    assert ">外方地方<" not in page


def test_a_reports_public_notes_say_so_beside_the_field(clerk, client):
    """A report's notes are printed on its public page; the clerk is told before typing."""
    from sources.models import SourceReport
    from utilities import generation

    report = SourceReport.objects.get(chinese_place__slug="jinzhong")
    page = clerk.get(reverse("admin:sources_sourcereport_change", args=[report.pk]))
    assert page.status_code == 200
    assert "公开显示：此项会出现在公开网页上" in page.content.decode()
    SourceReport.objects.filter(pk=report.pk).update(notes="测试报告说明")
    generation.bump()  # update() sends no signal
    assert "测试报告说明" in client.get(report.get_absolute_url()).content.decode()
