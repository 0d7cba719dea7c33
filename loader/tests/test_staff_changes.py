"""load_registry respects staff: their edits and deletions stand, a record both the fixture
and staff changed is a conflict (listed, nothing written) until resolved per key, and
fixture records never meet staff's own rows."""

import pytest
import yaml
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from cities.choices import PlaceLevel, RelationshipKind, Stage
from cities.models import Place, Relationship, ReportedFigure
from exchanges.models import Exchange, ExchangeCount
from loader.keys import fixture_id, fixture_object
from loader.models import FixtureRecord
from loader.registry_loader import RegistryLoadError, fixture_files, load, report_text
from loader.tests.test_load_registry import counts, empty_registry
from sources.models import Citation, SourceReport

from .support import edit_fixture, forget_history, record, run, staff, staff_delete, staff_save

NOTE_KEY = "cities.relationship:3001"  # Wuhan–Oita
FIGURE_KEY = "cities.reportedfigure:3002"  # Wuhan: 国际友好城市23个
EXCHANGE_KEY = "exchanges.exchange:3001"  # 武钢与大分制铁所技术合作


def history_count():
    return sum(model.history.count() for model in (Relationship, ReportedFigure, Exchange, Place))


def when(instance):
    latest = instance.history.order_by("-history_date").first()
    return timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M")


@pytest.fixture
def editor(db):
    return staff()


@pytest.fixture
def staff_edits(editor):
    """A relationship note and a figure (23 → 25) edited by staff after the load."""
    relationship = staff_save(fixture_object(NOTE_KEY), editor, notes="外办更正：双方隔年互访。")
    figure = staff_save(fixture_object(FIGURE_KEY), editor, value=25)
    return relationship, figure


def change_the_fixture(fixtures_dir):
    """The Wuhan fixture changes the same note and figure (and gains nothing else)."""

    def change(records):
        record(records, "cities.relationship", 3001)["fields"]["notes"] = "数据文件的新说明。"
        record(records, "cities.reportedfigure", 3002)["fields"]["value"] = 24

    edit_fixture(fixtures_dir, "wuhan.yaml", change)


def test_every_fixture_record_is_known_by_its_key(db):
    total = sum(len(yaml.safe_load(path.read_text(encoding="utf-8"))) for path in fixture_files())
    assert FixtureRecord.objects.count() == total
    wuhan = fixture_object("cities.place:13")
    assert wuhan.slug == "wuhan"
    assert fixture_object("sources.sourcereport:3").chinese_place == wuhan
    out, _err, failure = run()
    assert failure is None
    assert "No changes" in out


def test_a_staff_row_at_a_fixture_pk_is_never_the_fixture_record(db, editor):
    """Staff's place takes id 13 before the registry is loaded: the fixture's Wuhan (key
    cities.place:13) is another row, and the staff place is untouched."""
    empty_registry()
    forget_history("awards", "exchanges", "cities", "sources")
    staff_place = Place(
        pk=13,
        slug="test-staff-place",
        name_zh="工作人员的地方",
        level=PlaceLevel.CITY,
        country="JP",
    )
    staff_save(staff_place, editor)
    if connection.vendor == "postgresql":  # an explicit id leaves the sequence behind
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Place]):
                cursor.execute(sql)
    out, _err, failure = run()
    assert failure is None, _err
    assert "Loaded:" in out
    wuhan = fixture_object("cities.place:13")
    assert wuhan.slug == "wuhan" and wuhan.pk != 13
    staff_place.refresh_from_db()
    assert staff_place.name_zh == "工作人员的地方"
    assert not FixtureRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(Place), object_id=13
    ).exists()


