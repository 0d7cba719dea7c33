"""load_registry speaks the site's language: Chinese by default, English with
``--language en``; the conflict report too."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from loader.keys import fixture_object

from .support import edit_fixture, record, staff, staff_save
from .test_staff_changes import FIGURE_KEY, NOTE_KEY, change_the_fixture

pytestmark = pytest.mark.django_db


def run(*args):
    """The command as ``manage.py`` runs it: ``(stdout, stderr, CommandError or None)``."""
    out, err = StringIO(), StringIO()
    try:
        call_command("load_registry", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_chinese_by_default():
    out, _err, failure = run()
    assert failure is None
    assert "正在载入 common.yaml" in out
    assert "没有变化：全部 663 条记录都是最新的。" in out


def test_english_when_asked():
    out, _err, failure = run("--language", "en")
    assert failure is None
    assert "loading common.yaml" in out
    assert "No changes: all 663 records are up to date." in out


@pytest.fixture
def conflicts(fixtures_copy):
    editor = staff()
    staff_save(fixture_object(NOTE_KEY), editor, notes="外办更正：双方隔年互访。")
    staff_save(fixture_object(FIGURE_KEY), editor, value=25)
    change_the_fixture(fixtures_copy)
    return fixtures_copy


def test_the_conflict_report_in_chinese(conflicts):
    _out, err, failure = run("--fixtures-dir", str(conflicts))
    assert failure == "2 处冲突未解决；什么也没有写入。"
    assert "2 处冲突：数据文件和工作人员都修改了这些记录。" in err
    header = next(line for line in err.splitlines() if "数据文件中的值" in line)
    assert header.split() == [
        "文件",
        "键",
        "字段",
        "数据文件中的值",
        "当前的值",
        "修改人",
        "修改时间",
    ]
    note = next(line for line in err.splitlines() if NOTE_KEY in line)
    assert "wuhan-editor" in note and "数据文件的新说明。" in note
    assert "--take-fixture KEY（采用数据文件的值）" in err


def test_the_conflict_report_in_english(conflicts):
    _out, err, failure = run("--fixtures-dir", str(conflicts), "--language", "en")
    assert failure == "2 unresolved conflicts; nothing was written."
    assert "2 conflicts: the fixture and staff both changed these records." in err
    assert "FIXTURE VALUE" in err and "CHANGED BY" in err


def test_a_problem_in_the_fixtures_in_both_languages(fixtures_copy):
    def refer_to_nothing(records):
        record(records, "cities.relationship", 3001)["fields"]["foreign_place"] = 999999

    edit_fixture(fixtures_copy, "wuhan.yaml", refer_to_nothing)
    _out, err, failure = run("--fixtures-dir", str(fixtures_copy))
    assert failure == "发现 1 个问题；什么也没有写入。"
    assert f"wuhan.yaml: {NOTE_KEY}：引用了 cities.place:999999，但没有数据文件记录定义它" in err
    _out, err, failure = run("--fixtures-dir", str(fixtures_copy), "--language", "en")
    assert failure == "1 problem found; nothing was written."
    assert "refers to cities.place:999999, which no fixture record defines" in err
