"""Loading the registry from its fixtures without ever overwriting staff's work.

The fixtures are Django YAML fixtures in ``settings.REGISTRY_FIXTURES_DIR``: ``common.yaml``
first, then every other ``*.yaml`` in name order. A source report's text is not in the
fixture: it is read from ``reports/<slug>.txt`` beside them, byte for byte.

**Keys, not primary keys.** A record's ``pk:`` in the YAML is the fixture's own name for it:
its key is ``<app_label.model>:<pk>`` (``cities.place:13``). Keys are never written as
database primary keys; a new fixture record gets a database-assigned id, and the foreign keys
and many-to-many values in the YAML (written as fixture pks) are resolved through
``FixtureRecord``, which remembers which row each key became. A row staff create in the admin
therefore never meets a present or future fixture record.

**Three versions of every record**: the fixture as it is now, the row as the loader last wrote
it (``FixtureRecord.content``, and a digest of the fixture record it came from), and the row
as it is now. The fixture changed and the row did not: the row is updated. The row changed
and the fixture did not: staff's edit stands. Both changed, differently: a conflict, and
nothing is written until each conflict is resolved per key (``take_fixture``,
``keep_current``). A row staff deleted is never brought back unless asked for.

Every record is validated (``full_clean()``: the rules of the admin and the API, and the
citation rule ``validate_citations``), every quote is checked against its report's text, and
the caller runs ``load()`` in one transaction, so nothing is written when anything is wrong.
"""

import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.python import Deserializer as PythonDeserializer
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone
from django.utils.encoding import is_protected_type
from django.utils.translation import gettext as _

from sources.models import Citation, SourceReport
from utilities import generation
from utilities.concurrency import StaleRecord
from utilities.models import validate_citations

from .keys import fixture_key, split_key
from .models import FixtureRecord

FIRST_FILE = "common.yaml"
# The change reason on every history record the loader writes.
CHANGE_REASON = "load_registry"
# Timestamps, derived columns and concurrency counters are not part of a record's content.
IGNORED_FIELDS = {"created", "last_updated", "search_text", "version"}
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RegistryLoadError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the fixtures")


@dataclass
class Change:
    """A record the loader found changed by staff: kept, or in conflict with the fixture."""

    file: str
    key: str
    # (field, fixture value, current value) for every field that differs.
    fields: list
    deleted: bool = False
    changed_by: str = ""
    changed_at: object = None


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    adopted: Counter = field(default_factory=Counter)
    kept_edits: list = field(default_factory=list)
    kept_deletions: list = field(default_factory=list)
    conflicts: list = field(default_factory=list)
    # {key: "fixture" | "current"} for the conflicts the caller resolved.
    resolved: dict = field(default_factory=dict)
    # Keys the loader once loaded that no fixture holds any more (their rows are left alone).
    retired: list = field(default_factory=list)

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def total(self):
        return (
            self.changed
            + sum(self.unchanged.values())
            + len(self.kept_edits)
            + len(self.kept_deletions)
            + len(self.conflicts)
        )


def fixture_files(directory=None):
    directory = Path(directory or settings.REGISTRY_FIXTURES_DIR)
    files = sorted(directory.glob("*.yaml"))
    return sorted(files, key=lambda path: (path.name != FIRST_FILE, path.name))


def report_text(directory, slug):
    path = Path(directory) / "reports" / f"{slug}.txt"
    # Byte for byte: no newline translation.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def load(directory=None, *, take_fixture=(), keep_current=(), progress=None):
    """Validate every fixture record and write what the fixtures changed; raise
    RegistryLoadError when any record or quote is wrong. Conflicts are returned in the
    result, not raised: the caller, which runs this in a transaction, rolls back when there
    are any (nothing of a run with an unresolved conflict may be kept)."""
    return _Loader(Path(directory or settings.REGISTRY_FIXTURES_DIR), progress).run(
        set(take_fixture), set(keep_current)
    )


