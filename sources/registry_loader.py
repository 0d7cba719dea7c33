"""Loading the registry from its fixtures: every record validated, every citation's quote
checked against its report's text, all in one transaction.

The fixtures are Django YAML fixtures in ``settings.REGISTRY_FIXTURES_DIR``: ``common.yaml``
first, then every other ``*.yaml`` in name order. A source report's text is not in the
fixture: it is read from ``reports/<slug>.txt`` beside them, byte for byte.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction

from sources.models import SourceReport

# Timestamps and derived columns are not part of a record's content.
IGNORED_FIELDS = {"created", "last_updated", "search_text", "version"}
FIRST_FILE = "common.yaml"
# Records that must cite at least one report.
CITED_MODELS = {
    "cities.relationship",
    "cities.reportedfigure",
    "exchanges.exchange",
    "awards.award",
}


class RegistryLoadError(Exception):
    def __init__(self, errors):
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the fixtures")


@dataclass
class LoadResult:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    @property
    def changed(self):
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def total(self):
        return self.changed + sum(self.unchanged.values())


def fixture_files(directory=None):
    directory = Path(directory or settings.REGISTRY_FIXTURES_DIR)
    files = sorted(directory.glob("*.yaml"))
    return sorted(files, key=lambda path: (path.name != FIRST_FILE, path.name))


def report_text(directory, slug):
    path = Path(directory) / "reports" / f"{slug}.txt"
    # Byte for byte: no newline translation.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _label(instance):
    return instance._meta.label_lower


def _content(instance):
    return {
        f.attname: f.value_from_object(instance)
        for f in instance._meta.concrete_fields
        if f.name not in IGNORED_FIELDS
    }


def _describe(path, instance):
    try:
        name = str(instance)
    except Exception:  # __str__ may follow a reference that does not exist
        name = "?"
    return f"{path.name}: {_label(instance)} pk={instance.pk} ({name})"


def _messages(error):
    if isinstance(error, ValidationError) and hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(values)}" for key, values in error.message_dict.items())
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, ObjectDoesNotExist):
        return f"refers to a record that does not exist ({error})"
    return str(error).strip().splitlines()[0]


def load(directory=None, progress=None):
    """Validate and write every fixture record; raise RegistryLoadError (with nothing
    written) when any record or quote is wrong. Must run inside a transaction."""
    directory = Path(directory or settings.REGISTRY_FIXTURES_DIR)
    result = LoadResult()
    errors = []
    seen_models = set()
    cited_without_citation = []
    for path in fixture_files(directory):
        if progress:
            progress(f"{path.name} …")
        try:
            with open(path, encoding="utf-8") as stream:
                objects = list(serializers.deserialize("yaml", stream))
        except Exception as error:  # a broken file: report it with its name, keep going
            errors.append(f"{path.name}: cannot be read: {_messages(error)}")
            continue
        stored = _stored_records(objects)
        for deserialized in objects:
            instance = deserialized.object
            model = type(instance)
            seen_models.add(model)
            if isinstance(instance, SourceReport) and not instance.text:
                try:
                    instance.text = report_text(directory, instance.slug)
                except OSError as error:
                    errors.append(f"{_describe(path, instance)}: no report text: {error}")
                    continue
            existing = stored[model].get(instance.pk)
            m2m = deserialized.m2m_data or {}
            if existing is not None:
                same_fields = _content(existing) == _content(instance)
                same_m2m = all(
                    {int(pk) for pk in values}
                    == {related.pk for related in getattr(existing, name).all()}
                    for name, values in m2m.items()
                )
                if same_fields and same_m2m:
                    result.unchanged[_label(instance)] += 1
                    if _label(instance) in CITED_MODELS and not m2m.get("citations"):
                        cited_without_citation.append(_describe(path, instance))
                    continue
                instance.created = existing.created
                instance._state.adding = False
            try:
                with transaction.atomic():
                    instance.full_clean()
                    instance._change_reason = "load_registry"
                    instance.save()
                    for name, values in m2m.items():
                        getattr(instance, name).set(values)
            except (ValidationError, DatabaseError, ValueError, ObjectDoesNotExist) as error:
                errors.append(f"{_describe(path, instance)}: {_messages(error)}")
                continue
            if _label(instance) in CITED_MODELS and not m2m.get("citations"):
                cited_without_citation.append(_describe(path, instance))
            bucket = result.updated if existing is not None else result.created
            bucket[_label(instance)] += 1
    errors += [f"{where}: cites no report" for where in cited_without_citation]
    if errors:
        raise RegistryLoadError(errors)
    _reset_sequences(seen_models)
    return result


def _stored_records(objects):
    """The rows these fixture records already have in the database, with their
    many-to-many relations, in a few queries per model rather than several per record."""
    pks_by_model = {}
    for deserialized in objects:
        pks_by_model.setdefault(type(deserialized.object), []).append(deserialized.object.pk)
    return {
        model: model._base_manager.prefetch_related(
            *(field.name for field in model._meta.many_to_many)
        ).in_bulk(pks)
        for model, pks in pks_by_model.items()
    }


def _reset_sequences(models):
    """Explicit primary keys leave PostgreSQL's sequences behind; move them on so staff
    can add records afterwards (loaddata does the same)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