def test_staff_edits_survive_a_reload_of_an_unchanged_fixture(staff_edits, editor):
    relationship, figure = staff_edits
    before = history_count()
    out, _err, failure = run()
    assert failure is None
    assert "Kept 2 staff edits" in out
    assert "No changes" in out
    lines = [line for line in out.splitlines() if NOTE_KEY in line or FIGURE_KEY in line]
    assert any(
        "wuhan.yaml" in line and "notes" in line and "wuhan-editor" in line for line in lines
    )
    assert any("value" in line and "23" in line and "25" in line for line in lines)
    relationship.refresh_from_db()
    figure.refresh_from_db()
    assert relationship.notes == "外办更正：双方隔年互访。"
    assert figure.value == 25
    assert history_count() == before  # nothing written


def test_a_changed_fixture_and_a_staff_edit_conflict_and_nothing_is_written(
    staff_edits, editor, fixtures_copy
):
    relationship, figure = staff_edits

    def gain_a_place(records):
        records.append(
            {
                "model": "cities.place",
                "pk": 3900,
                "fields": {
                    "slug": "test-new-place",
                    "name_zh": "新地方",
                    "level": "city",
                    "country": "JP",
                },
            }
        )

    change_the_fixture(fixtures_copy)
    edit_fixture(fixtures_copy, "wuhan.yaml", gain_a_place)
    before = counts()
    out, err, failure = run("--fixtures-dir", str(fixtures_copy))
    assert failure is not None and "2 unresolved conflicts; nothing was written" in str(failure)
    conflict_lines = err.splitlines()
    header = next(line for line in conflict_lines if "FIXTURE VALUE" in line)
    assert header.split() == [
        "FILE",
        "KEY",
        "FIELD",
        "FIXTURE",
        "VALUE",
        "CURRENT",
        "VALUE",
        "CHANGED",
        "BY",
        "AT",
    ]
    note = next(line for line in conflict_lines if NOTE_KEY in line)
    assert note.split()[:2] == ["wuhan.yaml", NOTE_KEY]
    assert "notes" in note and "数据文件的新说明。" in note and "外办更正：双方隔年互访。" in note
    assert "wuhan-editor" in note and when(relationship) in note
    value = next(line for line in conflict_lines if FIGURE_KEY in line)
    assert value.split()[2:5] == ["value", "24", "25"]
    assert "wuhan-editor" in value and when(figure) in value
    # Columns line up: every key starts where the header's KEY does.
    assert note.index(NOTE_KEY) == value.index(FIGURE_KEY) == header.index("KEY")
    assert counts() == before
    assert not Place.objects.filter(slug="test-new-place").exists()
    relationship.refresh_from_db()
    figure.refresh_from_db()
    assert (relationship.notes, figure.value) == ("外办更正：双方隔年互访。", 25)


def test_check_lists_the_conflicts_and_writes_nothing(staff_edits, fixtures_copy):
    change_the_fixture(fixtures_copy)
    before = counts()
    out, err, failure = run("--check", "--fixtures-dir", str(fixtures_copy))
    assert failure is not None
    assert NOTE_KEY in err and FIGURE_KEY in err and "wuhan-editor" in err
    assert "Check passed" not in out
    assert counts() == before


def test_take_fixture_and_keep_current_resolve_each_conflict(staff_edits, fixtures_copy):
    relationship, figure = staff_edits
    change_the_fixture(fixtures_copy)
    out, err, failure = run(
        "--fixtures-dir",
        str(fixtures_copy),
        "--take-fixture",
        FIGURE_KEY,
        "--keep-current",
        NOTE_KEY,
    )
    assert failure is None, err
    assert f"Resolved {FIGURE_KEY}: the fixture's values." in out
    assert f"Resolved {NOTE_KEY}: the current values." in out
    relationship.refresh_from_db()
    figure.refresh_from_db()
    assert figure.value == 24
    assert figure.history.first().history_change_reason == "load_registry"
    assert relationship.notes == "外办更正：双方隔年互访。"
    # Resolved for good: the next run keeps staff's note and has nothing to ask.
    out, err, failure = run("--fixtures-dir", str(fixtures_copy))
    assert failure is None, err
    assert "Kept 1 staff edit " in out and NOTE_KEY in out
    assert "No changes" in out


