"""Import that cannot hurt the server, tried through the admin as an office user would:
the confirm step never reads a path and refuses another user's upload; uploads are removed
after confirm, cancel or their lifetime; oversize files, wrong columns and unreadable
encodings are refused with a sentence that says why (Chinese, or English when asked); a
GB18030 file from Excel on Chinese Windows imports; a database refusal shows no traceback
and no database text, and is logged with the request id; rows without a citation are
refused like on every other write path."""

import io
import os
import tempfile
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from cities.models import Place
from exchanges.models import Exchange
from sources.models import SourceReport
from utilities.testing.admin import CSV_FORMAT, XLSX_FORMAT, as_csv

pytestmark = pytest.mark.django_db

IMPORT = "admin:exchanges_exchange_import"
CONFIRM = "admin:exchanges_exchange_process_import"
TITLE = "测试：科莫省职业院校代表团来访"
HEADERS = ["中方地方", "外方地方", "名称", "类型", "开始", "合作领域", "引文报告", "引文"]
# What a response must never show: a traceback, a server path, the database's own words.
LEAKS = ["Traceback", 'File "/', "/work/", "site-packages", "psycopg", "sqlite3", "IntegrityError",
         "DatabaseError", "UnicodeDecodeError", "KeyError", "secret database detail"]  # fmt: skip


def office(client, username, city):
    call_command(
        "create_office_user", username, city=city, password="Office-staff-2019!", verbosity=0
    )
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


@pytest.fixture
def uploads_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_ROOT = str(tmp_path / "imports")
    return tmp_path / "imports"


@pytest.fixture
def staff(client, uploads_dir):
    return office(client, "test-import-hardening", "jinzhong")


@pytest.fixture
def report(db):
    return SourceReport.objects.create(
        slug="test-como-visit",
        title="科莫省代表团来访消息",
        chinese_place=Place.objects.get(slug="jinzhong"),
        text="2026年3月，科莫省职业院校代表团来访晋中。",
    )


def row(title=TITLE, quote="科莫省职业院校代表团来访晋中"):
    return ["晋中市", "科莫省", title, "代表团互访", "2026-03", "教育", "test-como-visit", quote]


def upload(client, content, name="exchanges.csv", fmt=CSV_FORMAT, **headers):
    return client.post(
        reverse(IMPORT),
        {"format": fmt, "resource": "0", "import_file": SimpleUploadedFile(name, content)},
        **headers,
    )


def token_of(response):
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors(), [
        r.error_dict for r in result.invalid_rows
    ]
    return response.context["confirm_form"].initial["token"]


def page(response, client=None):
    """The text a user reads: the page, or the page a redirect leads to."""
    if response.status_code == 302 and client is not None:
        response = client.get(response["Location"])
    text = response.content.decode()
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} shown to the user"
    return text


def file_error(response):
    return " ".join(response.context["form"].errors.get("import_file", []))


def kept(uploads_dir):
    return sorted(os.listdir(uploads_dir)) if uploads_dir.exists() else []


