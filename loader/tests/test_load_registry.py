"""load_registry: atomic, idempotent, verifies every quote, and names the bad record."""

from io import StringIO

import pytest
import yaml
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from awards.models import Award
from cities.models import Place, Relationship, ReportedFigure
from exchanges.models import Exchange
from loader.registry_loader import fixture_files
from sources.models import Citation, SourceReport

REGISTRY_APPS = ("loader", "awards", "exchanges", "cities", "sources")


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("load_registry", *args, stdout=out, stderr=err, language="en")
    return out.getvalue(), err.getvalue()


def registry_models(include_auto_created=False):
    """The registry's own tables (history tables, which only grow, left out)."""
    return [
        model
        for app in REGISTRY_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=include_auto_created)
        if not model.__name__.startswith("Historical")
    ]


def counts():
    return {
        model._meta.label: model._base_manager.count()
        for model in registry_models(include_auto_created=True)
    }


def empty_registry():
    """Delete every registry row (inside the test's transaction, so it is rolled back)."""
    with connection.constraint_checks_disabled():
        for model in registry_models(include_auto_created=True):
            model._base_manager.all()._raw_delete(model._base_manager.db)


def test_loads_everything_into_an_empty_database(db):
    loaded = counts()
    empty_registry()
    assert Place.objects.count() == 0
    out, _ = run()
    assert "Loaded:" in out
    assert counts() == loaded
    assert SourceReport.objects.count() == 5
    # The report texts are the committed copies, byte for byte.
    for report in SourceReport.objects.all():
        with open(
            fixture_files()[0].parent / "reports" / f"{report.slug}.txt",
            encoding="utf-8",
            newline="",
        ) as handle:
            assert report.text == handle.read()


def test_second_run_changes_nothing_and_says_so(db):
    before = counts()
    out, _ = run()
    assert "No changes" in out
    assert counts() == before


def test_check_passes_and_writes_nothing(db):
    empty_registry()
    out, _ = run("--check")
    assert "Check passed" in out
    assert Place.objects.count() == 0


def test_every_cited_record_cites_a_report_and_every_quote_is_verbatim(db):
    for model in (Relationship, Exchange, Award, ReportedFigure):
        assert not model.objects.filter(citations__isnull=True).exists(), model
    for citation in Citation.objects.select_related("report"):
        assert citation.quote in citation.report.text, citation.pk


def corrupt_first_quote(fixtures_dir):
    """Change one character-run of the first citation in the fixtures; return its file and pk."""
    for path in sorted(fixtures_dir.glob("*.yaml")):
        records = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for record in records:
            if record["model"] == "sources.citation":
                record["fields"]["quote"] += "（篡改）"
                path.write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
                return path, record["pk"]
    raise AssertionError("the fixtures hold no citation")


def test_a_corrupted_quote_fails_naming_the_record_and_writes_nothing(db, fixtures_copy):
    path, pk = corrupt_first_quote(fixtures_copy)
    empty_registry()
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(
            "load_registry", "--fixtures-dir", str(fixtures_copy), stderr=err, language="en"
        )
    message = err.getvalue()
    assert f"{path.name}: sources.citation:{pk}:" in message
    assert "quote" in message
    assert Place.objects.count() == 0
    assert SourceReport.objects.count() == 0


def test_an_invalid_record_is_listed_with_its_file(db, fixtures_copy):
    broken = fixtures_copy / "zz-broken.yaml"
    broken.write_text(
        "- model: cities.place\n  pk: 990\n  fields: {slug: test-broken, name_zh: 坏, "
        "level: city, country: JP, latitude: '95.0', longitude: '10.0'}\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_registry", "--fixtures-dir", str(fixtures_copy), stderr=err, language="en"
        )
    assert "zz-broken.yaml: cities.place:990:" in err.getvalue()
    assert "latitude" in err.getvalue()
    assert not Place.objects.filter(slug="test-broken").exists()