def test_resolving_names_only_fixture_keys(db):
    _out, err, failure = run("--take-fixture", "cities.relationship:999999")
    assert failure is not None
    assert "--take-fixture cities.relationship:999999: no fixture record has this key" in err


def test_a_staff_deletion_is_not_resurrected(editor, fixtures_copy):
    exchange = fixture_object(EXCHANGE_KEY)
    staff_delete(exchange, editor)
    out, _err, failure = run()
    assert failure is None
    assert "Kept 1 staff deletion" in out and EXCHANGE_KEY in out and "(deleted)" in out
    assert not Exchange.objects.filter(title_zh="武钢与大分制铁所技术合作").exists()

    # The fixture changes the deleted exchange: a conflict, not a resurrection.
    def change(records):
        record(records, "exchanges.exchange", 3001)["fields"]["description"] = "新的描述。"

    edit_fixture(fixtures_copy, "wuhan.yaml", change)
    _out, err, failure = run("--fixtures-dir", str(fixtures_copy))
    assert failure is not None
    line = next(line for line in err.splitlines() if EXCHANGE_KEY in line)
    assert "description" in line and "(deleted)" in line and "wuhan-editor" in line
    assert not Exchange.objects.filter(title_zh="武钢与大分制铁所技术合作").exists()

    # Taking the fixture's version restores it, as a new row.
    out, err, failure = run("--fixtures-dir", str(fixtures_copy), "--take-fixture", EXCHANGE_KEY)
    assert failure is None, err
    restored = fixture_object(EXCHANGE_KEY)
    assert restored.pk != exchange.pk
    assert restored.description == "新的描述。"
    assert restored.citations.exists()


def test_a_staff_created_relationship_is_untouched_when_the_fixture_gains_a_record(
    editor, fixtures_copy
):
    """Staff's relationship has some id N; the Wuhan fixture then gains a relationship
    written with pk N. The fixture's record loads as a new row; staff's stays staff's."""
    wuhan = fixture_object("cities.place:13")
    partner = staff_save(
        Place(slug="test-partner", name_zh="测试伙伴市", level=PlaceLevel.CITY, country="FR"),
        editor,
    )
    mine = staff_save(
        Relationship(
            chinese_place=wuhan,
            foreign_place=partner,
            kind=RelationshipKind.FRIENDLY,
            stage=Stage.INTENT,
            notes="外办录入。",
        ),
        editor,
    )
    mine.citations.set([fixture_object("sources.citation:3001")])
    snapshot = (mine.notes, mine.foreign_place_id, mine.kind, mine.history.count())

    def gain(records):
        records.append(
            {
                "model": "cities.place",
                "pk": 3901,
                "fields": {
                    "slug": "test-fixture-partner",
                    "name_zh": "数据伙伴市",
                    "level": "city",
                    "country": "DE",
                },
            }
        )
        records.append(
            {
                "model": "cities.relationship",
                "pk": mine.pk,
                "fields": {
                    "chinese_place": 13,
                    "foreign_place": 3901,
                    "kind": "sister",
                    "wording": "友城",
                    "stage": "active",
                    "level": "municipal",
                    "citations": [3001],
                },
            }
        )

    edit_fixture(fixtures_copy, "wuhan.yaml", gain)
    out, err, failure = run("--fixtures-dir", str(fixtures_copy))
    assert failure is None, err
    assert "Loaded: 2 created, 0 updated" in out
    mine.refresh_from_db()
    assert (mine.notes, mine.foreign_place_id, mine.kind, mine.history.count()) == snapshot
    theirs = fixture_object(f"cities.relationship:{mine.pk}")
    assert theirs.pk != mine.pk
    assert theirs.foreign_place.slug == "test-fixture-partner"