class TestConfirmStep:
    def test_a_file_name_from_the_form_is_never_read_or_removed(self, client, staff):
        victim = tempfile.NamedTemporaryFile(delete=False, suffix=".csv")  # noqa: SIM115
        victim.write(as_csv([HEADERS, row()]))
        victim.close()
        try:
            name = os.path.basename(victim.name)
            for attempt in [
                {"import_file_name": name, "original_file_name": "x.csv", "format": "0"},
                {"token": name, "format": "0"},
                {"token": f"../../../{victim.name}"},
                {"token": "../../etc/passwd"},
                {},  # the missing name that gave a 500
            ]:
                response = client.post(reverse(CONFIRM), attempt)
                assert response.status_code == 302, attempt
                assert response["Location"] == reverse(IMPORT)
                text = page(response, client)
                assert "请重新上传" in text
            assert os.path.exists(victim.name)
            assert not Exchange.objects.filter(title_zh=TITLE).exists()
        finally:
            os.unlink(victim.name)

    def test_another_users_token_is_refused_and_the_owner_can_still_confirm(
        self, client, staff, report, uploads_dir
    ):
        token = token_of(upload(client, as_csv([HEADERS, row()])))
        assert len(kept(uploads_dir)) == 1
        other = office(client, "test-import-other-office", "wuhan")
        response = client.post(reverse(CONFIRM), {"token": token})
        assert "不是您在此处上传的" in page(response, client)
        assert not Exchange.objects.filter(title_zh=TITLE).exists()
        assert len(kept(uploads_dir)) == 1  # neither read nor removed
        # Nor may the owner's token confirm an import into another model.
        client.force_login(staff)
        response = client.post(
            reverse("admin:cities_relationship_process_import"), {"token": token}
        )
        assert "不是您在此处上传的" in page(response, client)
        assert other.pk != staff.pk
        response = client.post(reverse(CONFIRM), {"token": token})
        assert response["Location"] == reverse("admin:exchanges_exchange_changelist")
        assert Exchange.objects.filter(title_zh=TITLE).count() == 1
        assert kept(uploads_dir) == []  # removed after the import

    def test_a_tampered_token_is_refused(self, client, staff, report):
        token = token_of(upload(client, as_csv([HEADERS, row()])))
        response = client.post(reverse(CONFIRM), {"token": token[:-2] + "xx"})
        assert "导入确认信息无效" in page(response, client)
        assert not Exchange.objects.filter(title_zh=TITLE).exists()


class TestUploadsAreRemoved:
    def test_cancel_removes_the_upload_and_writes_nothing(self, client, staff, report, uploads_dir):
        response = upload(client, as_csv([HEADERS, row()]))
        assert "取消并删除上传的文件" in page(response)
        token = token_of(response)
        response = client.post(reverse(CONFIRM), {"token": token, "cancel": "1"})
        assert "已取消导入" in page(response, client)
        assert kept(uploads_dir) == []
        assert not Exchange.objects.filter(title_zh=TITLE).exists()
        # The cancelled token is spent.
        response = client.post(reverse(CONFIRM), {"token": token})
        assert "已过期或已处理" in page(response, client)

    def test_a_preview_never_confirmed_is_removed_after_an_hour(
        self, client, staff, report, uploads_dir
    ):
        token_of(upload(client, as_csv([HEADERS, row()])))
        [left] = kept(uploads_dir)
        fresh = token_of(upload(client, as_csv([HEADERS, row()])))
        assert len(kept(uploads_dir)) == 2
        hour_ago = time.time() - 3601
        os.utime(uploads_dir / left, (hour_ago, hour_ago))
        client.get(reverse(IMPORT))  # any import run cleans up
        assert left not in kept(uploads_dir) and len(kept(uploads_dir)) == 1
        client.post(reverse(CONFIRM), {"token": fresh})
        assert kept(uploads_dir) == []

    def test_the_cleanup_command_removes_only_expired_uploads(
        self, client, staff, report, uploads_dir
    ):
        token_of(upload(client, as_csv([HEADERS, row()])))
        token_of(upload(client, as_csv([HEADERS, row()])))
        old, young = kept(uploads_dir)
        hour_ago = time.time() - 3601
        os.utime(uploads_dir / old, (hour_ago, hour_ago))
        out = io.StringIO()
        call_command("clean_import_uploads", stdout=out)
        assert "Removed 1" in out.getvalue()
        assert kept(uploads_dir) == [young]