# The content of a record: its fields and many-to-many relations as JSON values. -----------


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def _content_fields(model):
    return [
        f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS and not f.primary_key
    ]


def _field_value(model_field, instance):
    value = model_field.value_from_object(instance)
    if isinstance(value, Decimal) and isinstance(model_field, models.DecimalField):
        # 30.5 from a fixture and 30.500000 from PostgreSQL are the same value.
        value = value.quantize(Decimal(1).scaleb(-model_field.decimal_places))
    elif not is_protected_type(value) and not isinstance(value, str | bool | list | dict):
        value = model_field.value_to_string(instance)  # e.g. a Country object: its code
    return value


def content_of(instance, m2m, model=None):
    """``{"fields": {attname: value}, "m2m": {name: [ids]}}`` in JSON values; ``m2m`` holds
    the ids of every many-to-many field of the model. ``instance`` may be a history record
    of ``model``."""
    model = model or type(instance)
    return _json(
        {
            "fields": {f.attname: _field_value(f, instance) for f in _content_fields(model)},
            "m2m": {f.name: sorted(m2m.get(f.name, [])) for f in model._meta.many_to_many},
        }
    )


def _stored_m2m(instance):
    """The many-to-many ids of a row fetched with its relations prefetched."""
    return {
        f.name: [r.pk for r in getattr(instance, f.name).all()] for f in instance._meta.many_to_many
    }


def _differences(one, other):
    """The names (attnames, and m2m field names) whose values differ."""
    names = []
    for part in ("fields", "m2m"):
        first, second = one.get(part, {}), other.get(part, {})
        names += [
            name for name in first.keys() | second.keys() if first.get(name) != second.get(name)
        ]
    return sorted(names)


def _with_new_fields(remembered, defaults):
    """``remembered`` with the fields it does not know taken from ``defaults``."""
    filled = {part: dict(values) for part, values in remembered.items()}
    for part in ("fields", "m2m"):
        known = filled.setdefault(part, {})
        for name, value in defaults.get(part, {}).items():
            known.setdefault(name, value)
    return filled


def _value(content, name):
    if name in content.get("fields", {}):
        return content["fields"][name]
    return content.get("m2m", {}).get(name)


def _digest(raw, text):
    record = {"model": raw["model"], "fields": raw.get("fields") or {}, "text": text}
    encoded = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _messages(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(values)}" for key, values in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ObjectDoesNotExist):
        return _("引用的记录不存在（%(error)s）") % {"error": error}
    return str(error).strip().splitlines()[0]


def written_rows(written):
    return [instance for instance, _created in written]


def _constraint_error(instance):
    """The model's own words for the constraint the database refused, if it can say."""
    try:
        instance.validate_unique()
        instance.validate_constraints()
    except ValidationError as error:
        return error
    return None


@dataclass
class _Item:
    """One fixture record as read."""

    path: Path
    raw: dict
    model: type
    key: str
    text: str | None = None  # a source report's text, from reports/<slug>.txt


class _MissingReference(Exception):
    pass