def old_loader(directory, skip=()):
    """What the pk-based loader did: every record saved at its fixture pk, with a
    "load_registry" history record and no user; sequences moved on."""
    models = set()
    for path in fixture_files(directory):
        with open(path, encoding="utf-8") as stream:
            for deserialized in serializers.deserialize("yaml", stream):
                instance = deserialized.object
                key = f"{instance._meta.label_lower}:{instance.pk}"
                if key in skip:
                    continue
                if isinstance(instance, SourceReport):
                    instance.text = report_text(directory, instance.slug)
                instance._change_reason = "load_registry"
                instance.save()
                for name, values in (deserialized.m2m_data or {}).items():
                    getattr(instance, name).set(values)
                models.add(type(instance))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def test_rows_loaded_by_the_old_pk_based_loader_are_adopted(editor, settings):
    """A database the old loader filled: its rows become their keys' rows (no duplicates),
    a staff edit made since stands, and a staff row sitting at a fixture pk stays staff's."""
    empty_registry()
    forget_history("awards", "exchanges", "cities", "sources")
    new_key = "exchanges.exchangecount:3001"
    old_loader(settings.REGISTRY_FIXTURES_DIR, skip={new_key})
    exchange = Exchange.objects.get(pk=3001)
    staff_save(exchange, editor, description="外办补充的描述。")
    squatter = staff_save(ExchangeCount(pk=3001, exchange=exchange, value=7, unit_zh="人"), editor)
    before = counts()
    out, err, failure = run()
    assert failure is None, err
    adopted = FixtureRecord.objects.count() - 1
    assert f"Adopted {adopted} rows" in out
    assert "Kept 1 staff edit " in out and "exchanges.exchange:3001" in out
    # One new row (the count the old loader never wrote); everything else adopted in place.
    after = counts()
    assert after.pop("exchanges.ExchangeCount") == before.pop("exchanges.ExchangeCount") + 1
    assert (before.pop("loader.FixtureRecord"), after.pop("loader.FixtureRecord")) == (0, 663)
    assert after == before
    assert fixture_id("cities.place:13") == 13
    assert fixture_id(new_key) != squatter.pk
    squatter.refresh_from_db()
    assert (squatter.value, squatter.unit_zh) == (7, "人")
    exchange.refresh_from_db()
    assert exchange.description == "外办补充的描述。"
    out, err, failure = run()
    assert failure is None and "No changes" in out and "Kept 1 staff edit " in out


def test_silent_at_verbosity_zero(staff_edits):
    out, err, failure = run(verbosity=0)
    assert (out, err, failure) == ("", "", None)


def test_every_quote_is_checked_against_the_report_file_even_when_unchanged(db, fixtures_copy):
    report = fixtures_copy / "reports" / "wuhan-2017-09-15.txt"
    text = report.read_text(encoding="utf-8")
    quote = Citation.objects.get(pk=fixture_id("sources.citation:3002")).quote
    report.write_text(text.replace(quote, "（删去）"), encoding="utf-8")
    _out, err, failure = run("--check", "--fixtures-dir", str(fixtures_copy))
    assert failure is not None
    assert (
        "wuhan.yaml: sources.citation:3002: quote: not found in reports/wuhan-2017-09-15.txt" in err
    )


def test_a_staff_edit_made_while_the_load_runs_is_not_overwritten(editor, fixtures_copy):
    """The loader compares with the rows it read first; a staff save after that read meets
    the record's version check: the run stops with a message and writes nothing."""
    change_the_fixture(fixtures_copy)
    before = counts()

    def staff_saves_meanwhile(file_name, done, total):
        if done == 0:  # every row is read; nothing is written yet
            staff_save(fixture_object(NOTE_KEY), editor, notes="外办在加载时所做的更正。")

    with pytest.raises(RegistryLoadError) as refused, transaction.atomic():
        load(fixtures_copy, progress=staff_saves_meanwhile)
    assert any(
        NOTE_KEY in error and "加载期间此记录已被他人修改" in error
        for error in refused.value.errors
    )
    assert counts() == before
    assert fixture_object(NOTE_KEY).notes != "数据文件的新说明。"