class TestRefusedUpFront:
    def test_too_many_rows_are_refused_with_the_limit(self, client, staff, report, settings):
        settings.IMPORT_MAX_ROWS = 3
        table = [HEADERS] + [row(title=f"{TITLE}{n}") for n in range(5)]
        response = upload(client, as_csv(table))
        assert "文件有 5 行数据：一次最多导入 3 行" in file_error(response)
        assert "result" not in response.context
        page(response)
        assert not Exchange.objects.filter(title_zh__startswith=TITLE).exists()

    def test_too_many_bytes_are_refused_with_the_limit(
        self, client, staff, report, settings, uploads_dir
    ):
        settings.IMPORT_MAX_BYTES = 100
        response = upload(client, as_csv([HEADERS, row()]))
        assert "一次最多导入 100" in file_error(response)
        assert kept(uploads_dir) == []
        page(response)

    def test_the_page_states_the_limits(self, client, staff, settings):
        settings.IMPORT_MAX_ROWS = 1234
        assert "一次最多导入 1234 行" in page(client.get(reverse(IMPORT)))

    def test_wrong_columns_are_named_expected_against_found(self, client, staff):
        table = [["中方城市", "外方地方", "名称", "项目类别"], ["晋中市", "科莫省", TITLE, "活动"]]
        response = upload(client, as_csv(table))
        message = file_error(response)
        assert "缺少：中方地方" in message
        assert "无法识别：中方城市、项目类别" in message
        assert "应有的列：中方地方、外方地方、名称" in message
        assert "文件中的列：中方城市、外方地方、名称、项目类别" in message
        page(response)

    def test_a_workbook_that_is_not_one_is_refused(self, client, staff):
        response = upload(client, b"PK\x03\x04 not a zip", name="x.xlsx", fmt=XLSX_FORMAT)
        assert "无法打开这个 XLSX 文件" in file_error(response)
        page(response)


class TestEncodings:
    @pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8-sig", "utf-8"])
    def test_excel_csv_in_each_encoding_imports(self, client, staff, report, encoding):
        response = upload(client, as_csv([HEADERS, row()], encoding))
        client.post(reverse(CONFIRM), {"token": token_of(response)})
        exchange = Exchange.objects.get(title_zh=TITLE)
        assert exchange.relationship.foreign_place.slug == "como-province"
        assert [c.quote for c in exchange.citations.all()] == ["科莫省职业院校代表团来访晋中"]

    @pytest.mark.parametrize(
        ("language", "message"),
        [("zh-hans", "无法识别文件的文字编码"), ("en", "text encoding could not be recognised")],
    )
    def test_an_unreadable_file_says_so_in_the_users_language(
        self, client, staff, language, message
    ):
        content = as_csv([HEADERS, row()], "utf-16")
        response = upload(client, content, HTTP_ACCEPT_LANGUAGE=language)
        assert message in file_error(response)
        page(response)


class TestNothingLeaks:
    @pytest.fixture
    def refusing_database(self, db):
        """A database that refuses one exchange title (a trigger), as a constraint the
        models do not know would."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "CREATE FUNCTION test_refuse() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.title_zh LIKE '%拒绝%' THEN "
                    "RAISE EXCEPTION 'secret database detail'; END IF; RETURN NEW; END; "
                    "$$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    "CREATE TRIGGER test_refuse BEFORE INSERT ON exchanges_exchange "
                    "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
                )
            else:
                cursor.execute(
                    "CREATE TRIGGER test_refuse BEFORE INSERT ON exchanges_exchange "
                    "WHEN NEW.title_zh LIKE '%拒绝%' "
                    "BEGIN SELECT RAISE(ABORT, 'secret database detail'); END"
                )

    def test_a_database_refusal_is_a_sentence_and_a_log_line(
        self, client, staff, report, refusing_database, caplog
    ):
        response = upload(client, as_csv([HEADERS, row(title="测试：被拒绝的交流")]))
        text = page(response)
        request_id = response["X-Request-ID"]
        assert "没有写入" in text and request_id in text
        assert "confirm_form" not in response.context or not response.context["confirm_form"]
        assert "secret database detail" in caplog.text and request_id in caplog.text
        assert not Exchange.objects.filter(title_zh__contains="拒绝").exists()

    def test_a_row_without_a_citation_is_refused_like_everywhere(self, client, staff):
        response = upload(client, as_csv([HEADERS[:6], row()[:6]]))
        [invalid] = response.context["result"].invalid_rows
        assert "请至少引用一段报告原文" in " ".join(invalid.error_dict["引文"])
        page(response)