class _Loader:
    def __init__(self, directory, progress):
        self.directory = directory
        self.progress = progress
        self.errors = []
        self.result = LoadResult()
        self.records = {}  # key -> FixtureRecord
        self.rows = defaultdict(dict)  # model -> {id: current row, m2m prefetched}
        self.ids = {}  # key -> id of an existing row
        self.keys_by_id = {}  # (model, id) -> key, to show references as fixture pks
        self.new_records = []
        self.changed_records = []
        self.now = timezone.now()
        self.keys = set()  # every key the fixtures define
        self.failed = set()  # keys that could not be loaded (their problem is reported)
        self.report_texts = {}  # report key -> (slug, text from reports/<slug>.txt)
        self.history = defaultdict(list)  # model -> [(row written, created?)]
        self._defaults = {}

    # Reading ---------------------------------------------------------------------------

    def read(self):
        items, seen = [], {}
        for path in fixture_files(self.directory):
            try:
                with open(path, encoding="utf-8") as stream:
                    raws = yaml.load(stream, Loader=YAML_LOADER) or []
            except Exception as error:  # a broken file: report it with its name, keep going
                self.errors.append(
                    _("%(file)s：无法读取：%(error)s")
                    % {"file": path.name, "error": _messages(error)}
                )
                continue
            for raw in raws:
                where = f"{path.name}: {raw.get('model')} pk={raw.get('pk')}"
                try:
                    model = apps.get_model(raw["model"])
                    key = fixture_key(model._meta.label_lower, raw["pk"])
                except (KeyError, LookupError, ValueError, TypeError) as error:
                    self.errors.append(
                        _("%(where)s：不是数据文件记录（%(error)s）")
                        % {"where": where, "error": error}
                    )
                    continue
                if key in seen:
                    self.errors.append(
                        _("%(where)s：键 %(key)s 在 %(file)s 中也有定义")
                        % {"where": where, "key": key, "file": seen[key]}
                    )
                    continue
                seen[key] = path.name
                item = _Item(path, raw, model, key)
                if model is SourceReport and not (raw.get("fields") or {}).get("text"):
                    try:
                        item.text = report_text(self.directory, raw["fields"]["slug"])
                    except (OSError, KeyError) as error:
                        self.errors.append(
                            _("%(where)s：没有报告全文：%(error)s")
                            % {"where": where, "error": error}
                        )
                        continue
                items.append(item)
        return items

    def read_database(self, items):
        """The fixture records already loaded and their current rows, in a few queries per
        model (bulk reads: the second run of the whole registry takes a fraction of a
        second)."""
        self.records = {r.key: r for r in FixtureRecord.objects.all()}
        ids_by_model = defaultdict(list)
        for record in self.records.values():
            model = ContentType.objects.get_for_id(record.content_type_id).model_class()
            if model is not None:
                ids_by_model[model].append(record.object_id)
        for model, ids in ids_by_model.items():
            self.rows[model] = self._fetch(model, ids)
        for key, record in self.records.items():
            model = apps.get_model(split_key(key)[0])
            if record.object_id in self.rows[model]:
                self.ids[key] = record.object_id
                self.keys_by_id[(model, record.object_id)] = key
        wanted = {item.key for item in items}
        self.result.retired = sorted(set(self.records) - wanted)

    @staticmethod
    def _fetch(model, ids):
        names = [f.name for f in model._meta.many_to_many]
        return model._base_manager.prefetch_related(*names).in_bulk(ids)

    # Adopting rows loaded by the old pk-based loader -----------------------------------

    def adopt(self, items):
        """A row at a fixture record's pk that the old loader wrote (its first history
        record is the loader's, with no user) and no key claims yet becomes that record's
        row; any other row there is staff's and is left alone."""
        by_model = defaultdict(dict)
        for item in items:
            if item.key not in self.records:
                by_model[item.model][item.raw["pk"]] = item
        claimed = defaultdict(set)
        for record in self.records.values():
            claimed[record.content_type_id].add(record.object_id)
        for model, wanted in by_model.items():
            content_type = ContentType.objects.get_for_model(model)
            candidates = {
                pk: row
                for pk, row in self._fetch(model, list(wanted)).items()
                if pk not in claimed[content_type.pk]
            }
            if not candidates:
                continue
            history = defaultdict(list)
            for past in model.history.filter(
                **{f"{model._meta.pk.attname}__in": candidates}
            ).order_by("history_date", "history_id"):
                history[getattr(past, model._meta.pk.attname)].append(past)
            for pk, row in candidates.items():
                past = history.get(pk, [])
                # Only this row's own history: an id used before (a deleted row's, reused
                # by an explicit pk) has older records, up to that row's deletion.
                deletions = [i for i, p in enumerate(past) if p.history_type == "-"]
                past = past[deletions[-1] + 1 :] if deletions else past
                if (
                    not past
                    or past[0].history_change_reason != CHANGE_REASON
                    or past[0].history_user_id
                ):
                    continue  # staff's row
                item = wanted[pk]
                loaded = [p for p in past if p.history_change_reason == CHANGE_REASON][-1]
                current = content_of(row, _stored_m2m(row))
                if loaded is past[-1]:
                    written = current
                else:
                    written = self._past_content(model, loaded)
                self.rows[model][pk] = row
                self.ids[item.key] = pk
                self.keys_by_id[(model, pk)] = item.key
                record = FixtureRecord(
                    key=item.key,
                    content_type=content_type,
                    object_id=pk,
                    fixture_file=item.path.name,
                    content=written,
                    loaded_at=loaded.history_date,
                )
                # The fixture's digest is settled once the fixture's own content is known
                # (``process``): unchanged if it still says what the old loader wrote.
                record._adopted = True
                self.records[item.key] = record
                self.new_records.append(record)
                self.result.adopted[item.model._meta.label_lower] += 1

    def _past_content(self, model, past):
        """The content of a row as a history record saw it (its m2m from the historical
        m2m tables, which django-simple-history fills for the fields it tracks)."""
        m2m = {}
        for m2m_field in model._meta.many_to_many:
            try:
                rows = getattr(past, m2m_field.name).all()
                target = m2m_field.m2m_reverse_field_name()
                m2m[m2m_field.name] = [getattr(r, f"{target}_id") for r in rows]
            except AttributeError:  # not tracked by the history
                m2m[m2m_field.name] = []
        return content_of(past, m2m, model)

    # Resolving fixture pks to database ids ---------------------------------------------

    def resolve(self, related_model, value, missing):
        key = fixture_key(related_model._meta.label_lower, value)
        if key in self.ids:
            return self.ids[key]
        if key in self.records and key not in self.failed:  # loaded once, deleted by staff
            missing.append(key)
            return self.records[key].object_id
        raise _MissingReference(key)

    def build(self, item):
        """The fixture record as a model instance with database ids, and its m2m ids."""
        fields, m2m, missing = {}, {}, []
        for name, value in (item.raw.get("fields") or {}).items():
            try:
                model_field = item.model._meta.get_field(name)
            except FieldDoesNotExist:
                fields[name] = value  # the deserializer names it
                continue
            if model_field.many_to_many:
                m2m[name] = [
                    self.resolve(model_field.related_model, v, missing) for v in value or []
                ]
            elif model_field.is_relation and model_field.concrete and value is not None:
                fields[name] = self.resolve(model_field.related_model, value, missing)
            else:
                fields[name] = value
        if item.text is not None:
            fields["text"] = item.text
        data = {
            "model": item.raw["model"],
            "pk": self.ids.get(item.key),
            "fields": {**fields, **m2m},
        }
        instance = next(iter(PythonDeserializer([data]))).object
        # Related rows already in hand: validation and messages need not fetch them again.
        for model_field in item.model._meta.concrete_fields:
            if model_field.is_relation:
                related = self.rows[model_field.related_model].get(
                    getattr(instance, model_field.attname)
                )
                if related is not None:
                    model_field.set_cached_value(instance, related)
        return instance, m2m, missing

    # The run ---------------------------------------------------------------------------

    def run(self, take_fixture, keep_current):
        items = self.read()
        if self.errors:
            raise RegistryLoadError(self.errors)
        keys = self.keys = {item.key for item in items}
        for flag, given in (("--take-fixture", take_fixture), ("--keep-current", keep_current)):
            for key in sorted(given - keys):
                self.errors.append(
                    _("%(flag)s %(key)s：没有数据文件记录使用这个键") % {"flag": flag, "key": key}
                )
        for key in sorted(take_fixture & keep_current):
            self.errors.append(
                _("%(key)s：不能同时用 --take-fixture 和 --keep-current") % {"key": key}
            )
        if self.errors:
            raise RegistryLoadError(self.errors)
        with generation.raised_once():
            return self.write_all(items, take_fixture, keep_current)

    def write_all(self, items, take_fixture, keep_current):
        self.read_database(items)
        self.adopt(items)
        current_file, done = None, 0
        for item in items:
            if item.path != current_file:
                current_file = item.path
                if self.progress:
                    self.progress(item.path.name, done, len(items))
            self.process(item, take_fixture, keep_current)
            done += 1
        if self.progress and items:
            self.progress(None, done, len(items))
        if self.errors:
            raise RegistryLoadError(self.errors)
        self.write_history()
        # The history rows (the changes feed) and the fixture bookkeeping are bulk inserts
        # that send no signal: the generation rises for them too (once, with the saves'
        # raises, at the end of ``raised_once``).
        generation.bump()
        FixtureRecord.objects.bulk_create(self.new_records, batch_size=500)
        FixtureRecord.objects.bulk_update(
            [r for r in self.changed_records if r.pk],
            ["content_type", "object_id", "fixture_file", "fixture_digest", "content", "loaded_at"],
            batch_size=500,
        )
        return self.result

    def process(self, item, take_fixture, keep_current):
        where = f"{item.path.name}: {item.key}"
        try:
            instance, m2m, missing = self.build(item)
        except _MissingReference as error:
            self.failed.add(item.key)
            key = str(error)
            if key in self.failed:
                return  # its own problem is reported; this record cannot be checked without it
            if key in self.keys:
                problem = _("%(where)s：引用了 %(key)s，但它在后面才定义（记录须按依赖顺序排列）")
            else:
                problem = _("%(where)s：引用了 %(key)s，但没有数据文件记录定义它")
            self.errors.append(problem % {"where": where, "key": key})
            return
        except Exception as error:  # the deserializer's conversion errors name the field
            self.failed.add(item.key)
            self.errors.append(f"{where}: {_messages(error)}")
            return
        label = item.model._meta.label_lower
        try:
            validate_citations(instance, self.citations(m2m.get("citations")))
        except ValidationError as error:
            self.errors.append(f"{where}: {_messages(error)}")
        if item.model is SourceReport:
            self.report_texts[item.key] = (instance.slug, instance.text)
        elif item.model is Citation and not self.check_quote(where, item.raw.get("fields") or {}):
            self.failed.add(item.key)
            return
        digest = _digest(item.raw, item.text)
        fixture = content_of(instance, m2m)
        record = self.records.get(item.key)
        if record is not None and getattr(record, "_adopted", False):
            record.fixture_digest = digest if _differences(fixture, record.content) == [] else ""
            record._adopted = False
        if record is None:
            self.write(item, instance, m2m, missing, None, digest)
            self.result.created[label] += 1
            return
        row = self.rows[item.model].get(self.ids.get(item.key))
        fixture_changed = record.fixture_digest != digest
        if row is None:  # deleted by staff
            change = Change(
                item.path.name,
                item.key,
                [
                    (name, _value(fixture, name), None)
                    for name in _differences(fixture, record.content)
                ]
                if fixture_changed
                else [],
                deleted=True,
            )
            if item.key in take_fixture:
                self.resolved(item.key, "fixture")
                self.write(item, instance, m2m, missing, record, digest)
                self.result.created[label] += 1
            elif not fixture_changed:
                self.result.kept_deletions.append(self.who(item.model, record.object_id, change))
            elif item.key in keep_current:
                self.resolved(item.key, "current")
                self.remember(record, item, digest)
                self.result.kept_deletions.append(self.who(item.model, record.object_id, change))
            else:
                self.result.conflicts.append(self.who(item.model, record.object_id, change))
            return
        current = content_of(row, _stored_m2m(row))
        # A field added since the last load (a migration's new column) is not in what the
        # loader remembers writing: the migration gave the row the field's default, which
        # is no staff edit (another value is).
        record.content = _with_new_fields(record.content, self.defaults(item.model))
        staff_changed = current != record.content
        if not staff_changed and not fixture_changed:
            self.result.unchanged[label] += 1
            return
        if not staff_changed:
            self.write(item, instance, m2m, missing, record, digest, row=row)
            self.result.updated[label] += 1
            return
        if fixture_changed and current == fixture:
            # Staff made the change the fixture now makes: nothing to write.
            record.content = current
            self.remember(record, item, digest)
            self.result.unchanged[label] += 1
            return
        differing = [
            (name, _value(fixture, name), _value(current, name))
            for name in _differences(fixture, current)
        ]
        change = Change(item.path.name, item.key, differing)
        if item.key in take_fixture:
            self.resolved(item.key, "fixture")
            self.write(item, instance, m2m, missing, record, digest, row=row)
            self.result.updated[label] += 1
        elif not fixture_changed:
            change.fields = [
                (name, _value(fixture, name), _value(current, name))
                for name in _differences(record.content, current)
            ]
            self.result.kept_edits.append(self.who(item.model, row.pk, change))
        elif item.key in keep_current:
            self.resolved(item.key, "current")
            self.remember(record, item, digest)
            self.result.kept_edits.append(self.who(item.model, row.pk, change))
        else:
            self.result.conflicts.append(self.who(item.model, row.pk, change))

    def defaults(self, model):
        """A new row's content: each field's default (for fields added by a migration)."""
        if model not in self._defaults:
            self._defaults[model] = content_of(model(), {})
        return self._defaults[model]

    def citations(self, ids):
        """The citations as rows in hand (their reports cached), so that checking a
        record's dates against its reports asks the database nothing; else the ids."""
        known = self.rows[Citation]
        if not ids or any(pk not in known for pk in ids):
            return ids
        reports = self.rows[SourceReport]
        rows = [known[pk] for pk in ids]
        for row in rows:
            if not Citation.report.is_cached(row) and row.report_id in reports:
                Citation.report.field.set_cached_value(row, reports[row.report_id])
        return rows

    def check_quote(self, where, fields):
        """Every quote is a verbatim passage of its report as the fixtures hold it
        (``reports/<slug>.txt``), whether or not this run writes the citation."""
        report = self.report_texts.get(fixture_key("sources.sourcereport", fields.get("report")))
        if report is not None and fields.get("quote") and fields["quote"] not in report[1]:
            self.errors.append(
                _("%(where)s：quote：在 reports/%(slug)s.txt 中找不到")
                % {"where": where, "slug": report[0]}
            )
            return False
        return True

    def resolved(self, key, side):
        self.result.resolved[key] = side

    def remember(self, record, item, digest):
        """Note the fixture as seen, without writing the row: staff's version stands."""
        record.fixture_digest = digest
        record.fixture_file = item.path.name
        if record not in self.changed_records and record.pk:
            self.changed_records.append(record)

    def write(self, item, instance, m2m, missing, record, digest, row=None):
        where = f"{item.path.name}: {item.key}"
        if missing:
            self.errors.append(
                _(
                    "%(where)s：引用了 %(keys)s，但工作人员已删除它"
                    "（用 --take-fixture 恢复，或修改数据文件）"
                )
                % {"where": where, "keys": ", ".join(missing)}
            )
            return
        if row is not None:
            # Update the stored row in place: its creation time (and any version counter)
            # stay; every content field takes the fixture's value.
            for model_field in _content_fields(item.model):
                setattr(row, model_field.attname, getattr(instance, model_field.attname))
            instance = row
        else:
            instance.pk = None
            instance._state.adding = True
        created = instance._state.adding
        try:
            with transaction.atomic():
                # Unique and check constraints are the database's: it refuses a row that
                # breaks one (below), so they are not asked for twice (a query each).
                instance.full_clean(validate_unique=False, validate_constraints=False)
                instance._change_reason = CHANGE_REASON
                # The history of the whole run is written at its end, in bulk (``history``).
                instance.skip_history_when_saving = True
                try:
                    version = instance.version
                    instance.save()
                    for m2m_field in item.model._meta.many_to_many:
                        ids = m2m.get(m2m_field.name, [])
                        if not created:
                            getattr(instance, m2m_field.name).set(ids)
                        elif ids:  # a new row has no relations to compare with
                            getattr(instance, m2m_field.name).add(*ids)
                finally:
                    del instance.skip_history_when_saving
        except IntegrityError as error:
            self.failed.add(item.key)
            self.errors.append(f"{where}: {_messages(_constraint_error(instance) or error)}")
            return
        except StaleRecord:
            # Saved by someone after this run read it (the conditional UPDATE of
            # ``utilities.concurrency``): their change is not overwritten.
            self.failed.add(item.key)
            self.errors.append(
                _("%(where)s：加载期间此记录已被他人修改，没有写入。请重新运行以比较其修改。")
                % {"where": where}
            )
            return
        except (ValidationError, DatabaseError, ValueError, ObjectDoesNotExist) as error:
            self.failed.add(item.key)
            self.errors.append(f"{where}: {_messages(error)}")
            return
        if created or instance.version != version:
            self.history[item.model].append((instance, created))
        written = content_of(instance, m2m)
        self.ids[item.key] = instance.pk
        self.keys_by_id[(item.model, instance.pk)] = item.key
        self.rows[item.model][instance.pk] = instance
        if record is None:
            record = FixtureRecord(
                key=item.key,
                content_type=ContentType.objects.get_for_model(item.model),
                object_id=instance.pk,
            )
            self.records[item.key] = record
            self.new_records.append(record)
        elif record.pk and record not in self.changed_records:
            self.changed_records.append(record)
        record.object_id = instance.pk
        record.fixture_file = item.path.name
        record.fixture_digest = digest
        record.content = written
        record.loaded_at = self.now

    def write_history(self):
        """One history row for every row the run wrote, with its links, in a few bulk
        inserts per model (one row at a time, django-simple-history took most of a first
        load's time)."""
        for model, written in self.history.items():
            manager = model.history
            rows = []
            for created in (True, False):
                objs = [instance for instance, was_created in written if was_created is created]
                if objs:
                    rows += manager.bulk_history_create(
                        objs,
                        batch_size=500,
                        update=not created,
                        default_change_reason=CHANGE_REASON,
                        default_date=self.now,
                    )
            tracked = getattr(manager.model, "_history_m2m_fields", [])
            for m2m_field in tracked:
                history_model = getattr(manager.model, m2m_field.name).model
                through = m2m_field.remote_field.through
                source = m2m_field.m2m_field_name()
                names = [f.attname for f in through._meta.concrete_fields]
                links = defaultdict(list)
                for values in through._base_manager.filter(
                    **{f"{source}_id__in": [row.pk for row in written_rows(written)]}
                ).values(*names):
                    links[values[f"{source}_id"]].append(values)
                history_model.objects.bulk_create(
                    [
                        history_model(history=row, **values)
                        for row in rows
                        for values in links[getattr(row, model._meta.pk.attname)]
                    ],
                    batch_size=500,
                )

    def who(self, model, object_id, change):
        """Who last changed the row, and when: its latest history record (the deletion
        record for a deleted row)."""
        latest = (
            model.history.filter(**{model._meta.pk.attname: object_id})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            .first()
        )
        if latest is not None:
            user = latest.history_user
            change.changed_by = user.get_username() if user else _("（未记录用户）")
            change.changed_at = latest.history_date
        else:
            change.changed_by = _("（无修改历史）")
        change.fields = [
            (name, self.display(model, name, fixture), self.display(model, name, current))
            for name, fixture, current in change.fields
        ]
        return change

    def display(self, model, name, value):
        """A value as the fixture would write it: references as fixture pks."""
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = next((f for f in model._meta.concrete_fields if f.attname == name), None)
        if value is None or model_field is None or not model_field.is_relation:
            return value
        related = model_field.related_model

        def as_pk(pk):
            key = self.keys_by_id.get((related, pk))
            return int(split_key(key)[1]) if key and split_key(key)[1].isdigit() else f"id={pk}"

        if isinstance(value, list):
            return [as_pk(pk) for pk in value]
        return as_pk(value)
